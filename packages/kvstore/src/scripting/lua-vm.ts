import { LuaApi } from 'wasmoon-lua5.1';

/**
 * The adapter between the scripting engine and the Lua VM: a Lua 5.1 state in WebAssembly
 * (npm `wasmoon-lua5.1`, chosen on the measurements in the README). Only the raw C API of the
 * module is used: strings cross the boundary as bytes through the wasm heap (latin1 JS strings,
 * one char per byte, binary safe), not through wasmoon's UTF-8 conversions. Everything the
 * engine needs from a VM is on this class, so another VM can be put behind it.
 */

/** Lua 5.1 type tags (lua.h). */
export const LuaType = {
  none: -1,
  nil: 0,
  boolean: 1,
  lightuserdata: 2,
  number: 3,
  string: 4,
  table: 5,
  function: 6,
  userdata: 7,
  thread: 8,
} as const;

const LUA_REGISTRYINDEX = -10000;
const LUA_GLOBALSINDEX = -10002;
const LUA_MASKCOUNT = 8;
const MULTRET = -1;

/** A C function implemented in JavaScript: reads its arguments from the stack, returns the count of results. */
export type LuaCFunction = (vm: LuaVm) => number;

/** Raised inside a LuaCFunction to make it raise a Lua error with this value on the stack top. */
class LuaRaise extends Error {}

/** The module's exported C functions we call (wasm pointers and numbers). */
interface LuaModule {
  HEAPU8: Uint8Array;
  HEAPU32: Uint32Array;
  HEAP32: Int32Array;
  _malloc(size: number): number;
  _free(pointer: number): void;
  addFunction(fn: (...args: number[]) => number | undefined, signature: string): number;
  [name: `_lua${string}`]: (...args: number[]) => number;
}

let modulePromise: Promise<LuaModule> | undefined;
let loadedModule: LuaModule | undefined;

/** Loads and compiles the WebAssembly module once per process. */
function loadModule(): Promise<LuaModule> {
  modulePromise ??= LuaApi.initialize().then((api) => {
    loadedModule = api.module as unknown as LuaModule;
    return loadedModule;
  });
  return modulePromise;
}

export class LuaVm {
  readonly L: number;
  private readonly m: LuaModule;
  /** Scratch memory: a size_t for lengths, and a growing buffer for strings pushed. */
  private readonly lenPtr: number;
  /** A lua_Debug (5.1: 9 ints and pointers, short_src[60] at offset 36, i_ci). */
  private readonly debugInfo: number;
  private scratch: number;
  private scratchSize = 4096;
  private readonly names = new Map<string, number>();
  /** The JS error a C function threw, rethrown once control is back in JS. */
  private hostError: unknown;
  private hookFn = 0;
  private hook: (() => void) | undefined;

  private constructor(m: LuaModule) {
    this.m = m;
    this.L = m._luaL_newstate();
    this.lenPtr = m._malloc(8);
    this.debugInfo = m._malloc(128);
    this.scratch = m._malloc(this.scratchSize);
  }

  /** Loads the module if needed, then creates a state. */
  static async load(): Promise<void> {
    await loadModule();
  }

  /** A new Lua state; LuaVm.load() must have completed once in this process. */
  static create(): LuaVm {
    if (!loadedModule) throw new Error('the Lua module is not loaded');
    return new LuaVm(loadedModule);
  }

  /** Opens every standard library (the engine then removes what Redis does not offer). */
  openLibraries(): void {
    this.m._luaL_openlibs(this.L);
  }

  close(): void {
    this.m._lua_close(this.L);
  }

  /** Bytes the Lua heap holds (lua_gc LUA_GCCOUNT/COUNTB). */
  memoryBytes(): number {
    return this.m._lua_gc(this.L, 3, 0) * 1024 + this.m._lua_gc(this.L, 4, 0);
  }

  collectGarbage(): void {
    this.m._lua_gc(this.L, 2, 0);
  }

  // ---- stack ----

  top(): number {
    return this.m._lua_gettop(this.L);
  }

  setTop(index: number): void {
    this.m._lua_settop(this.L, index);
  }

  pop(n: number): void {
    this.m._lua_settop(this.L, -n - 1);
  }

  type(index: number): number {
    return this.m._lua_type(this.L, index);
  }

  pushValue(index: number): void {
    this.m._lua_pushvalue(this.L, index);
  }

  remove(index: number): void {
    this.m._lua_remove(this.L, index);
  }

  insert(index: number): void {
    this.m._lua_insert(this.L, index);
  }

  pushNil(): void {
    this.m._lua_pushnil(this.L);
  }

  pushNumber(n: number): void {
    this.m._lua_pushnumber(this.L, n);
  }

  pushBoolean(b: boolean): void {
    this.m._lua_pushboolean(this.L, b ? 1 : 0);
  }

  /** Pushes a latin1 string as its bytes. */
  pushString(text: string): void {
    const n = text.length;
    const p = this.reserve(n);
    const heap = this.m.HEAPU8;
    if (n > 64) heap.set(Buffer.from(text, 'latin1'), p);
    else for (let i = 0; i < n; i++) heap[p + i] = text.charCodeAt(i);
    this.m._lua_pushlstring(this.L, p, n);
  }

  pushBytes(bytes: Uint8Array): void {
    const p = this.reserve(bytes.length);
    this.m.HEAPU8.set(bytes, p);
    this.m._lua_pushlstring(this.L, p, bytes.length);
  }

  pushLightUserdata(pointer: number): void {
    this.m._lua_pushlightuserdata(this.L, pointer);
  }

  toUserdata(index: number): number {
    return this.m._lua_touserdata(this.L, index);
  }

  toNumber(index: number): number {
    return this.m._lua_tonumber(this.L, index);
  }

  toBoolean(index: number): boolean {
    return this.m._lua_toboolean(this.L, index) !== 0;
  }

  /** lua_isnumber: a number or a string convertible to one. */
  isNumber(index: number): boolean {
    return this.m._lua_isnumber(this.L, index) !== 0;
  }

  /** lua_isstring: a string or a number. */
  isString(index: number): boolean {
    return this.m._lua_isstring(this.L, index) !== 0;
  }

  /** lua_tolstring as a latin1 string (converts numbers in place, as Lua does); undefined if neither. */
  toString(index: number): string | undefined {
    const p = this.m._lua_tolstring(this.L, index, this.lenPtr);
    if (p === 0) return undefined;
    const n = this.m.HEAPU32[this.lenPtr >> 2]!;
    const heap = this.m.HEAPU8;
    if (n > 64) return Buffer.from(heap.buffer, heap.byteOffset + p, n).toString('latin1');
    let out = '';
    for (let i = 0; i < n; i++) out += String.fromCharCode(heap[p + i]!);
    return out;
  }

  /** The bytes of a string value (a copy). */
  toBytes(index: number): Buffer | undefined {
    const p = this.m._lua_tolstring(this.L, index, this.lenPtr);
    if (p === 0) return undefined;
    const n = this.m.HEAPU32[this.lenPtr >> 2]!;
    return Buffer.from(this.m.HEAPU8.subarray(p, p + n));
  }

  // ---- tables ----

  newTable(arraySize = 0, hashSize = 0): void {
    this.m._lua_createtable(this.L, arraySize, hashSize);
  }

  /** t[key] = top value (pops it), t at `index`, raw. */
  setField(index: number, key: string): void {
    this.pushString(key);
    this.insert(-2);
    this.m._lua_rawset(this.L, index < 0 && index > LUA_REGISTRYINDEX ? index - 1 : index);
  }

  /** Pushes t[key], raw. */
  getField(index: number, key: string): number {
    const absolute = index < 0 && index > LUA_REGISTRYINDEX ? this.top() + index + 1 : index;
    this.pushString(key);
    this.m._lua_rawget(this.L, absolute);
    return this.type(-1);
  }

  /** t[k] = v with t, k, v the top three values (pops k and v), raw. */
  rawSetTop(): void {
    this.m._lua_rawset(this.L, -3);
  }

  /** Pushes t[k] for the key on the top (replaces it), t at `index`, raw. */
  rawGetTop(index: number): number {
    this.m._lua_rawget(this.L, index);
    return this.type(-1);
  }

  /** t[i] = top value (pops it), raw. */
  setIndex(index: number, i: number): void {
    this.m._lua_rawseti(this.L, index, i);
  }

  /** Pushes t[i], raw; returns its type. */
  getIndex(index: number, i: number): number {
    this.m._lua_rawgeti(this.L, index, i);
    return this.type(-1);
  }

  /** lua_next: pops a key, pushes the next key and value; false at the end. */
  next(index: number): boolean {
    return this.m._lua_next(this.L, index) !== 0;
  }

  /** #t (lua_objlen). */
  length(index: number): number {
    return this.m._lua_objlen(this.L, index);
  }

  setMetatable(index: number): void {
    this.m._lua_setmetatable(this.L, index);
  }

  /** Pushes a global (raw read of the globals table). */
  getGlobal(name: string): number {
    return this.getField(LUA_GLOBALSINDEX, name);
  }

  /** Sets a global to the top value (pops it), raw. */
  setGlobal(name: string): void {
    this.setField(LUA_GLOBALSINDEX, name);
  }

  pushGlobalsTable(): void {
    this.pushValue(LUA_GLOBALSINDEX);
  }

  /** Pops the top value into the registry; returns its reference. */
  ref(): number {
    return this.m._luaL_ref(this.L, LUA_REGISTRYINDEX);
  }

  unref(reference: number): void {
    this.m._luaL_unref(this.L, LUA_REGISTRYINDEX, reference);
  }

  pushRef(reference: number): void {
    this.m._lua_rawgeti(this.L, LUA_REGISTRYINDEX, reference);
  }

  // ---- functions ----

  /**
   * Pushes a C function implemented in JS. A JS exception thrown by it becomes a Lua error
   * (message: the exception's message) unless raised with raiseError (value on the stack).
   */
  pushFunction(fn: LuaCFunction): void {
    const pointer = this.m.addFunction((L: number): number => {
      if (L !== this.L) return this.callForeign(fn, L);
      let result: number;
      try {
        result = fn(this);
      } catch (err) {
        this.pushThrown(err);
        return this.m._lua_error(this.L);
      }
      return result;
    }, 'ii');
    this.m._lua_pushcclosure(this.L, pointer, 0);
  }

  /** Coroutines run on another lua_State: the same function runs with the state swapped. */
  private callForeign(fn: LuaCFunction, L: number): number {
    const self = this as { L: number };
    const saved = self.L;
    self.L = L;
    try {
      let result: number;
      try {
        result = fn(this);
      } catch (err) {
        this.pushThrown(err);
        self.L = saved;
        return this.m._lua_error(L);
      }
      return result;
    } finally {
      self.L = saved;
    }
  }

  /**
   * The error value of an exception thrown by a C function: a LuaError's message prefixed
   * with the caller's position as luaL_error does ("user_script:1: ..."); a raiseError()
   * leaves its value; any other exception is a bug, rethrown after the pcall.
   */
  private pushThrown(err: unknown): void {
    if (err instanceof LuaRaise) return;
    if (!(err instanceof LuaError)) this.hostError = err;
    this.pushString(`${this.where(1)}${err instanceof Error ? err.message : String(err)}`);
  }

  /** luaL_where: "chunk:line: " of the function at `level` of the call stack, or "". */
  where(level: number): string {
    const ar = this.debugInfo;
    if (this.m._lua_getstack(this.L, level, ar) === 0) return '';
    this.m._lua_getinfo(this.L, this.cString('Sl'), ar);
    const line = this.m.HEAP32[(ar + 20) >> 2]!;
    if (line <= 0) return '';
    const heap = this.m.HEAPU8;
    let end = ar + 36;
    while (heap[end] !== 0) end++;
    return `${Buffer.from(heap.subarray(ar + 36, end)).toString('latin1')}:${line}: `;
  }

  /** Inside a LuaCFunction: raises a Lua error whose value is the top of the stack. */
  raiseError(): never {
    throw new LuaRaise();
  }

  /** Compiles a chunk; pushes the function, or returns the compile error message. */
  load(code: string, chunkName: string): string | undefined {
    const bytes = Buffer.from(code, 'latin1');
    const p = this.m._malloc(bytes.length + 1);
    this.m.HEAPU8.set(bytes, p);
    const status = this.m._luaL_loadbuffer(this.L, p, bytes.length, this.cString(chunkName));
    this.m._free(p);
    if (status === 0) return undefined;
    const message = this.toString(-1) ?? 'unknown error';
    this.pop(1);
    return message;
  }

  /**
   * lua_pcall with the function and its arguments on the stack, with the function at
   * `handlerIndex` as message handler (0: none). Returns true on success (results on the
   * stack), false with the error value on the stack.
   */
  pcall(nargs: number, nresults: number, handlerIndex: number): boolean {
    this.hostError = undefined;
    const status = this.m._lua_pcall(
      this.L,
      nargs,
      nresults < 0 ? MULTRET : nresults,
      handlerIndex,
    );
    if (this.hostError !== undefined) {
      const err = this.hostError;
      this.hostError = undefined;
      throw err;
    }
    return status === 0;
  }

  /** Calls `onHook` every `count` VM instructions while set (script time limit checks). */
  setCountHook(count: number, onHook: (() => void) | undefined): void {
    this.hook = onHook;
    if (onHook === undefined) {
      this.m._lua_sethook(this.L, 0, 0, 0);
      return;
    }
    this.hookFn ||= this.m.addFunction((L: number) => {
      try {
        this.hook?.();
      } catch (err) {
        this.pushString(err instanceof Error ? err.message : String(err));
        this.m._lua_error(L);
      }
      return 0;
    }, 'vii');
    this.m._lua_sethook(this.L, this.hookFn, LUA_MASKCOUNT, count);
  }

  /** Lua code run for its side effects (library set-up); throws on error. */
  run(code: string, chunkName = '=init'): void {
    const error = this.load(code, chunkName);
    if (error !== undefined) throw new Error(error);
    if (!this.pcall(0, 0, 0)) {
      const message = this.toString(-1);
      this.pop(1);
      throw new Error(message);
    }
  }

  private cString(text: string): number {
    let p = this.names.get(text);
    if (p === undefined) {
      const bytes = Buffer.from(`${text}\0`, 'latin1');
      p = this.m._malloc(bytes.length);
      this.m.HEAPU8.set(bytes, p);
      this.names.set(text, p);
    }
    return p;
  }

  private reserve(n: number): number {
    if (n > this.scratchSize) {
      this.m._free(this.scratch);
      while (this.scratchSize < n) this.scratchSize *= 2;
      this.scratch = this.m._malloc(this.scratchSize);
    }
    return this.scratch;
  }
}

/** An error whose message is the Lua error value, thrown by a LuaCFunction on purpose. */
export class LuaError extends Error {}
