import { readdirSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { StrataServer } from '../net/server.js';
import type { MetricsRegistry } from './registry.js';

/**
 * Metrics every daemon exposes the same way, read at collect time from what Node and the
 * server loop already count: nothing is recorded on the hot path.
 */

/** Connections of a StrataServer: current count and the server's lifetime counters. */
export function registerServerMetrics(registry: MetricsRegistry, server: StrataServer): void {
  const { stats } = server;
  registry.gauge('connected_clients', 'Client connections open now', () => server.connections.size);
  registry.counter(
    'connections_accepted_total',
    'Client connections accepted',
    () => stats.accepted,
  );
  registry.counter(
    'connections_rejected_total',
    'Client connections refused (max connections or shutting down)',
    () => stats.rejected,
  );
  registry.counter(
    'connections_timed_out_total',
    'Client connections closed by the idle timeout',
    () => stats.timedOut,
  );
  registry.counter(
    'connections_dropped_output_total',
    'Client connections dropped because their unsent output passed the limit',
    () => stats.droppedForOutput,
  );
  registry.gauge('output_pending_bytes', 'Reply bytes not yet accepted by the kernel', () => {
    let total = 0;
    for (const conn of server.connections) total += conn.pendingOutput;
    return total;
  });
}

/** Window over which event-loop delay percentiles are reported. */
export const EVENT_LOOP_WINDOW_MS = 10_000;

function countOpenFds(): number {
  return readdirSync('/proc/self/fd').length;
}

/**
 * CPU, memory, file descriptors and event-loop delay of this process, under the names the
 * Prometheus client libraries use. The event-loop monitor samples every 20 ms and is
 * summarised per EVENT_LOOP_WINDOW_MS window, without keeping the process alive; the returned
 * function stops it.
 */
export function registerProcessMetrics(registry: MetricsRegistry): () => void {
  const startSeconds = Math.round(Date.now() / 1000 - process.uptime());
  registry.counter('process_cpu_seconds_total', 'User and system CPU time spent', () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1e6;
  });
  registry.gauge('process_resident_memory_bytes', 'Resident set size', () =>
    process.memoryUsage.rss(),
  );
  registry.gauge(
    'process_start_time_seconds',
    'Start time since the Unix epoch',
    () => startSeconds,
  );
  let fdsReadable = true;
  registry.gauge('process_open_fds', 'Open file descriptors', () => {
    // Only Linux has /proc; elsewhere the metric reads as absent rather than wrong.
    if (!fdsReadable) return [];
    try {
      return countOpenFds();
    } catch {
      fdsReadable = false;
      return [];
    }
  });
  registry.gauge('nodejs_heap_used_bytes', 'V8 heap in use', () => process.memoryUsage().heapUsed);
  registry.gauge(
    'nodejs_heap_total_bytes',
    'V8 heap reserved',
    () => process.memoryUsage().heapTotal,
  );
  // Delays are summarised per fixed window, so that two exporters reading at different times
  // see the same figures and neither resets what the other reads.
  const delay = monitorEventLoopDelay({ resolution: 20 });
  delay.enable();
  let window = { p50: 0, p99: 0, max: 0 };
  const rotate = setInterval(() => {
    window = { p50: delay.percentile(50), p99: delay.percentile(99), max: delay.max };
    delay.reset();
  }, EVENT_LOOP_WINDOW_MS);
  rotate.unref();
  registry.gauge(
    'nodejs_eventloop_delay_seconds',
    `Event-loop delay over the last ${EVENT_LOOP_WINDOW_MS / 1000} s window`,
    () => [
      { labels: { quantile: '0.5' }, value: window.p50 / 1e9 },
      { labels: { quantile: '0.99' }, value: window.p99 / 1e9 },
      { labels: { quantile: '1' }, value: window.max / 1e9 },
    ],
  );
  return () => {
    clearInterval(rotate);
    delay.disable();
  };
}
