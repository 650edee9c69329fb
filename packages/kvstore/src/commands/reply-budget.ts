import { freemem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { CommandError } from '../command-error.js';
import { internals } from '../server/context.js';
import { LONG_MAX, parseRangeInteger } from './args.js';
import type { CommandContext } from './types.js';

/** Replies up to this many elements are never checked: they cost a few hundred KiB at most. */
const UNCHECKED_ELEMENTS = 16_384;
/**
 * The least one element costs while its reply is built: an 8-byte slot in the array of picks
 * (V8 heap) and at least 7 bytes of RESP (`$1\r\na\r\n`, outside the heap).
 */
const MIN_ELEMENT_BYTES = 16;

/**
 * Refuses a reply whose size comes from an argument (SRANDMEMBER s -N) when it cannot fit: in
 * the client's output-buffer hard limit, or in half of the free heap or free system memory
 * (both the picks and their encoding are held until the reply leaves). Redis 7.0 has no such
 * check and builds the reply until the kernel kills it; here the client gets an error instead.
 */
export function ensureReplyFits(ctx: CommandContext, elements: number, perElement = 1): void {
  const count = elements * perElement;
  if (count <= UNCHECKED_ELEMENTS) return;
  const bytes = count * MIN_ELEMENT_BYTES;
  const outputLimit = internals(ctx).client.conn?.limits.maxOutputBytes ?? 0;
  const heap = getHeapStatistics();
  const free = Math.min(heap.heap_size_limit - heap.used_heap_size, freemem()) / 2;
  if ((outputLimit > 0 && bytes > outputLimit) || bytes > free) {
    throw new CommandError(
      `ERR value is out of range: a reply of ${count} elements does not fit in the output buffer limit or free memory`,
    );
  }
}

/**
 * The count of SRANDMEMBER, HRANDFIELD and ZRANDMEMBER as Redis reads it: any long but LONG_MIN;
 * with WITHVALUES/WITHSCORES (two reply elements each) at most LONG_MAX/2 either way.
 */
export function parseRandomCount(text: string, paired: boolean): number {
  // Beyond 2^53 the exact value no longer matters: no such reply fits (ensureReplyFits).
  const count = parseRangeInteger(text, -LONG_MAX, LONG_MAX);
  const exact = BigInt(text);
  if (paired && (exact < -LONG_MAX / 2n || exact > LONG_MAX / 2n)) {
    throw new CommandError('ERR value is out of range');
  }
  return count;
}
