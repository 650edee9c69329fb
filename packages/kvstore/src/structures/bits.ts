/**
 * Bit-level operations on string values, with Redis's semantics: bit 0 is the most significant
 * bit of byte 0, reads past the end see zeros, writes grow the string with zero bytes.
 */

/** A Buffer at least `length` bytes long holding `value`'s bytes (zero-filled growth). */
export function growTo(value: Buffer, length: number): Buffer {
  if (value.length >= length) return value;
  const grown = Buffer.alloc(length);
  value.copy(grown);
  return grown;
}

export function getBit(value: Uint8Array, offset: number): number {
  const byte = Math.floor(offset / 8);
  if (byte >= value.length) return 0;
  return (value[byte] >> (7 - (offset & 7))) & 1;
}

/** Sets one bit of a buffer already long enough; returns the previous bit. */
export function setBit(value: Uint8Array, offset: number, bit: number): number {
  const byte = Math.floor(offset / 8);
  const mask = 1 << (7 - (offset & 7));
  const old = value[byte] & mask ? 1 : 0;
  value[byte] = bit ? value[byte] | mask : value[byte] & ~mask;
  return old;
}

const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT[i] = (i & 1) + POPCOUNT[i >> 1];

function popcount(value: Uint8Array, start = 0, end = value.length): number {
  let count = 0;
  for (let i = start; i < end; i++) count += POPCOUNT[value[i]];
  return count;
}

/**
 * A BITCOUNT/BITPOS range resolved as Redis does: negative indexes from the end, clamped, and
 * for BIT units converted to bytes plus masks of the out-of-range bits in the edge bytes.
 */
export interface ResolvedRange {
  start: number;
  end: number;
  firstByteMask: number;
  lastByteMask: number;
}

export function resolveRange(
  length: number,
  start: number,
  end: number,
  bitUnits: boolean,
): ResolvedRange {
  const total = bitUnits ? length * 8 : length;
  if (start < 0) start = total + start;
  if (end < 0) end = total + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= total) end = total - 1;
  let firstByteMask = 0;
  let lastByteMask = 0;
  if (bitUnits && start <= end) {
    firstByteMask = ~((1 << (8 - (start & 7))) - 1) & 0xff;
    lastByteMask = (1 << (7 - (end & 7))) - 1;
    start = Math.floor(start / 8);
    end = Math.floor(end / 8);
  }
  return { start, end, firstByteMask, lastByteMask };
}

/** BITCOUNT over a resolved range. */
export function bitCount(value: Uint8Array, range: ResolvedRange): number {
  const { start, end, firstByteMask, lastByteMask } = range;
  if (start > end) return 0;
  let count = popcount(value, start, end + 1);
  if (firstByteMask) count -= POPCOUNT[value[start] & firstByteMask];
  if (lastByteMask) count -= POPCOUNT[value[end] & lastByteMask];
  return count;
}

/**
 * Position of the first `bit` in bytes [from, from+count): -1 when looking for a 1 and there is
 * none, count*8 when looking for a 0 and every bit is set (Redis's redisBitpos).
 */
function firstBit(value: Uint8Array, from: number, count: number, bit: number): number {
  const skip = bit ? 0 : 0xff;
  for (let i = 0; i < count; i++) {
    const byte = value[from + i];
    if (byte === skip) continue;
    for (let j = 0; j < 8; j++) {
      if (((byte >> (7 - j)) & 1) === bit) return i * 8 + j;
    }
  }
  return bit ? -1 : count * 8;
}

/**
 * BITPOS over a resolved range. `endGiven`: the caller bounded the range, so a clear bit past
 * it does not count (Redis then answers -1 rather than the first bit after the string).
 */
export function bitPos(
  value: Uint8Array,
  bit: number,
  range: ResolvedRange,
  endGiven: boolean,
): number {
  if (range.start > range.end) return -1;
  const { pos, start, bytes } = searchRange(value, bit, range);
  if (endGiven && bit === 0 && pos === bytes * 8) return -1;
  return pos === -1 ? -1 : pos + start * 8;
}

/**
 * Redis's three-part scan: the masked first byte, the whole bytes, the masked last byte. Returns
 * the position found relative to `start` and the bytes left when the scan stopped.
 */
function searchRange(
  value: Uint8Array,
  bit: number,
  range: ResolvedRange,
): { pos: number; start: number; bytes: number } {
  let { start } = range;
  const { end, firstByteMask, lastByteMask } = range;
  let bytes = end - start + 1;
  const masked = (byte: number, mask: number) => (bit ? byte & ~mask : byte | mask) & 0xff;
  if (firstByteMask) {
    let edge = masked(value[start], firstByteMask);
    if (lastByteMask && bytes === 1) edge = masked(edge, lastByteMask);
    const pos = firstBit(Uint8Array.of(edge), 0, 1, bit);
    if (bytes === 1 || (pos !== -1 && pos !== 8)) return { pos, start, bytes };
    start++;
    bytes--;
  }
  const middle = bytes - (lastByteMask ? 1 : 0);
  if (middle > 0) {
    const pos = firstBit(value, start, middle, bit);
    if (bytes === middle || (pos !== -1 && pos !== middle * 8)) return { pos, start, bytes };
    start += middle;
    bytes -= middle;
  }
  const pos = firstBit(Uint8Array.of(masked(value[end], lastByteMask)), 0, 1, bit);
  return { pos, start, bytes };
}

export type BitOp = 'AND' | 'OR' | 'XOR' | 'NOT';

/** BITOP: the result is as long as the longest source; missing bytes count as zero. */
export function bitOp(op: BitOp, sources: Uint8Array[]): Buffer {
  const length = Math.max(0, ...sources.map((s) => s.length));
  const out = Buffer.alloc(length);
  if (op === 'NOT') {
    const src = sources[0];
    for (let i = 0; i < length; i++) out[i] = ~src[i] & 0xff;
    return out;
  }
  for (let i = 0; i < length; i++) {
    let acc = i < sources[0].length ? sources[0][i] : 0;
    for (let s = 1; s < sources.length; s++) {
      const byte = i < sources[s].length ? sources[s][i] : 0;
      if (op === 'AND') acc &= byte;
      else if (op === 'OR') acc |= byte;
      else acc ^= byte;
    }
    out[i] = acc;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// BITFIELD integers (BigInt: fields are up to 64 bits wide).

export interface BitfieldType {
  signed: boolean;
  /** 1..64 signed, 1..63 unsigned. */
  bits: number;
}

export type Overflow = 'WRAP' | 'SAT' | 'FAIL';

/** Parses `i8`, `u16`...; undefined when not a valid BITFIELD type. */
export function parseBitfieldType(text: string): BitfieldType | undefined {
  const m = /^([iu])(0|[1-9][0-9]*)$/i.exec(text);
  if (!m || (m[1] !== 'i' && m[1] !== 'u')) return undefined;
  const signed = m[1] === 'i';
  const bits = Number(m[2]);
  if (bits < 1 || bits > (signed ? 64 : 63)) return undefined;
  return { signed, bits };
}

/** Reads a field (zero bits past the end). */
export function getField(value: Uint8Array, offset: number, type: BitfieldType): bigint {
  let result = 0n;
  for (let i = 0; i < type.bits; i++) result = (result << 1n) | BigInt(getBit(value, offset + i));
  if (type.signed && result >> BigInt(type.bits - 1) === 1n) result -= 1n << BigInt(type.bits);
  return result;
}

/** Writes a field into a buffer already long enough. */
export function setField(
  value: Uint8Array,
  offset: number,
  type: BitfieldType,
  field: bigint,
): void {
  const unsigned = BigInt.asUintN(type.bits, field);
  for (let i = 0; i < type.bits; i++) {
    setBit(value, offset + i, Number((unsigned >> BigInt(type.bits - 1 - i)) & 1n));
  }
}

/**
 * `current + increment` in the field's type under the overflow policy; undefined when it
 * overflows under FAIL. A SET is an increment of `value` from 0; for unsigned fields the caller
 * passes the int64 argument reinterpreted as uint64, as Redis does (so SET u8 0 -1 saturates
 * to 255).
 */
export function addInField(
  current: bigint,
  increment: bigint,
  type: BitfieldType,
  overflow: Overflow,
): bigint | undefined {
  const bits = BigInt(type.bits);
  let max: bigint;
  let min: bigint;
  if (type.signed) {
    max = (1n << (bits - 1n)) - 1n;
    min = -max - 1n;
  } else {
    max = (1n << bits) - 1n;
    min = 0n;
  }
  const sum = current + increment;
  if (sum >= min && sum <= max) return sum;
  if (overflow === 'FAIL') return undefined;
  if (overflow === 'SAT') return sum > max ? max : min;
  return type.signed ? BigInt.asIntN(type.bits, sum) : BigInt.asUintN(type.bits, sum);
}
