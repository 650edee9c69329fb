import { CommandError, Errors } from '../../command-error.js';
import { LONG_MAX, clampRange, parseInteger, parseRangeInteger, syntaxError } from '../args.js';
import { defineCommand } from '../define.js';
import { readList } from './list-value.js';

export const llen = defineCommand({
  name: 'llen',
  arity: 2,
  flags: ['readonly', 'fast'],
  keys: [1, 1, 1],
  group: 'list',
  summary: 'Get the length of a list',
  since: '1.0.0',
  handler(ctx) {
    ctx.reply.integer(readList(ctx, ctx.argv[1]!)?.size ?? 0);
  },
});

export const lrange = defineCommand({
  name: 'lrange',
  arity: 4,
  flags: ['readonly'],
  keys: [1, 1, 1],
  group: 'list',
  summary: 'Get a range of elements from a list',
  since: '1.0.0',
  handler(ctx) {
    const start = parseInteger(ctx.argv[2]!);
    const stop = parseInteger(ctx.argv[3]!);
    const list = readList(ctx, ctx.argv[1]!);
    const range = list ? clampRange(start, stop, list.size) : undefined;
    if (!list || !range) {
      ctx.reply.arrayHeader(0);
      return;
    }
    ctx.reply.arrayHeader(range.stop - range.start + 1);
    for (let i = range.start; i <= range.stop; i++) ctx.reply.bulk(list.get(i));
  },
});

export const lindex = defineCommand({
  name: 'lindex',
  arity: 3,
  flags: ['readonly'],
  keys: [1, 1, 1],
  group: 'list',
  summary: 'Get an element from a list by its index',
  since: '1.0.0',
  handler(ctx) {
    const index = parseInteger(ctx.argv[2]!);
    const list = readList(ctx, ctx.argv[1]!);
    if (!list) return ctx.reply.nullBulk();
    const at = index < 0 ? list.size + index : index;
    ctx.reply.bulk(at >= 0 && at < list.size ? list.get(at) : null);
  },
});

export const lset = defineCommand({
  name: 'lset',
  arity: 4,
  flags: ['write', 'denyoom'],
  keys: [1, 1, 1],
  group: 'list',
  summary: 'Set the value of an element in a list by its index',
  since: '1.0.0',
  handler(ctx) {
    const key = ctx.argv[1]!;
    const index = parseInteger(ctx.argv[2]!);
    const list = readList(ctx, key, true);
    if (!list) throw new CommandError(Errors.noSuchKey);
    const at = index < 0 ? list.size + index : index;
    if (at < 0 || at >= list.size) throw new CommandError(Errors.outOfRange);
    list.set(at, ctx.argv[3]!);
    ctx.signalModifiedKey(key);
    ctx.notify('list', 'lset', key);
    ctx.reply.ok();
  },
});

export const linsert = defineCommand({
  name: 'linsert',
  arity: 5,
  flags: ['write', 'denyoom'],
  keys: [1, 1, 1],
  group: 'list',
  summary: 'Insert an element before or after another element in a list',
  since: '2.2.0',
  handler(ctx) {
    const [, key, where, pivot, value] = ctx.argv as [string, string, string, string, string];
    const upper = where.toUpperCase();
    if (upper !== 'BEFORE' && upper !== 'AFTER') throw syntaxError();
    const list = readList(ctx, key, true);
    if (!list) return ctx.reply.integer(0);
    const items = list.toArray();
    const at = items.indexOf(pivot);
    if (at === -1) return ctx.reply.integer(-1);
    items.splice(upper === 'BEFORE' ? at : at + 1, 0, value);
    list.replaceAll(items);
    ctx.signalModifiedKey(key);
    ctx.notify('list', 'linsert', key);
    ctx.reply.integer(list.size);
  },
});

export const lrem = defineCommand({
  name: 'lrem',
  arity: 4,
  flags: ['write'],
  keys: [1, 1, 1],
  group: 'list',
  summary: 'Remove elements from a list',
  since: '1.0.0',
  handler(ctx) {
    const key = ctx.argv[1]!;
    const count = parseInteger(ctx.argv[2]!);
    const element = ctx.argv[3]!;
    const list = readList(ctx, key, true);
    if (!list) return ctx.reply.integer(0);
    const items = list.toArray();
    const limit = count === 0 ? Number.POSITIVE_INFINITY : Math.abs(count);
    let removed = 0;
    const kept: string[] = [];
    const visit = (item: string) => {
      if (removed < limit && item === element) removed++;
      else kept.push(item);
    };
    if (count >= 0) for (const item of items) visit(item);
    else {
      for (let i = items.length - 1; i >= 0; i--) visit(items[i]!);
      kept.reverse();
    }
    if (removed > 0) {
      list.replaceAll(kept);
      ctx.notify('list', 'lrem', key);
      if (list.size === 0) {
        ctx.db.delete(key);
        ctx.notify('generic', 'del', key);
      }
      ctx.signalModifiedKey(key);
    }
    ctx.reply.integer(removed);
  },
});

export const ltrim = defineCommand({
  name: 'ltrim',
  arity: 4,
  flags: ['write'],
  keys: [1, 1, 1],
  group: 'list',
  summary: 'Trim a list to the specified range',
  since: '1.0.0',
  handler(ctx) {
    const key = ctx.argv[1]!;
    const start = parseInteger(ctx.argv[2]!);
    const stop = parseInteger(ctx.argv[3]!);
    const list = readList(ctx, key, true);
    if (!list) return ctx.reply.ok();
    const range = clampRange(start, stop, list.size);
    if (range) {
      // Popping from both ends keeps the ring buffer: O(removed), not O(n).
      const dropHead = range.start;
      const dropTail = list.size - 1 - range.stop;
      for (let i = 0; i < dropHead; i++) list.popHead();
      for (let i = 0; i < dropTail; i++) list.popTail();
    } else {
      list.replaceAll([]);
    }
    ctx.notify('list', 'ltrim', key);
    if (list.size === 0) {
      ctx.db.delete(key);
      ctx.notify('generic', 'del', key);
    }
    ctx.signalModifiedKey(key);
    ctx.reply.ok();
  },
});

export const lpos = defineCommand({
  name: 'lpos',
  arity: -3,
  flags: ['readonly'],
  keys: [1, 1, 1],
  group: 'list',
  summary: 'Return the index of matching elements on a list',
  since: '6.0.6',
  handler(ctx) {
    const { argv, reply } = ctx;
    const element = argv[2]!;
    let rank = 1;
    let count: number | undefined;
    let maxlen = 0;
    for (let i = 3; i < argv.length; i++) {
      const option = argv[i]!.toUpperCase();
      if (i + 1 >= argv.length) throw syntaxError();
      const value = argv[++i]!;
      if (option === 'RANK') {
        rank = parseInteger(value);
        if (rank === 0) {
          throw new CommandError(
            "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
          );
        }
      } else if (option === 'COUNT') {
        count = parseRangeInteger(value, 0n, LONG_MAX, "ERR COUNT can't be negative");
      } else if (option === 'MAXLEN') {
        maxlen = parseRangeInteger(value, 0n, LONG_MAX, "ERR MAXLEN can't be negative");
      } else throw syntaxError();
    }
    const list = readList(ctx, argv[1]!);
    const matches: number[] = [];
    if (list) {
      // RANK LONG_MIN: Redis's -rank overflows back to LONG_MIN, so every match from the tail
      // counts as reached and COUNT's end test never holds (it overflows too).
      const wrapped = rank === -(2 ** 63);
      const want =
        count === undefined ? 1 : count === 0 || wrapped ? Number.POSITIVE_INFINITY : count;
      const size = list.size;
      const scan = maxlen === 0 ? size : Math.min(maxlen, size);
      let skip = wrapped ? 0 : Math.abs(rank) - 1;
      for (let n = 0; n < scan && matches.length < want; n++) {
        const index = rank > 0 ? n : size - 1 - n;
        if (list.get(index) !== element) continue;
        if (skip > 0) {
          skip--;
          continue;
        }
        matches.push(index);
      }
    }
    if (count === undefined) {
      if (matches.length === 0) reply.nullBulk();
      else reply.integer(matches[0]!);
      return;
    }
    reply.arrayHeader(matches.length);
    for (const index of matches) reply.integer(index);
  },
});
