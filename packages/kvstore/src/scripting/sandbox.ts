import { LuaError, type LuaVm } from './lua-vm.js';
import { pushBitLibrary } from './libs/bit.js';
import { pushCjsonLibrary } from './libs/cjson.js';
import { pushCmsgpackLibrary } from './libs/cmsgpack.js';
import { checkNumber } from './libs/lib-args.js';
import { pushStructLibrary } from './libs/struct.js';

/**
 * The global environment scripts see, as Redis 7.0 sets it up: the base, table, string and math
 * libraries plus cjson, cmsgpack, struct and bit; no os, io, package, require, loadfile, dofile,
 * print or debug; math.random from Redis's rand48 (one sequence for the whole server, as in Redis 7.0); and every
 * global and library table read-only.
 *
 * Redis marks tables read-only inside its patched Lua; stock Lua 5.1 has no such flag, so the
 * protection is built from metatables: the globals table stays empty and reads through
 * __index from a hidden table, writes go to __newindex which raises Redis's error; library
 * tables are replaced by such proxies too, and rawset refuses them. Reading a missing global
 * raises Redis's "Script attempted to access nonexistent global variable" error.
 */

/** The globals Redis 7.0 leaves to scripts (besides KEYS, ARGV and the libraries). */
const KEPT_GLOBALS = [
  '_G',
  '_VERSION',
  'assert',
  'collectgarbage',
  'coroutine',
  'error',
  'gcinfo',
  'getmetatable',
  'ipairs',
  'load',
  'loadstring',
  'math',
  'next',
  'pairs',
  'pcall',
  'rawequal',
  'rawget',
  'rawset',
  'select',
  'setmetatable',
  'string',
  'table',
  'tonumber',
  'tostring',
  'type',
  'unpack',
  'xpcall',
];

/** Protected library tables. */
const LIBRARIES = [
  'string',
  'table',
  'math',
  'coroutine',
  'redis',
  'cjson',
  'cmsgpack',
  'struct',
  'bit',
];

/**
 * Redis's error handler (luaCreateErrorHandler): every error becomes a table
 * {err=..., source=..., line=...} naming where the script failed.
 */
const SETUP = `
local dbg = debug
local _G, pairs, ipairs, setmetatable, error, tostring, type, rawget = _G, pairs, ipairs, setmetatable, error, tostring, type, rawget
local keep = {}
for _, name in ipairs({${KEPT_GLOBALS.map((n) => `'${n}'`).join(',')}, 'redis', 'cjson', 'cmsgpack', 'struct', 'bit'}) do keep[name] = true end
__redis__err__handler = function(err)
  local level = 2
  local i = dbg.getinfo(level, 'nSl')
  if i and i.what == 'C' then
    level = level + 1
    i = dbg.getinfo(level, 'nSl')
  end
  -- The sandbox's own protection functions stand where Redis's C code does: skip them.
  while i and i.source == '=sandbox' do
    level = level + 1
    i = dbg.getinfo(level, 'nSl')
  end
  if type(err) ~= 'table' then
    err = {err = 'ERR ' .. tostring(err)}
  end
  if i then
    err['source'] = i.source
    err['line'] = i.currentline
  end
  return err
end
keep.__redis__err__handler = true
local names = {}
for name in pairs(_G) do names[#names + 1] = name end
for _, name in ipairs(names) do
  if not keep[name] then _G[name] = nil end
end
local hidden = {}
for name, value in pairs(_G) do hidden[name] = value end
local readonly = setmetatable({}, {__mode = 'k'})
local function refuse() error('Attempt to modify a readonly table', 2) end
local function protect(t)
  local proxy = setmetatable({}, {__index = t, __newindex = refuse, __metatable = false})
  readonly[proxy] = true
  return proxy
end
for _, name in ipairs({${LIBRARIES.map((n) => `'${n}'`).join(',')}}) do
  if hidden[name] then hidden[name] = protect(hidden[name]) end
end
-- Redis 7.0's pcall hands back the text of an error table ({err=...}), not the table.
local pcall_ = pcall
local function pcallResult(ok, ...)
  if ok then return ok, ... end
  local e = ...
  if type(e) == 'table' and type(rawget(e, 'err')) == 'string' then e = rawget(e, 'err') end
  return false, e
end
hidden.pcall = function(...) return pcallResult(pcall_(...)) end
local rawset_ = rawset
hidden.rawset = function(t, k, v)
  if readonly[t] then error('Attempt to modify a readonly table', 2) end
  return rawset_(t, k, v)
end
setmetatable(hidden, {__index = function(_, name)
  error("Script attempted to access nonexistent global variable '" .. tostring(name) .. "'", 2)
end})
for _, name in ipairs(names) do rawset_(_G, name, nil) end
for name in pairs(_G) do rawset_(_G, name, nil) end
hidden._G = _G
readonly[_G] = true
local globalsMeta = {__index = hidden, __newindex = refuse, __metatable = false}
setmetatable(_G, globalsMeta)
return hidden, globalsMeta
`;

/** Redis's rand48 (redisLrand48/redisSrand48), so math.random gives Redis's sequence. */
export class Rand48 {
  /** rand48's initial state (Redis never seeds it unless a script calls math.randomseed). */
  private x = 0x1234abcd330en;

  seed(value: number): void {
    this.x = ((BigInt(value | 0) & 0xffffffffn) << 16n) | 0x330en;
  }

  next(): number {
    this.x = (this.x * 0x5deece66dn + 0xbn) & 0xffffffffffffn;
    return Number(this.x >> 17n);
  }
}

const LRAND48_MAX = 2147483647;

function pushMathRandom(vm: LuaVm, rand: Rand48): void {
  vm.getGlobal('math');
  vm.pushFunction((vm) => {
    const r = (rand.next() % LRAND48_MAX) / LRAND48_MAX;
    const n = vm.top();
    if (n === 0) vm.pushNumber(r);
    else if (n === 1) {
      const u = Math.trunc(checkNumber(vm, 1, 'random'));
      if (u < 1) throw new LuaError("bad argument #1 to 'random' (interval is empty)");
      vm.pushNumber(Math.floor(r * u) + 1);
    } else if (n === 2) {
      const l = Math.trunc(checkNumber(vm, 1, 'random'));
      const u = Math.trunc(checkNumber(vm, 2, 'random'));
      if (l > u) throw new LuaError("bad argument #2 to 'random' (interval is empty)");
      vm.pushNumber(Math.floor(r * (u - l + 1)) + l);
    } else throw new LuaError('wrong number of arguments');
    return 1;
  });
  vm.setField(-2, 'random');
  vm.pushFunction((vm) => {
    rand.seed(Math.trunc(checkNumber(vm, 1, 'randomseed')));
    return 0;
  });
  vm.setField(-2, 'randomseed');
  vm.pop(1);
}

/** Registry references of the sandbox's tables. */
export interface Sandbox {
  /** The hidden table globals are read from (KEYS and ARGV are set there). */
  readonly globals: number;
  /** The metatable of _G: FUNCTION LOAD points its __index at the loading API meanwhile. */
  readonly globalsMeta: number;
}

/** Builds the environment in a fresh VM. `pushRedis` leaves the `redis` table on the stack. */
export function setUpSandbox(vm: LuaVm, rand: Rand48, pushRedis: () => void): Sandbox {
  vm.openLibraries();
  pushMathRandom(vm, rand);
  pushCjsonLibrary(vm);
  vm.setGlobal('cjson');
  pushCmsgpackLibrary(vm);
  vm.setGlobal('cmsgpack');
  pushStructLibrary(vm);
  vm.setGlobal('struct');
  pushBitLibrary(vm);
  vm.setGlobal('bit');
  pushRedis();
  vm.setGlobal('redis');
  const error = vm.load(SETUP, '=sandbox');
  if (error !== undefined) throw new Error(error);
  if (!vm.pcall(0, 2, 0)) throw new Error(vm.toString(-1));
  const globalsMeta = vm.ref();
  return { globals: vm.ref(), globalsMeta };
}
