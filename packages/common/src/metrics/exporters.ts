import type { Logger } from 'pino';
import type { StrataServer } from '../net/server.js';
import { startMetricsEndpoint } from './endpoint.js';
import type { MetricsRegistry } from './registry.js';
import { StatsdPusher } from './statsd.js';

export interface MetricsExporterOptions {
  /** Serve Prometheus text at `GET /metrics` on this port (0 picks one); undefined: no endpoint. */
  metricsPort?: number | undefined;
  /** Address of the Prometheus endpoint; default 127.0.0.1. */
  host?: string | undefined;
  /** Push to a StatsD collector at `host:port`; undefined: no push. */
  statsd?: string | undefined;
  /**
   * Daemon prefix: `strata.kvstore` gives `strata_kvstore_<name>` in Prometheus and
   * `strata.kvstore.<name>` in StatsD.
   */
  prefix: string;
  /** StatsD push period; default 10 s. */
  intervalMs?: number | undefined;
  logger?: Logger | undefined;
}

export interface MetricsExporters {
  /** Bound port of the Prometheus endpoint, undefined without one. */
  port: number | undefined;
  /** Stops both exporters; StatsD sends what was recorded since its last push first. */
  close(): Promise<void>;
}

/**
 * Starts the exporters a daemon's flags asked for (`--metrics-port`, `--statsd`). With neither,
 * nothing listens and nothing is sent. A bad StatsD address or a busy port rejects, so the
 * daemon can report it at startup; once running, exporter failures are only logged.
 */
export async function startMetricsExporters(
  registry: MetricsRegistry,
  options: MetricsExporterOptions,
): Promise<MetricsExporters> {
  const logger = options.logger?.child({ component: 'metrics' });
  const onError = (metric: string, err: unknown) =>
    logger?.warn({ err, metric }, 'metric callback failed');
  const statsd =
    options.statsd === undefined
      ? undefined
      : new StatsdPusher(registry, {
          target: options.statsd,
          prefix: options.prefix,
          ...(options.intervalMs !== undefined ? { intervalMs: options.intervalMs } : {}),
          logger,
        });
  let endpoint: StrataServer | undefined;
  if (options.metricsPort !== undefined) {
    try {
      endpoint = await startMetricsEndpoint({
        port: options.metricsPort,
        host: options.host ?? '127.0.0.1',
        render: () => registry.renderPrometheus({ prefix: options.prefix, onError }),
        logger,
      });
    } catch (err) {
      await statsd?.close();
      throw err;
    }
    logger?.info({ port: endpoint.port }, 'serving Prometheus metrics at /metrics');
  }
  return {
    port: endpoint?.port,
    async close() {
      await Promise.all([endpoint?.close({ graceMs: 1000 }), statsd?.close()]);
    },
  };
}
