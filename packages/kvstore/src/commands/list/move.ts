import { CommandError, Errors } from '../../command-error.js';
import { parseTimeout } from '../args.js';
import { defineCommand } from '../define.js';
import type { CommandContext } from '../types.js';
import { type End, parseEnd, popValues, pushValues, readList } from './list-value.js';

interface MoveArgs {
  source: string;
  destination: string;
  from: End;
  to: End;
}

/** Moves one element; returns it, or undefined when the source is empty. WRONGTYPE on dest first. */
function moveOne(ctx: CommandContext, args: MoveArgs): string | undefined {
  const list = readList(ctx, args.source, true);
  if (!list || list.size === 0) return undefined;
  const destination = ctx.db.peek(args.destination);
  if (destination && destination.type !== 'list') throw new CommandError(Errors.wrongType);
  const [value] = popValues(ctx, args.source, list, args.from, 1);
  pushValues(ctx, args.destination, [value!], args.to);
  ctx.propagate([
    [
      'LMOVE',
      args.source,
      args.destination,
      args.from === 'left' ? 'LEFT' : 'RIGHT',
      args.to === 'left' ? 'LEFT' : 'RIGHT',
    ],
  ]);
  return value;
}

function moveOrBlock(ctx: CommandContext, args: MoveArgs, timeoutMs: number | undefined): void {
  const value = moveOne(ctx, args);
  if (value !== undefined || timeoutMs === undefined) {
    ctx.reply.bulk(value ?? null);
    return;
  }
  ctx.block({
    keys: [args.source],
    keyType: 'list',
    timeoutMs,
    serve(c) {
      const moved = moveOne(c, args);
      if (moved === undefined) return false;
      c.reply.bulk(moved);
      return true;
    },
  });
}

export const lmove = defineCommand({
  name: 'lmove',
  arity: 5,
  flags: ['write', 'denyoom'],
  keys: [1, 2, 1],
  group: 'list',
  summary: 'Pop an element from a list, push it to another list and return it',
  since: '6.2.0',
  handler(ctx) {
    const [, source, destination, from, to] = ctx.argv as [string, string, string, string, string];
    moveOrBlock(ctx, { source, destination, from: parseEnd(from), to: parseEnd(to) }, undefined);
  },
});

export const rpoplpush = defineCommand({
  name: 'rpoplpush',
  arity: 3,
  flags: ['write', 'denyoom'],
  keys: [1, 2, 1],
  group: 'list',
  summary: 'Remove the last element in a list, prepend it to another list and return it',
  since: '1.2.0',
  handler(ctx) {
    moveOrBlock(
      ctx,
      { source: ctx.argv[1]!, destination: ctx.argv[2]!, from: 'right', to: 'left' },
      undefined,
    );
  },
});

export const blmove = defineCommand({
  name: 'blmove',
  arity: 6,
  flags: ['write', 'denyoom', 'noscript', 'blocking'],
  keys: [1, 2, 1],
  group: 'list',
  summary:
    'Pop an element from a list, push it to another list and return it; or block until one is available',
  since: '6.2.0',
  handler(ctx) {
    const [, source, destination, from, to, timeout] = ctx.argv as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const args = { source, destination, from: parseEnd(from), to: parseEnd(to) };
    moveOrBlock(ctx, args, parseTimeout(timeout));
  },
});

export const brpoplpush = defineCommand({
  name: 'brpoplpush',
  arity: 4,
  flags: ['write', 'denyoom', 'noscript', 'blocking'],
  keys: [1, 2, 1],
  group: 'list',
  summary:
    'Pop an element from a list, push it to another list and return it; or block until one is available',
  since: '2.2.0',
  handler(ctx) {
    const timeoutMs = parseTimeout(ctx.argv[3]!);
    moveOrBlock(
      ctx,
      { source: ctx.argv[1]!, destination: ctx.argv[2]!, from: 'right', to: 'left' },
      timeoutMs,
    );
  },
});
