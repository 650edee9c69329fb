import { type Logger, StrataServer, TimerWheel } from '@strata/common';
import { AccessLog } from './access-log.js';
import { type HttpdStats, type ServerContext, emptyStats } from './context.js';
import type { HttpdConfig } from './options.js';
import { sessionFactory } from './session.js';
import { FileCache } from './static/file-cache.js';
import { StaticHandler } from './static/handler.js';

/** Which settings a SIGHUP cannot change (they need a restart). */
const RESTART_ONLY: ReadonlyArray<keyof HttpdConfig> = [
  'host',
  'port',
  'unix',
  'workers',
  'metricsPort',
];

/** One serving process: listeners, sessions, the file cache and the access log. */
export class Httpd {
  readonly server: StrataServer;
  readonly stats: HttpdStats = emptyStats();
  private readonly context: ServerContext;
  private cache: FileCache;
  private readonly wheel = new TimerWheel({ tickMs: 100 });

  constructor(
    private config: HttpdConfig,
    private readonly logger: Logger,
  ) {
    this.cache = createCache(config);
    const handler = () => new StaticHandler(this.cache, () => this.context.config);
    let staticHandler = handler();
    this.context = {
      config,
      wheel: this.wheel,
      logger,
      stats: this.stats,
      accessLog: createAccessLog(config),
      handle: (request, response) => staticHandler.handle(request, response),
    };
    this.rebuildHandler = () => {
      staticHandler = handler();
    };
    this.server = new StrataServer({
      host: config.host,
      port: config.port,
      unix: config.unix,
      maxConnections: config.maxConnections,
      logger,
      onConnection: sessionFactory(this.context),
      onReject: (socket) => {
        socket.write(
          'HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
        );
        // Read (and drop) what the client sends so that its FIN is seen and the socket closes
        // promptly; a paused socket would hold up a graceful shutdown.
        socket.resume();
      },
    });
  }

  private readonly rebuildHandler: () => void;

  async listen(): Promise<void> {
    await this.cache.init();
    await this.server.listen();
    this.logger.info(
      {
        port: this.config.port === undefined ? undefined : this.server.port,
        unix: this.config.unix,
        root: this.cache.root,
      },
      'strata-httpd listening',
    );
  }

  get port(): number {
    return this.server.port;
  }

  /** SIGHUP: new settings for the next requests, a fresh cache, the access log reopened. */
  async reload(next: HttpdConfig): Promise<void> {
    for (const key of RESTART_ONLY) {
      if (next[key] !== this.config[key]) {
        this.logger.warn({ option: key }, 'this option changes only on restart');
      }
    }
    const cache = createCache(next);
    await cache.init();
    this.config = next;
    this.cache = cache;
    this.context.config = next;
    this.rebuildHandler();
    await this.context.accessLog?.close();
    this.context.accessLog = createAccessLog(next);
    this.logger.info({ root: cache.root }, 'configuration reloaded');
  }

  /** Graceful: in-flight responses finish (with Connection: close), idle clients are closed. */
  async close(graceMs = this.config.shutdownGrace): Promise<void> {
    await this.server.close({ graceMs });
    this.wheel.close();
    await this.context.accessLog?.close();
  }
}

function createCache(config: HttpdConfig): FileCache {
  return new FileCache({
    root: config.root,
    validityMs: config.cacheValidity,
    maxBytes: config.cacheSize,
    maxEntries: config.cacheEntries,
    maxFileBytes: config.cacheMaxFile,
    maxOpenFiles: config.maxOpenFiles,
    compressMinBytes: config.gzip ? config.gzipMinLength : undefined,
  });
}

function createAccessLog(config: HttpdConfig): AccessLog | undefined {
  return config.accessLog ? new AccessLog(config.accessLog, config.accessLogFormat) : undefined;
}
