import { CommandError } from '../../command-error.js';
import { SetValue } from '../../values/set.js';
import { LONG_MAX, isKeyword, parseRangeInteger, syntaxError } from '../args.js';
import { defineCommand } from '../define.js';
import type { CommandContext } from '../types.js';
import { readSet, replyMembers, storeSet } from './set-value.js';

type Operation = 'inter' | 'union' | 'diff';

/**
 * The members of the intersection, union or difference of the sets at `keys`, in the order Redis
 * replies them when it is deterministic (intset order). Missing keys are empty sets.
 */
function compute(
  ctx: CommandContext,
  keys: readonly string[],
  operation: Operation,
  limit = 0,
): string[] {
  // Every key is type-checked (WRONGTYPE) before a missing one makes an intersection empty.
  const sets = keys.map((key) => readSet(ctx, key));
  if (operation === 'inter') {
    if (sets.some((set) => set === undefined)) return [];
    const ordered = (sets as SetValue[]).slice().sort((a, b) => a.size - b.size);
    const [smallest, ...others] = ordered;
    const out: string[] = [];
    for (const member of smallest!.ordered()) {
      if (others.every((set) => set.has(member))) {
        out.push(member);
        if (limit > 0 && out.length >= limit) break;
      }
    }
    return out;
  }
  const result = new SetValue();
  if (operation === 'union') {
    for (const set of sets) if (set) for (const member of set) result.add(member);
  } else {
    const [first, ...rest] = sets;
    if (!first) return [];
    for (const member of first) if (!rest.some((set) => set?.has(member))) result.add(member);
  }
  return result.ordered();
}

function algebraCommand(name: string, operation: Operation, summary: string, since: string) {
  return defineCommand({
    name,
    arity: -2,
    flags: ['readonly'],
    keys: [1, -1, 1],
    group: 'set',
    summary,
    since,
    handler(ctx) {
      replyMembers(ctx, compute(ctx, ctx.argv.slice(1), operation));
    },
  });
}

function storeCommand(name: string, operation: Operation, summary: string, since: string) {
  return defineCommand({
    name,
    arity: -3,
    flags: ['write', 'denyoom'],
    keys: [1, -1, 1],
    group: 'set',
    summary,
    since,
    handler(ctx) {
      const members = compute(ctx, ctx.argv.slice(2), operation);
      storeSet(ctx, ctx.argv[1]!, members, name);
      ctx.reply.integer(members.length);
    },
  });
}

export const sinter = algebraCommand('sinter', 'inter', 'Intersect multiple sets', '1.0.0');
export const sunion = algebraCommand('sunion', 'union', 'Add multiple sets', '1.0.0');
export const sdiff = algebraCommand('sdiff', 'diff', 'Subtract multiple sets', '1.0.0');
export const sinterstore = storeCommand(
  'sinterstore',
  'inter',
  'Intersect multiple sets and store the resulting set in a key',
  '1.0.0',
);
export const sunionstore = storeCommand(
  'sunionstore',
  'union',
  'Add multiple sets and store the resulting set in a key',
  '1.0.0',
);
export const sdiffstore = storeCommand(
  'sdiffstore',
  'diff',
  'Subtract multiple sets and store the resulting set in a key',
  '1.0.0',
);

export const sintercard = defineCommand({
  name: 'sintercard',
  arity: -3,
  flags: ['readonly', 'movablekeys'],
  group: 'set',
  summary: 'Intersect multiple sets and return the cardinality of the result',
  since: '7.0.0',
  getKeys(argv) {
    const n = Number(argv[1]);
    if (!Number.isInteger(n) || n <= 0) return [];
    return Array.from({ length: Math.min(n, argv.length - 2) }, (_, i) => 2 + i);
  },
  handler(ctx) {
    const { argv } = ctx;
    const numKeys = parseRangeInteger(
      argv[1]!,
      1n,
      LONG_MAX,
      'ERR numkeys should be greater than 0',
    );
    if (numKeys > argv.length - 2)
      throw new CommandError("ERR Number of keys can't be greater than number of args");
    let limit = 0;
    for (let i = 2 + numKeys; i < argv.length; i++) {
      if (isKeyword(argv[i], 'LIMIT') && i + 1 < argv.length) {
        limit = parseRangeInteger(argv[++i]!, 0n, LONG_MAX, "ERR LIMIT can't be negative");
      } else throw syntaxError();
    }
    ctx.reply.integer(compute(ctx, argv.slice(2, 2 + numKeys), 'inter', limit).length);
  },
});
