import {
  type Logger,
  MetricsRegistry,
  type MetricsExporters,
  type Sample,
  registerProcessMetrics,
  startMetricsExporters,
} from '@strata/common';
import type { CacheStats } from '../cache/memory-cache.js';
import type { ProxyConfig } from '../cli.js';
import type { ProxyStats } from '../proxy/context.js';

/** What one serving process reports to whoever exports the metrics. */
export interface WorkerReport {
  stats: ProxyStats;
  cache: CacheStats | undefined;
  connections: number;
  /** Upstream latencies (seconds) observed since the previous report. */
  latencies: number[];
}

/** Latencies kept between two reports; beyond, the rest of the interval is not sampled. */
export const MAX_LATENCIES_PER_REPORT = 10_000;

const RESULT_IS_HIT = (result: string) =>
  result.includes('HIT') || result === 'TCP_REFRESH_UNMODIFIED';

/** Metrics that are one number per process, summed over the reports. */
const SUMMED: readonly [
  kind: 'counter' | 'gauge',
  name: string,
  help: string,
  pick: (r: WorkerReport) => number,
][] = [
  ['counter', 'requests_total', 'Client requests answered', (r) => r.stats.requests],
  [
    'counter',
    'cache_sent_bytes_total',
    'Body bytes served from the cache',
    (r) => r.stats.bytesFromCache,
  ],
  ['counter', 'sent_bytes_total', 'Body bytes sent to clients', (r) => r.stats.bytesSent],
  [
    'counter',
    'upstream_requests_total',
    'Requests sent to origins',
    (r) => r.stats.upstreamRequests,
  ],
  [
    'counter',
    'upstream_errors_total',
    'Upstream requests that failed or broke off',
    (r) => r.stats.upstreamErrors,
  ],
  ['counter', 'tunnels_total', 'CONNECT tunnels opened', (r) => r.stats.tunnels],
  [
    'counter',
    'denied_total',
    'Requests refused by access rules and filters',
    (r) => r.stats.denied,
  ],
  [
    'counter',
    'collapsed_total',
    'Misses that waited for an identical one in flight',
    (r) => r.stats.collapsed,
  ],
  ['gauge', 'cache_objects', 'Objects in the memory cache', (r) => r.cache?.objects ?? 0],
  ['gauge', 'cache_bytes', 'Bytes in the memory cache', (r) => r.cache?.bytes ?? 0],
  [
    'counter',
    'cache_evictions_total',
    'Objects evicted by the LRU',
    (r) => r.cache?.evictions ?? 0,
  ],
  ['gauge', 'client_connections', 'Client connections open now', (r) => r.connections],
];

/**
 * The proxy metrics, read at scrape time from the reports of every serving process (one
 * without --workers, one per worker with it), summed; the latency histogram is fed the
 * workers' observations as they arrive. Returns the function that takes a report's latencies.
 */
export function registerProxyMetrics(
  registry: MetricsRegistry,
  reports: () => readonly WorkerReport[],
): (latencies: readonly number[]) => void {
  const sum = (pick: (report: WorkerReport) => number) => () =>
    reports().reduce((total, report) => total + pick(report), 0);
  for (const [kind, name, help, pick] of SUMMED) registry[kind](name, help, sum(pick));
  registry.counter('results_total', 'Replies by cache result (Squid codes)', (): Sample[] => {
    const totals = new Map<string, number>();
    for (const report of reports()) {
      for (const [result, n] of Object.entries(report.stats.results)) {
        totals.set(result, (totals.get(result) ?? 0) + n);
      }
    }
    return [...totals].map(([result, value]) => ({ labels: { result }, value }));
  });
  registry.gauge('cache_hit_ratio', 'Share of cacheable replies served from the cache', () => {
    let hits = 0;
    let total = 0;
    for (const report of reports()) {
      for (const [result, n] of Object.entries(report.stats.results)) {
        if (result === 'TCP_TUNNEL' || result === 'TCP_DENIED' || result === 'NONE') continue;
        total += n;
        if (RESULT_IS_HIT(result)) hits += n;
      }
    }
    return total === 0 ? 0 : hits / total;
  });
  registry.gauge('workers', 'Serving processes reporting', () => reports().length);
  const latency = registry.histogram(
    'upstream_response_seconds',
    'Time from sending a request upstream to its response head',
  );
  return (latencies) => {
    for (const seconds of latencies) latency.observe(seconds);
  };
}

/** The registry with the proxy and process metrics, exported as --metrics-port/--statsd ask. */
export async function exportMetrics(
  config: ProxyConfig,
  logger: Logger,
  reports: () => readonly WorkerReport[],
): Promise<{
  exporters: MetricsExporters;
  observe: (latencies: readonly number[]) => void;
  registry: MetricsRegistry;
}> {
  const registry = new MetricsRegistry();
  const observe = registerProxyMetrics(registry, reports);
  const stopProcessMetrics = registerProcessMetrics(registry);
  const exporters = await startMetricsExporters(registry, {
    metricsPort: config.metricsPort,
    host: config.host,
    statsd: config.statsd,
    prefix: 'proxy',
    logger,
  });
  return {
    registry,
    observe,
    exporters: {
      port: exporters.port,
      close: async () => {
        stopProcessMetrics();
        await exporters.close();
      },
    },
  };
}
