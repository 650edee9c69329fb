import { CommandError } from '../../command-error.js';
import {
  LONG_MAX,
  isKeyword,
  parseCount,
  parseInteger,
  parseRangeInteger,
  parseTimeout,
  syntaxError,
} from '../args.js';
import { defineCommand } from '../define.js';
import type { SortedSet } from '../../structures/sorted-set.js';
import type { CommandContext } from '../types.js';
import { deleteIfEmpty, numkeysPositions, writeZset } from './shared.js';

/** How a pop replies, following Redis's genericZpopCommand variants. */
interface PopShape {
  /** Start with the key name (BZPOP*, *ZMPOP). */
  emitKey: boolean;
  /** member/score pairs nested in arrays (ZPOP* with count under RESP3, *ZMPOP always). */
  nested: boolean;
  /** Null array instead of an empty one when no key holds a set (*ZMPOP). */
  nullWhenEmpty: boolean;
}

/**
 * Pops up to `count` elements from the first key among `keys` that holds a set, and replies;
 * returns that key (undefined when none holds a set).
 */
function popFrom(
  ctx: CommandContext,
  keys: readonly string[],
  max: boolean,
  count: number,
  shape: PopShape,
): string | undefined {
  const { reply } = ctx;
  let key: string | undefined;
  let zset: SortedSet | undefined;
  for (const candidate of keys) {
    zset = writeZset(ctx, candidate);
    if (zset) {
      key = candidate;
      break;
    }
  }
  if (key === undefined || !zset) {
    if (shape.nullWhenEmpty) reply.nullArray();
    else reply.arrayHeader(0);
    return undefined;
  }
  if (count === 0) {
    reply.arrayHeader(0);
    return key;
  }
  const popped = zset.pop(count, max);
  if (shape.emitKey && shape.nested) {
    reply.arrayHeader(2);
    reply.bulk(key);
    reply.arrayHeader(popped.length);
  } else if (shape.emitKey) {
    reply.arrayHeader(popped.length * 2 + 1);
    reply.bulk(key);
  } else {
    reply.arrayHeader(shape.nested ? popped.length : popped.length * 2);
  }
  for (const { member, score } of popped) {
    if (shape.nested) reply.arrayHeader(2);
    reply.bulk(member);
    reply.double(score);
  }
  ctx.notify('zset', max ? 'zpopmax' : 'zpopmin', key);
  ctx.signalModifiedKey(key);
  deleteIfEmpty(ctx, key, zset);
  return key;
}

/**
 * The blocking variants: pop now when a key holds a set, else block until one does. The served
 * pop is propagated as ZPOPMIN/ZPOPMAX (with the count for BZMPOP), as Redis replicates it.
 */
function blockingPop(
  ctx: CommandContext,
  keys: string[],
  max: boolean,
  timeoutMs: number,
  count: number | undefined,
  shape: PopShape,
): void {
  const popName = max ? 'ZPOPMAX' : 'ZPOPMIN';
  const propagation = (key: string) =>
    count === undefined ? [popName, key] : [popName, key, String(count)];
  for (const key of keys) {
    const zset = writeZset(ctx, key);
    if (zset && zset.size > 0) {
      popFrom(ctx, [key], max, count ?? 1, shape);
      ctx.propagate([propagation(key)]);
      return;
    }
  }
  ctx.block({
    keys,
    keyType: 'zset',
    timeoutMs,
    serve(served, key) {
      // A key that now holds another type (a list renamed over it...) does not serve the waiter.
      const entry = served.db.peek(key);
      if (entry?.type !== 'zset' || (entry.value as SortedSet).size === 0) return false;
      popFrom(served, [key], max, count ?? 1, shape);
      served.propagate([propagation(key)]);
      return true;
    },
  });
}

function zpopCommand(name: string, max: boolean) {
  return defineCommand({
    name,
    arity: -2,
    flags: ['write', 'fast'],
    keys: [1, 1, 1],
    group: 'sorted_set',
    summary: max
      ? 'Remove and return members with the highest scores in a sorted set'
      : 'Remove and return members with the lowest scores in a sorted set',
    since: '5.0.0',
    handler(ctx) {
      if (ctx.argv.length > 3) throw syntaxError();
      const count = ctx.argv.length === 3 ? parseCount(ctx.argv[2]) : undefined;
      const nested = ctx.reply.resp === 3 && count !== undefined;
      popFrom(ctx, [ctx.argv[1]], max, count ?? 1, {
        emitKey: false,
        nested,
        nullWhenEmpty: false,
      });
    },
  });
}

export const zpopmin = zpopCommand('zpopmin', false);
export const zpopmax = zpopCommand('zpopmax', true);

function bzpopCommand(name: string, max: boolean) {
  return defineCommand({
    name,
    arity: -3,
    flags: ['write', 'noscript', 'blocking', 'fast'],
    keys: [1, -2, 1],
    group: 'sorted_set',
    summary: max
      ? 'Remove and return the member with the highest score from one or more sorted sets, or block until one is available'
      : 'Remove and return the member with the lowest score from one or more sorted sets, or block until one is available',
    since: '5.0.0',
    handler(ctx) {
      const timeoutMs = parseTimeout(ctx.argv[ctx.argv.length - 1]);
      const keys = ctx.argv.slice(1, -1);
      blockingPop(ctx, keys, max, timeoutMs, undefined, {
        emitKey: true,
        nested: false,
        nullWhenEmpty: true,
      });
    },
  });
}

export const bzpopmin = bzpopCommand('bzpopmin', false);
export const bzpopmax = bzpopCommand('bzpopmax', true);

/** `numkeys key... MIN|MAX [COUNT n]` starting at argv[at]. */
function parseMpop(
  argv: readonly string[],
  at: number,
): { keys: string[]; max: boolean; count: number } {
  const numkeys = parseRangeInteger(
    argv[at]!,
    1n,
    LONG_MAX,
    'ERR numkeys should be greater than 0',
  );
  const whereIndex = at + numkeys + 1;
  if (whereIndex >= argv.length) throw syntaxError();
  let max: boolean;
  if (isKeyword(argv[whereIndex], 'MIN')) max = false;
  else if (isKeyword(argv[whereIndex], 'MAX')) max = true;
  else throw syntaxError();
  let count: number | undefined;
  for (let j = whereIndex + 1; j < argv.length; j++) {
    if (count === undefined && isKeyword(argv[j], 'COUNT') && j + 1 < argv.length) {
      count = parseInteger(argv[++j], 'ERR count should be greater than 0');
      if (count < 1) throw new CommandError('ERR count should be greater than 0');
    } else {
      throw syntaxError();
    }
  }
  return { keys: argv.slice(at + 1, at + 1 + numkeys), max, count: count ?? 1 };
}

const mpopShape: PopShape = { emitKey: true, nested: true, nullWhenEmpty: true };

export const zmpop = defineCommand({
  name: 'zmpop',
  arity: -4,
  flags: ['write', 'movablekeys'],
  keys: [0, 0, 0],
  group: 'sorted_set',
  summary: 'Remove and return members with scores in a sorted set',
  since: '7.0.0',
  getKeys: (argv) => numkeysPositions(argv, 1),
  handler(ctx) {
    const { keys, max, count } = parseMpop(ctx.argv, 1);
    const key = popFrom(ctx, keys, max, count, mpopShape);
    if (key !== undefined) ctx.propagate([[max ? 'ZPOPMAX' : 'ZPOPMIN', key, String(count)]]);
  },
});

export const bzmpop = defineCommand({
  name: 'bzmpop',
  arity: -5,
  flags: ['write', 'blocking', 'movablekeys'],
  keys: [0, 0, 0],
  group: 'sorted_set',
  summary: 'Remove and return members with scores in a sorted set or block until one is available',
  since: '7.0.0',
  getKeys: (argv) => numkeysPositions(argv, 2),
  handler(ctx) {
    const { keys, max, count } = parseMpop(ctx.argv, 2);
    const timeoutMs = parseTimeout(ctx.argv[1]);
    blockingPop(ctx, keys, max, timeoutMs, count, mpopShape);
  },
});
