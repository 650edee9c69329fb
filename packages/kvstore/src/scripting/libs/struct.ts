import { LuaError, type LuaVm } from '../lua-vm.js';
import { argError, checkNumber, checkString, pushLibrary } from './lib-args.js';

/**
 * `struct` (Roberto Ierusalimschy's struct.c, as Redis bundles it) with the sizes of Redis's
 * x86-64 build: b/B 1, h/H 2, l/L and T 8, i/I[n] 4 by default (at most 32), f 4, d 8,
 * x a zero byte, s a zero-terminated string, c[n] n bytes (c0: the length of the string, or on
 * unpack the previous number); `<` `>` `=` endianness, `!n` alignment (default 1, `!` 8).
 */
const MAX_INT_SIZE = 32;
const MAX_ALIGN = 8;

interface Header {
  little: boolean;
  align: number;
}

class Format {
  pos = 0;
  constructor(readonly text: string) {}

  get done(): boolean {
    return this.pos >= this.text.length;
  }

  nextOption(): string {
    return this.text[this.pos++]!;
  }

  /** getnum: a decimal count after the option, or `fallback`. */
  number(fallback: number): number {
    if (this.done || !/[0-9]/.test(this.text[this.pos]!)) return fallback;
    let n = 0;
    while (!this.done && /[0-9]/.test(this.text[this.pos]!)) {
      n = n * 10 + Number(this.text[this.pos++]);
      if (n > 0x7fffffff / 10) throw new LuaError('integral size overflow');
    }
    return n;
  }
}

function optionSize(option: string, format: Format): number {
  switch (option) {
    case 'b':
    case 'B':
    case 'x':
      return 1;
    case 'h':
    case 'H':
      return 2;
    case 'l':
    case 'L':
    case 'T':
    case 'd':
      return 8;
    case 'f':
      return 4;
    case 'c':
      return format.number(1);
    case 'i':
    case 'I': {
      const size = format.number(4);
      if (size > MAX_INT_SIZE) {
        throw new LuaError(`integral size ${size} is larger than limit of ${MAX_INT_SIZE}`);
      }
      return size;
    }
    default:
      return 0;
  }
}

function toAlign(length: number, header: Header, option: string, size: number): number {
  if (size === 0 || option === 'c') return 0;
  const s = Math.min(size, header.align);
  return (s - (length & (s - 1))) & (s - 1);
}

function controlOption(option: string, format: Format, header: Header): void {
  switch (option) {
    case ' ':
      return;
    case '>':
      header.little = false;
      return;
    case '<':
    case '=':
      header.little = true;
      return;
    case '!': {
      const align = format.number(MAX_ALIGN);
      if ((align & (align - 1)) !== 0) throw new LuaError(`alignment ${align} is not a power of 2`);
      header.align = align;
      return;
    }
    default:
      throw argError(1, 'pack', `invalid format option '${option}'`);
  }
}

const INTEGER_OPTIONS = 'bBhHlLTiI';

function putInteger(n: number, size: number, little: boolean): number[] {
  let value = n < 0 ? BigInt.asUintN(64, BigInt(Math.trunc(n))) : BigInt(Math.trunc(n));
  const bytes: number[] = [];
  for (let i = 0; i < size; i++) {
    bytes.push(i < 8 ? Number(value & 0xffn) : n < 0 ? 0xff : 0);
    value >>= 8n;
  }
  return little ? bytes : bytes.reverse();
}

function getInteger(
  data: Buffer,
  pos: number,
  little: boolean,
  signed: boolean,
  size: number,
): number {
  let value = 0n;
  for (let i = 0; i < size; i++) {
    const b = BigInt(data[little ? pos + size - 1 - i : pos + i]!);
    value = (value << 8n) | b;
  }
  if (signed && size <= 8) value = BigInt.asIntN(size * 8, value);
  return Number(value);
}

function pack(vm: LuaVm): number {
  const format = new Format(checkString(vm, 1, 'pack'));
  const header: Header = { little: true, align: 1 };
  const out: number[] = [];
  let arg = 2;
  while (!format.done) {
    const option = format.nextOption();
    let size = optionSize(option, format);
    const align = toAlign(out.length, header, option, size);
    for (let i = 0; i < align; i++) out.push(0);
    if (INTEGER_OPTIONS.includes(option)) {
      out.push(...putInteger(checkNumber(vm, arg++, 'pack'), size, header.little));
    } else if (option === 'x') {
      out.push(0);
    } else if (option === 'f' || option === 'd') {
      const b = Buffer.alloc(size);
      const n = checkNumber(vm, arg++, 'pack');
      if (option === 'f') header.little ? b.writeFloatLE(n) : b.writeFloatBE(n);
      else header.little ? b.writeDoubleLE(n) : b.writeDoubleBE(n);
      out.push(...b);
    } else if (option === 'c' || option === 's') {
      const text = checkString(vm, arg, 'pack');
      arg++;
      if (size === 0) size = text.length;
      if (text.length < size) throw argError(arg, 'pack', 'string too short');
      for (let i = 0; i < size; i++) out.push(text.charCodeAt(i));
      if (option === 's') out.push(0);
    } else {
      controlOption(option, format, header);
    }
  }
  vm.pushBytes(Buffer.from(out));
  return 1;
}

function unpack(vm: LuaVm): number {
  const format = new Format(checkString(vm, 1, 'unpack'));
  const data = Buffer.from(checkString(vm, 2, 'unpack'), 'latin1');
  let pos = (vm.top() >= 3 ? Math.trunc(checkNumber(vm, 3, 'unpack')) : 1) - 1;
  if (pos > data.length || pos < 0) throw argError(3, 'unpack', 'offset must be 1 or greater');
  const header: Header = { little: true, align: 1 };
  const base = vm.top();
  while (!format.done) {
    const option = format.nextOption();
    let size = optionSize(option, format);
    pos += toAlign(pos, header, option, size);
    if (size > data.length || pos > data.length - size) {
      throw argError(2, 'unpack', 'data string too short');
    }
    if (INTEGER_OPTIONS.includes(option)) {
      vm.pushNumber(getInteger(data, pos, header.little, option === option.toLowerCase(), size));
    } else if (option === 'f') {
      vm.pushNumber(header.little ? data.readFloatLE(pos) : data.readFloatBE(pos));
    } else if (option === 'd') {
      vm.pushNumber(header.little ? data.readDoubleLE(pos) : data.readDoubleBE(pos));
    } else if (option === 'c') {
      if (size === 0) {
        if (vm.top() === base || !vm.isNumber(-1)) {
          throw new LuaError("format 'c0' needs a previous size");
        }
        size = vm.toNumber(-1);
        vm.pop(1);
        if (size > data.length || pos > data.length - size) {
          throw argError(2, 'unpack', 'data string too short');
        }
      }
      vm.pushString(data.toString('latin1', pos, pos + size));
    } else if (option === 's') {
      const end = data.indexOf(0, pos);
      if (end < 0) throw new LuaError('unfinished string in data');
      size = end - pos + 1;
      vm.pushString(data.toString('latin1', pos, end));
    } else if (option !== 'x') {
      controlOption(option, format, header);
    }
    pos += size;
  }
  vm.pushNumber(pos + 1);
  return vm.top() - base;
}

function size(vm: LuaVm): number {
  const format = new Format(checkString(vm, 1, 'size'));
  const header: Header = { little: true, align: 1 };
  let pos = 0;
  while (!format.done) {
    const option = format.nextOption();
    const optionBytes = optionSize(option, format);
    pos += toAlign(pos, header, option, optionBytes);
    if (option === 's') throw argError(1, 'size', "option 's' has no fixed size");
    if (option === 'c' && optionBytes === 0) {
      throw argError(1, 'size', "option 'c0' has no fixed size");
    }
    if (!/[0-9a-zA-Z]/.test(option)) controlOption(option, format, header);
    pos += optionBytes;
  }
  vm.pushNumber(pos);
  return 1;
}

export function pushStructLibrary(vm: LuaVm): void {
  pushLibrary(vm, { pack, unpack, size });
}
