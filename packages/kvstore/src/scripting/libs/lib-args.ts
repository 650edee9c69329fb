import { LuaError, LuaType, type LuaVm } from '../lua-vm.js';

/** Lua 5.1 type names, as error messages print them. */
const TYPE_NAMES = [
  'nil',
  'boolean',
  'userdata',
  'number',
  'string',
  'table',
  'function',
  'userdata',
  'thread',
];

export function luaTypeName(vm: LuaVm, index: number): string {
  const type = vm.type(index);
  return type === LuaType.none ? 'no value' : (TYPE_NAMES[type] ?? '?');
}

/** luaL_argerror's text: "bad argument #1 to 'band' (number expected, got nil)". */
export function argError(n: number, name: string, message: string): LuaError {
  return new LuaError(`bad argument #${n} to '${name}' (${message})`);
}

/** luaL_checknumber. */
export function checkNumber(vm: LuaVm, n: number, name: string): number {
  if (!vm.isNumber(n)) throw argError(n, name, `number expected, got ${luaTypeName(vm, n)}`);
  return vm.toNumber(n);
}

/** luaL_checklstring (numbers are converted, as Lua does). */
export function checkString(vm: LuaVm, n: number, name: string): string {
  const text = vm.isString(n) ? vm.toString(n) : undefined;
  if (text === undefined) throw argError(n, name, `string expected, got ${luaTypeName(vm, n)}`);
  return text;
}

/** Registers `functions` as the fields of a new table left on the stack. */
export function pushLibrary(vm: LuaVm, functions: Record<string, (vm: LuaVm) => number>): void {
  vm.newTable(0, Object.keys(functions).length);
  for (const [name, fn] of Object.entries(functions)) {
    vm.pushFunction(fn);
    vm.setField(-2, name);
  }
}
