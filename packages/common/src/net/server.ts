import cluster from 'node:cluster';
import { chmod, lstat, unlink } from 'node:fs/promises';
import { type Server, type Socket, connect, createServer } from 'node:net';
import { type Logger, pino } from 'pino';
import { ErrorCode, StrataError, isErrnoException } from '../errors.js';
import { TimerWheel } from '../timers.js';
import { Connection, type ConnectionHandler, type ConnectionLimits } from './connection.js';
import { createFlushScheduler } from './flush.js';

export interface ServerOptions {
  /** TCP address; default 127.0.0.1. */
  host?: string;
  /** TCP port; 0 picks a free one; undefined means no TCP listener (UNIX socket only). */
  port?: number | undefined;
  /** Also listen on this UNIX domain socket path. */
  unix?: string | undefined;
  /** Permission bits for the UNIX socket file; default 0o660. */
  unixMode?: number;
  /** Refuse clients beyond this many at once; 0 = unlimited. */
  maxConnections?: number;
  /** Close a client after this long without input; 0 = never. Default 0. */
  idleTimeoutMs?: number;
  /** Unsent bytes at which reading from a client pauses; default 1 MiB. */
  outputHighWaterMark?: number;
  /** Unsent bytes at which a client is dropped; 0 = unlimited (default). */
  maxOutputBytes?: number;
  /** TCP_NODELAY; default true (replies are already batched per loop turn). */
  noDelay?: boolean;
  logger?: Logger;
  /** Creates the handler of a new client. */
  onConnection: (conn: Connection) => ConnectionHandler;
  /** Last words to a client refused by maxConnections (e.g. Redis's `-ERR max number of clients reached`). */
  onReject?: (socket: Socket) => void;
}

export interface CloseOptions {
  /** After this long, connections still open are destroyed. Default 10 s. */
  graceMs?: number;
}

export interface ServerStats {
  accepted: number;
  rejected: number;
  timedOut: number;
  droppedForOutput: number;
}

/**
 * The server loop every daemon shares: TCP and/or UNIX listeners, connection tracking,
 * max connections, idle timeouts, per-turn output batching, backpressure and graceful shutdown.
 */
export class StrataServer {
  readonly connections = new Set<Connection>();
  readonly stats: ServerStats = { accepted: 0, rejected: 0, timedOut: 0, droppedForOutput: 0 };
  private readonly options: ServerOptions;
  private readonly limits: ConnectionLimits;
  private readonly logger: Logger;
  private readonly listeners: Server[] = [];
  private readonly flushScheduler = createFlushScheduler();
  private readonly wheel = new TimerWheel({ tickMs: 250 });
  private unixPathCreated: string | undefined;
  private closingPromise: Promise<void> | undefined;
  private tcpPort: number | undefined;

  constructor(options: ServerOptions) {
    this.options = options;
    this.logger = options.logger ?? pino({ level: 'silent' });
    this.limits = {
      outputHighWaterMark: options.outputHighWaterMark ?? 1024 * 1024,
      maxOutputBytes: options.maxOutputBytes ?? 0,
      idleTimeoutMs: options.idleTimeoutMs ?? 0,
    };
  }

  /** The bound TCP port (useful with port 0). */
  get port(): number {
    if (this.tcpPort === undefined) throw new Error('server has no TCP listener');
    return this.tcpPort;
  }

  get closing(): boolean {
    return this.closingPromise !== undefined;
  }

  async listen(): Promise<void> {
    const { port, unix } = this.options;
    if (this.listeners.length > 0 || this.closing) {
      throw new StrataError(
        ErrorCode.LISTEN_FAILED,
        'listen() called on a started or closed server',
      );
    }
    if (port === undefined && unix === undefined) {
      throw new StrataError(
        ErrorCode.LISTEN_FAILED,
        'nothing to listen on: give a port or a UNIX socket path',
      );
    }
    try {
      if (port !== undefined) {
        const server = this.createListener('tcp');
        await listenOn(server, { port, host: this.options.host ?? '127.0.0.1' });
        const address = server.address();
        this.tcpPort = typeof address === 'object' && address ? address.port : port;
      }
      if (unix !== undefined) {
        // Under node:cluster the primary binds the path once and every worker shares that
        // handle: a worker must neither refuse the live socket its siblings already serve nor
        // unlink it on close (the primary's handle removes the file when it closes).
        const shared = cluster.isWorker;
        if (!shared) await removeStaleSocket(unix);
        const server = this.createListener('unix');
        await listenOn(server, { path: unix });
        if (!shared) this.unixPathCreated = unix;
        await chmod(unix, this.options.unixMode ?? 0o660);
      }
    } catch (err) {
      // Half a server is no server: release the TCP port if the UNIX socket failed.
      for (const server of this.listeners.splice(0)) server.close();
      this.tcpPort = undefined;
      throw err;
    }
  }

  /**
   * Graceful shutdown: stop accepting, end idle connections, let busy ones finish their work,
   * destroy whatever is left at the deadline. Resolves when every connection is closed.
   */
  close(options: CloseOptions = {}): Promise<void> {
    this.closingPromise ??= this.drain(options.graceMs ?? 10_000);
    return this.closingPromise;
  }

  private async drain(graceMs: number): Promise<void> {
    const listenersClosed = Promise.all(
      this.listeners.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
    );
    for (const conn of this.connections) {
      conn.closing = true;
      if (!conn.working) conn.end();
    }
    const deadline = setTimeout(() => {
      for (const conn of this.connections) {
        conn.destroy(new StrataError(ErrorCode.SHUTDOWN_DEADLINE, 'shutdown deadline reached'));
      }
    }, graceMs);
    await Promise.all([listenersClosed, this.allClosed()]);
    clearTimeout(deadline);
    this.wheel.close();
    if (this.unixPathCreated) await unlink(this.unixPathCreated).catch(() => {});
  }

  private allClosed(): Promise<void> {
    if (this.connections.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (this.connections.size === 0) resolve();
        else setTimeout(check, 10);
      };
      check();
    });
  }

  private createListener(transport: 'tcp' | 'unix'): Server {
    const server = createServer(
      { allowHalfOpen: true, noDelay: this.options.noDelay ?? true },
      (socket) => this.accept(socket, transport),
    );
    // Before it listens, listen() rejects with the error: the caller reports it, once.
    server.on('error', (err) => server.listening && this.logger.error({ err }, 'listener error'));
    this.listeners.push(server);
    return server;
  }

  private accept(socket: Socket, transport: 'tcp' | 'unix'): void {
    socket.on('error', () => {});
    const max = this.options.maxConnections ?? 0;
    if (this.closing || (max > 0 && this.connections.size >= max)) {
      this.stats.rejected++;
      this.logger.warn({ max }, 'connection refused: max connections reached');
      try {
        this.options.onReject?.(socket);
      } catch (err) {
        this.logger.error({ err }, 'onReject threw');
      }
      socket.end();
      // Read and discard what the client still sends so that its FIN is seen and the socket
      // closes; a client that never closes is cut after a second.
      socket.resume();
      socket.setTimeout(1000, () => socket.destroy());
      return;
    }
    this.stats.accepted++;
    const conn = new Connection(socket, transport, this.limits, this.logger, this.flushScheduler);
    this.connections.add(conn);
    let handler: ConnectionHandler;
    try {
      handler = this.options.onConnection(conn);
    } catch (err) {
      this.logger.error({ err }, 'connection handler failed to start');
      conn.destroy();
      this.connections.delete(conn);
      return;
    }
    socket.removeAllListeners('error');
    socket.on('error', (err) => {
      // Resets and broken pipes are what clients do; they close this connection only.
      conn.recordError(err);
      conn.log.debug({ err }, 'socket error');
    });
    socket.on('data', (chunk: Buffer) => {
      conn.lastActivity = Date.now();
      try {
        handler.data(chunk);
      } catch (err) {
        conn.log.error({ err }, 'handler threw; dropping connection');
        conn.destroy(err as Error);
      }
    });
    socket.on('end', () => {
      try {
        conn.onReadEnd(handler);
      } catch (err) {
        conn.log.error({ err }, 'end handler threw; dropping connection');
        conn.destroy(err as Error);
      }
    });
    socket.on('close', () => {
      this.connections.delete(conn);
      const error = conn.markClosed();
      if (isStrataCode(error, ErrorCode.OUTPUT_LIMIT)) {
        this.stats.droppedForOutput++;
        conn.log.warn({ err: error }, 'client dropped: output buffer limit');
      }
      if (isStrataCode(error, ErrorCode.IDLE_TIMEOUT)) this.stats.timedOut++;
      try {
        handler.close?.(error);
      } catch (err) {
        conn.log.error({ err }, 'close handler threw');
      }
    });
    this.armIdleTimer(conn);
  }

  /** One wheel timer per connection; activity only moves lastActivity, the timer re-arms itself. */
  private armIdleTimer(conn: Connection): void {
    const idle = conn.limits.idleTimeoutMs;
    if (idle <= 0) {
      // The limit may be set later (CONFIG SET timeout); look again in a second.
      if (!conn.closed) this.wheel.schedule(1000, () => this.armIdleTimer(conn));
      return;
    }
    const due = conn.lastActivity + idle - Date.now();
    this.wheel.schedule(Math.max(due, 0), () => {
      if (conn.closed) return;
      const quiet = Date.now() - conn.lastActivity;
      if (conn.limits.idleTimeoutMs > 0 && quiet >= conn.limits.idleTimeoutMs && !conn.working) {
        conn.log.debug({ quiet }, 'idle timeout');
        conn.destroy(new StrataError(ErrorCode.IDLE_TIMEOUT, `idle for ${quiet} ms`));
        return;
      }
      this.armIdleTimer(conn);
    });
  }
}

function isStrataCode(error: Error | undefined, code: ErrorCode): boolean {
  return error instanceof StrataError && error.code === code;
}

function listenOn(
  server: Server,
  where: { port: number; host: string } | { path: string },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      reject(
        new StrataError(ErrorCode.LISTEN_FAILED, `cannot listen: ${err.message}`, { cause: err }),
      );
    };
    server.once('error', onError);
    server.listen(where, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/**
 * A socket file left by a crashed process is removed; one that a live server still answers on,
 * or a path that is not a socket at all, is an error rather than something to delete.
 */
export async function removeStaleSocket(path: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = (await lstat(path)).isSocket();
  } catch (err) {
    if (isErrnoException(err) && err.code === 'ENOENT') return;
    throw err;
  }
  if (!isSocket) {
    throw new StrataError(ErrorCode.SOCKET_IN_USE, `${path} exists and is not a socket`);
  }
  const alive = await new Promise<boolean>((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    // Only a refusal proves nobody listens: EAGAIN (a full backlog) means a busy live server.
    probe.once('error', (err: NodeJS.ErrnoException) =>
      resolve(err.code !== 'ECONNREFUSED' && err.code !== 'ENOENT'),
    );
  });
  if (alive) throw new StrataError(ErrorCode.SOCKET_IN_USE, `${path} is in use by another server`);
  await unlink(path).catch((err: unknown) => {
    if (!(isErrnoException(err) && err.code === 'ENOENT')) throw err;
  });
}
