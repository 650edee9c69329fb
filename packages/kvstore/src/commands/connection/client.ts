import { CommandError } from '../../command-error.js';
import type { Client } from '../../server/client.js';
import { internals } from '../../server/context.js';
import { isKeyword, parseInteger, syntaxError } from '../args.js';
import { type CommandDefinition, defineCommand } from '../define.js';
import type { CommandContext, CommandSpec } from '../types.js';
import { validateClientName } from './client-name.js';

/** The bytes of a command as a RESP multibulk: what it occupied in the query buffer. */
function requestBytes(argv: readonly string[]): number {
  let bytes = 3 + String(argv.length).length;
  for (const arg of argv) bytes += 5 + String(arg.length).length + arg.length;
  return bytes;
}

/** The socket's file descriptor (Node keeps it on the internal libuv handle), -1 if none. */
function socketFd(c: Client): number {
  const handle = (c.conn?.socket as unknown as { _handle?: { fd?: number } } | undefined)?._handle;
  return typeof handle?.fd === 'number' ? handle.fd : -1;
}

/**
 * One CLIENT LIST / CLIENT INFO line, fields as Redis 7.0 prints them. `running` is the client
 * whose command asks: as in Redis, its query buffer still holds that command and its argv is
 * allocated (a blocked client keeps its argv too).
 */
export function clientInfoLine(c: Client, running = false): string {
  const now = Date.now();
  const argv = running ? c.ctx.argv : (c.blocked?.argv ?? []);
  const qbuf = c.decoder.buffered + (running ? requestBytes(argv) : 0);
  let argvMem = 0;
  for (const arg of argv) argvMem += arg.length;
  const omem = c.reply.pending + (c.conn?.pendingOutput ?? 0);
  return [
    `id=${c.id}`,
    `addr=${c.address}`,
    `laddr=${c.localAddress}`,
    `fd=${socketFd(c)}`,
    `name=${c.name}`,
    `age=${Math.floor((now - c.createdAt) / 1000)}`,
    `idle=${Math.floor((now - c.lastInteraction) / 1000)}`,
    `flags=${c.flagLetters}`,
    `db=${c.db.index}`,
    `sub=${c.channels.size}`,
    `psub=${c.patterns.size}`,
    'ssub=0',
    `multi=${c.multi ? c.multi.length : -1}`,
    `qbuf=${qbuf}`,
    `qbuf-free=${Math.max(0, 20474 - qbuf)}`,
    `argv-mem=${argvMem}`,
    'multi-mem=0',
    'rbs=16384',
    'rbp=0',
    'obl=0',
    'oll=0',
    `omem=${omem}`,
    `tot-mem=${22000 + qbuf + omem}`,
    `events=r${omem > 0 ? 'w' : ''}`,
    `cmd=${c.lastCommand}`,
    `user=${c.user}`,
    'redir=-1',
    `resp=${c.resp}`,
  ].join(' ');
}

function clientType(c: Client): string {
  return c.subscriptions > 0 ? 'pubsub' : 'normal';
}

const sub = (
  definition: Omit<CommandDefinition, 'group' | 'since'> & { since?: string },
): CommandSpec => defineCommand({ group: 'connection', since: '2.4.0', ...definition });

const id = sub({
  name: 'id',
  arity: 2,
  flags: ['noscript', 'loading', 'stale'],
  summary: 'Returns the client ID for the current connection',
  since: '5.0.0',
  handler(ctx) {
    ctx.reply.integer(ctx.client.id);
  },
});

const setname = sub({
  name: 'setname',
  arity: 3,
  flags: ['noscript', 'loading', 'stale'],
  summary: 'Set the current connection name',
  handler(ctx) {
    const name = ctx.argv[2]!;
    validateClientName(name);
    internals(ctx).client.name = name;
    ctx.reply.ok();
  },
});

const getname = sub({
  name: 'getname',
  arity: 2,
  flags: ['noscript', 'loading', 'stale'],
  summary: 'Get the current connection name',
  handler(ctx) {
    const name = internals(ctx).client.name;
    ctx.reply.bulk(name === '' ? null : name);
  },
});

const list = sub({
  name: 'list',
  arity: -2,
  flags: ['admin', 'noscript', 'loading', 'stale'],
  summary: 'Get the list of client connections',
  handler(ctx) {
    const { server, client } = internals(ctx);
    const { argv } = ctx;
    let type: string | undefined;
    let ids: Set<number> | undefined;
    if (argv.length > 2) {
      if (isKeyword(argv[2], 'TYPE') && argv.length === 4) {
        type = argv[3]!.toLowerCase();
        if (!['normal', 'master', 'replica', 'slave', 'pubsub'].includes(type)) {
          throw new CommandError(`ERR Unknown client type '${argv[3]}'`);
        }
      } else if (isKeyword(argv[2], 'ID') && argv.length >= 4) {
        ids = new Set();
        for (const text of argv.slice(3)) {
          // Any long long is accepted; ids are positive, so others match nobody (as Redis).
          ids.add(parseInteger(text, 'ERR Invalid client ID'));
        }
      } else {
        throw syntaxError();
      }
    }
    let out = '';
    for (const c of server.clients.values()) {
      if (type && clientType(c) !== type) continue;
      if (ids && !ids.has(c.id)) continue;
      out += `${clientInfoLine(c, c === client)}\n`;
    }
    ctx.reply.verbatim(out);
  },
});

const info = sub({
  name: 'info',
  arity: 2,
  flags: ['noscript', 'loading', 'stale'],
  summary: 'Returns information about the current client connection.',
  since: '6.2.0',
  handler(ctx) {
    const { client } = internals(ctx);
    ctx.reply.verbatim(`${clientInfoLine(client, true)}\n`);
  },
});

/** CLIENT KILL addr | CLIENT KILL [ID id] [ADDR a] [LADDR a] [TYPE t] [USER u] [SKIPME yes/no]. */
const kill = sub({
  name: 'kill',
  arity: -3,
  flags: ['admin', 'noscript', 'loading', 'stale'],
  summary: 'Kill the connection of a client',
  handler(ctx) {
    const { server, client: self } = internals(ctx);
    const { argv } = ctx;
    if (argv.length === 3) {
      const target = [...server.clients.values()].find((c) => c.address === argv[2]);
      if (!target) throw new CommandError('ERR No such client');
      server.killClient(target, target === self);
      ctx.reply.ok();
      return;
    }
    if ((argv.length - 2) % 2 !== 0) throw syntaxError();
    const filters: Array<(c: Client) => boolean> = [];
    let skipMe = true;
    for (let i = 2; i < argv.length; i += 2) {
      const option = argv[i]!.toUpperCase();
      const value = argv[i + 1]!;
      if (option === 'ID') {
        const n = parseInteger(value, 'ERR client-id should be greater than 0');
        if (n <= 0) throw new CommandError('ERR client-id should be greater than 0');
        filters.push((c) => c.id === n);
      } else if (option === 'ADDR') filters.push((c) => c.address === value);
      else if (option === 'LADDR') filters.push((c) => c.localAddress === value);
      else if (option === 'USER') {
        const user = server.acl.users.get(value);
        if (!user) throw new CommandError(`ERR No such user '${value}'`);
        filters.push((c) => c.aclUser === user);
      } else if (option === 'TYPE') {
        const type = value.toLowerCase();
        if (!['normal', 'master', 'replica', 'slave', 'pubsub'].includes(type)) {
          throw new CommandError(`ERR Unknown client type '${value}'`);
        }
        filters.push((c) => clientType(c) === type);
      } else if (option === 'SKIPME') {
        if (isKeyword(value, 'YES')) skipMe = true;
        else if (isKeyword(value, 'NO')) skipMe = false;
        else throw syntaxError();
      } else throw syntaxError();
    }
    let killed = 0;
    for (const c of [...server.clients.values()]) {
      if (skipMe && c === self) continue;
      if (!filters.every((f) => f(c))) continue;
      server.killClient(c, c === self);
      killed++;
    }
    ctx.reply.integer(killed);
  },
});

const setinfo = sub({
  name: 'setinfo',
  arity: 4,
  flags: ['noscript', 'loading', 'stale'],
  summary: 'Set client or connection specific info',
  since: '7.2.0',
  handler(ctx) {
    const { client } = internals(ctx);
    const value = ctx.argv[3]!;
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw new CommandError(
          `ERR ${ctx.argv[2]} cannot contain spaces, newlines or special characters.`,
        );
      }
    }
    if (isKeyword(ctx.argv[2], 'LIB-NAME')) client.libName = value;
    else if (isKeyword(ctx.argv[2], 'LIB-VER')) client.libVersion = value;
    else throw new CommandError(`ERR Unrecognized option '${ctx.argv[2]}'`);
    ctx.reply.ok();
  },
});

const pause = sub({
  name: 'pause',
  arity: -3,
  flags: ['admin', 'noscript', 'loading', 'stale'],
  summary: 'Stop processing commands from clients for some time',
  since: '3.0.0',
  handler(ctx) {
    const { server } = internals(ctx);
    const ms = parseInteger(ctx.argv[2]!, 'ERR timeout is not an integer or out of range');
    if (ms < 0) throw new CommandError('ERR timeout is negative');
    let mode: 'write' | 'all' = 'all';
    if (ctx.argv.length === 4) {
      if (isKeyword(ctx.argv[3], 'WRITE')) mode = 'write';
      else if (!isKeyword(ctx.argv[3], 'ALL'))
        throw new CommandError('ERR CLIENT PAUSE mode must be WRITE or ALL');
    } else if (ctx.argv.length > 4) throw syntaxError();
    const until = Date.now() + ms;
    // A later deadline wins; ALL is stronger than WRITE, as Redis merges pauses.
    const previous = server.pause;
    server.pause = {
      until: Math.max(until, previous?.until ?? 0),
      mode: previous?.mode === 'all' || mode === 'all' ? 'all' : 'write',
    };
    setTimeout(() => {
      if (server.pause && Date.now() >= server.pause.until) server.unpause();
    }, ms + 1).unref();
    ctx.reply.ok();
  },
});

const unpause = sub({
  name: 'unpause',
  arity: 2,
  flags: ['admin', 'noscript', 'loading', 'stale'],
  summary: 'Resume processing of clients that were paused',
  since: '6.2.0',
  handler(ctx) {
    internals(ctx).server.unpause();
    ctx.reply.ok();
  },
});

const replyMode = sub({
  name: 'reply',
  arity: 3,
  flags: ['noscript', 'loading', 'stale'],
  summary: 'Instruct the server whether to reply to commands',
  since: '3.2.0',
  handler(ctx) {
    const { client } = internals(ctx);
    const mode = ctx.argv[2]!.toUpperCase();
    if (mode === 'ON') {
      client.replyMode = 'on';
      client.skipNext = false;
      ctx.reply.muted = false;
      ctx.reply.ok();
    } else if (mode === 'OFF') {
      client.replyMode = 'off';
    } else if (mode === 'SKIP') {
      if (client.replyMode === 'on') client.skipNext = true;
    } else {
      throw syntaxError();
    }
  },
});

const noEvict = sub({
  name: 'no-evict',
  arity: 3,
  flags: ['admin', 'noscript', 'loading', 'stale'],
  summary: 'Set client eviction mode for the current connection',
  since: '7.0.0',
  handler(ctx) {
    const { client } = internals(ctx);
    if (isKeyword(ctx.argv[2], 'ON')) client.noEvict = true;
    else if (isKeyword(ctx.argv[2], 'OFF')) client.noEvict = false;
    else throw syntaxError();
    ctx.reply.ok();
  },
});

const unblock = sub({
  name: 'unblock',
  arity: -3,
  flags: ['admin', 'noscript', 'loading', 'stale'],
  summary: 'Unblock a client blocked in a blocking command from a different connection',
  since: '5.0.0',
  handler(ctx) {
    const { server } = internals(ctx);
    const targetId = parseInteger(ctx.argv[2]!);
    let mode = 'TIMEOUT';
    if (ctx.argv.length === 4) {
      mode = ctx.argv[3]!.toUpperCase();
      if (mode !== 'TIMEOUT' && mode !== 'ERROR') {
        throw new CommandError('ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
      }
    } else if (ctx.argv.length > 4) throw syntaxError();
    const target = server.clients.get(targetId);
    if (!target?.blocked) {
      ctx.reply.integer(0);
      return;
    }
    if (mode === 'ERROR')
      server.blocking.error(target, 'UNBLOCKED client unblocked via CLIENT UNBLOCK');
    else server.blocking.timeout(target);
    ctx.reply.integer(1);
  },
});

const getredir = sub({
  name: 'getredir',
  arity: 2,
  flags: ['noscript', 'loading', 'stale'],
  summary: 'Get tracking notifications redirection client ID if any',
  since: '6.0.0',
  handler(ctx) {
    ctx.reply.integer(-1);
  },
});

const help = sub({
  name: 'help',
  arity: 2,
  flags: ['loading', 'stale'],
  summary: 'Show helpful text about the different subcommands',
  since: '5.0.0',
  handler(ctx) {
    replyHelp(ctx, 'CLIENT', [
      'ID',
      '    Return the ID of the current connection.',
      'INFO',
      '    Return information about the current client connection.',
      'KILL <ip:port> | KILL <option> <value> [<option> <value> [...]]',
      '    Kill connections by address, ID, LADDR, TYPE, USER or SKIPME.',
      'LIST [TYPE <type>] [ID <id> [<id> ...]]',
      '    Return information about client connections.',
      'GETNAME | SETNAME <name>',
      '    Return or set the name of the current connection.',
      'SETINFO <LIB-NAME|LIB-VER> <value>',
      '    Set client library information.',
      'PAUSE <timeout> [WRITE|ALL] | UNPAUSE',
      '    Suspend or resume processing of commands from clients.',
      'REPLY (ON|OFF|SKIP)',
      '    Control the replies sent to the current connection.',
      'NO-EVICT (ON|OFF)',
      '    Protect the current client connection from eviction.',
      'UNBLOCK <clientid> [TIMEOUT|ERROR]',
      '    Unblock the specified blocked client.',
    ]);
  },
});

/** HELP subcommand replies: a header line, the given lines, and Redis's HELP footer. */
export function replyHelp(ctx: CommandContext, command: string, lines: string[]): void {
  const all = [
    `${command} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`,
    ...lines,
    'HELP',
    '    Prints this help.',
  ];
  ctx.reply.arrayHeader(all.length);
  for (const line of all) ctx.reply.simple(line);
}

export const client = defineCommand({
  name: 'client',
  arity: -2,
  flags: [],
  group: 'connection',
  summary: 'A container for client connection commands',
  since: '2.4.0',
  subcommands: [
    id,
    setname,
    getname,
    list,
    info,
    kill,
    setinfo,
    pause,
    unpause,
    replyMode,
    noEvict,
    unblock,
    getredir,
    help,
  ],
  handler() {
    /* container: subcommands run instead */
  },
});
