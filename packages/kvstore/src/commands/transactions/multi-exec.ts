import { CommandError } from '../../command-error.js';
import { internals } from '../../server/context.js';
import { call, logDenial } from '../../server/dispatch.js';
import { defineCommand } from '../define.js';

const common = {
  group: 'transactions',
  flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'] as const,
};

/** Redis's reasons in the NOPERM error of a queued command EXEC may no longer run. */
const EXEC_DENIAL_REASONS = {
  command: 'no permission to execute the command or subcommand',
  key: 'no permission to touch the specified keys',
  channel: 'no permission to access one of the channels used as arguments',
};

export const multi = defineCommand({
  ...common,
  name: 'multi',
  arity: 1,
  summary: 'Mark the start of a transaction block',
  since: '1.2.0',
  handler(ctx) {
    const { client } = internals(ctx);
    if (client.multi) throw new CommandError('ERR MULTI calls can not be nested');
    client.multi = [];
    client.multiError = false;
    ctx.reply.ok();
  },
});

export const exec = defineCommand({
  ...common,
  flags: ['noscript', 'loading', 'stale', 'skip_slowlog'],
  name: 'exec',
  arity: 1,
  summary: 'Execute all commands issued after MULTI',
  since: '1.2.0',
  handler(ctx) {
    const { server, client } = internals(ctx);
    const queued = client.multi;
    if (!queued) throw new CommandError('ERR EXEC without MULTI');
    client.multi = undefined;
    // A watched key that is logically expired counts as modified (Redis 7 isWatchedKeyExpired).
    const now = Date.now();
    for (const id of client.watched) {
      const separator = id.indexOf('\0');
      const entry = server.dbs[Number(id.slice(0, separator))]?.dict.get(id.slice(separator + 1));
      if (entry && entry.expiresAt !== 0 && entry.expiresAt <= now) client.dirtyCas = true;
    }
    const aborted = client.multiError;
    const dirty = client.dirtyCas;
    server.watch.unwatchAll(client);
    client.dirtyCas = false;
    client.multiError = false;
    if (aborted)
      throw new CommandError('EXECABORT Transaction discarded because of previous errors.');
    if (dirty) {
      ctx.reply.nullArray();
      return;
    }
    ctx.reply.arrayHeader(queued.length);
    client.inExec = true;
    server.persistence.beginTransaction();
    try {
      for (const { spec, argv, fullName } of queued) {
        const denial = client.aclUser.restricted
          ? server.acl.check(client.aclUser, spec, fullName, argv)
          : undefined;
        if (denial) {
          // Permissions may have changed since the command was queued (Redis rechecks too).
          logDenial(server, client, denial);
          ctx.reply.error(
            `NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: ${EXEC_DENIAL_REASONS[denial.reason]}`,
          );
          continue;
        }
        call(server, client, spec, argv, fullName);
      }
    } finally {
      server.persistence.endTransaction();
      client.inExec = false;
    }
  },
});

export const discard = defineCommand({
  ...common,
  name: 'discard',
  arity: 1,
  summary: 'Discard all commands issued after MULTI',
  since: '2.0.0',
  handler(ctx) {
    const { server, client } = internals(ctx);
    if (!client.multi) throw new CommandError('ERR DISCARD without MULTI');
    client.multi = undefined;
    client.multiError = false;
    client.dirtyCas = false;
    server.watch.unwatchAll(client);
    ctx.reply.ok();
  },
});

export const watch = defineCommand({
  ...common,
  name: 'watch',
  arity: -2,
  keys: [1, -1, 1],
  summary: 'Watch the given keys to determine execution of the MULTI/EXEC block',
  since: '2.2.0',
  handler(ctx) {
    const { server, client } = internals(ctx);
    if (client.multi) throw new CommandError('ERR WATCH inside MULTI is not allowed');
    for (let i = 1; i < ctx.argv.length; i++) server.watch.watch(client, client.db, ctx.argv[i]!);
    ctx.reply.ok();
  },
});

export const unwatch = defineCommand({
  ...common,
  name: 'unwatch',
  arity: 1,
  summary: 'Forget about all watched keys',
  since: '2.2.0',
  handler(ctx) {
    const { server, client } = internals(ctx);
    server.watch.unwatchAll(client);
    client.dirtyCas = false;
    ctx.reply.ok();
  },
});
