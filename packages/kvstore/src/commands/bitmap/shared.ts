import { CommandError, wrongType } from '../../command-error.js';
import { growTo } from '../../structures/bits.js';
import type { StringValue } from '../../values/types.js';
import type { CommandContext } from '../types.js';

const OFFSET_ERROR = 'ERR bit offset is not an integer or out of range';

/** The bytes of a string value (latin1 strings become Buffers). */
export function bytesOf(value: StringValue): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'latin1') : value;
}

/** The string at `key` for reading (undefined when missing); WRONGTYPE for other types. */
export function readBits(ctx: CommandContext, key: string): Buffer | undefined {
  const entry = ctx.db.lookupRead(key);
  if (!entry) return undefined;
  if (entry.type !== 'string') throw wrongType();
  return bytesOf(entry.value as StringValue);
}

/**
 * The string at `key` made long enough to hold bit `maxBit` (created zero-filled when missing,
 * grown with zero bytes otherwise), as Redis's lookupStringForBitCommand. `changed` tells
 * whether the key was created or grown.
 */
export function writableBits(
  ctx: CommandContext,
  key: string,
  maxBit: number,
): { bytes: Buffer; changed: boolean } {
  const length = Math.floor(maxBit / 8) + 1;
  const entry = ctx.db.lookupWrite(key);
  if (!entry) {
    const bytes = Buffer.alloc(length);
    ctx.db.add(key, 'string', bytes);
    return { bytes, changed: true };
  }
  if (entry.type !== 'string') throw wrongType();
  const current = bytesOf(entry.value as StringValue);
  const bytes = growTo(current, length);
  entry.value = bytes;
  return { bytes, changed: bytes.length !== current.length };
}

/**
 * A bit offset argument: a non-negative integer below 8 * proto-max-bulk-len; with `fieldBits`,
 * the `#n` form means n * fieldBits (BITFIELD).
 */
export function parseBitOffset(ctx: CommandContext, text: string, fieldBits = 0): number {
  const hash = fieldBits > 0 && text.startsWith('#');
  const digits = hash ? text.slice(1) : text;
  if (!/^(0|-?[1-9][0-9]*)$/.test(digits) || digits.length > 20)
    throw new CommandError(OFFSET_ERROR);
  let offset = BigInt(digits);
  if (offset < -(2n ** 63n) || offset >= 2n ** 63n) throw new CommandError(OFFSET_ERROR);
  if (hash) offset = BigInt.asIntN(64, offset * BigInt(fieldBits));
  const maxBytes = BigInt(ctx.config('proto-max-bulk-len'));
  if (offset < 0n || offset >> 3n >= maxBytes) throw new CommandError(OFFSET_ERROR);
  return Number(offset);
}
