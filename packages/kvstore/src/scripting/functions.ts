import { CommandError } from '../command-error.js';
import type { KvServer } from '../server/kv-server.js';
import { LuaEnvironment } from './environment.js';
import { LuaType, LuaVm } from './lua-vm.js';
import { pushErrorTable } from './redis-api.js';
import type { Rand48 } from './sandbox.js';
import type { Runnable, RunRequest } from './script-runner.js';
import { FLAG_NAMES, noFlags, type ScriptFlags } from './shebang.js';

/** One registered function. */
export interface LuaFunction extends Runnable {
  readonly name: string;
  readonly library: string;
  readonly description: string | undefined;
  readonly flags: ScriptFlags;
}

export interface Library {
  readonly name: string;
  readonly code: string;
  readonly functions: Map<string, LuaFunction>;
}

const NAME = /^[A-Za-z0-9_]+$/;
const NAME_ERROR =
  'Library names can only contain letters, numbers, or underscores(_) and must be at least one character long';

/**
 * Lua code run once in the functions' state: the API FUNCTION LOAD sees as globals (only
 * redis.register_function, redis.log and the constants, as Redis 7.0), every other name
 * raising the nonexistent-global error.
 */
const LOAD_API = `
local register, log, consts = ...
local error, tostring, pairs, setmetatable = error, tostring, pairs, setmetatable
local function missing(_, name)
  error("Script attempted to access nonexistent global variable '" .. tostring(name) .. "'", 2)
end
local function refuse() error('Attempt to modify a readonly table', 2) end
local r = {register_function = register, log = log}
for k, v in pairs(consts) do r[k] = v end
return setmetatable({redis = setmetatable(r, {__index = missing, __newindex = refuse})}, {__index = missing})
`;

/** Parses `#!lua name=<lib>`: the library name. */
function parseLibraryShebang(code: string): string {
  if (!code.startsWith('#!')) throw new CommandError('ERR Missing library metadata');
  const end = code.indexOf('\n');
  const parts = code
    .slice(2, end < 0 ? code.length : end)
    .split(' ')
    .filter((part) => part !== '');
  const engine = parts[0] ?? '';
  if (engine.toLowerCase() !== 'lua') throw new CommandError(`ERR Engine '${engine}' not found`);
  let name: string | undefined;
  for (const part of parts.slice(1)) {
    if (!part.startsWith('name='))
      throw new CommandError(`ERR Invalid metadata value given: ${part}`);
    name = part.slice(5);
  }
  if (name === undefined) throw new CommandError('ERR Library name was not given');
  if (!NAME.test(name)) throw new CommandError(`ERR ${NAME_ERROR}`);
  return name;
}

/** Redis 7.0 function libraries, in a Lua state of their own. */
export class FunctionLibraries {
  readonly env: LuaEnvironment;
  readonly libraries = new Map<string, Library>();
  readonly functions = new Map<string, LuaFunction>();
  private readonly loadApiRef: number;
  /** The library being loaded (register_function adds to it). */
  private loading: Library | undefined;

  constructor(server: KvServer, rand: Rand48) {
    this.env = new LuaEnvironment(server, LuaVm.create(), rand);
    const vm = this.env.vm;
    const error = vm.load(LOAD_API, '=function-load-api');
    if (error !== undefined) throw new Error(error);
    vm.pushFunction((vm) => this.register(vm));
    this.env.runner.pushGlobal('redis');
    vm.getField(-1, 'log');
    vm.remove(-2);
    vm.newTable();
    this.env.runner.pushGlobal('redis');
    for (const name of [
      'REDIS_VERSION',
      'REDIS_VERSION_NUM',
      'LOG_DEBUG',
      'LOG_VERBOSE',
      'LOG_NOTICE',
      'LOG_WARNING',
    ]) {
      vm.getField(-1, name);
      vm.setField(-3, name);
    }
    vm.pop(1);
    if (!vm.pcall(3, 1, 0)) throw new Error(vm.toString(-1));
    this.loadApiRef = vm.ref();
  }

  /** Bytes of the libraries' code (INFO used_memory_functions). */
  get codeBytes(): number {
    let total = 0;
    for (const library of this.libraries.values()) total += library.code.length + 100;
    return total;
  }

  get functionCount(): number {
    return this.functions.size;
  }

  /** FUNCTION LOAD [REPLACE]: returns the library name. */
  load(code: string, replace: boolean): string {
    const name = parseLibraryShebang(code);
    const old = this.libraries.get(name);
    if (old && !replace) throw new CommandError(`ERR Library '${name}' already exists`);
    const library: Library = { name, code, functions: new Map() };
    this.runLibraryCode(library);
    if (library.functions.size === 0) throw new CommandError('ERR No functions registered');
    for (const fn of library.functions.keys()) {
      const existing = this.functions.get(fn);
      if (existing && existing.library !== name) {
        this.release(library);
        throw new CommandError(`ERR Function ${fn} already exists`);
      }
    }
    if (old) this.remove(old);
    this.libraries.set(name, library);
    for (const fn of library.functions.values()) this.functions.set(fn.name, fn);
    return name;
  }

  delete(name: string): void {
    const library = this.libraries.get(name);
    if (!library) throw new CommandError('ERR Library not found');
    this.remove(library);
  }

  flush(): void {
    for (const library of [...this.libraries.values()]) this.remove(library);
  }

  /** FCALL / FCALL_RO. */
  call(name: string, request: Omit<RunRequest, 'name' | 'style'>): void {
    const fn = this.functions.get(name);
    if (!fn) throw new CommandError('ERR Function not found');
    this.env.runner.run(fn, { ...request, name, style: 'function' });
  }

  /** FUNCTION LOAD commands recreating every library (snapshots, AOF rewrite, DUMP). */
  loadCommands(): string[][] {
    return [...this.libraries.values()].map((library) => [
      'FUNCTION',
      'LOAD',
      'REPLACE',
      library.code,
    ]);
  }

  private remove(library: Library): void {
    for (const fn of library.functions.keys()) this.functions.delete(fn);
    this.libraries.delete(library.name);
    this.release(library);
  }

  private release(library: Library): void {
    for (const fn of library.functions.values()) this.env.vm.unref(fn.ref);
  }

  /** Runs the library's code with the load API as globals; its register_function calls fill it. */
  private runLibraryCode(library: Library): void {
    const vm = this.env.vm;
    const error = vm.load(`--${library.code}`, '@user_function');
    if (error !== undefined) throw new CommandError(`ERR Error compiling function: ${error}`);
    const chunk = vm.ref();
    vm.setTop(0);
    this.env.runner.pushGlobal('__redis__err__handler');
    vm.pushRef(chunk);
    vm.unref(chunk);
    this.setGlobalsIndex(this.loadApiRef);
    this.loading = library;
    let ok: boolean;
    try {
      ok = vm.pcall(0, 0, 1);
    } finally {
      this.loading = undefined;
      this.setGlobalsIndex(this.env.sandbox.globals);
    }
    if (!ok) {
      const message =
        vm.type(-1) === LuaType.table && vm.getField(-1, 'err') === LuaType.string
          ? vm.toString(-1)!
          : (vm.toString(-1) ?? 'unknown error');
      vm.setTop(0);
      this.release(library);
      throw new CommandError(`ERR Error registering functions: ${message}`);
    }
    vm.setTop(0);
  }

  private setGlobalsIndex(ref: number): void {
    const vm = this.env.vm;
    vm.pushRef(this.env.sandbox.globalsMeta);
    vm.pushRef(ref);
    vm.setField(-2, '__index');
    vm.pop(1);
  }

  /** redis.register_function(name, callback) or redis.register_function{...}. */
  private register(vm: LuaVm): number {
    const library = this.loading;
    const fail = (text: string): never => {
      vm.setTop(0);
      pushErrorTable(vm, text);
      return vm.raiseError();
    };
    if (!library)
      return fail('redis.register_function can only be called on FUNCTION LOAD command');
    let name: string | undefined;
    let description: string | undefined;
    const flags = noFlags();
    let callbackIndex: number;
    if (vm.top() === 1 && vm.type(1) === LuaType.table) {
      callbackIndex = 0;
      vm.pushNil();
      while (vm.next(1)) {
        const key = vm.type(-2) === LuaType.string ? vm.toString(-2) : undefined;
        if (key === 'function_name') {
          if (vm.type(-1) !== LuaType.string) {
            fail('function_name argument given to redis.register_function must be a string');
          }
          name = vm.toString(-1);
        } else if (key === 'description') {
          if (vm.type(-1) !== LuaType.string) {
            fail('description argument given to redis.register_function must be a string');
          }
          description = vm.toString(-1);
        } else if (key === 'callback') {
          if (vm.type(-1) !== LuaType.function) {
            fail('callback argument given to redis.register_function must be a function');
          }
          vm.pushValue(-1);
          vm.insert(2);
          callbackIndex = 2;
          vm.pop(1);
          continue;
        } else if (key === 'flags') {
          if (vm.type(-1) !== LuaType.table) {
            fail(
              'flags argument to redis.register_function must be a table representing function flags',
            );
          }
          for (let i = 1; vm.getIndex(-1, i) !== LuaType.nil; i++) {
            const flag = vm.type(-1) === LuaType.string ? FLAG_NAMES[vm.toString(-1)!] : undefined;
            if (!flag) fail('unknown flag given');
            flags[flag!] = true;
            vm.pop(1);
          }
          vm.pop(1);
        } else fail('unknown argument given to redis.register_function');
        vm.pop(1);
      }
      if (name === undefined) fail('redis.register_function must get a function name argument');
      if (callbackIndex === 0) fail('redis.register_function must get a callback argument');
    } else {
      if (vm.top() !== 2) fail('wrong number of arguments to redis.register_function');
      if (vm.type(1) !== LuaType.string)
        fail('first argument to redis.register_function must be a string');
      if (vm.type(2) !== LuaType.function) {
        fail('second argument to redis.register_function must be a function');
      }
      name = vm.toString(1);
      callbackIndex = 2;
    }
    if (!NAME.test(name!)) fail(NAME_ERROR);
    if (library.functions.has(name!)) fail('Function already exists in the library');
    vm.pushValue(callbackIndex);
    library.functions.set(name!, {
      name: name!,
      library: library.name,
      description,
      flags,
      ref: vm.ref(),
    });
    return 0;
  }
}
