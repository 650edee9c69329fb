import { type Logger, StrataServer, TimerWheel } from '@strata/common';
import { ProxyAuth, readAuthFile } from './access/auth.js';
import { UrlFilter, readPatternFile } from './access/filter.js';
import { LOOPBACK, NetworkList } from './access/networks.js';
import { MemoryCache } from './cache/memory-cache.js';
import type { ProxyConfig } from './cli.js';
import type { Reply } from './client/reply.js';
import { ClientSession } from './client/session.js';
import { AccessLog } from './ops/access-log.js';
import { MAX_LATENCIES_PER_REPORT, type WorkerReport } from './ops/metrics.js';
import { parsePortList } from './proxy/connect.js';
import { type ProxyContext, emptyStats } from './proxy/context.js';
import { ProxyHandler } from './proxy/handler.js';
import { createAgent, guardedLookup } from './upstream/agent.js';
import { parseOrigin } from './upstream/target.js';

/** The rules a SIGHUP rereads: filters (with --deny-file) and users (with --auth-file). */
function loadRules(config: ProxyConfig): { filter: UrlFilter; auth: ProxyAuth } {
  const deny = [...config.deny, ...(config.denyFile ? readPatternFile(config.denyFile) : [])];
  const filter = new UrlFilter({
    deny,
    allow: config.allow,
    maxPatternLength: config.maxPatternLength,
  });
  const users = [...config.auth, ...(config.authFile ? readAuthFile(config.authFile) : [])];
  return { filter, auth: new ProxyAuth(users) };
}

/**
 * One serving process: the listener, the sessions, the cache, the upstream agent, the rules
 * and the access log. Throws a plain Error for a bad setting (bad pattern, CIDR, origin).
 */
export class ProxyServer {
  readonly server: StrataServer;
  readonly context: ProxyContext;
  private accessLog: AccessLog | undefined;
  private latencies: number[] = [];
  private readonly wheel = new TimerWheel({ tickMs: 100 });

  constructor(
    private readonly config: ProxyConfig,
    private readonly logger: Logger,
  ) {
    const origin = config.origin === undefined ? undefined : parseOrigin(config.origin);
    const upstreamOptions = {
      connections: config.upstreamConnections,
      timeoutMs: config.upstreamTimeout,
      trustedHosts: new Set(origin ? [origin.hostname] : []),
      allowPrivate: config.allowPrivate,
    };
    const { filter, auth } = loadRules(config);
    this.context = {
      config,
      logger,
      agent: createAgent(upstreamOptions),
      lookup: guardedLookup(upstreamOptions),
      cache: config.cache
        ? new MemoryCache({
            maxBytes: config.memCacheSize,
            maxEntries: config.maxCacheEntries,
            maxVariants: config.maxVariants,
          })
        : undefined,
      filter,
      auth,
      allowFrom: new NetworkList(config.allowFrom.length > 0 ? config.allowFrom : LOOPBACK),
      purgeFrom: new NetworkList(config.purgeFrom.length > 0 ? config.purgeFrom : LOOPBACK),
      origin,
      connectPorts: parsePortList(config.connectPorts),
      stats: emptyStats(),
      pending: new Map(),
      refreshing: new Set(),
      observeUpstream: (seconds) => {
        if (this.latencies.length < MAX_LATENCIES_PER_REPORT) this.latencies.push(seconds);
      },
    };
    this.accessLog = config.accessLog
      ? new AccessLog(config.accessLog, config.accessLogFormat)
      : undefined;
    const handler = new ProxyHandler(
      () => this.context,
      (reply) => this.completed(reply),
    );
    const limits = {
      maxRequestLine: config.maxRequestLine,
      maxHeaderSize: config.maxHeaderSize,
      maxHeaders: config.maxHeaders,
      maxBody: config.maxBody,
      maxRequests: config.maxRequests,
      headerTimeout: config.headerTimeout,
      wheel: this.wheel,
    };
    this.server = new StrataServer({
      host: config.host,
      port: config.port,
      unix: config.unix,
      maxConnections: config.maxConnections,
      idleTimeoutMs: config.idleTimeout,
      logger,
      onConnection: (conn) => new ClientSession(conn, handler, limits),
      onReject: (socket) => {
        socket.write(
          'HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
        );
      },
    });
  }

  private completed(reply: Reply): void {
    const { stats } = this.context;
    stats.requests++;
    stats.bytesSent += reply.bytesSent;
    stats.results[reply.result] = (stats.results[reply.result] ?? 0) + 1;
    this.accessLog?.record(reply);
  }

  async listen(): Promise<void> {
    await this.server.listen();
    this.logger.info(
      {
        port: this.config.port === undefined ? undefined : this.server.port,
        unix: this.config.unix,
        origin: this.config.origin,
      },
      'strata-proxy listening',
    );
  }

  get port(): number {
    return this.server.port;
  }

  /** The counters for the metrics exporter; latencies are handed over once. */
  report(): WorkerReport {
    const latencies = this.latencies;
    this.latencies = [];
    return {
      stats: this.context.stats,
      cache: this.context.cache?.stats,
      connections: this.server.connections.size,
      latencies,
    };
  }

  /** SIGHUP: filters and users reread; a bad file keeps the rules in force. */
  reload(): void {
    try {
      const { filter, auth } = loadRules(this.config);
      this.context.filter = filter;
      this.context.auth = auth;
      this.accessLog?.reopen();
      this.logger.info({ rules: filter.ruleCount }, 'rules reloaded');
    } catch (err) {
      this.logger.error({ error: (err as Error).message }, 'reload refused: rules kept');
    }
  }

  async close(graceMs = this.config.shutdownGrace): Promise<void> {
    await this.server.close({ graceMs });
    this.wheel.close();
    await this.context.agent.close().catch(() => {});
    await this.accessLog?.close();
  }
}
