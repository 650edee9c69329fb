import { CommandError, wrongType } from '../../command-error.js';
import { SortedSet } from '../../structures/sorted-set.js';
import type { SetValue } from '../../values/set.js';
import { isKeyword, parseCount, parseFloatArg, parseInteger, syntaxError } from '../args.js';
import { defineCommand } from '../define.js';
import type { CommandContext } from '../types.js';
import { newZset, numkeysPositions, replyScored, storeResult } from './shared.js';

type SetOp = 'union' | 'inter' | 'diff';
type Aggregate = 'sum' | 'min' | 'max';

/** An input of ZUNION & co: a sorted set, a plain set (every score 1) or a missing key. */
interface Source {
  size: number;
  weight: number;
  entries(): Iterable<[string, number]>;
  find(member: string): number | undefined;
  identity: unknown;
}

function sourceOf(ctx: CommandContext, key: string): Source {
  const entry = ctx.db.lookupRead(key);
  const base = { weight: 1, identity: entry };
  if (!entry) return { ...base, size: 0, entries: () => [], find: () => undefined };
  if (entry.type === 'zset') {
    const zset = entry.value as SortedSet;
    return {
      ...base,
      size: zset.size,
      *entries() {
        for (const { member, score } of zset.entries()) yield [member, score];
      },
      find: (member) => zset.score(member),
    };
  }
  if (entry.type === 'set') {
    const set = entry.value as SetValue;
    return {
      ...base,
      size: set.size,
      *entries() {
        for (const member of set) yield [member, 1];
      },
      find: (member) => (set.has(member) ? 1 : undefined),
    };
  }
  throw wrongType();
}

/**
 * Redis's zunionInterAggregate: SUM turns inf + -inf into 0; MIN/MAX keep the target when the
 * value is NaN (so not Math.min/Math.max, which would propagate it).
 */
function aggregate(target: number, value: number, how: Aggregate): number {
  if (how === 'sum') {
    const sum = target + value;
    return Number.isNaN(sum) ? 0 : sum;
  }
  // biome-ignore lint/complexity/useMathMinMax: Math.min would propagate a NaN value.
  if (how === 'min') return value < target ? value : target;
  // biome-ignore lint/complexity/useMathMinMax: Math.max would propagate a NaN value.
  return value > target ? value : target;
}

/** A weighted score; NaN (0 * inf) counts as 0. */
function weighted(score: number, weight: number): number {
  const value = score * weight;
  return Number.isNaN(value) ? 0 : value;
}

interface SetOpRequest {
  op: SetOp;
  /** argv index of numkeys. */
  numkeysIndex: number;
  dest?: string;
  /** ZINTERCARD: count only, LIMIT allowed. */
  cardinalityOnly?: boolean;
}

/** Redis's zunionInterDiffGenericCommand. */
function setOperation(ctx: CommandContext, request: SetOpRequest): void {
  const { argv } = ctx;
  const { op, dest, cardinalityOnly = false } = request;
  const setCount = parseInteger(argv[request.numkeysIndex]);
  if (setCount < 1) {
    throw new CommandError(
      `ERR at least 1 input key is needed for '${argv[0].toLowerCase()}' command`,
    );
  }
  if (setCount > argv.length - (request.numkeysIndex + 1)) throw syntaxError();
  const sources: Source[] = [];
  let j = request.numkeysIndex + 1;
  for (let i = 0; i < setCount; i++, j++) sources.push(sourceOf(ctx, argv[j]));

  let how: Aggregate = 'sum';
  let withScores = false;
  let limit = 0;
  while (j < argv.length) {
    const remaining = argv.length - j;
    const counting = op !== 'diff' && !cardinalityOnly;
    if (counting && remaining >= setCount + 1 && isKeyword(argv[j], 'WEIGHTS')) {
      j++;
      for (const source of sources) {
        source.weight = parseFloatArg(argv[j++], 'ERR weight value is not a float');
      }
    } else if (counting && remaining >= 2 && isKeyword(argv[j], 'AGGREGATE')) {
      const value = argv[j + 1].toLowerCase();
      if (value !== 'sum' && value !== 'min' && value !== 'max') throw syntaxError();
      how = value;
      j += 2;
    } else if (
      remaining >= 1 &&
      dest === undefined &&
      !cardinalityOnly &&
      isKeyword(argv[j], 'WITHSCORES')
    ) {
      withScores = true;
      j++;
    } else if (cardinalityOnly && remaining >= 2 && isKeyword(argv[j], 'LIMIT')) {
      limit = parseLimit(argv[j + 1]);
      j += 2;
    } else {
      throw syntaxError();
    }
  }
  // Smallest inputs first (a stable sort, as Redis's qsort on glibc behaves).
  if (op !== 'diff') sources.sort((a, b) => a.size - b.size);

  if (cardinalityOnly) {
    ctx.reply.integer(intersectionCount(sources, limit));
    return;
  }
  const result = dest === undefined ? new SortedSet() : newZset(ctx);
  if (op === 'inter') intersect(sources, how, result);
  else if (op === 'union') unite(sources, how, result);
  else difference(sources, result);

  if (dest === undefined) {
    replyScored(ctx, [...result.entries()], withScores);
    return;
  }
  storeResult(ctx, dest, result, `z${op}store`);
}

function parseLimit(text: string): number {
  try {
    return parseCount(text);
  } catch {
    throw new CommandError("ERR LIMIT can't be negative");
  }
}

/** Members of the smallest input present in every other one, and their aggregated scores. */
function* intersection(sources: Source[], how: Aggregate): IterableIterator<[string, number]> {
  const [first, ...rest] = sources;
  if (first.size === 0) return;
  for (const [member, score] of first.entries()) {
    let total = weighted(score, first.weight);
    let everywhere = true;
    for (const other of rest) {
      const found = other.identity === first.identity ? score : other.find(member);
      if (found === undefined) {
        everywhere = false;
        break;
      }
      total = aggregate(total, found * other.weight, how);
    }
    if (everywhere) yield [member, total];
  }
}

function intersect(sources: Source[], how: Aggregate, result: SortedSet): void {
  for (const [member, score] of intersection(sources, how)) result.set(member, score);
}

function intersectionCount(sources: Source[], limit: number): number {
  let count = 0;
  for (const _ of intersection(sources, 'sum')) {
    count++;
    if (limit && count >= limit) break;
  }
  return count;
}

function unite(sources: Source[], how: Aggregate, result: SortedSet): void {
  const scores = new Map<string, number>();
  for (const source of sources) {
    for (const [member, score] of source.entries()) {
      const value = weighted(score, source.weight);
      const current = scores.get(member);
      scores.set(member, current === undefined ? value : aggregate(current, value, how));
    }
  }
  for (const [member, score] of scores) result.set(member, score);
}

/** Members of the first input found in no other, with their first-input scores. */
function difference(sources: Source[], result: SortedSet): void {
  const [first, ...rest] = sources;
  for (const [member, score] of first.entries()) {
    if (!rest.some((other) => other.find(member) !== undefined)) result.set(member, score);
  }
}

function readOp(name: string, op: SetOp, summary: string) {
  return defineCommand({
    name,
    arity: -3,
    flags: ['readonly', 'movablekeys'],
    keys: [0, 0, 0],
    group: 'sorted_set',
    summary,
    since: '6.2.0',
    getKeys: (argv) => numkeysPositions(argv, 1),
    handler(ctx) {
      setOperation(ctx, { op, numkeysIndex: 1 });
    },
  });
}

function storeOp(name: string, op: SetOp, summary: string, since: string) {
  return defineCommand({
    name,
    arity: -4,
    flags: ['write', 'denyoom', 'movablekeys'],
    keys: [1, 1, 1],
    group: 'sorted_set',
    summary,
    since,
    getKeys: (argv) => numkeysPositions(argv, 2, [1]),
    handler(ctx) {
      setOperation(ctx, { op, numkeysIndex: 2, dest: ctx.argv[1] });
    },
  });
}

export const zunion = readOp('zunion', 'union', 'Add multiple sorted sets');
export const zinter = readOp('zinter', 'inter', 'Intersect multiple sorted sets');
export const zdiff = readOp('zdiff', 'diff', 'Subtract multiple sorted sets');
export const zunionstore = storeOp(
  'zunionstore',
  'union',
  'Add multiple sorted sets and store the resulting sorted set in a new key',
  '2.0.0',
);
export const zinterstore = storeOp(
  'zinterstore',
  'inter',
  'Intersect multiple sorted sets and store the resulting sorted set in a new key',
  '2.0.0',
);
export const zdiffstore = storeOp(
  'zdiffstore',
  'diff',
  'Subtract multiple sorted sets and store the resulting sorted set in a new key',
  '6.2.0',
);

export const zintercard = defineCommand({
  name: 'zintercard',
  arity: -3,
  flags: ['readonly', 'movablekeys'],
  keys: [0, 0, 0],
  group: 'sorted_set',
  summary: 'Intersect multiple sorted sets and return the cardinality of the result',
  since: '7.0.0',
  getKeys: (argv) => numkeysPositions(argv, 1),
  handler(ctx) {
    setOperation(ctx, { op: 'inter', numkeysIndex: 1, cardinalityOnly: true });
  },
});
