import { isKeyword, syntaxError } from '../args.js';
import { defineCommand } from '../define.js';
import { ensureReplyFits, parseRandomCount } from '../reply-budget.js';
import { readZset, replyScored } from './shared.js';

export const zrandmember = defineCommand({
  name: 'zrandmember',
  arity: -2,
  flags: ['readonly'],
  keys: [1, 1, 1],
  group: 'sorted_set',
  summary: 'Get one or multiple random elements from a sorted set',
  since: '6.2.0',
  handler(ctx) {
    const { argv, reply } = ctx;
    if (argv.length === 2) {
      const zset = readZset(ctx, argv[1]);
      if (!zset || zset.size === 0) reply.null();
      else reply.bulk(zset.randomDistinct(1)[0].member);
      return;
    }
    const count = parseRandomCount(argv[2]!, false);
    if (argv.length > 4 || (argv.length === 4 && !isKeyword(argv[3], 'WITHSCORES'))) {
      throw syntaxError();
    }
    const withScores = argv.length === 4;
    if (withScores) parseRandomCount(argv[2]!, true);
    const zset = readZset(ctx, argv[1]);
    if (!zset || count === 0) {
      reply.arrayHeader(0);
      return;
    }
    // Negative: that many picks, repetitions allowed. Positive: distinct members; asking for at
    // least the whole set returns all of it from the highest score down (Redis's iterator order).
    if (count < 0) ensureReplyFits(ctx, -count, withScores ? 2 : 1);
    const items =
      count < 0
        ? zset.randomWithRepetition(-count)
        : count >= zset.size
          ? [...zset.entries()].reverse()
          : zset.randomDistinct(count);
    replyScored(ctx, items, withScores);
  },
});
