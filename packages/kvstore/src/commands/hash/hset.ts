import { CommandError } from '../../command-error.js';
import { defineCommand } from '../define.js';
import type { CommandContext } from '../types.js';
import { hashForWrite, readHash } from './hash-value.js';

function setFields(ctx: CommandContext, name: string): number {
  const { argv } = ctx;
  if (argv.length % 2 !== 0)
    throw new CommandError(`ERR wrong number of arguments for '${name}' command`);
  const key = argv[1]!;
  const hash = hashForWrite(ctx, key);
  let added = 0;
  for (let i = 2; i < argv.length; i += 2) if (hash.set(argv[i]!, argv[i + 1]!)) added++;
  ctx.signalModifiedKey(key);
  ctx.notify('hash', 'hset', key);
  return added;
}

export const hset = defineCommand({
  name: 'hset',
  arity: -4,
  flags: ['write', 'denyoom', 'fast'],
  keys: [1, 1, 1],
  group: 'hash',
  summary: 'Set the string value of a hash field',
  since: '2.0.0',
  handler(ctx) {
    ctx.reply.integer(setFields(ctx, 'hset'));
  },
});

export const hmset = defineCommand({
  name: 'hmset',
  arity: -4,
  flags: ['write', 'denyoom', 'fast'],
  keys: [1, 1, 1],
  group: 'hash',
  summary: 'Set multiple hash fields to multiple values',
  since: '2.0.0',
  handler(ctx) {
    setFields(ctx, 'hmset');
    ctx.reply.ok();
  },
});

export const hsetnx = defineCommand({
  name: 'hsetnx',
  arity: 4,
  flags: ['write', 'denyoom', 'fast'],
  keys: [1, 1, 1],
  group: 'hash',
  summary: 'Set the value of a hash field, only if the field does not exist',
  since: '2.0.0',
  handler(ctx) {
    const [, key, field, value] = ctx.argv as [string, string, string, string];
    const existing = readHash(ctx, key, true);
    if (existing?.get(field) !== undefined) return ctx.reply.integer(0);
    hashForWrite(ctx, key).set(field, value);
    ctx.signalModifiedKey(key);
    ctx.notify('hash', 'hset', key);
    ctx.reply.integer(1);
  },
});

export const hdel = defineCommand({
  name: 'hdel',
  arity: -3,
  flags: ['write', 'fast'],
  keys: [1, 1, 1],
  group: 'hash',
  summary: 'Delete one or more hash fields',
  since: '2.0.0',
  handler(ctx) {
    const key = ctx.argv[1]!;
    const hash = readHash(ctx, key, true);
    if (!hash) return ctx.reply.integer(0);
    let removed = 0;
    for (let i = 2; i < ctx.argv.length; i++) if (hash.delete(ctx.argv[i]!)) removed++;
    if (removed > 0) {
      ctx.notify('hash', 'hdel', key);
      if (hash.size === 0) {
        ctx.db.delete(key);
        ctx.notify('generic', 'del', key);
      }
      ctx.signalModifiedKey(key);
    }
    ctx.reply.integer(removed);
  },
});
