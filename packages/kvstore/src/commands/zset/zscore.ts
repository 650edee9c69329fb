import { defineCommand } from '../define.js';
import { parseLexRange, parseScoreRange, readZset } from './shared.js';

export const zscore = defineCommand({
  name: 'zscore',
  arity: 3,
  flags: ['readonly', 'fast'],
  keys: [1, 1, 1],
  group: 'sorted_set',
  summary: 'Get the score associated with the given member in a sorted set',
  since: '1.2.0',
  handler(ctx) {
    const score = readZset(ctx, ctx.argv[1])?.score(ctx.argv[2]);
    if (score === undefined) ctx.reply.null();
    else ctx.reply.double(score);
  },
});

export const zmscore = defineCommand({
  name: 'zmscore',
  arity: -3,
  flags: ['readonly', 'fast'],
  keys: [1, 1, 1],
  group: 'sorted_set',
  summary: 'Get the score associated with the given members in a sorted set',
  since: '6.2.0',
  handler(ctx) {
    const zset = readZset(ctx, ctx.argv[1]);
    ctx.reply.arrayHeader(ctx.argv.length - 2);
    for (let i = 2; i < ctx.argv.length; i++) {
      const score = zset?.score(ctx.argv[i]);
      if (score === undefined) ctx.reply.null();
      else ctx.reply.double(score);
    }
  },
});

export const zcard = defineCommand({
  name: 'zcard',
  arity: 2,
  flags: ['readonly', 'fast'],
  keys: [1, 1, 1],
  group: 'sorted_set',
  summary: 'Get the number of members in a sorted set',
  since: '1.2.0',
  handler(ctx) {
    ctx.reply.integer(readZset(ctx, ctx.argv[1])?.size ?? 0);
  },
});

export const zcount = defineCommand({
  name: 'zcount',
  arity: 4,
  flags: ['readonly', 'fast'],
  keys: [1, 1, 1],
  group: 'sorted_set',
  summary: 'Count the members in a sorted set with scores within the given values',
  since: '2.0.0',
  handler(ctx) {
    const range = parseScoreRange(ctx.argv[2], ctx.argv[3]);
    ctx.reply.integer(readZset(ctx, ctx.argv[1])?.countByScore(range) ?? 0);
  },
});

export const zlexcount = defineCommand({
  name: 'zlexcount',
  arity: 4,
  flags: ['readonly', 'fast'],
  keys: [1, 1, 1],
  group: 'sorted_set',
  summary: 'Count the number of members in a sorted set between a given lexicographical range',
  since: '2.8.9',
  handler(ctx) {
    const range = parseLexRange(ctx.argv[2], ctx.argv[3]);
    ctx.reply.integer(readZset(ctx, ctx.argv[1])?.countByLex(range) ?? 0);
  },
});

function rankCommand(name: string, reverse: boolean) {
  return defineCommand({
    name,
    arity: 3,
    flags: ['readonly', 'fast'],
    keys: [1, 1, 1],
    group: 'sorted_set',
    summary: reverse
      ? 'Determine the index of a member in a sorted set, with scores ordered from high to low'
      : 'Determine the index of a member in a sorted set',
    since: '2.0.0',
    handler(ctx) {
      const rank = readZset(ctx, ctx.argv[1])?.rank(ctx.argv[2], reverse);
      if (rank === undefined) ctx.reply.null();
      else ctx.reply.integer(rank);
    },
  });
}

export const zrank = rankCommand('zrank', false);
export const zrevrank = rankCommand('zrevrank', true);
