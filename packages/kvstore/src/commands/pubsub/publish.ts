import { globMatch } from '../../glob.js';
import { internals } from '../../server/context.js';
import { replyHelp } from '../connection/client.js';
import { type CommandDefinition, defineCommand } from '../define.js';

export const publish = defineCommand({
  name: 'publish',
  arity: 3,
  flags: ['pubsub', 'loading', 'stale', 'fast', 'may_replicate'],
  group: 'pubsub',
  summary: 'Post a message to a channel',
  since: '2.0.0',
  handler(ctx) {
    ctx.reply.integer(internals(ctx).server.pubsub.publish(ctx.argv[1]!, ctx.argv[2]!));
  },
});

const sub = (definition: Omit<CommandDefinition, 'group' | 'flags'>) =>
  defineCommand({ group: 'pubsub', flags: ['pubsub', 'loading', 'stale'], ...definition });

const channels = sub({
  name: 'channels',
  arity: -2,
  summary: 'List active channels',
  since: '2.8.0',
  handler(ctx) {
    const pattern = ctx.argv[2];
    const names = [...internals(ctx).server.pubsub.channels.keys()];
    ctx.reply.bulkArray(pattern === undefined ? names : names.filter((n) => globMatch(pattern, n)));
  },
});

const numsub = sub({
  name: 'numsub',
  arity: -2,
  summary: 'Get the count of subscribers for channels',
  since: '2.8.0',
  handler(ctx) {
    const { pubsub } = internals(ctx).server;
    const names = ctx.argv.slice(2);
    ctx.reply.arrayHeader(names.length * 2);
    for (const name of names) {
      ctx.reply.bulk(name);
      ctx.reply.integer(pubsub.channels.get(name)?.size ?? 0);
    }
  },
});

const numpat = sub({
  name: 'numpat',
  arity: 2,
  summary: 'Get the count of unique patterns pattern subscriptions',
  since: '2.8.0',
  handler(ctx) {
    ctx.reply.integer(internals(ctx).server.pubsub.patterns.size);
  },
});

const shardchannels = sub({
  name: 'shardchannels',
  arity: -2,
  summary: 'List active shard channels',
  since: '7.0.0',
  handler(ctx) {
    ctx.reply.arrayHeader(0);
  },
});

const shardnumsub = sub({
  name: 'shardnumsub',
  arity: -2,
  summary: 'Get the count of subscribers for shard channels',
  since: '7.0.0',
  handler(ctx) {
    const names = ctx.argv.slice(2);
    ctx.reply.arrayHeader(names.length * 2);
    for (const name of names) {
      ctx.reply.bulk(name);
      ctx.reply.integer(0);
    }
  },
});

const help = sub({
  name: 'help',
  arity: 2,
  summary: 'Show helpful text about the different subcommands',
  since: '6.2.0',
  handler(ctx) {
    replyHelp(ctx, 'PUBSUB', [
      'CHANNELS [<pattern>]',
      "    Return the currently active channels matching a <pattern> (default: '*').",
      'NUMPAT',
      '    Return number of subscriptions to patterns.',
      'NUMSUB [<channel> ...]',
      '    Return the number of subscribers for the specified channels, excluding',
      '    pattern subscriptions(default: no channels).',
    ]);
  },
});

export const pubsubCommand = defineCommand({
  name: 'pubsub',
  arity: -2,
  flags: [],
  group: 'pubsub',
  summary: 'A container for Pub/Sub commands',
  since: '2.8.0',
  subcommands: [channels, numsub, numpat, shardchannels, shardnumsub, help],
  handler() {
    /* container */
  },
});
