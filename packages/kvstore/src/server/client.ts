import type { Connection } from '@strata/common';
import type { CommandSpec, ClientView } from '../commands/types.js';
import type { Database } from '../keyspace/database.js';
import { ReplyWriter } from '../protocol/reply-writer.js';
import { RequestDecoder } from '../protocol/request-decoder.js';
import type { AclUser } from './acl/user.js';
import type { BlockedState } from './blocking.js';
import { Context } from './context.js';
import type { KvServer } from './kv-server.js';

/** A queued command inside MULTI. */
export interface QueuedCommand {
  spec: CommandSpec;
  argv: string[];
  /** 'config|get' for a subcommand: the name its stats are kept under. */
  fullName: string;
}

let nextClientId = 1;

/** One connected client (or the internal client that replays the AOF). */
export class Client implements ClientView {
  readonly id = nextClientId++;
  name = '';
  resp: 2 | 3 = 2;
  db: Database;
  readonly reply = new ReplyWriter();
  readonly decoder: RequestDecoder;
  readonly ctx: Context;
  readonly createdAt = Date.now();
  lastInteraction = Date.now();
  authenticated: boolean;
  /** The ACL user this client runs as (`default` until AUTH). */
  aclUser: AclUser;
  libName = '';
  libVersion = '';

  /** Commands queued by MULTI; undefined outside a transaction. */
  multi: QueuedCommand[] | undefined;
  /** A command failed to queue: EXEC answers EXECABORT. */
  multiError = false;
  /** A watched key changed: EXEC answers the null array. */
  dirtyCas = false;
  /** Keys watched by WATCH, as `${db}\0${key}`. */
  readonly watched = new Set<string>();
  /** EXEC is running the queue. */
  inExec = false;

  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();

  blocked: BlockedState | undefined;
  /** A command held back by CLIENT PAUSE, run at unpause. */
  paused: string[] | undefined;
  monitor = false;
  replyMode: 'on' | 'off' | 'skip' = 'on';
  skipNext = false;
  noEvict = false;
  closeAfterReply = false;
  /** Marked busy for the idle timeout while blocked or subscribed. */
  idleExempt = false;
  killed = false;
  lastCommand = 'NULL';
  /** Commands run by this client (not exposed by Redis; used for fairness). */
  commands = 0;

  constructor(
    readonly server: KvServer,
    readonly conn: Connection | undefined,
    db: Database,
  ) {
    this.db = db;
    this.aclUser = server.acl.defaultUser;
    this.authenticated = !server.acl.authRequired;
    this.decoder = new RequestDecoder({
      maxBulkLength: server.config.int('proto-max-bulk-len'),
      maxQueryBuffer: server.config.int('client-query-buffer-limit'),
    });
    this.ctx = new Context(this, server);
  }

  /** The user's name, as CLIENT LIST and ACL WHOAMI show it. */
  get user(): string {
    return this.aclUser.name;
  }

  get dbIndex(): number {
    return this.db.index;
  }

  get inTransaction(): boolean {
    return this.multi !== undefined || this.inExec;
  }

  get subscriptions(): number {
    return this.channels.size + this.patterns.size;
  }

  /** RESP2 clients with subscriptions may only run (P)(UN)SUBSCRIBE, PING, QUIT, RESET. */
  get inSubscribedMode(): boolean {
    return this.resp === 2 && this.subscriptions > 0;
  }

  get address(): string {
    if (!this.conn) return '';
    if (this.conn.transport === 'unix') return '/unixsocket:0';
    const host = this.conn.remoteAddress.replace(/^::ffff:/, '');
    return `${host}:${this.conn.remotePort}`;
  }

  get localAddress(): string {
    if (!this.conn) return '';
    if (this.conn.transport === 'unix') return this.server.config.get('unixsocket');
    const socket = this.conn.socket;
    return `${(socket.localAddress ?? '').replace(/^::ffff:/, '')}:${socket.localPort ?? 0}`;
  }

  /** Redis's client flags letters for CLIENT LIST. */
  get flagLetters(): string {
    let flags = '';
    if (this.multi) flags += 'x';
    if (this.blocked) flags += 'b';
    if (this.dirtyCas) flags += 'd';
    if (this.closeAfterReply) flags += 'c';
    if (this.subscriptions > 0) flags += 'P';
    if (this.monitor) flags += 'O';
    if (this.noEvict) flags += 'e';
    return flags === '' ? 'N' : flags;
  }
}
