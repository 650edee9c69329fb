import { performance } from 'node:perf_hooks';
import { CommandError } from '../command-error.js';
import { clientInfoLine } from '../commands/connection/client.js';
import type { CommandSpec } from '../commands/types.js';
import { type Denial, denialError } from './acl/acl.js';
import type { BlockedState } from './blocking.js';
import type { Client } from './client.js';
import type { KvServer } from './kv-server.js';

/** Commands a RESP2 client in subscribed mode may still send. */
const SUBSCRIBED_ALLOWED = new Set([
  'subscribe',
  'unsubscribe',
  'psubscribe',
  'punsubscribe',
  'ssubscribe',
  'sunsubscribe',
  'ping',
  'quit',
  'reset',
]);
/** Commands run at once instead of being queued inside MULTI. */
const NOT_QUEUED = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

/** Redis's text for an unknown command, with up to 128 chars of its arguments. */
function unknownCommandError(argv: readonly string[]): string {
  let args = '';
  for (let i = 1; i < argv.length && args.length < 128; i++) {
    args += `'${argv[i]!.slice(0, 128 - args.length)}' `;
  }
  return `ERR unknown command '${argv[0]!.slice(0, 128)}', with args beginning with: ${args}`;
}

function rejectCommand(
  server: KvServer,
  client: Client,
  message: string,
  spec?: CommandSpec,
  fullName?: string,
): void {
  if (client.multi) client.multiError = true;
  if (spec && fullName) server.stats.command(fullName).rejected++;
  server.stats.recordError(message);
  if (spec?.name === 'exec') {
    // Redis's execCommandAbort: a refused EXEC discards the transaction.
    client.multi = undefined;
    client.multiError = false;
    client.dirtyCas = false;
    server.watch.unwatchAll(client);
    client.reply.error(
      `EXECABORT Transaction discarded because of: ${message.startsWith('ERR ') ? message.slice(4) : message}`,
    );
    return;
  }
  client.reply.error(message);
}

/** Logs a denied command in ACL LOG. */
export function logDenial(
  server: KvServer,
  client: Client,
  denial: Denial | { reason: 'auth'; object: string },
  username = client.user,
): void {
  server.acl.addLogEntry(
    {
      reason: denial.reason,
      context: client.multi || client.inExec ? 'multi' : 'toplevel',
      object: denial.object,
      username,
      clientInfo: clientInfoLine(client, true),
    },
    server.config.int('acllog-max-len'),
  );
}

/**
 * Redis's processCommand: lookup, arity, authentication, transaction queueing, subscribed-mode
 * restrictions, maxmemory and CLIENT PAUSE checks, then call().
 */
export function processCommand(server: KvServer, client: Client, argv: string[]): void {
  const resolved = server.table.resolve(argv);
  if (resolved.kind === 'unknown-command') {
    rejectCommand(server, client, unknownCommandError(argv));
    return;
  }
  if (resolved.kind === 'unknown-subcommand') {
    rejectCommand(
      server,
      client,
      `ERR unknown subcommand '${argv[1]!.slice(0, 128)}'. Try ${resolved.parent.name.toUpperCase()} HELP.`,
    );
    return;
  }
  const { spec, fullName } = resolved;
  client.lastCommand = fullName;
  const arity = spec.arity;
  if ((arity > 0 && argv.length !== arity) || argv.length < -arity) {
    rejectCommand(
      server,
      client,
      `ERR wrong number of arguments for '${fullName}' command`,
      spec,
      fullName,
    );
    return;
  }
  // Before authentication and ACLs, as Redis: SAVE, SHUTDOWN... cannot be queued.
  if (client.multi && spec.flags.includes('no_multi')) {
    rejectCommand(server, client, 'ERR Command not allowed inside a transaction', spec, fullName);
    return;
  }
  if (!client.authenticated && server.acl.authRequired && !spec.flags.includes('no_auth')) {
    rejectCommand(server, client, 'NOAUTH Authentication required.', spec, fullName);
    return;
  }
  if (client.aclUser.restricted) {
    const denial = server.acl.check(client.aclUser, spec, fullName, argv);
    if (denial) {
      logDenial(server, client, denial);
      rejectCommand(server, client, denialError(denial), spec, fullName);
      return;
    }
  }
  if (client.inSubscribedMode && !SUBSCRIBED_ALLOWED.has(spec.name)) {
    rejectCommand(
      server,
      client,
      `ERR Can't execute '${fullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
      spec,
      fullName,
    );
    return;
  }
  const isWrite = spec.flags.includes('write');
  if (server.maxmemory > 0 && spec.flags.includes('denyoom') && !server.loading) {
    if (!server.eviction.performEvictions()) {
      rejectCommand(
        server,
        client,
        "OOM command not allowed when used memory > 'maxmemory'.",
        spec,
        fullName,
      );
      return;
    }
  }
  if (client.multi && !NOT_QUEUED.has(spec.name)) {
    client.multi.push({ spec, argv, fullName });
    client.reply.simple('QUEUED');
    return;
  }
  if (
    server.pause &&
    (server.pause.mode === 'all' || isWrite || spec.flags.includes('may_replicate'))
  ) {
    if (Date.now() < server.pause.until && !client.inExec) {
      client.paused = argv;
      server.pausedClients.add(client);
      return;
    }
  }
  call(server, client, spec, argv, fullName);
}

/** Runs a command: stats, slow log, MONITOR feed, AOF propagation of its effects. */
export function call(
  server: KvServer,
  client: Client,
  spec: CommandSpec,
  argv: string[],
  fullName = spec.name,
): void {
  const ctx = client.ctx;
  const reply = client.reply;
  ctx.argv = argv;
  ctx.propagated = undefined;
  const dirtyBefore = server.dirty;
  const isWrite = spec.flags.includes('write');
  if (isWrite && server.persistence.snapshotting)
    server.persistence.beforeCommand(spec, argv, client.db);
  client.lastCommand = fullName;
  if (client.replyMode !== 'on' || client.skipNext) reply.muted = true;
  const start = performance.now();
  try {
    spec.handler(ctx);
  } catch (err) {
    const message = err instanceof CommandError ? err.message : `ERR ${(err as Error).message}`;
    if (!(err instanceof CommandError))
      server.logger.error({ err, command: fullName }, 'command failed');
    reply.error(message);
    server.stats.recordError(message);
    server.stats.command(fullName).failed++;
  }
  const usec = Math.round((performance.now() - start) * 1000);
  if (reply.muted) {
    reply.muted = false;
    if (client.skipNext && spec.name !== 'client') client.skipNext = false;
  }
  const stat = server.stats.command(fullName);
  stat.calls++;
  stat.usec += usec;
  server.stats.commandsProcessed++;
  if (server.dirty !== dirtyBefore && isWrite) {
    server.persistence.feed(client.db.index, ctx.propagated ?? [argv]);
  } else if (ctx.propagated && server.dirty !== dirtyBefore) {
    server.persistence.feed(client.db.index, ctx.propagated);
  }
  if (
    server.monitors.size > 0 &&
    !spec.flags.includes('admin') &&
    !spec.flags.includes('skip_monitor')
  ) {
    feedMonitors(server, client, argv);
  }
  const threshold = server.slowlogThreshold;
  if (threshold >= 0 && usec >= threshold && !spec.flags.includes('skip_slowlog')) {
    recordSlow(server, client, argv, usec);
  }
}

/** Runs a blocked client's serve callback as a command (stats, propagation). */
export function runServe(
  server: KvServer,
  client: Client,
  state: BlockedState,
  key: string,
): boolean {
  const ctx = client.ctx;
  ctx.argv = state.argv;
  ctx.propagated = undefined;
  const dirtyBefore = server.dirty;
  let served: boolean;
  try {
    served = state.request.serve(ctx, key);
  } catch (err) {
    client.reply.error(err instanceof CommandError ? err.message : `ERR ${(err as Error).message}`);
    served = true;
  }
  if (server.dirty !== dirtyBefore && ctx.propagated) {
    server.persistence.feed(state.db.index, ctx.propagated);
  }
  return served;
}

function recordSlow(server: KvServer, client: Client, argv: string[], usec: number): void {
  const log = server.stats.slowlog;
  const shown =
    argv.length > 32 ? [...argv.slice(0, 31), `... (${argv.length - 31} more arguments)`] : argv;
  log.unshift({
    id: server.stats.slowlogNextId++,
    time: Math.floor(Date.now() / 1000),
    durationUs: usec,
    argv: shown.map((arg) =>
      arg.length > 128 ? `${arg.slice(0, 128)}... (${arg.length - 128} more bytes)` : arg,
    ),
    address: client.address,
    name: client.name,
  });
  const max = server.config.int('slowlog-max-len');
  if (log.length > max) log.length = max;
}

/** Quotes an argument as Redis's sdscatrepr. */
export function repr(arg: string): string {
  let out = '"';
  for (let i = 0; i < arg.length; i++) {
    const c = arg.charCodeAt(i);
    const ch = arg[i]!;
    if (ch === '\\' || ch === '"') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\x07') out += '\\a';
    else if (ch === '\b') out += '\\b';
    else if (c < 0x20 || c >= 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function feedMonitors(server: KvServer, client: Client, argv: string[]): void {
  const now = Date.now() / 1000;
  const where = client.conn
    ? client.conn.transport === 'unix'
      ? `unix:${server.config.get('unixsocket')}`
      : client.address
    : 'lua';
  const line = `${now.toFixed(6)} [${client.db.index} ${where}] ${argv.map(repr).join(' ')}`;
  for (const monitor of server.monitors) {
    if (monitor === client) continue;
    monitor.reply.simple(line);
    server.markForFlush(monitor);
  }
}
