import { Stream } from '../../structures/stream.js';
import { CommandError, Errors } from '../../command-error.js';
import type { Database } from '../../keyspace/database.js';
import type { Entry } from '../../keyspace/entry.js';
import { entryCommands } from '../../persistence/resp-encode.js';
import { internals } from '../../server/context.js';
import { parseDbIndex, syntaxError } from '../args.js';
import { defineCommand } from '../define.js';
import type { CommandContext } from '../types.js';

/** Moves an entry's value and TTL under a new key of `target` (RENAME, MOVE). */
function transplant(ctx: CommandContext, entry: Entry, target: Database, key: string): void {
  target.delete(key);
  const moved = target.add(key, entry.type, entry.value as never);
  if (entry.expiresAt !== 0) target.setExpire(moved, entry.expiresAt);
  ctx.signalModifiedKey(key, target);
}

function renameGeneric(ctx: CommandContext, nx: boolean): void {
  const { argv, db } = ctx;
  const from = argv[1]!;
  const to = argv[2]!;
  const entry = db.lookupWrite(from);
  if (!entry) throw new CommandError(Errors.noSuchKey);
  if (from === to) {
    ctx.reply.raw(nx ? ':0\r\n' : '+OK\r\n');
    return;
  }
  if (nx && db.lookupWrite(to)) {
    ctx.reply.integer(0);
    return;
  }
  db.remove(entry);
  ctx.signalModifiedKey(from);
  transplant(ctx, entry, db, to);
  ctx.notify('generic', 'rename_from', from);
  ctx.notify('generic', 'rename_to', to);
  if (nx) ctx.reply.integer(1);
  else ctx.reply.ok();
}

export const rename = defineCommand({
  name: 'rename',
  arity: 3,
  flags: ['write'],
  keys: [1, 2, 1],
  group: 'generic',
  summary: 'Rename a key',
  since: '1.0.0',
  handler: (ctx) => renameGeneric(ctx, false),
});

export const renamenx = defineCommand({
  name: 'renamenx',
  arity: 3,
  flags: ['write', 'fast'],
  keys: [1, 2, 1],
  group: 'generic',
  summary: 'Rename a key, only if the new key does not exist',
  since: '1.0.0',
  handler: (ctx) => renameGeneric(ctx, true),
});

function targetDb(ctx: CommandContext, text: string): Database {
  const index = parseDbIndex(text);
  const db = ctx.dbs[index];
  if (index < 0 || !db) throw new CommandError(Errors.dbIndexOutOfRange);
  return db;
}

export const move = defineCommand({
  name: 'move',
  arity: 3,
  flags: ['write', 'fast'],
  keys: [1, 1, 1],
  group: 'generic',
  summary: 'Move a key to another database',
  since: '1.0.0',
  handler(ctx) {
    const key = ctx.argv[1]!;
    const target = targetDb(ctx, ctx.argv[2]!);
    if (target === ctx.db)
      throw new CommandError('ERR source and destination objects are the same');
    const entry = ctx.db.lookupWrite(key);
    if (!entry || target.peek(key)) {
      ctx.reply.integer(0);
      return;
    }
    ctx.db.remove(entry);
    ctx.signalModifiedKey(key);
    transplant(ctx, entry, target, key);
    ctx.notify('generic', 'move_from', key);
    ctx.notify('generic', 'move_to', key, target);
    ctx.reply.integer(1);
  },
});

export const copy = defineCommand({
  name: 'copy',
  arity: -3,
  flags: ['write', 'denyoom'],
  keys: [1, 2, 1],
  group: 'generic',
  summary: 'Copy a key',
  since: '6.2.0',
  handler(ctx) {
    const { argv } = ctx;
    const from = argv[1]!;
    const to = argv[2]!;
    let target = ctx.db;
    let replace = false;
    for (let i = 3; i < argv.length; i++) {
      const option = argv[i]!.toUpperCase();
      if (option === 'REPLACE') replace = true;
      else if (option === 'DB' && i + 1 < argv.length) target = targetDb(ctx, argv[++i]!);
      else throw syntaxError();
    }
    if (from === to && target === ctx.db)
      throw new CommandError('ERR source and destination objects are the same');
    const entry = ctx.db.lookupRead(from);
    if (!entry) {
      ctx.reply.integer(0);
      return;
    }
    if (target.peek(to)) {
      if (!replace) {
        ctx.reply.integer(0);
        return;
      }
      target.delete(to);
    }
    const { server } = internals(ctx);
    if (entry.type === 'string') {
      const value = entry.value as string | Buffer;
      target.add(to, 'string', typeof value === 'string' ? value : Buffer.from(value));
    } else {
      server.materialize(target, entryCommands({ ...entry, expiresAt: 0 } as Entry, to));
    }
    const created = target.peek(to);
    if (created?.value instanceof Stream) created.value.copyGroupsFrom(entry.value as Stream);
    if (created && entry.expiresAt !== 0) target.setExpire(created, entry.expiresAt);
    ctx.signalModifiedKey(to, target);
    ctx.notify('generic', 'copy_to', to, target);
    ctx.reply.integer(1);
  },
});
