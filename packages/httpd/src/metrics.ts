import {
  type Logger,
  MetricsRegistry,
  type MetricsExporters,
  type Sample,
  registerProcessMetrics,
  startMetricsExporters,
} from '@strata/common';
import type { HttpdConfig } from './options.js';
import type { HttpdStats } from './context.js';

/** What one serving process reports: its counters and its open connections. */
export interface WorkerReport {
  stats: HttpdStats;
  connections: number;
}

/**
 * The httpd metrics, read at scrape time from the reports of every serving process (one in
 * single-process mode, one per worker under --workers), summed.
 */
export function registerHttpdMetrics(
  registry: MetricsRegistry,
  reports: () => readonly WorkerReport[],
): void {
  const sum = (pick: (report: WorkerReport) => number) => () =>
    reports().reduce((total, report) => total + pick(report), 0);
  registry.counter(
    'requests_total',
    'Requests answered',
    sum((r) => r.stats.requests),
  );
  registry.counter('responses_total', 'Responses by status class', (): Sample[] =>
    (['2xx', '3xx', '4xx', '5xx'] as const).map((status) => ({
      labels: { status },
      value: reports().reduce((total, r) => total + r.stats.responses[status], 0),
    })),
  );
  registry.counter(
    'sent_bytes_total',
    'Body bytes sent',
    sum((r) => r.stats.bytesSent),
  );
  registry.counter(
    'request_timeouts_total',
    'Requests cut by the header, request or send timeout',
    sum((r) => r.stats.timeouts),
  );
  registry.gauge(
    'http_connections',
    'Client connections open now',
    sum((r) => r.connections),
  );
  registry.gauge('workers', 'Serving processes reporting', () => reports().length);
}

/**
 * The registry of this process with the httpd metrics (from `reports`) and the process
 * metrics, exported as --metrics-port / --statsd ask. `extend` adds more before export.
 */
export async function exportMetrics(
  config: HttpdConfig,
  logger: Logger,
  reports: () => readonly WorkerReport[],
  extend: (registry: MetricsRegistry) => void = () => {},
): Promise<MetricsExporters> {
  const registry = new MetricsRegistry();
  registerHttpdMetrics(registry, reports);
  extend(registry);
  const stopProcessMetrics = registerProcessMetrics(registry);
  const exporters = await startMetricsExporters(registry, {
    metricsPort: config.metricsPort,
    host: config.host,
    statsd: config.statsd,
    prefix: 'httpd',
    logger,
  });
  return {
    port: exporters.port,
    close: async () => {
      stopProcessMetrics();
      await exporters.close();
    },
  };
}
