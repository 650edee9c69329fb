import { CommandError } from '../../command-error.js';
import { parseFloatArg, syntaxError } from '../args.js';
import { defineCommand } from '../define.js';
import type { CommandContext } from '../types.js';
import { newZset, writeZset } from './shared.js';

interface ZaddOptions {
  nx: boolean;
  xx: boolean;
  gt: boolean;
  lt: boolean;
  ch: boolean;
  incr: boolean;
}

const NAN_SCORE = 'ERR resulting score is not a number (NaN)';

/** ZADD and ZINCRBY (which is ZADD key INCR increment member): Redis's zaddGenericCommand. */
function zaddGeneric(
  ctx: CommandContext,
  argv: readonly string[],
  options: ZaddOptions,
  firstScore: number,
): void {
  const { reply } = ctx;
  const key = argv[1]!;
  const { nx, xx, gt, lt, ch, incr } = options;
  const pairs = argv.length - firstScore;
  if (pairs === 0 || pairs % 2 !== 0) throw syntaxError();
  if (nx && xx) throw new CommandError('ERR XX and NX options at the same time are not compatible');
  if ((gt && nx) || (lt && nx) || (gt && lt)) {
    throw new CommandError('ERR GT, LT, and/or NX options at the same time are not compatible');
  }
  if (incr && pairs > 2) {
    throw new CommandError('ERR INCR option supports a single increment-element pair');
  }
  // Every score is checked before anything changes: the command applies fully or not at all.
  const scores: number[] = [];
  for (let i = firstScore; i < argv.length; i += 2) scores.push(parseFloatArg(argv[i]!));

  let zset = writeZset(ctx, key);
  let added = 0;
  let updated = 0;
  let processed = 0;
  let lastScore = 0;
  if (zset || !xx) {
    if (!zset) {
      zset = newZset(ctx);
      ctx.db.add(key, 'zset', zset);
    }
    for (let j = 0; j < scores.length; j++) {
      const member = argv[firstScore + 1 + j * 2]!;
      let score = scores[j];
      const current = zset.score(member);
      if (current === undefined) {
        if (xx) continue;
        zset.set(member, score);
        added++;
      } else {
        if (nx) continue;
        if (incr) {
          score += current;
          if (Number.isNaN(score)) throw new CommandError(NAN_SCORE);
        }
        if ((lt && score >= current) || (gt && score <= current)) continue;
        if (score !== current) {
          zset.set(member, score);
          updated++;
        }
      }
      processed++;
      lastScore = score;
    }
  }
  if (incr) {
    if (processed) reply.double(lastScore);
    else reply.null();
  } else {
    reply.integer(ch ? added + updated : added);
  }
  if (added || updated) {
    ctx.signalModifiedKey(key);
    ctx.notify('zset', incr ? 'zincr' : 'zadd', key);
  }
}

/**
 * Both commands accept ZADD's option words before the score/member pairs (ZINCRBY too). GEOADD
 * runs the ZADD it translates to through here with its own argv.
 */
export function zaddWithOptions(ctx: CommandContext, argv: readonly string[], incr: boolean): void {
  const options: ZaddOptions = { nx: false, xx: false, gt: false, lt: false, ch: false, incr };
  let i = 2;
  for (; i < argv.length; i++) {
    const option = argv[i]!.toLowerCase();
    if (!(option in options)) break;
    options[option as keyof ZaddOptions] = true;
  }
  zaddGeneric(ctx, argv, options, i);
}

export const zadd = defineCommand({
  name: 'zadd',
  arity: -4,
  flags: ['write', 'denyoom', 'fast'],
  keys: [1, 1, 1],
  group: 'sorted_set',
  summary: 'Add one or more members to a sorted set, or update its score if it already exists',
  since: '1.2.0',
  complexity: 'O(log(N)) for each item added, where N is the number of elements in the sorted set.',
  handler(ctx) {
    zaddWithOptions(ctx, ctx.argv, false);
  },
});

export const zincrby = defineCommand({
  name: 'zincrby',
  arity: 4,
  flags: ['write', 'denyoom', 'fast'],
  keys: [1, 1, 1],
  group: 'sorted_set',
  summary: 'Increment the score of a member in a sorted set',
  since: '1.2.0',
  complexity: 'O(log(N)) where N is the number of elements in the sorted set.',
  handler(ctx) {
    zaddWithOptions(ctx, ctx.argv, true);
  },
});
