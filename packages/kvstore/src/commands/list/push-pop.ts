import { CommandError, Errors } from '../../command-error.js';
import { LONG_MAX, parseCount, parseRangeInteger, parseTimeout, syntaxError } from '../args.js';
import { defineCommand } from '../define.js';
import type { CommandContext } from '../types.js';
import { type End, parseEnd, popValues, pushValues, readList } from './list-value.js';

function pushCommand(
  name: string,
  end: End,
  onlyIfExists: boolean,
  summary: string,
  since: string,
) {
  return defineCommand({
    name,
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    keys: [1, 1, 1],
    group: 'list',
    summary,
    since,
    handler(ctx) {
      const key = ctx.argv[1]!;
      const list = readList(ctx, key, true);
      if (onlyIfExists && !list) {
        ctx.reply.integer(0);
        return;
      }
      ctx.reply.integer(pushValues(ctx, key, ctx.argv.slice(2), end, list));
    },
  });
}

export const lpush = pushCommand(
  'lpush',
  'left',
  false,
  'Prepend one or multiple elements to a list',
  '1.0.0',
);
export const rpush = pushCommand(
  'rpush',
  'right',
  false,
  'Append one or multiple elements to a list',
  '1.0.0',
);
export const lpushx = pushCommand(
  'lpushx',
  'left',
  true,
  'Prepend an element to a list, only if the list exists',
  '2.2.0',
);
export const rpushx = pushCommand(
  'rpushx',
  'right',
  true,
  'Append an element to a list, only if the list exists',
  '2.2.0',
);

function popCommand(name: string, end: End, summary: string) {
  return defineCommand({
    name,
    arity: -2,
    flags: ['write', 'fast'],
    keys: [1, 1, 1],
    group: 'list',
    summary,
    since: '1.0.0',
    handler(ctx) {
      const { argv, reply } = ctx;
      // Redis's popGenericCommand: more than a count is an arity error, not a syntax error.
      if (argv.length > 3) throw new CommandError(Errors.wrongArity(name));
      const key = argv[1]!;
      const count = argv.length === 3 ? parseCount(argv[2]!) : undefined;
      const list = readList(ctx, key, true);
      if (!list) {
        if (count === undefined) reply.nullBulk();
        else reply.nullArray();
        return;
      }
      if (count === undefined) {
        reply.bulk(popValues(ctx, key, list, end, 1)[0]);
        return;
      }
      reply.bulkArray(popValues(ctx, key, list, end, count));
    },
  });
}

export const lpop = popCommand('lpop', 'left', 'Remove and get the first elements in a list');
export const rpop = popCommand('rpop', 'right', 'Remove and get the last elements in a list');

/** BLPOP/BRPOP: the first non-empty key in argument order, else block. */
function blockingPop(ctx: CommandContext, end: End): void {
  const { argv } = ctx;
  const timeoutMs = parseTimeout(argv[argv.length - 1]!);
  const keys = argv.slice(1, -1);
  const serve = (c: CommandContext, key: string): boolean => {
    const list = readList(c, key, true);
    if (!list || list.size === 0) return false;
    const [value] = popValues(c, key, list, end, 1);
    c.reply.arrayHeader(2);
    c.reply.bulk(key);
    c.reply.bulk(value);
    c.propagate([[end === 'left' ? 'LPOP' : 'RPOP', key]]);
    return true;
  };
  for (const key of keys) if (serve(ctx, key)) return;
  ctx.block({ keys, keyType: 'list', timeoutMs, serve });
}

export const blpop = defineCommand({
  name: 'blpop',
  arity: -3,
  flags: ['write', 'noscript', 'blocking'],
  keys: [1, -2, 1],
  group: 'list',
  summary: 'Remove and get the first element in a list, or block until one is available',
  since: '2.0.0',
  handler: (ctx) => blockingPop(ctx, 'left'),
});

export const brpop = defineCommand({
  name: 'brpop',
  arity: -3,
  flags: ['write', 'noscript', 'blocking'],
  keys: [1, -2, 1],
  group: 'list',
  summary: 'Remove and get the last element in a list, or block until one is available',
  since: '2.0.0',
  handler: (ctx) => blockingPop(ctx, 'right'),
});

interface MpopArgs {
  keys: string[];
  end: End;
  count: number;
}

/** numkeys key [key ...] LEFT|RIGHT [COUNT count], starting at argv[from]. */
function parseMpop(argv: readonly string[], from: number): MpopArgs {
  const numKeys = parseRangeInteger(
    argv[from]!,
    1n,
    LONG_MAX,
    'ERR numkeys should be greater than 0',
  );
  const whereIndex = from + 1 + numKeys;
  if (whereIndex >= argv.length) throw syntaxError();
  const keys = argv.slice(from + 1, whereIndex);
  const end = parseEnd(argv[whereIndex]!);
  let count = 1;
  let countGiven = false;
  for (let i = whereIndex + 1; i < argv.length; i++) {
    if (argv[i]!.toUpperCase() === 'COUNT' && i + 1 < argv.length && !countGiven) {
      count = parseRangeInteger(argv[++i]!, 1n, LONG_MAX, 'ERR count should be greater than 0');
      countGiven = true;
    } else throw syntaxError();
  }
  return { keys, end, count };
}

function mpopServe(args: MpopArgs) {
  return (c: CommandContext, key: string): boolean => {
    const list = readList(c, key, true);
    if (!list || list.size === 0) return false;
    const values = popValues(c, key, list, args.end, args.count);
    c.reply.arrayHeader(2);
    c.reply.bulk(key);
    c.reply.bulkArray(values);
    c.propagate([[args.end === 'left' ? 'LPOP' : 'RPOP', key, String(values.length)]]);
    return true;
  };
}

function mpopKeys(argv: readonly string[], from: number): number[] {
  const n = Number(argv[from]);
  if (!Number.isInteger(n) || n <= 0) return [];
  return Array.from({ length: Math.min(n, argv.length - from - 1) }, (_, i) => from + 1 + i);
}

export const lmpop = defineCommand({
  name: 'lmpop',
  arity: -4,
  flags: ['write', 'movablekeys'],
  group: 'list',
  summary: 'Pop elements from a list',
  since: '7.0.0',
  getKeys: (argv) => mpopKeys(argv, 1),
  handler(ctx) {
    const args = parseMpop(ctx.argv, 1);
    const serve = mpopServe(args);
    for (const key of args.keys) if (serve(ctx, key)) return;
    ctx.reply.nullArray();
  },
});

export const blmpop = defineCommand({
  name: 'blmpop',
  arity: -5,
  flags: ['write', 'blocking', 'movablekeys'],
  group: 'list',
  summary: 'Pop elements from a list, or block until one is available',
  since: '7.0.0',
  getKeys: (argv) => mpopKeys(argv, 2),
  handler(ctx) {
    const timeoutMs = parseTimeout(ctx.argv[1]!);
    const args = parseMpop(ctx.argv, 2);
    const serve = mpopServe(args);
    for (const key of args.keys) if (serve(ctx, key)) return;
    ctx.block({ keys: args.keys, keyType: 'list', timeoutMs, serve });
  },
});
