import { SetValue } from '../../values/set.js';
import { defineCommand } from '../define.js';
import { readSet, replyMembers } from './set-value.js';

export const sadd = defineCommand({
  name: 'sadd',
  arity: -3,
  flags: ['write', 'denyoom', 'fast'],
  keys: [1, 1, 1],
  group: 'set',
  summary: 'Add one or more members to a set',
  since: '1.0.0',
  handler(ctx) {
    const key = ctx.argv[1]!;
    let set = readSet(ctx, key, true);
    if (!set) {
      set = new SetValue();
      ctx.db.add(key, 'set', set);
    }
    let added = 0;
    for (let i = 2; i < ctx.argv.length; i++) if (set.add(ctx.argv[i]!)) added++;
    if (added > 0) {
      ctx.signalModifiedKey(key);
      ctx.notify('set', 'sadd', key);
    }
    ctx.reply.integer(added);
  },
});

export const srem = defineCommand({
  name: 'srem',
  arity: -3,
  flags: ['write', 'fast'],
  keys: [1, 1, 1],
  group: 'set',
  summary: 'Remove one or more members from a set',
  since: '1.0.0',
  handler(ctx) {
    const key = ctx.argv[1]!;
    const set = readSet(ctx, key, true);
    if (!set) return ctx.reply.integer(0);
    let removed = 0;
    for (let i = 2; i < ctx.argv.length; i++) if (set.delete(ctx.argv[i]!)) removed++;
    if (removed > 0) {
      ctx.notify('set', 'srem', key);
      if (set.size === 0) {
        ctx.db.delete(key);
        ctx.notify('generic', 'del', key);
      }
      ctx.signalModifiedKey(key);
    }
    ctx.reply.integer(removed);
  },
});

export const smembers = defineCommand({
  name: 'smembers',
  arity: 2,
  flags: ['readonly'],
  keys: [1, 1, 1],
  group: 'set',
  summary: 'Get all the members in a set',
  since: '1.0.0',
  handler(ctx) {
    replyMembers(ctx, readSet(ctx, ctx.argv[1]!)?.ordered() ?? []);
  },
});

export const sismember = defineCommand({
  name: 'sismember',
  arity: 3,
  flags: ['readonly', 'fast'],
  keys: [1, 1, 1],
  group: 'set',
  summary: 'Determine if a given value is a member of a set',
  since: '1.0.0',
  handler(ctx) {
    ctx.reply.integer(readSet(ctx, ctx.argv[1]!)?.has(ctx.argv[2]!) ? 1 : 0);
  },
});

export const smismember = defineCommand({
  name: 'smismember',
  arity: -3,
  flags: ['readonly', 'fast'],
  keys: [1, 1, 1],
  group: 'set',
  summary: 'Returns the membership associated with the given elements for a set',
  since: '6.2.0',
  handler(ctx) {
    const set = readSet(ctx, ctx.argv[1]!);
    ctx.reply.arrayHeader(ctx.argv.length - 2);
    for (let i = 2; i < ctx.argv.length; i++) ctx.reply.integer(set?.has(ctx.argv[i]!) ? 1 : 0);
  },
});

export const scard = defineCommand({
  name: 'scard',
  arity: 2,
  flags: ['readonly', 'fast'],
  keys: [1, 1, 1],
  group: 'set',
  summary: 'Get the number of members in a set',
  since: '1.0.0',
  handler(ctx) {
    ctx.reply.integer(readSet(ctx, ctx.argv[1]!)?.size ?? 0);
  },
});

export const smove = defineCommand({
  name: 'smove',
  arity: 4,
  flags: ['write', 'fast'],
  keys: [1, 2, 1],
  group: 'set',
  summary: 'Move a member from one set to another',
  since: '1.0.0',
  handler(ctx) {
    const [, source, destination, member] = ctx.argv as [string, string, string, string];
    const from = readSet(ctx, source, true);
    const to = readSet(ctx, destination, true);
    if (!from) return ctx.reply.integer(0);
    if (source === destination) return ctx.reply.integer(from.has(member) ? 1 : 0);
    if (!from.delete(member)) return ctx.reply.integer(0);
    ctx.notify('set', 'srem', source);
    if (from.size === 0) {
      ctx.db.delete(source);
      ctx.notify('generic', 'del', source);
    }
    ctx.signalModifiedKey(source);
    let target = to;
    if (!target) {
      target = new SetValue();
      ctx.db.add(destination, 'set', target);
    }
    if (target.add(member)) ctx.notify('set', 'sadd', destination);
    ctx.signalModifiedKey(destination);
    ctx.reply.integer(1);
  },
});
