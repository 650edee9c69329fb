import type { MetricsRegistry, Sample } from '@strata/common';
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
