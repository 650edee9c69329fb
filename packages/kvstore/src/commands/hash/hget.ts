import { defineCommand } from '../define.js';
import { readHash } from './hash-value.js';

export const hget = defineCommand({
  name: 'hget',
  arity: 3,
  flags: ['readonly', 'fast'],
  keys: [1, 1, 1],
  group: 'hash',
  summary: 'Get the value of a hash field',
  since: '2.0.0',
  handler(ctx) {
    ctx.reply.bulk(readHash(ctx, ctx.argv[1]!)?.get(ctx.argv[2]!) ?? null);
  },
});

export const hmget = defineCommand({
  name: 'hmget',
  arity: -3,
  flags: ['readonly', 'fast'],
  keys: [1, 1, 1],
  group: 'hash',
  summary: 'Get the values of all the given hash fields',
  since: '2.0.0',
  handler(ctx) {
    const hash = readHash(ctx, ctx.argv[1]!);
    ctx.reply.arrayHeader(ctx.argv.length - 2);
    for (let i = 2; i < ctx.argv.length; i++) ctx.reply.bulk(hash?.get(ctx.argv[i]!) ?? null);
  },
});

export const hexists = defineCommand({
  name: 'hexists',
  arity: 3,
  flags: ['readonly', 'fast'],
  keys: [1, 1, 1],
  group: 'hash',
  summary: 'Determine if a hash field exists',
  since: '2.0.0',
  handler(ctx) {
    ctx.reply.integer(readHash(ctx, ctx.argv[1]!)?.get(ctx.argv[2]!) !== undefined ? 1 : 0);
  },
});

export const hlen = defineCommand({
  name: 'hlen',
  arity: 2,
  flags: ['readonly', 'fast'],
  keys: [1, 1, 1],
  group: 'hash',
  summary: 'Get the number of fields in a hash',
  since: '2.0.0',
  handler(ctx) {
    ctx.reply.integer(readHash(ctx, ctx.argv[1]!)?.size ?? 0);
  },
});

export const hstrlen = defineCommand({
  name: 'hstrlen',
  arity: 3,
  flags: ['readonly', 'fast'],
  keys: [1, 1, 1],
  group: 'hash',
  summary: 'Get the length of the value of a hash field',
  since: '3.2.0',
  handler(ctx) {
    ctx.reply.integer(readHash(ctx, ctx.argv[1]!)?.get(ctx.argv[2]!)?.length ?? 0);
  },
});

export const hkeys = defineCommand({
  name: 'hkeys',
  arity: 2,
  flags: ['readonly'],
  keys: [1, 1, 1],
  group: 'hash',
  summary: 'Get all the fields in a hash',
  since: '2.0.0',
  handler(ctx) {
    const hash = readHash(ctx, ctx.argv[1]!);
    ctx.reply.bulkArray(hash ? [...hash.fields.keys()] : []);
  },
});

export const hvals = defineCommand({
  name: 'hvals',
  arity: 2,
  flags: ['readonly'],
  keys: [1, 1, 1],
  group: 'hash',
  summary: 'Get all the values in a hash',
  since: '2.0.0',
  handler(ctx) {
    const hash = readHash(ctx, ctx.argv[1]!);
    ctx.reply.bulkArray(hash ? [...hash.fields.values()] : []);
  },
});

export const hgetall = defineCommand({
  name: 'hgetall',
  arity: 2,
  flags: ['readonly'],
  keys: [1, 1, 1],
  group: 'hash',
  summary: 'Get all the fields and values in a hash',
  since: '2.0.0',
  handler(ctx) {
    const hash = readHash(ctx, ctx.argv[1]!);
    ctx.reply.mapHeader(hash?.size ?? 0);
    if (!hash) return;
    for (const [field, value] of hash.fields) {
      ctx.reply.bulk(field);
      ctx.reply.bulk(value);
    }
  },
});
