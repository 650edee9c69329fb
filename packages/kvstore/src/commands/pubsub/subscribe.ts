import type { Client } from '../../server/client.js';
import { internals } from '../../server/context.js';
import { defineCommand } from '../define.js';
import type { CommandContext } from '../types.js';

/** The confirmation push of (p)(un)subscribe: [kind, name or nil, subscription count]. */
function confirm(client: Client, kind: string, name: string | null): void {
  const reply = client.reply;
  reply.pushHeader(3);
  reply.bulk(kind);
  reply.bulk(name);
  reply.integer(client.subscriptions);
}

function subscribeHandler(kind: 'subscribe' | 'psubscribe') {
  return (ctx: CommandContext) => {
    const { server, client } = internals(ctx);
    for (let i = 1; i < ctx.argv.length; i++) {
      const name = ctx.argv[i]!;
      if (kind === 'subscribe') server.pubsub.subscribe(client, name);
      else server.pubsub.psubscribe(client, name);
      confirm(client, kind, name);
    }
  };
}

function unsubscribeHandler(kind: 'unsubscribe' | 'punsubscribe') {
  return (ctx: CommandContext) => {
    const { server, client } = internals(ctx);
    const current = kind === 'unsubscribe' ? client.channels : client.patterns;
    const names = ctx.argv.length > 1 ? ctx.argv.slice(1) : [...current];
    if (names.length === 0) {
      confirm(client, kind, null);
      return;
    }
    for (const name of names) {
      if (kind === 'unsubscribe') server.pubsub.unsubscribe(client, name);
      else server.pubsub.punsubscribe(client, name);
      confirm(client, kind, name);
    }
  };
}

const common = {
  flags: ['pubsub', 'noscript', 'loading', 'stale'] as const,
  group: 'pubsub',
  since: '2.0.0',
};

export const subscribe = defineCommand({
  ...common,
  name: 'subscribe',
  arity: -2,
  summary: 'Listen for messages published to the given channels',
  handler: subscribeHandler('subscribe'),
});

export const psubscribe = defineCommand({
  ...common,
  name: 'psubscribe',
  arity: -2,
  summary: 'Listen for messages published to channels matching the given patterns',
  handler: subscribeHandler('psubscribe'),
});

export const unsubscribe = defineCommand({
  ...common,
  name: 'unsubscribe',
  arity: -1,
  summary: 'Stop listening for messages posted to the given channels',
  handler: unsubscribeHandler('unsubscribe'),
});

export const punsubscribe = defineCommand({
  ...common,
  name: 'punsubscribe',
  arity: -1,
  summary: 'Stop listening for messages posted to channels matching the given patterns',
  handler: unsubscribeHandler('punsubscribe'),
});
