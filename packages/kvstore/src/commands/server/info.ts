import { cpuUsage, memoryUsage } from 'node:process';
import { totalmem } from 'node:os';
import type { KvServer } from '../../server/kv-server.js';
import { internals } from '../../server/context.js';
import { REDIS_VERSION } from '../connection/auth-hello.js';
import { defineCommand } from '../define.js';

const DEFAULT_SECTIONS = [
  'server',
  'clients',
  'memory',
  'persistence',
  'stats',
  'replication',
  'cpu',
  'modules',
  'errorstats',
  'cluster',
  'keyspace',
];
const ALL_SECTIONS = [
  ...DEFAULT_SECTIONS.slice(0, 8),
  'commandstats',
  'errorstats',
  'cluster',
  'keyspace',
];

/** Redis's bytesToHuman. */
export function humanBytes(n: number): string {
  if (n < 1024) return `${n}B`;
  const units = ['K', 'M', 'G', 'T', 'P'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(2)}${units[unit]}`;
}

let peakMemory = 0;

/** used_memory's highest value seen so far (sampled when INFO or MEMORY STATS runs). */
export function peakUsedMemory(used: number): number {
  peakMemory = Math.max(peakMemory, used);
  return peakMemory;
}

function section(name: string, server: KvServer): string[] {
  const now = Date.now();
  const config = server.config;
  const persistence = server.persistence;
  const stats = server.stats;
  switch (name) {
    case 'server': {
      const uptime = Math.floor((now - server.startedAt) / 1000);
      return [
        `redis_version:${REDIS_VERSION}`,
        'redis_git_sha1:00000000',
        'redis_git_dirty:0',
        'redis_build_id:0',
        'redis_mode:standalone',
        `os:${process.platform} ${process.arch}`,
        'arch_bits:64',
        'monotonic_clock:POSIX clock_gettime',
        'multiplexing_api:epoll',
        'atomicvar_api:c11-builtin',
        'gcc_version:0.0.0',
        `process_id:${process.pid}`,
        'process_supervised:no',
        `run_id:${server.runId}`,
        `tcp_port:${server.tcpPort()}`,
        `server_time_usec:${now * 1000}`,
        `uptime_in_seconds:${uptime}`,
        `uptime_in_days:${Math.floor(uptime / 86400)}`,
        `hz:${config.get('hz')}`,
        `configured_hz:${config.get('hz')}`,
        `lru_clock:${Math.floor(now / 1000) & 0xffffff}`,
        `executable:${process.argv[1] ?? ''}`,
        `config_file:${server.configFile ?? ''}`,
        'io_threads_active:0',
        `strata_node_version:${process.version}`,
      ];
    }
    case 'clients': {
      let pubsubClients = 0;
      let maxInput = 0;
      let maxOutput = 0;
      for (const client of server.clients.values()) {
        if (client.subscriptions > 0) pubsubClients++;
        maxInput = Math.max(maxInput, client.decoder.buffered);
        maxOutput = Math.max(maxOutput, client.conn?.pendingOutput ?? 0);
      }
      return [
        `connected_clients:${server.clients.size}`,
        'cluster_connections:0',
        `maxclients:${config.get('maxclients')}`,
        `client_recent_max_input_buffer:${maxInput}`,
        `client_recent_max_output_buffer:${maxOutput}`,
        `blocked_clients:${server.blocking.blockedCount}`,
        'tracking_clients:0',
        `clients_in_timeout_table:${server.blocking.blockedCount}`,
        `pubsub_clients:${pubsubClients}`,
      ];
    }
    case 'memory': {
      const used = server.usedMemory();
      const peak = peakUsedMemory(used);
      const rss = memoryUsage.rss();
      const maxmemory = config.int('maxmemory');
      const dataset = server.datasetBytes();
      const total = totalmem();
      return [
        `used_memory:${used}`,
        `used_memory_human:${humanBytes(used)}`,
        `used_memory_rss:${rss}`,
        `used_memory_rss_human:${humanBytes(rss)}`,
        `used_memory_peak:${peak}`,
        `used_memory_peak_human:${humanBytes(peak)}`,
        `used_memory_peak_perc:${((used * 100) / peak).toFixed(2)}%`,
        `used_memory_overhead:${used - dataset}`,
        `used_memory_startup:${server.baselineMemory}`,
        `used_memory_dataset:${dataset}`,
        `used_memory_dataset_perc:${((dataset * 100) / Math.max(1, used - server.baselineMemory)).toFixed(2)}%`,
        `total_system_memory:${total}`,
        `total_system_memory_human:${humanBytes(total)}`,
        ...scriptingMemoryLines(server.scripting),
        `maxmemory:${maxmemory}`,
        `maxmemory_human:${humanBytes(maxmemory)}`,
        `maxmemory_policy:${config.get('maxmemory-policy')}`,
        `mem_fragmentation_ratio:${(rss / Math.max(1, used)).toFixed(2)}`,
        'mem_allocator:v8',
        'lazyfree_pending_objects:0',
      ];
    }
    case 'persistence':
      return [
        'loading:0',
        'async_loading:0',
        'current_cow_peak:0',
        'current_fork_perc:0.00',
        `rdb_changes_since_last_save:${server.dirty}`,
        `rdb_bgsave_in_progress:${persistence.bgsaveInProgress ? 1 : 0}`,
        `rdb_last_save_time:${persistence.lastSave}`,
        `rdb_last_bgsave_status:${persistence.lastBgsaveOk ? 'ok' : 'err'}`,
        `rdb_last_bgsave_time_sec:${persistence.lastSaveDurationMs < 0 ? -1 : Math.round(persistence.lastSaveDurationMs / 1000)}`,
        'rdb_current_bgsave_time_sec:-1',
        `rdb_saves:${persistence.rdbSaves}`,
        `aof_enabled:${persistence.aofEnabled ? 1 : 0}`,
        `aof_rewrite_in_progress:${persistence.rewriteInProgress ? 1 : 0}`,
        `aof_rewrite_scheduled:${persistence.rewriteScheduledFlag ? 1 : 0}`,
        `aof_last_rewrite_time_sec:${persistence.lastRewriteDurationMs < 0 ? -1 : Math.round(persistence.lastRewriteDurationMs / 1000)}`,
        'aof_current_rewrite_time_sec:-1',
        `aof_last_bgrewrite_status:${persistence.lastRewriteOk ? 'ok' : 'err'}`,
        `aof_rewrites:${persistence.aofRewrites}`,
        'aof_last_write_status:ok',
        ...(persistence.aofEnabled ? [`aof_current_size:${persistence.aofCurrentSize}`] : []),
      ];
    case 'stats':
      return [
        `total_connections_received:${stats.connectionsReceived}`,
        `total_commands_processed:${stats.commandsProcessed}`,
        `instantaneous_ops_per_sec:${stats.instantaneousOps}`,
        `total_net_input_bytes:${stats.netInputBytes}`,
        `total_net_output_bytes:${stats.netOutputBytes}`,
        `rejected_connections:${stats.rejectedConnections}`,
        'sync_full:0',
        'sync_partial_ok:0',
        'sync_partial_err:0',
        `expired_keys:${stats.expiredKeys}`,
        `evicted_keys:${stats.evictedKeys}`,
        'evicted_clients:0',
        `keyspace_hits:${stats.keyspaceHits}`,
        `keyspace_misses:${stats.keyspaceMisses}`,
        `pubsub_channels:${server.pubsub.channels.size}`,
        `pubsub_patterns:${server.pubsub.patterns.size}`,
        'latest_fork_usec:0',
        'total_forks:0',
        `total_blocking_keys:${server.blocking.keyCount}`,
        `total_error_replies:${stats.errorReplies}`,
        `dump_payload_sanitizations:0`,
        `total_reads_processed:${stats.commandsProcessed}`,
      ];
    case 'replication':
      return [
        'role:master',
        'connected_slaves:0',
        'master_failover_state:no-failover',
        `master_replid:${server.runId}`,
        'master_replid2:0000000000000000000000000000000000000000',
        'master_repl_offset:0',
        'second_repl_offset:-1',
        'repl_backlog_active:0',
        `repl_backlog_size:${config.get('repl-backlog-size')}`,
        'repl_backlog_first_byte_offset:0',
        'repl_backlog_histlen:0',
      ];
    case 'cpu': {
      const usage = cpuUsage();
      return [
        `used_cpu_sys:${(usage.system / 1e6).toFixed(6)}`,
        `used_cpu_user:${(usage.user / 1e6).toFixed(6)}`,
        'used_cpu_sys_children:0.000000',
        'used_cpu_user_children:0.000000',
      ];
    }
    case 'modules':
      return [];
    case 'cluster':
      return ['cluster_enabled:0'];
    case 'errorstats':
      return [...stats.totalErrorsByPrefix].map(
        ([prefix, count]) => `errorstat_${prefix}:count=${count}`,
      );
    case 'commandstats':
      return [...stats.commands]
        .filter(([, stat]) => stat.calls + stat.rejected + stat.failed > 0)
        .map(
          ([name, stat]) =>
            `cmdstat_${name}:calls=${stat.calls},usec=${stat.usec},usec_per_call=${(stat.calls ? stat.usec / stat.calls : 0).toFixed(2)},rejected_calls=${stat.rejected},failed_calls=${stat.failed}`,
        );
    case 'keyspace': {
      const lines: string[] = [];
      for (const db of server.dbs) {
        if (db.size === 0) continue;
        let ttlSum = 0;
        let sampled = 0;
        for (let i = 0; i < 16 && db.expires.size > 0; i++) {
          const entry = db.expires.get(db.expires.randomKey()!)!;
          ttlSum += Math.max(0, entry.expiresAt - now);
          sampled++;
        }
        const avg = sampled ? Math.round(ttlSum / sampled) : 0;
        lines.push(`db${db.index}:keys=${db.size},expires=${db.expires.size},avg_ttl=${avg}`);
      }
      return lines;
    }
    default:
      return [];
  }
}

const TITLES: Record<string, string> = {
  server: 'Server',
  clients: 'Clients',
  memory: 'Memory',
  persistence: 'Persistence',
  stats: 'Stats',
  replication: 'Replication',
  cpu: 'CPU',
  modules: 'Modules',
  errorstats: 'Errorstats',
  cluster: 'Cluster',
  keyspace: 'Keyspace',
  commandstats: 'Commandstats',
};

/** The INFO text for the requested sections (default, all, everything or names). */
export function infoText(server: KvServer, requested: readonly string[]): string {
  let names: string[];
  const lower = requested.map((s) => s.toLowerCase());
  if (lower.length === 0 || lower.includes('default')) names = DEFAULT_SECTIONS;
  else if (lower.includes('all') || lower.includes('everything')) names = ALL_SECTIONS;
  else names = lower;
  const parts: string[] = [];
  for (const name of [...new Set(names)]) {
    if (!(name in TITLES)) continue;
    parts.push([`# ${TITLES[name]}`, ...section(name, server)].join('\r\n'));
  }
  return `${parts.join('\r\n\r\n')}\r\n`;
}

export const info = defineCommand({
  name: 'info',
  arity: -1,
  flags: ['loading', 'stale'],
  group: 'server',
  summary: 'Get information and statistics about the server',
  since: '1.0.0',
  categories: ['@dangerous'],
  handler(ctx) {
    ctx.reply.verbatim(infoText(internals(ctx).server, ctx.argv.slice(1)));
  },
});

/** INFO memory's scripting fields, in Redis 7.0's order. */
function scriptingMemoryLines(scripting: KvServer['scripting']): string[] {
  const evalVm = scripting.evalMemory;
  const functionsVm = scripting.functionsMemory;
  const libraries = scripting.functions;
  const functionsBytes = libraries ? libraries.codeBytes : 0;
  const scripts = scripting.scriptsBytes + functionsBytes;
  return [
    `used_memory_lua:${evalVm}`,
    `used_memory_vm_eval:${evalVm}`,
    `used_memory_lua_human:${humanBytes(evalVm)}`,
    `used_memory_scripts_eval:${scripting.scriptsBytes}`,
    `number_of_cached_scripts:${scripting.cachedScripts}`,
    `number_of_functions:${libraries?.functionCount ?? 0}`,
    `number_of_libraries:${libraries?.libraries.size ?? 0}`,
    `used_memory_vm_functions:${functionsVm}`,
    `used_memory_vm_total:${evalVm + functionsVm}`,
    `used_memory_vm_total_human:${humanBytes(evalVm + functionsVm)}`,
    `used_memory_functions:${functionsBytes}`,
    `used_memory_scripts:${scripts}`,
    `used_memory_scripts_human:${humanBytes(scripts)}`,
  ];
}
