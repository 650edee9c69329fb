import { CommandError, Errors } from '../../command-error.js';
import { internals } from '../../server/context.js';
import { parseDbIndex, syntaxError } from '../args.js';
import { defineCommand } from '../define.js';
import type { CommandContext } from '../types.js';

export const dbsize = defineCommand({
  name: 'dbsize',
  arity: 1,
  flags: ['readonly', 'fast'],
  group: 'server',
  summary: 'Return the number of keys in the selected database',
  since: '1.0.0',
  categories: ['@keyspace'],
  handler(ctx) {
    ctx.reply.integer(ctx.db.size);
  },
});

function parseFlushMode(ctx: CommandContext): void {
  if (ctx.argv.length > 2) throw syntaxError();
  const mode = ctx.argv[1]?.toUpperCase();
  if (mode !== undefined && mode !== 'ASYNC' && mode !== 'SYNC') throw syntaxError();
}

export const flushdb = defineCommand({
  name: 'flushdb',
  arity: -1,
  flags: ['write'],
  group: 'server',
  summary: 'Remove all keys from the current database',
  since: '1.0.0',
  categories: ['@keyspace', '@dangerous'],
  handler(ctx) {
    parseFlushMode(ctx);
    const { server } = internals(ctx);
    server.watch.touchDatabase(ctx.db);
    const removed = ctx.db.flush();
    ctx.addDirty(removed + 1);
    ctx.reply.ok();
  },
});

export const flushall = defineCommand({
  name: 'flushall',
  arity: -1,
  flags: ['write'],
  group: 'server',
  summary: 'Remove all keys from all databases',
  since: '1.0.0',
  categories: ['@keyspace', '@dangerous'],
  handler(ctx) {
    parseFlushMode(ctx);
    const { server } = internals(ctx);
    for (const db of server.dbs) server.watch.touchDatabase(db);
    let removed = 0;
    for (const db of server.dbs) removed += db.flush();
    ctx.addDirty(removed + 1);
    // Redis persists the empty dataset at once when save rules are configured.
    if (
      server.config.get('save') !== '' &&
      !server.persistence.bgsaveInProgress &&
      !server.loading
    ) {
      try {
        server.persistence.saveSync();
        ctx.addDirty(1);
      } catch (err) {
        server.logger.warn({ err }, 'cannot save after FLUSHALL');
      }
    }
    ctx.reply.ok();
  },
});

export const swapdb = defineCommand({
  name: 'swapdb',
  arity: 3,
  flags: ['write', 'fast'],
  group: 'server',
  summary: 'Swaps two Redis databases',
  since: '4.0.0',
  categories: ['@keyspace', '@dangerous'],
  handler(ctx) {
    const { server } = internals(ctx);
    const a = parseDbIndex(ctx.argv[1]!, 'ERR invalid first DB index');
    const b = parseDbIndex(ctx.argv[2]!, 'ERR invalid second DB index');
    const first = server.dbs[a];
    const second = server.dbs[b];
    if (a < 0 || b < 0 || !first || !second) throw new CommandError(Errors.dbIndexOutOfRange);
    if (first !== second) {
      first.swapWith(second);
      server.watch.touchDatabase(first, second);
      server.watch.touchDatabase(second, first);
      server.blocking.signalDatabase(first);
      server.blocking.signalDatabase(second);
      ctx.addDirty(1);
    }
    ctx.reply.ok();
  },
});
