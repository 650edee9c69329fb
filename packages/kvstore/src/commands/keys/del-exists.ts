import { defineCommand } from '../define.js';
import type { CommandContext } from '../types.js';

function deleteKeys(ctx: CommandContext): void {
  let removed = 0;
  for (let i = 1; i < ctx.argv.length; i++) {
    const key = ctx.argv[i]!;
    if (ctx.db.delete(key)) {
      ctx.signalModifiedKey(key);
      ctx.notify('generic', 'del', key);
      removed++;
    }
  }
  ctx.reply.integer(removed);
}

export const del = defineCommand({
  name: 'del',
  arity: -2,
  flags: ['write'],
  keys: [1, -1, 1],
  group: 'generic',
  summary: 'Delete a key',
  since: '1.0.0',
  handler: deleteKeys,
});

export const unlink = defineCommand({
  name: 'unlink',
  arity: -2,
  flags: ['write', 'fast'],
  keys: [1, -1, 1],
  group: 'generic',
  summary:
    'Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.',
  since: '4.0.0',
  handler: deleteKeys,
});

export const exists = defineCommand({
  name: 'exists',
  arity: -2,
  flags: ['readonly', 'fast'],
  keys: [1, -1, 1],
  group: 'generic',
  summary: 'Determine if a key exists',
  since: '1.0.0',
  handler(ctx) {
    let count = 0;
    for (let i = 1; i < ctx.argv.length; i++) if (ctx.db.lookupRead(ctx.argv[i]!)) count++;
    ctx.reply.integer(count);
  },
});

export const touch = defineCommand({
  name: 'touch',
  arity: -2,
  flags: ['readonly', 'fast'],
  keys: [1, -1, 1],
  group: 'generic',
  summary:
    'Alters the last access time of a key(s). Returns the number of existing keys specified.',
  since: '3.2.1',
  handler(ctx) {
    let count = 0;
    for (let i = 1; i < ctx.argv.length; i++) if (ctx.db.lookupRead(ctx.argv[i]!)) count++;
    ctx.reply.integer(count);
  },
});

export const type = defineCommand({
  name: 'type',
  arity: 2,
  flags: ['readonly', 'fast'],
  keys: [1, 1, 1],
  group: 'generic',
  summary: 'Determine the type stored at key',
  since: '1.0.0',
  handler(ctx) {
    const entry = ctx.db.lookupRead(ctx.argv[1]!);
    ctx.reply.simple(entry ? entry.type : 'none');
  },
});
