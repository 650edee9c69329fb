import { memoryUsage } from 'node:process';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import { entryBytes } from '../../keyspace/entry.js';
import type { KvServer } from '../../server/kv-server.js';
import { internals } from '../../server/context.js';
import { parseInteger, syntaxError } from '../args.js';
import { replyHelp } from '../connection/client.js';
import { type CommandDefinition, defineCommand } from '../define.js';
import type { CommandContext } from '../types.js';
import { humanBytes, peakUsedMemory } from './info.js';

/**
 * MEMORY USAGE / STATS / DOCTOR / MALLOC-STATS / PURGE / HELP with Redis's reply shapes. The
 * figures are this server's own accounting (per-key byte counters calibrated against V8's heap,
 * see INFO memory) and V8's heap statistics where Redis reports jemalloc's.
 */

const memorySub = (definition: Omit<CommandDefinition, 'group' | 'since'>) =>
  defineCommand({ group: 'server', since: '4.0.0', ...definition });

/**
 * MEMORY USAGE key [SAMPLES n]: the bytes accounted for the key, its value and its TTL. Values
 * keep exact byte counters, so SAMPLES (Redis's sampling of large collections) is checked but
 * not needed.
 */
const memoryUsageCommand = memorySub({
  name: 'usage',
  arity: -3,
  flags: ['readonly'],
  keys: [2, 2, 1],
  summary: 'Estimate the memory usage of a key',
  handler(ctx) {
    const { argv } = ctx;
    for (let i = 3; i < argv.length; i++) {
      if (argv[i]!.toLowerCase() !== 'samples' || i + 1 >= argv.length) throw syntaxError();
      if (parseInteger(argv[++i]!) < 0) throw syntaxError();
    }
    const entry = ctx.db.peek(argv[2]!);
    if (entry === undefined) ctx.reply.null();
    else ctx.reply.integer(entryBytes(entry));
  },
});

/** The figures behind MEMORY STATS and MEMORY DOCTOR. */
function memoryFigures(server: KvServer) {
  const used = server.usedMemory();
  const dataset = server.datasetBytes();
  const startup = server.baselineMemory;
  const heap = memoryUsage();
  const keys = server.dbs.reduce((n, db) => n + db.size, 0);
  return {
    used,
    peak: peakUsedMemory(used),
    startup,
    dataset,
    clients: server.clientBytes(),
    aof: server.persistence.bufferedBytes(),
    keys,
    /** Bytes above the startup heap: what the data and clients cost. */
    net: used - startup,
    allocated: heap.heapUsed,
    active: heap.heapTotal,
    rss: heap.rss,
  };
}

function ratio(a: number, b: number): number {
  return b > 0 ? a / b : 0;
}

const memoryStats = memorySub({
  name: 'stats',
  arity: 2,
  flags: [],
  summary: 'Show memory usage details',
  handler(ctx) {
    const { server } = internals(ctx);
    const { reply } = ctx;
    const f = memoryFigures(server);
    const dbs = server.dbs.filter((db) => db.size > 0 || db.expires.size > 0);
    const integers: [string, number][] = [
      ['peak.allocated', f.peak],
      ['total.allocated', f.used],
      ['startup.allocated', f.startup],
      ['replication.backlog', 0],
      ['clients.slaves', 0],
      ['clients.normal', f.clients],
      ['cluster.links', 0],
      ['aof.buffer', f.aof],
      ['lua.caches', 0],
      ['functions.caches', 0],
    ];
    reply.mapHeader(27 + dbs.length);
    const integer = (name: string, value: number) => {
      reply.bulk(name);
      reply.integer(Math.round(value));
    };
    const double = (name: string, value: number) => {
      reply.bulk(name);
      reply.double(value);
    };
    for (const [name, value] of integers) integer(name, value);
    for (const db of dbs) {
      reply.bulk(`db.${db.index}`);
      reply.mapHeader(3);
      integer('overhead.hashtable.main', db.dict.overheadBytes);
      integer('overhead.hashtable.expires', db.expires.overheadBytes);
      integer('overhead.hashtable.slot-to-keys', 0);
    }
    integer('overhead.total', f.used - f.dataset);
    integer('keys.count', f.keys);
    integer('keys.bytes-per-key', f.keys > 0 ? Math.floor(f.net / f.keys) : 0);
    integer('dataset.bytes', f.dataset);
    double('dataset.percentage', ratio(f.dataset * 100, f.net));
    double('peak.percentage', ratio(f.used * 100, f.peak));
    // V8's heap stands where Redis shows jemalloc: used, reserved, and the process's RSS.
    integer('allocator.allocated', f.allocated);
    integer('allocator.active', f.active);
    integer('allocator.resident', f.rss);
    double('allocator-fragmentation.ratio', ratio(f.active, f.allocated));
    integer('allocator-fragmentation.bytes', f.active - f.allocated);
    double('allocator-rss.ratio', ratio(f.rss, f.active));
    integer('allocator-rss.bytes', f.rss - f.active);
    double('rss-overhead.ratio', 1);
    integer('rss-overhead.bytes', 0);
    double('fragmentation', ratio(f.rss, f.used));
    integer('fragmentation.bytes', f.rss - f.used);
  },
});

/** Below this many bytes of data and clients there is nothing meaningful to diagnose. */
const DOCTOR_MIN_BYTES = 5 * 1024 * 1024;

/** MEMORY DOCTOR's findings, as sentences. */
function diagnose(server: KvServer): string {
  const f = memoryFigures(server);
  if (f.net < DOCTOR_MIN_BYTES) {
    return `This instance holds ${humanBytes(Math.max(0, f.net))} of data and client buffers: too little for a memory diagnosis.\n`;
  }
  const findings: string[] = [];
  if (f.peak > f.used * 1.5) {
    findings.push(
      `Peak memory: the peak (${humanBytes(f.peak)}) was more than 150% of the memory used now (${humanBytes(f.used)}); the heap may keep pages from that peak.`,
    );
  }
  if (f.rss > f.used * 1.4) {
    findings.push(
      `High RSS: the process's resident memory (${humanBytes(f.rss)}) is ${ratio(f.rss, f.used).toFixed(2)} times the memory accounted for (${humanBytes(f.used)}). MEMORY PURGE asks V8 to collect garbage if node runs with --expose-gc.`,
    );
  }
  const clients = server.clients.size;
  if (clients > 0 && f.clients / clients > 200 * 1024) {
    findings.push(
      `Big client buffers: ${clients} clients hold ${humanBytes(f.clients)} of query and reply buffers, ${humanBytes(Math.round(f.clients / clients))} on average.`,
    );
  }
  if (findings.length === 0) {
    return `No memory issue found: ${humanBytes(f.used)} used (${humanBytes(f.dataset)} of data in ${f.keys} keys), peak ${humanBytes(f.peak)}, RSS ${humanBytes(f.rss)}.\n`;
  }
  return `${findings.join('\n\n')}\n`;
}

const memoryDoctor = memorySub({
  name: 'doctor',
  arity: 2,
  flags: [],
  summary: 'Outputs memory problems report',
  handler(ctx) {
    ctx.reply.verbatim(diagnose(internals(ctx).server));
  },
});

/** V8's heap statistics, where Redis prints jemalloc's report. */
const mallocStats = memorySub({
  name: 'malloc-stats',
  arity: 2,
  flags: [],
  summary: 'Show allocator internal stats',
  handler(ctx) {
    const lines = ['___ Begin V8 heap statistics ___'];
    for (const [name, value] of Object.entries(getHeapStatistics()))
      lines.push(`${name}: ${value}`);
    for (const space of getHeapSpaceStatistics()) {
      lines.push(
        `${space.space_name}: size ${space.space_size}, used ${space.space_used_size}, available ${space.space_available_size}, physical ${space.physical_space_size}`,
      );
    }
    lines.push('___ End V8 heap statistics ___');
    ctx.reply.verbatim(`${lines.join('\n')}\n`);
  },
});

/** Collects garbage when node exposes gc() (--expose-gc); OK either way, as Redis does. */
const memoryPurge = memorySub({
  name: 'purge',
  arity: 2,
  flags: [],
  summary: 'Ask the allocator to release memory',
  handler(ctx) {
    (globalThis as { gc?: () => void }).gc?.();
    ctx.reply.ok();
  },
});

const memoryHelp = memorySub({
  name: 'help',
  arity: 2,
  flags: ['loading', 'stale'],
  summary: 'Show helpful text about the different subcommands',
  handler(ctx: CommandContext) {
    replyHelp(ctx, 'MEMORY', [
      'DOCTOR',
      '    Return memory problems reports.',
      'MALLOC-STATS',
      '    Return internal statistics report from the memory allocator.',
      'PURGE',
      '    Attempt to purge dirty pages for reclamation by the allocator.',
      'STATS',
      '    Return information about the memory usage of the server.',
      'USAGE <key> [SAMPLES <count>]',
      '    Return memory in bytes used by <key> and its value. Nested values are',
      '    sampled up to <count> times (default: 5, 0 means sample all).',
    ]);
  },
});

export const memory = defineCommand({
  name: 'memory',
  arity: -2,
  flags: [],
  group: 'server',
  summary: 'A container for memory diagnostics commands',
  since: '4.0.0',
  subcommands: [
    memoryDoctor,
    mallocStats,
    memoryPurge,
    memoryStats,
    memoryUsageCommand,
    memoryHelp,
  ],
  handler() {
    /* container */
  },
});
