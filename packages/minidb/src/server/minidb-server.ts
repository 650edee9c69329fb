import { join } from 'node:path';
import { type Logger, StrataServer, createLogger } from '@strata/common';
import type { Engine } from '../engine/api.js';
import type { Credentials } from '../protocol/auth.js';
import { BackendKeys } from '../protocol/backend-keys.js';
import { PgConnection, type ProtocolContext } from '../protocol/pg-connection.js';

export interface MinidbServerOptions {
  engine: Engine;
  /** TCP address; default 127.0.0.1. */
  host?: string;
  /** TCP port; 0 picks a free one. */
  port: number;
  /** Also listen on `<unixDir>/.s.PGSQL.<port>`, where libpq looks for `-h <dir>`. */
  unixDir?: string | undefined;
  /** Sessions at once (counted from the StartupMessage); 0 = unlimited. */
  maxConnections?: number;
  /** Largest frontend message in bytes. */
  maxMessageSize?: number;
  /** 0 = none. */
  statementTimeoutMs?: number;
  /** Cut clients not authenticated this long after connecting; 0 = never. Default 60 s. */
  authenticationTimeoutMs?: number;
  /** Undefined: trust. */
  credentials?: Credentials | undefined;
  /** Graceful shutdown deadline. */
  shutdownGraceMs?: number;
  logger?: Logger;
}

export const DEFAULT_MAX_CONNECTIONS = 100;
export const DEFAULT_MAX_MESSAGE_SIZE = 64 * 1024 * 1024;

/**
 * The daemon: one TCP listener and optionally a UNIX socket named after the bound port, both
 * handing clients to the protocol layer over the shared engine.
 */
export class MinidbServer {
  readonly keys = new BackendKeys();
  private readonly options: MinidbServerOptions;
  private readonly logger: Logger;
  private tcp: StrataServer | undefined;
  private unix: StrataServer | undefined;
  private sessions = 0;
  private unixSocketPath: string | undefined;

  constructor(options: MinidbServerOptions) {
    this.options = options;
    this.logger = options.logger ?? createLogger({ name: 'minidb', level: 'silent' });
  }

  get port(): number {
    if (!this.tcp) throw new Error('server not started');
    return this.tcp.port;
  }

  get unixPath(): string | undefined {
    return this.unixSocketPath;
  }

  /** Sessions open now (past their StartupMessage). */
  get sessionCount(): number {
    return this.sessions;
  }

  /** The TCP listener's server loop (for metrics). */
  get net(): StrataServer | undefined {
    return this.tcp;
  }

  async start(): Promise<void> {
    const max = this.options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
    const context: ProtocolContext = {
      engine: this.options.engine,
      keys: this.keys,
      credentials: this.options.credentials,
      maxMessageSize: this.options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE,
      statementTimeoutMs: this.options.statementTimeoutMs ?? 0,
      authenticationTimeoutMs: this.options.authenticationTimeoutMs ?? 60_000,
      acquireSlot: () => {
        if (max > 0 && this.sessions >= max) return false;
        this.sessions++;
        return true;
      },
      releaseSlot: () => {
        this.sessions--;
      },
      logger: this.logger,
    };
    const listener = (extra: { port?: number; unix?: string }) =>
      new StrataServer({
        ...extra,
        host: this.options.host ?? '127.0.0.1',
        logger: this.logger,
        onConnection: (conn) => new PgConnection(conn, context),
      });
    this.tcp = listener({ port: this.options.port });
    await this.tcp.listen();
    if (this.options.unixDir !== undefined) {
      const path = join(this.options.unixDir, `.s.PGSQL.${this.tcp.port}`);
      this.unix = listener({ unix: path });
      try {
        await this.unix.listen();
      } catch (err) {
        await this.tcp.close({ graceMs: 0 });
        throw err;
      }
      this.unixSocketPath = path;
    }
  }

  /** Stops accepting, lets running statements finish (up to the grace period), closes the engine. */
  async close(): Promise<void> {
    const graceMs = this.options.shutdownGraceMs ?? 10_000;
    await Promise.all([this.tcp?.close({ graceMs }), this.unix?.close({ graceMs })]);
    await this.options.engine.close();
  }
}
