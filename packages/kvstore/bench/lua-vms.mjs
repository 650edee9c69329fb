#!/usr/bin/env node
/**
 * The measurements behind the choice of Lua VM (README, "Scripting"): start-up of a state with
 * the standard libraries, round trips per second of a Lua loop calling a JavaScript function
 * with a string argument and result (what redis.call costs at the boundary), and memory.
 * The candidates are not dependencies: install them in a scratch directory first.
 *
 *   mkdir /tmp/luavms && (cd /tmp/luavms && npm init -y && npm i wasmoon-lua5.1@1.18 wasmoon@1.16 fengari@0.1.5)
 *   for vm in wasmoon-lua5.1 wasmoon fengari; do node bench/lua-vms.mjs /tmp/luavms $vm; done
 */
import { createRequire } from 'node:module';
const require = createRequire(`${process.argv[2]}/`);
const which = process.argv[3];
const N = 200000;
const mem0 = process.memoryUsage();
let t0 = performance.now();
let run;
if (which === 'wasmoon-lua5.1' || which === 'wasmoon') {
  const mod = require(which);
  const LuaApi = mod.LuaApi ?? mod.LuaWasm;
  const api = await LuaApi.initialize();
  const m = api.module;
  const L = m._luaL_newstate();
  m._luaL_openlibs(L);
  const startup = performance.now() - t0;
  // raw C function: pushes its first argument back (bytes through the heap).
  const len = m._malloc(4);
  const fn = m.addFunction((l) => {
    const p = m._lua_tolstring(l, 1, len);
    const n = m.HEAPU32[len >> 2];
    const s = Buffer.from(m.HEAPU8.buffer, p, n).toString('latin1');
    const out = Buffer.from(s + 'x', 'latin1');
    const q = m._malloc(out.length);
    m.HEAPU8.set(out, q);
    m._lua_pushlstring(l, q, out.length);
    m._free(q);
    return 1;
  }, 'ii');
  m._lua_pushcclosure(L, fn, 0);
  const name = Buffer.from('call\0');
  const np = m._malloc(8);
  m.HEAPU8.set(name, np);
  if (which === 'wasmoon') m._lua_setglobal(L, np);
  else m._lua_setfield(L, -10002, np);
  const code = Buffer.from(`local n=0 for i=1,${N} do local r=call('INCR') n=n+#r end return n\0`);
  const cp = m._malloc(code.length);
  m.HEAPU8.set(code, cp);
  run = () => {
    if ((which === 'wasmoon' ? m._luaL_loadstring(L, cp) : m._luaL_loadstring(L, cp)) !== 0)
      throw new Error('load');
    if ((which === 'wasmoon' ? m._lua_pcallk(L, 0, 1, 0, 0, 0) : m._lua_pcall(L, 0, 1, 0)) !== 0)
      throw new Error('run');
    m._lua_settop(L, 0);
  };
  report(startup);
} else {
  const fengari = require('fengari');
  const { lua, lauxlib, lualib, to_luastring } = fengari.default ?? fengari;
  const L = lauxlib.luaL_newstate();
  lualib.luaL_openlibs(L);
  const startup = performance.now() - t0;
  lua.lua_pushcfunction(L, (l) => {
    const s = lua.lua_tolstring(l, 1);
    const out = new Uint8Array(s.length + 1);
    out.set(s);
    out[s.length] = 120;
    lua.lua_pushlstring(l, out, out.length);
    return 1;
  });
  lua.lua_setglobal(L, to_luastring('call'));
  const code = to_luastring(`local n=0 for i=1,${N} do local r=call('INCR') n=n+#r end return n`);
  run = () => {
    if (lauxlib.luaL_loadstring(L, code) !== 0) throw new Error('load');
    if (lua.lua_pcall(L, 0, 1, 0) !== 0) throw new Error('run');
    lua.lua_settop(L, 0);
  };
  report(startup);
}
function report(startup) {
  run();
  t0 = performance.now();
  run();
  run();
  const t = (performance.now() - t0) / 2;
  const mem = process.memoryUsage();
  console.log(
    `${which}: start-up ${startup.toFixed(1)} ms, ${Math.round(N / (t / 1000))} JS calls/s, rss +${((mem.rss - mem0.rss) / 1048576).toFixed(1)} MiB, heap +${((mem.heapUsed - mem0.heapUsed) / 1048576).toFixed(1)} MiB`,
  );
}
