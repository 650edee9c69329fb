import {
  type MetricsExporters,
  MetricsRegistry,
  registerProcessMetrics,
  registerServerMetrics,
  startMetricsExporters,
  type Logger,
} from '@strata/common';
import type { KvServer } from './server/kv-server.js';

/**
 * The kvstore's metrics, read at scrape time from the counters INFO already keeps (nothing is
 * recorded on the command path), plus common's connection and process metrics.
 */
export function registerKvMetrics(registry: MetricsRegistry, server: KvServer): void {
  const { stats } = server;
  if (server.net) registerServerMetrics(registry, server.net);
  registerProcessMetrics(registry);
  registry.counter('commands_processed_total', 'Commands executed', () => stats.commandsProcessed);
  registry.counter('commands_total', 'Commands executed, per command', () =>
    [...stats.commands].map(([command, stat]) => ({ labels: { command }, value: stat.calls })),
  );
  registry.counter('command_errors_total', 'Error replies, per error prefix', () =>
    [...stats.totalErrorsByPrefix].map(([prefix, count]) => ({ labels: { prefix }, value: count })),
  );
  registry.counter(
    'keyspace_hits_total',
    'Key lookups that found the key',
    () => stats.keyspaceHits,
  );
  registry.counter('keyspace_misses_total', 'Key lookups that missed', () => stats.keyspaceMisses);
  registry.counter(
    'expired_keys_total',
    'Keys deleted because their TTL passed',
    () => stats.expiredKeys,
  );
  registry.counter(
    'evicted_keys_total',
    'Keys evicted by the maxmemory policy',
    () => stats.evictedKeys,
  );
  registry.counter('net_input_bytes_total', 'Bytes read from clients', () => stats.netInputBytes);
  registry.counter(
    'net_output_bytes_total',
    'Bytes written to clients',
    () => stats.netOutputBytes,
  );
  registry.gauge('used_memory_bytes', 'INFO used_memory', () => server.usedMemory());
  registry.gauge('maxmemory_bytes', 'The maxmemory limit (0 = none)', () =>
    server.config.int('maxmemory'),
  );
  registry.gauge(
    'blocked_clients',
    'Clients blocked in BLPOP, XREAD BLOCK...',
    () => server.blocking.blockedCount,
  );
  registry.gauge('pubsub_channels', 'Channels with subscribers', () => server.pubsub.channels.size);
  registry.gauge('changes_since_last_save', 'Writes not yet in a snapshot', () => server.dirty);
  registry.gauge('keys', 'Keys per database', () =>
    server.dbs
      .filter((db) => db.size > 0)
      .map((db) => ({ labels: { db: db.index }, value: db.size })),
  );
  registry.gauge('expires', 'Keys with a TTL per database', () =>
    server.dbs
      .filter((db) => db.size > 0)
      .map((db) => ({ labels: { db: db.index }, value: db.expires.size })),
  );
}

/** Starts the exporters asked for by --metrics-port / --statsd (none: nothing runs). */
export async function startKvMetrics(
  server: KvServer,
  options: {
    metricsPort?: number | undefined;
    statsd?: string | undefined;
    host: string;
    logger: Logger;
  },
): Promise<MetricsExporters> {
  const registry = new MetricsRegistry();
  registerKvMetrics(registry, server);
  return startMetricsExporters(registry, {
    metricsPort: options.metricsPort,
    host: options.host,
    statsd: options.statsd,
    prefix: 'kvstore',
    logger: options.logger,
  });
}
