import { CommandError } from '../../command-error.js';
import { longDoubleAdd, inInt64Range, parseDouble, parseInt64 } from '../../protocol/numbers.js';
import { parseBigInteger, parseFloatArg } from '../args.js';
import { defineCommand } from '../define.js';
import { hashForWrite } from './hash-value.js';

export const hincrby = defineCommand({
  name: 'hincrby',
  arity: 4,
  flags: ['write', 'denyoom', 'fast'],
  keys: [1, 1, 1],
  group: 'hash',
  summary: 'Increment the integer value of a hash field by the given number',
  since: '2.0.0',
  handler(ctx) {
    const [, key, field, incrementText] = ctx.argv as [string, string, string, string];
    const increment = parseBigInteger(incrementText);
    const hash = hashForWrite(ctx, key);
    const current = hash.get(field);
    const value = current === undefined ? 0n : parseInt64(current);
    if (value === undefined) {
      if (hash.size === 0) ctx.db.delete(key);
      throw new CommandError('ERR hash value is not an integer');
    }
    const result = value + increment;
    if (!inInt64Range(result)) {
      if (hash.size === 0) ctx.db.delete(key);
      throw new CommandError('ERR increment or decrement would overflow');
    }
    hash.set(field, result.toString());
    ctx.signalModifiedKey(key);
    ctx.notify('hash', 'hincrby', key);
    ctx.reply.integer(result);
  },
});

export const hincrbyfloat = defineCommand({
  name: 'hincrbyfloat',
  arity: 4,
  flags: ['write', 'denyoom', 'fast'],
  keys: [1, 1, 1],
  group: 'hash',
  summary: 'Increment the float value of a hash field by the given amount',
  since: '2.6.0',
  handler(ctx) {
    const [, key, field, incrementText] = ctx.argv as [string, string, string, string];
    const increment = parseFloatArg(incrementText);
    // Refused before the key is touched, as Redis 7.0.12+ (an infinite field is never stored).
    if (!Number.isFinite(increment)) throw new CommandError('ERR value is NaN or Infinity');
    const hash = hashForWrite(ctx, key);
    const currentText = hash.get(field) ?? '0';
    const value = parseDouble(currentText);
    const cleanup = () => {
      if (hash.size === 0) ctx.db.delete(key);
    };
    if (value === undefined) {
      cleanup();
      throw new CommandError('ERR hash value is not a float');
    }
    if (!Number.isFinite(value + increment)) {
      cleanup();
      throw new CommandError('ERR increment would produce NaN or Infinity');
    }
    const text = longDoubleAdd(currentText, incrementText) ?? String(value + increment);
    hash.set(field, text);
    ctx.signalModifiedKey(key);
    ctx.notify('hash', 'hincrbyfloat', key);
    ctx.propagate([['HSET', key, field, text]]);
    ctx.reply.bulk(text);
  },
});
