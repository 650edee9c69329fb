import { CommandError } from '../../command-error.js';
import { internals } from '../../server/context.js';
import { parseInteger } from '../args.js';
import { replyHelp } from '../connection/client.js';
import { type CommandDefinition, defineCommand } from '../define.js';

export const time = defineCommand({
  name: 'time',
  arity: 1,
  flags: ['loading', 'stale', 'fast'],
  group: 'server',
  summary: 'Return the current server time',
  since: '2.6.0',
  handler(ctx) {
    const micros = BigInt(Math.round(performance.timeOrigin * 1000 + performance.now() * 1000));
    ctx.reply.arrayHeader(2);
    ctx.reply.bulk(String(micros / 1000000n));
    ctx.reply.bulk(String(micros % 1000000n));
  },
});

export const monitor = defineCommand({
  name: 'monitor',
  arity: 1,
  flags: ['admin', 'noscript', 'loading', 'stale'],
  group: 'server',
  summary: 'Listen for all requests received by the server in real time',
  since: '1.0.0',
  handler(ctx) {
    const { server, client } = internals(ctx);
    if (client.inTransaction) throw new CommandError('ERR MONITOR is not allowed inside MULTI');
    client.monitor = true;
    server.monitors.add(client);
    ctx.reply.ok();
  },
});

const slowSub = (definition: Omit<CommandDefinition, 'group' | 'flags' | 'since'>) =>
  defineCommand({
    group: 'server',
    flags: ['admin', 'loading', 'stale'],
    since: '2.2.12',
    ...definition,
  });

const slowlogGet = slowSub({
  name: 'get',
  arity: -2,
  summary: 'Get the slow log entries',
  handler(ctx) {
    const { stats } = internals(ctx).server;
    let count = 10;
    if (ctx.argv.length === 3) {
      count = parseInteger(ctx.argv[2]!, 'ERR count should be greater than or equal to -1');
      if (count < -1) throw new CommandError('ERR count should be greater than or equal to -1');
      if (count === -1) count = stats.slowlog.length;
    } else if (ctx.argv.length > 3)
      throw new CommandError("ERR wrong number of arguments for 'slowlog|get' command");
    const entries = stats.slowlog.slice(0, count);
    ctx.reply.arrayHeader(entries.length);
    for (const entry of entries) {
      ctx.reply.arrayHeader(6);
      ctx.reply.integer(entry.id);
      ctx.reply.integer(entry.time);
      ctx.reply.integer(entry.durationUs);
      ctx.reply.bulkArray(entry.argv);
      ctx.reply.bulk(entry.address);
      ctx.reply.bulk(entry.name);
    }
  },
});

const slowlogLen = slowSub({
  name: 'len',
  arity: 2,
  summary: 'Get the slow log length',
  handler(ctx) {
    ctx.reply.integer(internals(ctx).server.stats.slowlog.length);
  },
});

const slowlogReset = slowSub({
  name: 'reset',
  arity: 2,
  summary: 'Clear all entries from the slow log',
  handler(ctx) {
    internals(ctx).server.stats.slowlog = [];
    ctx.reply.ok();
  },
});

const slowlogHelp = slowSub({
  name: 'help',
  arity: 2,
  summary: 'Show helpful text about the different subcommands',
  handler(ctx) {
    replyHelp(ctx, 'SLOWLOG', [
      'GET [<count>]',
      '    Return top <count> entries from the slowlog (default: 10, -1 mean all).',
      'LEN',
      '    Return the length of the slowlog.',
      'RESET',
      '    Reset the slowlog.',
    ]);
  },
});

export const slowlog = defineCommand({
  name: 'slowlog',
  arity: -2,
  flags: [],
  group: 'server',
  summary: 'A container for slow log commands',
  since: '2.2.12',
  subcommands: [slowlogGet, slowlogLen, slowlogReset, slowlogHelp],
  handler() {
    /* container */
  },
});

const latencySub = (
  definition: Omit<CommandDefinition, 'group' | 'flags' | 'since'> & { since?: string },
) =>
  defineCommand({
    group: 'server',
    flags: ['admin', 'noscript', 'loading', 'stale'],
    since: '2.8.13',
    ...definition,
  });

const latencyLatest = latencySub({
  name: 'latest',
  arity: 2,
  summary: 'Return the latest latency samples for all events',
  handler(ctx) {
    ctx.reply.arrayHeader(0);
  },
});

const latencyHistory = latencySub({
  name: 'history',
  arity: 3,
  summary: 'Return timestamp-latency samples for the event',
  handler(ctx) {
    ctx.reply.arrayHeader(0);
  },
});

const latencyReset = latencySub({
  name: 'reset',
  arity: -2,
  summary: 'Reset latency data for one or more events',
  handler(ctx) {
    ctx.reply.integer(0);
  },
});

const latencyDoctor = latencySub({
  name: 'doctor',
  arity: 2,
  summary: 'Return a human readable latency analysis report',
  handler(ctx) {
    ctx.reply.verbatim(
      "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n",
    );
  },
});

const latencyHistogram = latencySub({
  name: 'histogram',
  arity: -2,
  summary: 'Return the cumulative distribution of latencies of a subset of commands or all',
  since: '7.0.0',
  handler(ctx) {
    const { stats } = internals(ctx).server;
    const wanted = ctx.argv.slice(2).map((name) => name.toLowerCase());
    const rows = [...stats.commands].filter(
      ([name, stat]) => stat.calls > 0 && (wanted.length === 0 || wanted.includes(name)),
    );
    ctx.reply.mapHeader(rows.length);
    for (const [name, stat] of rows) {
      ctx.reply.bulk(name);
      ctx.reply.mapHeader(2);
      ctx.reply.bulk('calls');
      ctx.reply.integer(stat.calls);
      ctx.reply.bulk('histogram_usec');
      // One bucket: the power of two above the mean latency holds every call.
      const mean = Math.max(1, Math.ceil(stat.usec / stat.calls));
      ctx.reply.mapHeader(1);
      ctx.reply.integer(2 ** Math.ceil(Math.log2(mean)));
      ctx.reply.integer(stat.calls);
    }
  },
});

const latencyHelp = latencySub({
  name: 'help',
  arity: 2,
  summary: 'Show helpful text about the different subcommands',
  handler(ctx) {
    replyHelp(ctx, 'LATENCY', [
      'DOCTOR',
      '    Return a human readable latency analysis report.',
      'HISTOGRAM [<command> ...]',
      '    Return a cumulative distribution of latencies in the format of a histogram.',
      'HISTORY <event>',
      '    Return time-latency samples for the <event> class.',
      'LATEST',
      '    Return the latest latency samples for all events.',
      'RESET [<event> ...]',
      '    Reset latency data of one or more <event> classes.',
    ]);
  },
});

export const latency = defineCommand({
  name: 'latency',
  arity: -2,
  flags: [],
  group: 'server',
  summary: 'A container for latency diagnostics commands',
  since: '2.8.13',
  subcommands: [
    latencyLatest,
    latencyHistory,
    latencyReset,
    latencyDoctor,
    latencyHistogram,
    latencyHelp,
  ],
  handler() {
    /* container */
  },
});
