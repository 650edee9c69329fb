import { internals } from '../../server/context.js';
import { defineCommand } from '../define.js';

export const quit = defineCommand({
  name: 'quit',
  arity: -1,
  flags: ['allow_busy', 'noscript', 'loading', 'stale', 'fast', 'no_auth'],
  group: 'connection',
  summary: 'Close the connection',
  since: '1.0.0',
  handler(ctx) {
    const { server, client } = internals(ctx);
    ctx.reply.ok();
    server.killClient(client, true);
  },
});

export const reset = defineCommand({
  name: 'reset',
  arity: 1,
  flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
  group: 'connection',
  summary: 'Reset the connection',
  since: '6.2.0',
  handler(ctx) {
    const { server, client } = internals(ctx);
    client.multi = undefined;
    client.multiError = false;
    client.dirtyCas = false;
    server.watch.unwatchAll(client);
    server.pubsub.removeClient(client);
    server.applyOutputClass(client);
    server.monitors.delete(client);
    client.monitor = false;
    client.db = server.dbs[0]!;
    client.name = '';
    client.resp = 2;
    client.reply.resp = 2;
    client.replyMode = 'on';
    client.skipNext = false;
    client.aclUser = server.acl.defaultUser;
    client.authenticated = !server.acl.authRequired;
    ctx.reply.simple('RESET');
  },
});
