import { LuaError, LuaType, type LuaVm } from '../lua-vm.js';
import { argError, checkNumber, checkString, pushLibrary } from './lib-args.js';

/**
 * `cmsgpack` as Redis bundles it (lua-cmsgpack 0.4): pack(...) encodes each argument and
 * concatenates them; integral numbers become the smallest int format, others float32 when
 * exact, else float64; strings are str formats (fixstr, 0xd9...); a table whose keys are
 * exactly 1..n is an array (the empty table too), else a map; other values and tables nested
 * deeper than 16 become nil. unpack(s) returns every value; unpack_one/unpack_limit also
 * return the offset after them (-1 at the end).
 */
const MAX_NESTING = 16;

class Writer {
  private bytes: number[] = [];

  byte(b: number): void {
    this.bytes.push(b & 0xff);
  }

  uint(n: number, size: number): void {
    for (let i = size - 1; i >= 0; i--) this.byte(Number((BigInt(n) >> BigInt(8 * i)) & 0xffn));
  }

  /** A type byte followed by `n` on `size` big-endian bytes. */
  tagged(code: number, n: number, size: number): void {
    this.byte(code);
    this.uint(n, size);
  }

  raw(buf: Uint8Array): void {
    for (const b of buf) this.bytes.push(b);
  }

  string(text: string): void {
    for (let i = 0; i < text.length; i++) this.bytes.push(text.charCodeAt(i));
  }

  result(): Buffer {
    return Buffer.from(this.bytes);
  }
}

function encodeInt(w: Writer, n: number): void {
  if (n >= 0) {
    if (n <= 127) w.byte(n);
    else if (n <= 0xff) w.tagged(0xcc, n, 1);
    else if (n <= 0xffff) w.tagged(0xcd, n, 2);
    else if (n <= 0xffffffff) w.tagged(0xce, n, 4);
    else w.tagged(0xcf, n, 8);
  } else if (n >= -32) w.byte(n);
  else if (n >= -128) w.tagged(0xd0, n, 1);
  else if (n >= -32768) w.tagged(0xd1, n & 0xffff, 2);
  else if (n >= -2147483648) w.tagged(0xd2, n >>> 0, 4);
  else w.tagged(0xd3, n, 8);
}

function encodeNumber(w: Writer, n: number): void {
  if (Number.isInteger(n) && n >= -(2 ** 63) && n < 2 ** 63) {
    encodeInt(w, n);
    return;
  }
  const f = Math.fround(n);
  if (f === n || (Number.isNaN(n) && Number.isNaN(f))) {
    const b = Buffer.alloc(4);
    b.writeFloatBE(n);
    w.byte(0xca);
    w.raw(b);
  } else {
    const b = Buffer.alloc(8);
    b.writeDoubleBE(n);
    w.byte(0xcb);
    w.raw(b);
  }
}

function header(w: Writer, n: number, fix: number, fixMax: number, codes: [number, number]): void {
  if (n < fixMax) w.byte(fix | n);
  else if (n <= 0xffff) w.tagged(codes[0], n, 2);
  else w.tagged(codes[1], n, 4);
}

/** table_is_an_array: keys exactly 1..count. */
function isArray(vm: LuaVm): boolean {
  let count = 0;
  let max = 0;
  vm.pushNil();
  while (vm.next(-2)) {
    vm.pop(1);
    if (vm.type(-1) !== LuaType.number) {
      vm.pop(1);
      return false;
    }
    const n = vm.toNumber(-1);
    if (!Number.isInteger(n) || n < 1) {
      vm.pop(1);
      return false;
    }
    count++;
    if (n > max) max = n;
  }
  return max === count;
}

function encodeValue(vm: LuaVm, w: Writer, level: number): void {
  switch (vm.type(-1)) {
    case LuaType.string: {
      const text = vm.toString(-1)!;
      const n = text.length;
      if (n < 32) w.byte(0xa0 | n);
      else if (n <= 0xff) w.tagged(0xd9, n, 1);
      else if (n <= 0xffff) w.tagged(0xda, n, 2);
      else w.tagged(0xdb, n, 4);
      w.string(text);
      return;
    }
    case LuaType.boolean:
      w.byte(vm.toBoolean(-1) ? 0xc3 : 0xc2);
      return;
    case LuaType.number:
      encodeNumber(w, vm.toNumber(-1));
      return;
    case LuaType.table:
      if (level >= MAX_NESTING) break;
      if (isArray(vm)) {
        const n = vm.length(-1);
        header(w, n, 0x90, 16, [0xdc, 0xdd]);
        for (let i = 1; i <= n; i++) {
          vm.getIndex(-1, i);
          encodeValue(vm, w, level + 1);
          vm.pop(1);
        }
      } else {
        let n = 0;
        vm.pushNil();
        while (vm.next(-2)) {
          vm.pop(1);
          n++;
        }
        header(w, n, 0x80, 16, [0xde, 0xdf]);
        vm.pushNil();
        while (vm.next(-2)) {
          vm.pushValue(-2);
          encodeValue(vm, w, level + 1);
          vm.pop(1);
          encodeValue(vm, w, level + 1);
          vm.pop(1);
        }
      }
      return;
  }
  w.byte(0xc0);
}

class Missing extends Error {}
class BadFormat extends Error {}

/** Decodes one value at `pos` of `buf` onto the Lua stack; returns the position after it. */
function decodeValue(vm: LuaVm, buf: Buffer, pos: number): number {
  const need = (n: number) => {
    if (pos + n > buf.length) throw new Missing();
  };
  need(1);
  const b = buf[pos++]!;
  const str = (n: number) => {
    need(n);
    vm.pushString(buf.toString('latin1', pos, pos + n));
    return pos + n;
  };
  const array = (n: number) => {
    vm.newTable(n, 0);
    for (let i = 1; i <= n; i++) {
      pos = decodeValue(vm, buf, pos);
      vm.setIndex(-2, i);
    }
    return pos;
  };
  const map = (n: number) => {
    vm.newTable(0, n);
    for (let i = 0; i < n; i++) {
      pos = decodeValue(vm, buf, pos);
      pos = decodeValue(vm, buf, pos);
      if (vm.type(-2) === LuaType.nil) vm.pop(2);
      else vm.rawSetTop();
    }
    return pos;
  };
  const uint = (n: number) => {
    need(n);
    const v = n === 8 ? Number(buf.readBigUInt64BE(pos)) : buf.readUIntBE(pos, n);
    pos += n;
    return v;
  };
  if (b <= 0x7f) {
    vm.pushNumber(b);
    return pos;
  }
  if (b >= 0xe0) {
    vm.pushNumber(b - 256);
    return pos;
  }
  if ((b & 0xe0) === 0xa0) return str(b & 0x1f);
  if ((b & 0xf0) === 0x90) return array(b & 0x0f);
  if ((b & 0xf0) === 0x80) return map(b & 0x0f);
  switch (b) {
    case 0xc0:
      vm.pushNil();
      return pos;
    case 0xc2:
    case 0xc3:
      vm.pushBoolean(b === 0xc3);
      return pos;
    case 0xcc:
    case 0xcd:
    case 0xce:
    case 0xcf:
      vm.pushNumber(uint(1 << (b - 0xcc)));
      return pos;
    case 0xd0:
    case 0xd1:
    case 0xd2:
    case 0xd3: {
      const n = 1 << (b - 0xd0);
      need(n);
      vm.pushNumber(n === 8 ? Number(buf.readBigInt64BE(pos)) : buf.readIntBE(pos, n));
      return pos + n;
    }
    case 0xca:
      need(4);
      vm.pushNumber(buf.readFloatBE(pos));
      return pos + 4;
    case 0xcb:
      need(8);
      vm.pushNumber(buf.readDoubleBE(pos));
      return pos + 8;
    case 0xd9:
      return str(uint(1));
    case 0xda:
      return str(uint(2));
    case 0xdb:
      return str(uint(4));
    case 0xdc:
      return array(uint(2));
    case 0xdd:
      return array(uint(4));
    case 0xde:
      return map(uint(2));
    case 0xdf:
      return map(uint(4));
    default:
      throw new BadFormat();
  }
}

/** mp_unpack_full: up to `limit` values from `offset`; limit and offset 0: all, no offset returned. */
function unpack(vm: LuaVm, name: string, limit: number, offset: number): number {
  const buf = Buffer.from(checkString(vm, 1, name), 'latin1');
  if (offset < 0 || limit < 0) {
    throw new LuaError(
      `Invalid request to unpack with offset of ${offset} and limit of ${buf.length}.`,
    );
  }
  if (offset > buf.length) {
    throw new LuaError(`Start offset ${offset} greater than input length ${buf.length}.`);
  }
  const all = limit === 0 && offset === 0;
  const base = vm.top();
  let pos = offset;
  let count = 0;
  try {
    while (pos < buf.length && (all || count < limit)) {
      pos = decodeValue(vm, buf, pos);
      count++;
    }
  } catch (err) {
    vm.setTop(base);
    if (err instanceof Missing) throw new LuaError('Missing bytes in input.');
    if (err instanceof BadFormat) throw new LuaError('Bad data format in input.');
    throw err;
  }
  if (all) return count;
  vm.pushNumber(pos >= buf.length ? -1 : pos);
  vm.insert(base + 1);
  return count + 1;
}

export function pushCmsgpackLibrary(vm: LuaVm): void {
  pushLibrary(vm, {
    pack(vm) {
      const n = vm.top();
      if (n === 0) throw argError(0, 'pack', 'MessagePack pack needs input.');
      const w = new Writer();
      for (let i = 1; i <= n; i++) {
        vm.pushValue(i);
        encodeValue(vm, w, 0);
        vm.pop(1);
      }
      vm.pushBytes(w.result());
      return 1;
    },
    unpack(vm) {
      return unpack(vm, 'unpack', 0, 0);
    },
    unpack_one(vm) {
      const offset = vm.top() >= 2 ? Math.trunc(checkNumber(vm, 2, 'unpack_one')) : 0;
      return unpack(vm, 'unpack_one', 1, offset);
    },
    unpack_limit(vm) {
      const limit = Math.trunc(checkNumber(vm, 2, 'unpack_limit'));
      const offset = vm.top() >= 3 ? Math.trunc(checkNumber(vm, 3, 'unpack_limit')) : 0;
      return unpack(vm, 'unpack_limit', limit, offset);
    },
  });
  for (const [field, value] of [
    ['_NAME', 'lua-cmsgpack'],
    ['_VERSION', 'lua-cmsgpack 0.4.0'],
    ['_COPYRIGHT', 'Copyright (C) 2012, Salvatore Sanfilippo'],
    ['_DESCRIPTION', 'MessagePack C implementation for Lua'],
  ] as const) {
    vm.pushString(value);
    vm.setField(-2, field);
  }
}
