import { CommandError, Errors } from '../../command-error.js';
import { internals } from '../../server/context.js';
import { defineCommand } from '../define.js';

export const ping = defineCommand({
  name: 'ping',
  arity: -1,
  flags: ['fast'],
  group: 'connection',
  summary: 'Ping the server',
  since: '1.0.0',
  handler(ctx) {
    const { argv, reply } = ctx;
    if (argv.length > 2) throw new CommandError(Errors.wrongArity('ping'));
    // A RESP2 client in subscribed mode gets PING as a pub/sub-style array.
    if (internals(ctx).client.inSubscribedMode) {
      reply.arrayHeader(2);
      reply.bulk('pong');
      reply.bulk(argv[1] ?? '');
    } else if (argv.length === 2) {
      reply.bulk(argv[1]);
    } else {
      reply.raw('+PONG\r\n');
    }
  },
});

export const echo = defineCommand({
  name: 'echo',
  arity: 2,
  flags: ['fast'],
  group: 'connection',
  summary: 'Echo the given string',
  since: '1.0.0',
  handler(ctx) {
    ctx.reply.bulk(ctx.argv[1]);
  },
});
