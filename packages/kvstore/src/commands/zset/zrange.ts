import { CommandError } from '../../command-error.js';
import type { LexRange, ScoreRange, ScoredMember, SortedSet } from '../../structures/sorted-set.js';
import { clampRange, isKeyword, parseInteger, syntaxError } from '../args.js';
import { defineCommand } from '../define.js';
import type { CommandContext } from '../types.js';
import {
  newZset,
  parseLexRange,
  parseScoreRange,
  readZset,
  replyScored,
  storeResult,
} from './shared.js';

type RangeKind = 'rank' | 'score' | 'lex';

interface RangeRequest {
  /** Fixed by the legacy commands (ZRANGEBYSCORE...), else chosen by BYSCORE/BYLEX. */
  kind: RangeKind | undefined;
  /** Fixed by the legacy reverse commands, else set by REV. */
  reverse: boolean | undefined;
  /** argv index of the source key; min and max follow it. */
  keyIndex: number;
  /** Destination key for ZRANGESTORE. */
  dest?: string;
}

/**
 * Redis's zrangeGenericCommand: one parser and executor behind ZRANGE, ZRANGESTORE and the
 * legacy ZRANGEBYSCORE / ZREVRANGEBYSCORE / ZRANGEBYLEX / ZREVRANGEBYLEX / ZREVRANGE.
 */
function zrangeGeneric(ctx: CommandContext, request: RangeRequest): void {
  const { argv } = ctx;
  let { kind, reverse } = request;
  const store = request.dest !== undefined;
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = request.keyIndex + 3; j < argv.length; j++) {
    const left = argv.length - j - 1;
    if (!store && isKeyword(argv[j], 'WITHSCORES')) withScores = true;
    else if (isKeyword(argv[j], 'LIMIT') && left >= 2) {
      offset = parseInteger(argv[j + 1]);
      limit = parseInteger(argv[j + 2]);
      j += 2;
    } else if (reverse === undefined && isKeyword(argv[j], 'REV')) reverse = true;
    else if (kind === undefined && isKeyword(argv[j], 'BYLEX')) kind = 'lex';
    else if (kind === undefined && isKeyword(argv[j], 'BYSCORE')) kind = 'score';
    else throw syntaxError();
  }
  kind ??= 'rank';
  reverse ??= false;
  if (limit !== -1 && kind === 'rank') {
    throw new CommandError(
      'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX',
    );
  }
  if (withScores && kind === 'lex') {
    throw new CommandError('ERR syntax error, WITHSCORES not supported in combination with BYLEX');
  }
  // Reverse score and lex ranges are written max first.
  let minText = argv[request.keyIndex + 1];
  let maxText = argv[request.keyIndex + 2];
  if (reverse && kind !== 'rank') [minText, maxText] = [maxText, minText];

  let select: (zset: SortedSet) => ScoredMember[];
  if (kind === 'rank') {
    const start = parseInteger(minText);
    const stop = parseInteger(maxText);
    select = (zset) => {
      const range = clampRange(start, stop, zset.size);
      return range ? zset.rangeByRank(range.start, range.stop, reverse) : [];
    };
  } else {
    const byScore = kind === 'score';
    const range: ScoreRange | LexRange = byScore
      ? parseScoreRange(minText, maxText)
      : parseLexRange(minText, maxText);
    select = (zset) => {
      // A negative offset skips everything (Redis's loop decrements it past zero).
      if (offset < 0 || (offset > 0 && offset >= zset.size)) return [];
      return byScore
        ? zset.rangeByScore(range as ScoreRange, reverse, offset, limit)
        : zset.rangeByLex(range as LexRange, reverse, offset, limit);
    };
  }

  const source = readZset(ctx, argv[request.keyIndex]);
  const items = source ? select(source) : [];
  if (request.dest === undefined) {
    replyScored(ctx, items, withScores);
    return;
  }
  const result = newZset(ctx);
  for (const { member, score } of items) result.set(member, score);
  storeResult(ctx, request.dest, result, 'zrangestore');
}

const readRange = {
  flags: ['readonly'],
  keys: [1, 1, 1],
  group: 'sorted_set',
} as const;

export const zrange = defineCommand({
  ...readRange,
  name: 'zrange',
  arity: -4,
  summary: 'Return a range of members in a sorted set',
  since: '1.2.0',
  complexity:
    'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.',
  handler(ctx) {
    zrangeGeneric(ctx, { kind: undefined, reverse: undefined, keyIndex: 1 });
  },
});

export const zrangestore = defineCommand({
  name: 'zrangestore',
  arity: -5,
  flags: ['write', 'denyoom'],
  keys: [1, 2, 1],
  group: 'sorted_set',
  summary: 'Store a range of members from sorted set into another key',
  since: '6.2.0',
  handler(ctx) {
    zrangeGeneric(ctx, { kind: undefined, reverse: undefined, keyIndex: 2, dest: ctx.argv[1] });
  },
});

function legacyRange(
  name: string,
  arity: number,
  kind: RangeKind,
  reverse: boolean,
  summary: string,
  since: string,
) {
  return defineCommand({
    ...readRange,
    name,
    arity,
    summary,
    since,
    handler(ctx) {
      zrangeGeneric(ctx, { kind, reverse, keyIndex: 1 });
    },
  });
}

export const zrevrange = legacyRange(
  'zrevrange',
  -4,
  'rank',
  true,
  'Return a range of members in a sorted set, by index, with scores ordered from high to low',
  '1.2.0',
);
export const zrangebyscore = legacyRange(
  'zrangebyscore',
  -4,
  'score',
  false,
  'Return a range of members in a sorted set, by score',
  '1.0.5',
);
export const zrevrangebyscore = legacyRange(
  'zrevrangebyscore',
  -4,
  'score',
  true,
  'Return a range of members in a sorted set, by score, with scores ordered from high to low',
  '2.2.0',
);
export const zrangebylex = legacyRange(
  'zrangebylex',
  -4,
  'lex',
  false,
  'Return a range of members in a sorted set, by lexicographical range',
  '2.8.9',
);
export const zrevrangebylex = legacyRange(
  'zrevrangebylex',
  -4,
  'lex',
  true,
  'Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.',
  '2.8.9',
);
