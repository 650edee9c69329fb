import { CommandError, Errors } from '../../command-error.js';
import {
  inInt64Range,
  longDoubleAdd,
  parseDouble,
  parseInt64,
  parseSafeInteger,
} from '../../protocol/numbers.js';
import { parseBigInteger, parseFloatArg } from '../args.js';
import { defineCommand } from '../define.js';
import type { CommandContext } from '../types.js';
import { asText, readString } from './string-value.js';

/** A delta within ±2^52 added to a value of at most 15 digits is exact in a double. */
const SMALL_DELTA = 2n ** 52n;
const MINUS_SMALL_DELTA = -SMALL_DELTA;

/** INCR/DECR/INCRBY/DECRBY: exact int64 arithmetic on the string value. */
function incrBy(ctx: CommandContext, delta: bigint): void {
  const key = ctx.argv[1]!;
  const current = readString(ctx, key, true);
  const currentText = current === undefined ? '0' : asText(current);
  let text: string;
  const small = currentText.length <= 15 ? parseSafeInteger(currentText) : undefined;
  let sum: number | undefined;
  if (small !== undefined && delta > MINUS_SMALL_DELTA && delta < SMALL_DELTA) {
    // Both fit in 53 bits: a double adds them exactly, no BigInt needed (the common case).
    sum = small + Number(delta);
    text = String(sum);
  } else {
    const value = parseInt64(currentText);
    if (value === undefined) throw new CommandError(Errors.notInteger);
    const result = value + delta;
    if (!inInt64Range(result)) throw new CommandError(Errors.overflow);
    text = result.toString();
  }
  if (current === undefined) ctx.db.add(key, 'string', text);
  else ctx.db.peek(key)!.value = text;
  ctx.signalModifiedKey(key);
  ctx.notify('string', 'incrby', key);
  if (sum !== undefined) ctx.reply.integer(sum);
  else ctx.reply.raw(`:${text}\r\n`);
}

function incrCommand(
  name: string,
  summary: string,
  since: string,
  arity: number,
  delta: (ctx: CommandContext) => bigint,
) {
  return defineCommand({
    name,
    arity,
    flags: ['write', 'denyoom', 'fast'],
    keys: [1, 1, 1],
    group: 'string',
    summary,
    since,
    handler(ctx) {
      incrBy(ctx, delta(ctx));
    },
  });
}

export const incr = incrCommand(
  'incr',
  'Increment the integer value of a key by one',
  '1.0.0',
  2,
  () => 1n,
);
export const decr = incrCommand(
  'decr',
  'Decrement the integer value of a key by one',
  '1.0.0',
  2,
  () => -1n,
);
export const incrby = incrCommand(
  'incrby',
  'Increment the integer value of a key by the given amount',
  '1.0.0',
  3,
  (ctx) => parseBigInteger(ctx.argv[2]!),
);
export const decrby = incrCommand(
  'decrby',
  'Decrement the integer value of a key by the given number',
  '1.0.0',
  3,
  (ctx) => {
    const n = parseBigInteger(ctx.argv[2]!);
    if (n === -(2n ** 63n)) throw new CommandError('ERR decrement would overflow');
    return -n;
  },
);

export const incrbyfloat = defineCommand({
  name: 'incrbyfloat',
  arity: 3,
  flags: ['write', 'denyoom', 'fast'],
  keys: [1, 1, 1],
  group: 'string',
  summary: 'Increment the float value of a key by the given amount',
  since: '2.6.0',
  handler(ctx) {
    const key = ctx.argv[1]!;
    const current = readString(ctx, key, true);
    const currentText = current === undefined ? '0' : asText(current);
    const value = parseDouble(currentText);
    if (value === undefined) throw new CommandError(Errors.notFloat);
    const increment = parseFloatArg(ctx.argv[2]!);
    const sum = value + increment;
    if (!Number.isFinite(sum))
      throw new CommandError('ERR increment would produce NaN or Infinity');
    const text = longDoubleAdd(currentText, ctx.argv[2]!) ?? String(sum);
    if (current === undefined) ctx.db.add(key, 'string', text);
    else ctx.db.peek(key)!.value = text;
    ctx.signalModifiedKey(key);
    ctx.notify('string', 'incrbyfloat', key);
    // Replaying the float addition could round differently: log the result.
    ctx.propagate([['SET', key, text, 'KEEPTTL']]);
    ctx.reply.bulk(text);
  },
});
