import { parseSize } from '@strata/common';
import { canonicalNotifyFlags } from './notifier.js';

/**
 * Redis 7.0's configuration parameters, as CONFIG GET lists them. Parameters with an effect here
 * are read through RuntimeConfig by the subsystems; the others (encoding knobs, cluster, TLS...)
 * are accepted, validated and reported back so that tools and config files written for Redis
 * keep working.
 */
export type ParamKind = 'bool' | 'int' | 'size' | 'enum' | 'string' | 'special';

export interface ParamSpec {
  name: string;
  kind: ParamKind;
  default: string;
  /** Old names (ziplist era, slave-*) that read and write the same value. */
  aliases?: readonly string[];
  choices?: readonly string[];
  min?: number;
  max?: number;
  /** Set only at startup (CONFIG SET refuses). */
  immutable?: boolean;
  /** Validates and normalizes a `special` value; returns an error text or the canonical value. */
  check?(value: string): { value: string } | { error: string };
}

const bool = (name: string, def: boolean, extra: Partial<ParamSpec> = {}): ParamSpec => ({
  name,
  kind: 'bool',
  default: def ? 'yes' : 'no',
  ...extra,
});
const int = (
  name: string,
  def: number,
  min: number,
  max: number,
  extra: Partial<ParamSpec> = {},
): ParamSpec => ({
  name,
  kind: 'int',
  default: String(def),
  min,
  max,
  ...extra,
});
const size = (name: string, def: number, extra: Partial<ParamSpec> = {}): ParamSpec => ({
  name,
  kind: 'size',
  default: String(def),
  ...extra,
});
const str = (name: string, def: string, extra: Partial<ParamSpec> = {}): ParamSpec => ({
  name,
  kind: 'string',
  default: def,
  ...extra,
});
const choice = (
  name: string,
  def: string,
  choices: readonly string[],
  extra: Partial<ParamSpec> = {},
): ParamSpec => ({
  name,
  kind: 'enum',
  default: def,
  choices,
  ...extra,
});

export const MAXMEMORY_POLICIES = [
  'volatile-lru',
  'volatile-lfu',
  'volatile-random',
  'volatile-ttl',
  'allkeys-lru',
  'allkeys-lfu',
  'allkeys-random',
  'noeviction',
] as const;

const INT_MAX = 2147483647;
const LONG_MAX = Number.MAX_SAFE_INTEGER;

function checkSave(value: string): { value: string } | { error: string } {
  const words = value.trim() === '' ? [] : value.trim().split(/\s+/);
  if (words.length % 2 !== 0 || words.some((w) => !/^\d+$/.test(w))) {
    return { error: 'Invalid save parameters' };
  }
  return { value: words.join(' ') };
}

function checkOutputLimits(value: string): { value: string } | { error: string } {
  const words = value.trim().split(/\s+/);
  if (words.length % 4 !== 0)
    return { error: 'Wrong number of arguments in buffer limit configuration.' };
  const limits = new Map<string, string[]>([
    ['normal', ['0', '0', '0']],
    ['slave', ['268435456', '67108864', '60']],
    ['pubsub', ['33554432', '8388608', '60']],
  ]);
  for (let i = 0; i < words.length; i += 4) {
    let cls = words[i]!.toLowerCase();
    if (cls === 'replica') cls = 'slave';
    if (!limits.has(cls))
      return { error: 'Invalid client class specified in buffer limit configuration.' };
    const hard = parseSize(words[i + 1]!);
    const soft = parseSize(words[i + 2]!);
    const seconds = Number(words[i + 3]);
    if (hard === undefined || soft === undefined || !Number.isInteger(seconds) || seconds < 0) {
      return {
        error: 'Error in hard, soft or soft_seconds setting in buffer limit configuration.',
      };
    }
    limits.set(cls, [String(hard), String(soft), String(seconds)]);
  }
  return {
    value: [...limits].map(([cls, v]) => `${cls} ${v.join(' ')}`).join(' '),
  };
}

function checkNotify(value: string): { value: string } | { error: string } {
  if (/[^gKEA$lshzxetmdn]/.test(value))
    return { error: "Invalid event class character. Use 'Ag$lshzxeKEtmd'." };
  return { value: canonicalNotifyFlags(value) };
}

function checkOctal(value: string): { value: string } | { error: string } {
  if (!/^[0-7]+$/.test(value)) return { error: "argument couldn't be parsed into an integer" };
  return { value: String(Number.parseInt(value, 8).toString(8)) };
}

export const CONFIG_PARAMS: readonly ParamSpec[] = [
  // Networking and clients.
  str('bind', '127.0.0.1', { immutable: true }),
  int('port', 6379, 0, 65535, { immutable: true }),
  str('unixsocket', '', { immutable: true }),
  { name: 'unixsocketperm', kind: 'special', default: '0', immutable: true, check: checkOctal },
  int('timeout', 0, 0, INT_MAX),
  int('tcp-keepalive', 300, 0, INT_MAX),
  int('tcp-backlog', 511, 0, INT_MAX, { immutable: true }),
  int('maxclients', 10000, 1, INT_MAX),
  size('client-query-buffer-limit', 1024 * 1024 * 1024),
  size('proto-max-bulk-len', 512 * 1024 * 1024),
  {
    name: 'client-output-buffer-limit',
    kind: 'special',
    default: 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60',
    check: checkOutputLimits,
  },
  bool('protected-mode', true),
  // Security.
  str('requirepass', ''),
  str('masterauth', ''),
  str('masteruser', ''),
  str('aclfile', '', { immutable: true }),
  int('acllog-max-len', 128, 0, LONG_MAX),
  choice('acl-pubsub-default', 'resetchannels', ['allchannels', 'resetchannels']),
  // General.
  int('databases', 16, 1, INT_MAX, { immutable: true }),
  {
    name: 'hz',
    kind: 'special',
    default: '10',
    // Redis clamps hz to 1..500 and reports the clamped value.
    check: (value) =>
      /^-?\d+$/.test(value)
        ? { value: String(Math.min(500, Math.max(1, Number(value)))) }
        : { error: "argument couldn't be parsed into an integer" },
  },
  bool('dynamic-hz', true),
  choice('loglevel', 'notice', ['debug', 'verbose', 'notice', 'warning', 'nothing']),
  str('logfile', '', { immutable: true }),
  str('pidfile', '', { immutable: true }),
  bool('daemonize', false, { immutable: true }),
  choice('supervised', 'no', ['upstart', 'systemd', 'auto', 'no'], { immutable: true }),
  bool('always-show-logo', false, { immutable: true }),
  bool('set-proc-title', true, { immutable: true }),
  str('proc-title-template', '{title} {listen-addr} {server-mode}'),
  bool('syslog-enabled', false, { immutable: true }),
  str('syslog-ident', 'redis', { immutable: true }),
  choice(
    'syslog-facility',
    'local0',
    ['user', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'],
    { immutable: true },
  ),
  bool('crash-log-enabled', true),
  bool('crash-memcheck-enabled', true),
  choice('enable-debug-command', 'no', ['no', 'yes', 'local'], { immutable: true }),
  bool('enable-module-command', false, { immutable: true }),
  bool('enable-protected-configs', false, { immutable: true }),
  str('ignore-warnings', ''),
  int('shutdown-timeout', 10, 0, INT_MAX),
  str('shutdown-on-sigint', 'default'),
  str('shutdown-on-sigterm', 'default'),
  bool('disable-thp', true, { immutable: true }),
  str('oom-score-adj', 'no'),
  str('oom-score-adj-values', '0 200 800'),
  int('io-threads', 1, 1, 128, { immutable: true }),
  bool('io-threads-do-reads', false, { immutable: true }),
  bool('jemalloc-bg-thread', true),
  int('socket-mark-id', 0, 0, INT_MAX),
  // Snapshots.
  { name: 'save', kind: 'special', default: '3600 1 300 100 60 10000', check: checkSave },
  str('dir', '.'),
  str('dbfilename', 'dump.rdb'),
  bool('stop-writes-on-bgsave-error', true),
  bool('rdbcompression', true),
  bool('rdbchecksum', true),
  bool('rdb-del-sync-files', false),
  bool('rdb-save-incremental-fsync', true),
  bool('sanitize-dump-payload', false),
  // Append-only file.
  bool('appendonly', false),
  str('appendfilename', 'appendonly.aof', { immutable: true }),
  str('appenddirname', 'appendonlydir', { immutable: true }),
  choice('appendfsync', 'everysec', ['everysec', 'always', 'no']),
  bool('no-appendfsync-on-rewrite', false),
  int('auto-aof-rewrite-percentage', 100, 0, INT_MAX),
  size('auto-aof-rewrite-min-size', 64 * 1024 * 1024),
  bool('aof-load-truncated', true),
  bool('aof-use-rdb-preamble', true),
  bool('aof-rewrite-incremental-fsync', true),
  bool('aof-timestamp-enabled', false),
  bool('aof-disable-auto-gc', false),
  // Memory.
  size('maxmemory', 0),
  choice('maxmemory-policy', 'noeviction', MAXMEMORY_POLICIES),
  int('maxmemory-samples', 5, 1, 64),
  int('maxmemory-eviction-tenacity', 10, 0, 100),
  size('maxmemory-clients', 0),
  int('lfu-log-factor', 10, 0, INT_MAX),
  int('lfu-decay-time', 1, 0, INT_MAX),
  bool('lazyfree-lazy-eviction', false),
  bool('lazyfree-lazy-expire', false),
  bool('lazyfree-lazy-server-del', false),
  bool('lazyfree-lazy-user-del', false),
  bool('lazyfree-lazy-user-flush', false),
  int('active-expire-effort', 1, 1, 10),
  bool('activerehashing', true),
  bool('activedefrag', false),
  int('active-defrag-cycle-min', 1, 1, 99),
  int('active-defrag-cycle-max', 25, 1, 99),
  size('active-defrag-ignore-bytes', 100 * 1024 * 1024),
  int('active-defrag-max-scan-fields', 1000, 1, LONG_MAX),
  int('active-defrag-threshold-lower', 10, 0, 1000),
  int('active-defrag-threshold-upper', 100, 0, 1000),
  // Encodings (reported by OBJECT ENCODING; data structures here are not listpacks).
  size('hash-max-listpack-entries', 512, { aliases: ['hash-max-ziplist-entries'] }),
  size('hash-max-listpack-value', 64, { aliases: ['hash-max-ziplist-value'] }),
  int('list-max-listpack-size', -2, -5, INT_MAX, { aliases: ['list-max-ziplist-size'] }),
  int('list-compress-depth', 0, 0, INT_MAX),
  size('set-max-intset-entries', 512),
  size('zset-max-listpack-entries', 128, { aliases: ['zset-max-ziplist-entries'] }),
  size('zset-max-listpack-value', 64, { aliases: ['zset-max-ziplist-value'] }),
  size('hll-sparse-max-bytes', 3000),
  size('stream-node-max-bytes', 4096),
  int('stream-node-max-entries', 100, 0, LONG_MAX),
  // Diagnostics.
  int('slowlog-log-slower-than', 10000, -1, LONG_MAX),
  int('slowlog-max-len', 128, 0, LONG_MAX),
  int('latency-monitor-threshold', 0, 0, LONG_MAX),
  bool('latency-tracking', true),
  str('latency-tracking-info-percentiles', '50 99 99.9'),
  int('busy-reply-threshold', 5000, 0, LONG_MAX, { aliases: ['lua-time-limit'] }),
  int('tracking-table-max-keys', 1000000, 0, LONG_MAX),
  { name: 'notify-keyspace-events', kind: 'special', default: '', check: checkNotify },
  // Replication (this server is always a master).
  str('replicaof', '', { aliases: ['slaveof'], immutable: true }),
  bool('replica-read-only', true, { aliases: ['slave-read-only'] }),
  bool('replica-serve-stale-data', true, { aliases: ['slave-serve-stale-data'] }),
  int('replica-priority', 100, 0, INT_MAX, { aliases: ['slave-priority'] }),
  bool('replica-ignore-maxmemory', true, { aliases: ['slave-ignore-maxmemory'] }),
  bool('replica-lazy-flush', false, { aliases: ['slave-lazy-flush'] }),
  str('replica-announce-ip', '', { aliases: ['slave-announce-ip'] }),
  int('replica-announce-port', 0, 0, 65535, { aliases: ['slave-announce-port'] }),
  bool('replica-announced', true),
  bool('replica-ignore-disk-write-errors', false),
  int('min-replicas-to-write', 0, 0, INT_MAX, { aliases: ['min-slaves-to-write'] }),
  int('min-replicas-max-lag', 10, 0, INT_MAX, { aliases: ['min-slaves-max-lag'] }),
  size('repl-backlog-size', 1024 * 1024),
  int('repl-backlog-ttl', 3600, 0, INT_MAX),
  int('repl-timeout', 60, 1, INT_MAX),
  int('repl-ping-replica-period', 10, 1, INT_MAX, { aliases: ['repl-ping-slave-period'] }),
  bool('repl-disable-tcp-nodelay', false),
  bool('repl-diskless-sync', true),
  int('repl-diskless-sync-delay', 5, 0, INT_MAX),
  int('repl-diskless-sync-max-replicas', 0, 0, INT_MAX),
  choice('repl-diskless-load', 'disabled', ['disabled', 'on-empty-db', 'swapdb']),
  choice('propagation-error-behavior', 'ignore', ['ignore', 'panic', 'panic-on-replicas']),
  // Cluster (not supported: cluster-enabled stays no).
  bool('cluster-enabled', false, { immutable: true }),
  str('cluster-config-file', 'nodes.conf', { immutable: true }),
  int('cluster-node-timeout', 15000, 0, LONG_MAX),
  int('cluster-port', 0, 0, 65535, { immutable: true }),
  // TLS (not supported: tls-port stays 0).
  int('tls-port', 0, 0, 65535, { immutable: true }),
];

/** Parses a value for a parameter; returns the canonical text or Redis's error reason. */
export function checkParam(spec: ParamSpec, raw: string): { value: string } | { error: string } {
  switch (spec.kind) {
    case 'bool': {
      const lower = raw.toLowerCase();
      if (lower === 'yes' || lower === 'no') return { value: lower };
      return { error: "argument must be 'yes' or 'no'" };
    }
    case 'int': {
      if (!/^-?\d+$/.test(raw)) return { error: "argument couldn't be parsed into an integer" };
      return rangeChecked(spec, Number(raw));
    }
    case 'size': {
      const negative = raw.startsWith('-');
      const n = parseSize(negative ? raw.slice(1) : raw);
      if (n === undefined) return { error: 'argument must be a memory value' };
      return rangeChecked(spec, negative ? -n : n);
    }
    case 'enum': {
      const lower = raw.toLowerCase();
      if (spec.choices!.includes(lower)) return { value: lower };
      return { error: `argument(s) must be one of the following: ${spec.choices!.join(', ')}` };
    }
    case 'string':
      return { value: raw };
    case 'special':
      return spec.check!(raw);
  }
}

function rangeChecked(spec: ParamSpec, n: number): { value: string } | { error: string } {
  const min = spec.min ?? 0;
  const max = spec.max ?? Number.MAX_SAFE_INTEGER;
  if (n < min || n > max) return { error: `argument must be between ${min} and ${max} inclusive` };
  return { value: String(n) };
}
