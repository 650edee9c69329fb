import { CommandError, Errors } from '../../command-error.js';
import { internals } from '../../server/context.js';
import { parseDbIndex } from '../args.js';
import { defineCommand } from '../define.js';

export const select = defineCommand({
  name: 'select',
  arity: 2,
  flags: ['loading', 'stale', 'fast'],
  group: 'connection',
  summary: 'Change the selected database for the current connection',
  since: '1.0.0',
  handler(ctx) {
    const index = parseDbIndex(ctx.argv[1]!);
    const { server, client } = internals(ctx);
    const db = server.dbs[index];
    if (index < 0 || db === undefined) throw new CommandError(Errors.dbIndexOutOfRange);
    client.db = db;
    ctx.reply.ok();
  },
});
