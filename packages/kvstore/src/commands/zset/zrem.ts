import type { SortedSet } from '../../structures/sorted-set.js';
import { clampRange, parseInteger } from '../args.js';
import { defineCommand } from '../define.js';
import type { CommandContext } from '../types.js';
import { deleteIfEmpty, parseLexRange, parseScoreRange, writeZset } from './shared.js';

export const zrem = defineCommand({
  name: 'zrem',
  arity: -3,
  flags: ['write', 'fast'],
  keys: [1, 1, 1],
  group: 'sorted_set',
  summary: 'Remove one or more members from a sorted set',
  since: '1.2.0',
  complexity:
    'O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.',
  handler(ctx) {
    const key = ctx.argv[1];
    const zset = writeZset(ctx, key);
    if (!zset) {
      ctx.reply.integer(0);
      return;
    }
    let removed = 0;
    for (let i = 2; i < ctx.argv.length; i++) {
      if (zset.delete(ctx.argv[i])) removed++;
      if (zset.size === 0) break;
    }
    if (removed) {
      ctx.notify('zset', 'zrem', key);
      deleteIfEmpty(ctx, key, zset);
      ctx.signalModifiedKey(key);
    }
    ctx.reply.integer(removed);
  },
});

/** The shared body of ZREMRANGEBY*: the range is parsed before the key is looked up. */
function removeRange(
  ctx: CommandContext,
  event: string,
  remove: (zset: SortedSet) => number,
): void {
  const key = ctx.argv[1];
  const zset = writeZset(ctx, key);
  const removed = zset ? remove(zset) : 0;
  if (zset && removed) {
    ctx.signalModifiedKey(key);
    ctx.notify('zset', event, key);
    deleteIfEmpty(ctx, key, zset);
  }
  ctx.reply.integer(removed);
}

const removeRangeSpec = {
  arity: 4,
  flags: ['write'],
  keys: [1, 1, 1],
  group: 'sorted_set',
} as const;

export const zremrangebyrank = defineCommand({
  ...removeRangeSpec,
  name: 'zremrangebyrank',
  summary: 'Remove all members in a sorted set within the given indexes',
  since: '2.0.0',
  handler(ctx) {
    const start = parseInteger(ctx.argv[2]);
    const stop = parseInteger(ctx.argv[3]);
    removeRange(ctx, 'zremrangebyrank', (zset) => {
      const range = clampRange(start, stop, zset.size);
      return range ? zset.deleteRangeByRank(range.start, range.stop) : 0;
    });
  },
});

export const zremrangebyscore = defineCommand({
  ...removeRangeSpec,
  name: 'zremrangebyscore',
  summary: 'Remove all members in a sorted set within the given scores',
  since: '1.2.0',
  handler(ctx) {
    const range = parseScoreRange(ctx.argv[2], ctx.argv[3]);
    removeRange(ctx, 'zremrangebyscore', (zset) => zset.deleteRangeByScore(range));
  },
});

export const zremrangebylex = defineCommand({
  ...removeRangeSpec,
  name: 'zremrangebylex',
  summary: 'Remove all members in a sorted set between the given lexicographical range',
  since: '2.8.9',
  handler(ctx) {
    const range = parseLexRange(ctx.argv[2], ctx.argv[3]);
    removeRange(ctx, 'zremrangebylex', (zset) => zset.deleteRangeByLex(range));
  },
});
