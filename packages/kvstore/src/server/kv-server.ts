import { randomBytes } from 'node:crypto';
import { type Connection, type ConnectionHandler, StrataServer } from '@strata/common';
import type { Logger } from '@strata/common';
import { CommandTable } from '../commands/table.js';
import { Database, type KeyspaceHooks } from '../keyspace/database.js';
import type { Entry } from '../keyspace/entry.js';
import { Persistence } from '../persistence/persistence.js';
import { ProtocolError, QueryBufferLimitError } from '../protocol/request-decoder.js';
import { ScriptingEngine } from '../scripting/engine.js';
import { Acl } from './acl/acl.js';
import { BlockingManager, type BlockedState } from './blocking.js';
import { Client } from './client.js';
import { processCommand, runServe } from './dispatch.js';
import { activeExpireCycle } from './expiry.js';
import { Eviction, lfuDecrAndReturn, lfuLogIncr, lruClock } from './eviction.js';
import { Notifier } from './notifier.js';
import { PubSub } from './pubsub.js';
import type { RuntimeConfig } from './runtime-config.js';
import { ServerStats } from './stats.js';
import { WatchRegistry } from './watch.js';

export interface KvServerOptions {
  config: RuntimeConfig;
  logger: Logger;
  /** Path of the config file in use (CONFIG REWRITE), if any. */
  configFile?: string | undefined;
  /** Called when SHUTDOWN asks the process to exit. */
  onShutdown?: () => void;
  /** `user <name> <rules...>` lines of the config file (without the `user` keyword). */
  users?: readonly string[] | undefined;
}

/** Output buffer classes of client-output-buffer-limit. */
interface OutputLimit {
  hard: number;
  soft: number;
  seconds: number;
}

/**
 * The Redis-compatible server: databases, clients, command dispatch and every subsystem
 * (blocking, WATCH, pub/sub, notifications, expiry, eviction, persistence, stats).
 */
export class KvServer implements KeyspaceHooks {
  readonly config: RuntimeConfig;
  readonly logger: Logger;
  readonly table = new CommandTable();
  readonly dbs: Database[] = [];
  readonly clients = new Map<number, Client>();
  readonly stats = new ServerStats();
  /** Users, their permissions and the ACL log. */
  readonly acl: Acl;
  readonly pubsub = new PubSub(this);
  readonly notifier = new Notifier(this.pubsub);
  readonly blocking = new BlockingManager(this);
  readonly watch = new WatchRegistry();
  readonly eviction = new Eviction(this);
  readonly persistence: Persistence;
  /** EVAL scripts and FUNCTION libraries (Lua states created by start()). */
  readonly scripting = new ScriptingEngine(this);
  readonly monitors = new Set<Client>();
  readonly runId = randomBytes(20).toString('hex');
  readonly startedAt = Date.now();
  readonly configFile: string | undefined;
  private readonly configUsers: readonly string[];
  /** Changes since the last successful save (Redis's server.dirty). */
  dirty = 0;
  loading = false;
  /** CLIENT PAUSE state. */
  pause: { until: number; mode: 'write' | 'all' } | undefined;
  readonly pausedClients = new Set<Client>();
  net: StrataServer | undefined;
  /** Heap used before any data, the base of used_memory. */
  baselineMemory = process.memoryUsage().heapUsed;
  shuttingDown = false;
  /** Hot-path copies of two parameters read by every command (kept in sync by listeners). */
  maxmemory = 0;
  slowlogThreshold = 10000;
  /** DEBUG SET-ACTIVE-EXPIRE: the cron's expiry cycle can be switched off for tests. */
  activeExpireEnabled = true;
  private readonly pendingFlush = new Set<Client>();
  private cronTimer: NodeJS.Timeout | undefined;
  private readonly onShutdown: (() => void) | undefined;
  private lfu = false;

  constructor(options: KvServerOptions) {
    this.config = options.config;
    this.logger = options.logger;
    this.acl = new Acl(this.table, this.config);
    this.configFile = options.configFile;
    this.onShutdown = options.onShutdown;
    this.configUsers = options.users ?? [];
    const count = this.config.int('databases');
    for (let i = 0; i < count; i++) this.dbs.push(new Database(i, this));
    this.persistence = new Persistence(this);
    this.notifier.configure(this.config.get('notify-keyspace-events'));
    this.config.onChange('notify-keyspace-events', (value) => this.notifier.configure(value));
    this.lfu = this.config.get('maxmemory-policy').includes('lfu');
    this.config.onChange('maxmemory-policy', (value) => {
      this.lfu = value.includes('lfu');
    });
    this.config.onChange('hz', () => this.startCron());
    this.maxmemory = this.config.int('maxmemory');
    this.slowlogThreshold = this.config.int('slowlog-log-slower-than');
    this.config.onChange('maxmemory', (value) => {
      this.maxmemory = Number(value);
    });
    this.config.onChange('slowlog-log-slower-than', (value) => {
      this.slowlogThreshold = Number(value);
    });
    this.config.onChange('timeout', (value) => {
      for (const client of this.clients.values()) {
        if (client.conn) client.conn.limits.idleTimeoutMs = Number(value) * 1000;
      }
    });
    this.config.onChange('client-output-buffer-limit', () => {
      for (const client of this.clients.values()) this.applyOutputClass(client);
    });
  }

  // ---- lifecycle ----

  /** Loads persisted data, then listens. */
  async start(): Promise<void> {
    this.loadUsers();
    await this.scripting.init();
    this.loading = true;
    try {
      await this.persistence.load();
    } finally {
      this.loading = false;
    }
    this.baselineMemory = process.memoryUsage().heapUsed - this.datasetBytes();
    const port = this.config.int('port');
    const unix = this.config.get('unixsocket');
    this.net = new StrataServer({
      host: this.config.get('bind').split(/\s+/)[0] ?? '127.0.0.1',
      port: port === 0 && unix !== '' ? undefined : port,
      unix: unix === '' ? undefined : unix,
      unixMode: Number.parseInt(this.config.get('unixsocketperm'), 8) || 0o660,
      maxConnections: this.config.int('maxclients'),
      idleTimeoutMs: this.config.int('timeout') * 1000,
      logger: this.logger,
      onConnection: (conn) => this.accept(conn),
      onReject: (socket) => {
        this.stats.rejectedConnections++;
        socket.write('-ERR max number of clients reached\r\n');
      },
    });
    await this.net.listen();
    if (port === 0 && this.net) this.config.set('port', String(this.tcpPort()), true);
    this.persistence.startAof();
    this.startCron();
  }

  tcpPort(): number {
    try {
      return this.net?.port ?? 0;
    } catch {
      return 0;
    }
  }

  /** Stops listening, saves if configured (or asked), closes clients. */
  async shutdown(options: { save?: boolean; nosave?: boolean } = {}): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    if (this.cronTimer) clearInterval(this.cronTimer);
    const saveConfigured = this.config.get('save') !== '';
    if (!options.nosave && (options.save || saveConfigured)) {
      try {
        this.persistence.saveSync();
      } catch (err) {
        this.logger.error({ err }, 'error saving the snapshot on shutdown');
      }
    }
    await this.persistence.close();
    for (const client of this.clients.values()) client.conn?.destroy();
    await this.net?.close({ graceMs: 1000 });
  }

  /** SHUTDOWN command: the process exits once everything is written. */
  requestShutdown(options: { save?: boolean; nosave?: boolean }): void {
    void this.shutdown(options).then(() => this.onShutdown?.());
  }

  private startCron(): void {
    if (this.cronTimer) clearInterval(this.cronTimer);
    const hz = Math.max(1, Math.min(500, this.config.int('hz')));
    this.cronTimer = setInterval(() => this.cron(), Math.floor(1000 / hz));
    this.cronTimer.unref();
  }

  private cronTicks = 0;
  /** Redis's cached server.lruclock: refreshed by cron, so touching a key reads no clock. */
  private lruNow = lruClock();

  /** serverCron: expiry, rehash, stats sampling, pause expiry, save rules, AOF fsync. */
  private cron(): void {
    this.cronTicks++;
    this.lruNow = lruClock();
    const hz = Math.max(1, this.config.int('hz'));
    if (this.activeExpireEnabled) activeExpireCycle(this, 1000 / hz / 4);
    for (const db of this.dbs) {
      db.dict.rehashStep(100);
      db.expires.rehashStep(100);
    }
    if (this.cronTicks % Math.max(1, Math.round(hz / 10)) === 0) this.stats.sample();
    if (this.pause && Date.now() >= this.pause.until) this.unpause();
    this.persistence.cron();
    this.checkSoftOutputLimits();
    this.flushPending();
  }

  // ---- connections and input ----

  private accept(conn: Connection): ConnectionHandler {
    const client = new Client(this, conn, this.dbs[0]!);
    this.clients.set(client.id, client);
    this.stats.connectionsReceived++;
    this.applyOutputClass(client);
    return {
      // A read of 0 bytes is a disconnect, as in Redis: a client blocked or subscribed when its
      // FIN arrives is gone at once, so nothing is ever delivered to it.
      halfClose: false,
      end: () => this.clientGone(client),
      data: (chunk) => {
        this.stats.netInputBytes += chunk.length;
        // Closing after a reply (QUIT, a protocol error): later input is read and dropped, so
        // a client that keeps sending cannot grow the query buffer.
        if (client.closeAfterReply) return;
        client.lastInteraction = Date.now();
        try {
          client.decoder.push(chunk);
        } catch (err) {
          if (err instanceof QueryBufferLimitError) {
            this.logger.warn(
              { client: client.id },
              'closing client that reached max query buffer length',
            );
            conn.destroy();
            return;
          }
          throw err;
        }
        this.processInput(client);
        this.flushPending();
      },
      close: () => this.clientGone(client),
    };
  }

  /** Runs the client's complete commands until input runs out or the client blocks. */
  processInput(client: Client): void {
    while (!client.blocked && !client.paused && !client.closeAfterReply && !client.killed) {
      let argv: string[] | undefined;
      try {
        argv = client.decoder.next();
      } catch (err) {
        if (err instanceof ProtocolError) {
          client.reply.error(`ERR Protocol error: ${err.message}`);
          client.closeAfterReply = true;
          this.logger.debug({ client: client.id, reason: err.message }, 'protocol error');
          break;
        }
        throw err;
      }
      if (argv === undefined) break;
      processCommand(this, client, argv);
      this.afterCommand();
    }
    this.markForFlush(client);
  }

  /** Serves blocked clients whose keys became ready. */
  afterCommand(): void {
    const unblocked = this.blocking.handleReady();
    for (const client of unblocked) this.afterUnblock(client);
  }

  /** A client left the blocked state: send its reply and go on with its pipelined input. */
  afterUnblock(client: Client): void {
    this.markForFlush(client);
    if (client.decoder.buffered > 0) {
      setImmediate(() => {
        if (client.killed || client.conn?.closed) return;
        this.processInput(client);
        this.flushPending();
      });
    } else {
      this.flushPending();
    }
  }

  serveBlocked(client: Client, state: BlockedState, key: string): boolean {
    this.persistence.beforeKeyWrite(state.db, key);
    return runServe(this, client, state, key);
  }

  markForFlush(client: Client): void {
    this.pendingFlush.add(client);
  }

  /**
   * Sends every reply produced this turn: the AOF is written (and fsynced under
   * appendfsync always) first, so no client sees an acknowledgement of a write that a crash
   * could lose.
   */
  flushPending(): void {
    if (this.pendingFlush.size === 0) return;
    this.persistence.beforeReplies();
    for (const client of this.pendingFlush) {
      const conn = client.conn;
      const out = client.reply.take();
      if (!conn) continue;
      if (out) {
        this.stats.netOutputBytes += out.length;
        conn.write(out);
      }
      if (client.closeAfterReply) conn.end();
    }
    this.pendingFlush.clear();
  }

  private clientGone(client: Client): void {
    client.killed = true;
    this.blocking.unblock(client);
    this.watch.unwatchAll(client);
    this.pubsub.removeClient(client);
    this.monitors.delete(client);
    this.pausedClients.delete(client);
    this.pendingFlush.delete(client);
    this.clients.delete(client.id);
  }

  /** Users from the config file's `user` lines or the aclfile (not both, as in Redis). */
  private loadUsers(): void {
    const users = this.configUsers;
    const aclfile = this.config.get('aclfile');
    if (users.length > 0 && aclfile !== '') {
      throw new Error(
        'Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid. This setup is very likely to lead to configuration errors and security holes, please define either an ACL file or declare users directly in your redis.conf, but not both.',
      );
    }
    if (aclfile !== '') this.acl.loadFile(aclfile);
    else if (users.length > 0) {
      this.acl.loadLines(
        users.map((line) => `user ${line}`),
        this.configFile ?? 'config',
      );
    }
  }

  /** Closes a client (CLIENT KILL, QUIT after its reply). */
  killClient(client: Client, afterReply = false): void {
    if (afterReply) {
      client.closeAfterReply = true;
      this.markForFlush(client);
      return;
    }
    client.killed = true;
    client.conn?.destroy();
  }

  // ---- output buffer classes ----

  private outputLimit(cls: 'normal' | 'pubsub'): OutputLimit {
    const words = this.config.get('client-output-buffer-limit').split(' ');
    const at = words.indexOf(cls);
    return {
      hard: Number(words[at + 1]),
      soft: Number(words[at + 2]),
      seconds: Number(words[at + 3]),
    };
  }

  /**
   * Blocked and subscribed clients are exempt from the idle `timeout`, as in Redis: they are
   * marked as busy for common's idle timer while in that state.
   */
  updateIdleExemption(client: Client): void {
    const exempt = client.blocked !== undefined || client.subscriptions > 0;
    if (exempt === client.idleExempt || !client.conn) return;
    client.idleExempt = exempt;
    if (exempt) client.conn.beginWork();
    else client.conn.endWork();
  }

  /** Sets the connection's hard output limit from the client's class (pubsub or normal). */
  applyOutputClass(client: Client): void {
    this.updateIdleExemption(client);
    if (!client.conn) return;
    const limit = this.outputLimit(client.subscriptions > 0 ? 'pubsub' : 'normal');
    client.conn.limits.maxOutputBytes = limit.hard;
  }

  private readonly softSince = new Map<Client, number>();

  /** Drops clients over the soft limit of their class for longer than its seconds. */
  private checkSoftOutputLimits(): void {
    const now = Date.now();
    for (const client of this.clients.values()) {
      const conn = client.conn;
      if (!conn) continue;
      const limit = this.outputLimit(client.subscriptions > 0 ? 'pubsub' : 'normal');
      if (limit.soft === 0 || conn.pendingOutput <= limit.soft) {
        this.softSince.delete(client);
        continue;
      }
      const since = this.softSince.get(client) ?? now;
      this.softSince.set(client, since);
      if (now - since >= limit.seconds * 1000) {
        this.logger.warn(
          { client: client.id },
          'client scheduled to be closed for overcoming of output buffer limits',
        );
        this.softSince.delete(client);
        this.killClient(client);
      }
    }
  }

  // ---- CLIENT PAUSE ----

  unpause(): void {
    this.pause = undefined;
    const held = [...this.pausedClients];
    this.pausedClients.clear();
    for (const client of held) {
      const argv = client.paused;
      client.paused = undefined;
      if (!argv || client.killed) continue;
      processCommand(this, client, argv);
      this.afterCommand();
      this.processInput(client);
    }
    this.flushPending();
  }

  // ---- values ----

  private replayClient: Client | undefined;

  /**
   * Recreates values in `db` by running their toCommands() output through the command handlers
   * silently (no notifications, no dirty count, no AOF): COPY and RESTORE.
   */
  materialize(db: Database, commands: ReadonlyArray<readonly (string | Buffer)[]>): void {
    this.replayClient ??= new Client(this, undefined, db);
    const client = this.replayClient;
    client.db = db;
    const ctx = client.ctx;
    ctx.silent = true;
    for (const command of commands) {
      const argv = command.map((arg) => (typeof arg === 'string' ? arg : arg.toString('latin1')));
      const resolved = this.table.resolve(argv);
      if (resolved.kind !== 'found') throw new Error(`cannot replay unknown command ${argv[0]}`);
      ctx.argv = argv;
      ctx.propagated = undefined;
      resolved.spec.handler(ctx);
    }
    client.reply.clear();
  }

  // ---- memory ----

  datasetBytes(): number {
    let total = 0;
    for (const db of this.dbs)
      total += db.usedBytes + db.dict.overheadBytes + db.expires.overheadBytes;
    return total;
  }

  clientBytes(): number {
    let total = 0;
    for (const client of this.clients.values()) {
      total +=
        2048 + client.decoder.buffered + client.reply.pending + (client.conn?.pendingOutput ?? 0);
    }
    return total;
  }

  /** INFO's used_memory: the heap the process started with plus what data and clients hold. */
  usedMemory(): number {
    return (
      this.baselineMemory +
      this.datasetBytes() +
      this.clientBytes() +
      this.persistence.bufferedBytes()
    );
  }

  // ---- KeyspaceHooks ----

  get expireEnabled(): boolean {
    return !this.loading;
  }

  touch(entry: Entry): void {
    if (this.lfu) {
      const counter = lfuLogIncr(
        lfuDecrAndReturn(entry.lru, this.config.int('lfu-decay-time')),
        this.config.int('lfu-log-factor'),
      );
      entry.lru = ((Math.floor(Date.now() / 60000) & 0xffff) << 8) | counter;
    } else {
      entry.lru = this.lruNow;
    }
  }

  initialLru(): number {
    return this.lfu ? ((Math.floor(Date.now() / 60000) & 0xffff) << 8) | 5 : this.lruNow;
  }

  expired(db: Database, key: string): void {
    this.stats.expiredKeys++;
    this.watch.touch(db, key);
    this.notifier.notify('expired', 'expired', key, db.index);
    this.persistence.feed(db.index, [['DEL', key]]);
  }

  ready(db: Database, key: string): void {
    this.blocking.signalReady(db, key);
  }

  modified(db: Database, key: string): void {
    this.watch.touch(db, key);
  }

  hit(found: boolean): void {
    if (found) this.stats.keyspaceHits++;
    else this.stats.keyspaceMisses++;
  }
}
