import type { LuaVm } from '../lua-vm.js';
import { checkNumber, pushLibrary } from './lib-args.js';

/**
 * Lua BitOp (`bit`), as Redis bundles it: 32-bit operations on numbers, results signed.
 * Numbers are normalized as BitOp does (rounded to the nearest integer, taken modulo 2^32).
 */
function toBit(n: number): number {
  // BitOp adds 2^52 + 2^51 and keeps the low 32 bits: round half to even, then wrap.
  const rounded = n - Math.floor(n) === 0.5 ? 2 * Math.round(n / 2) : Math.round(n);
  return Number(BigInt.asIntN(32, BigInt(Number.isFinite(rounded) ? rounded : 0)));
}

function arg(vm: LuaVm, n: number, name: string): number {
  return toBit(checkNumber(vm, n, name));
}

function fold(name: string, op: (a: number, b: number) => number) {
  return (vm: LuaVm): number => {
    let result = arg(vm, 1, name);
    for (let i = 2; i <= vm.top(); i++) result = op(result, arg(vm, i, name));
    vm.pushNumber(result | 0);
    return 1;
  };
}

function shift(name: string, op: (a: number, n: number) => number) {
  return (vm: LuaVm): number => {
    const x = arg(vm, 1, name);
    const n = arg(vm, 2, name) & 31;
    vm.pushNumber(op(x, n) | 0);
    return 1;
  };
}

export function pushBitLibrary(vm: LuaVm): void {
  pushLibrary(vm, {
    tobit(vm) {
      vm.pushNumber(arg(vm, 1, 'tobit'));
      return 1;
    },
    tohex(vm) {
      const x = arg(vm, 1, 'tohex');
      let n = vm.top() >= 2 ? arg(vm, 2, 'tohex') : 8;
      const upper = n < 0;
      if (upper) n = -n;
      if (n > 8) n = 8;
      let text = (x >>> 0)
        .toString(16)
        .padStart(8, '0')
        .slice(8 - n);
      if (upper) text = text.toUpperCase();
      vm.pushString(text);
      return 1;
    },
    bnot(vm) {
      vm.pushNumber(~arg(vm, 1, 'bnot'));
      return 1;
    },
    band: fold('band', (a, b) => a & b),
    bor: fold('bor', (a, b) => a | b),
    bxor: fold('bxor', (a, b) => a ^ b),
    lshift: shift('lshift', (x, n) => x << n),
    rshift: shift('rshift', (x, n) => x >>> n),
    arshift: shift('arshift', (x, n) => x >> n),
    rol: shift('rol', (x, n) => (x << n) | (x >>> (32 - n))),
    ror: shift('ror', (x, n) => (x >>> n) | (x << (32 - n))),
    bswap(vm) {
      const x = arg(vm, 1, 'bswap');
      vm.pushNumber((x >>> 24) | ((x >> 8) & 0xff00) | ((x & 0xff00) << 8) | (x << 24) | 0);
      return 1;
    },
  });
}
