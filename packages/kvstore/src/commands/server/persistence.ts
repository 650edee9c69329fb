import { CommandError } from '../../command-error.js';
import { internals } from '../../server/context.js';
import { isKeyword, syntaxError } from '../args.js';
import { defineCommand } from '../define.js';

export const save = defineCommand({
  name: 'save',
  arity: 1,
  flags: ['admin', 'noscript', 'no_multi'],
  group: 'server',
  summary: 'Synchronously save the dataset to disk',
  since: '1.0.0',
  handler(ctx) {
    const { server } = internals(ctx);
    if (server.persistence.bgsaveInProgress)
      throw new CommandError('ERR Background save already in progress');
    try {
      server.persistence.saveSync();
    } catch (err) {
      server.logger.error({ err }, 'SAVE failed');
      throw new CommandError('ERR');
    }
    ctx.reply.ok();
  },
});

export const bgsave = defineCommand({
  name: 'bgsave',
  arity: -1,
  flags: ['admin', 'noscript'],
  group: 'server',
  summary: 'Asynchronously save the dataset to disk',
  since: '1.0.0',
  handler(ctx) {
    const { server } = internals(ctx);
    if (ctx.argv.length > 2 || (ctx.argv.length === 2 && !isKeyword(ctx.argv[1], 'SCHEDULE')))
      throw syntaxError();
    const result = server.persistence.bgsave(ctx.argv.length === 2);
    if (result === 'started') ctx.reply.simple('Background saving started');
    else if (result === 'scheduled') ctx.reply.simple('Background saving scheduled');
    else if (server.persistence.bgsaveInProgress)
      throw new CommandError('ERR Background save already in progress');
    else {
      throw new CommandError(
        "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.",
      );
    }
  },
});

export const bgrewriteaof = defineCommand({
  name: 'bgrewriteaof',
  arity: 1,
  flags: ['admin', 'noscript'],
  group: 'server',
  summary: 'Asynchronously rewrite the append-only file',
  since: '1.0.0',
  handler(ctx) {
    const result = internals(ctx).server.persistence.bgrewrite();
    if (result === 'started') ctx.reply.simple('Background append only file rewriting started');
    else if (result === 'scheduled')
      ctx.reply.simple('Background append only file rewriting scheduled');
    else throw new CommandError('ERR Background append only file rewriting already in progress');
  },
});

export const lastsave = defineCommand({
  name: 'lastsave',
  arity: 1,
  flags: ['loading', 'stale', 'fast'],
  group: 'server',
  summary: 'Get the UNIX time stamp of the last successful save to disk',
  since: '1.0.0',
  categories: ['@admin', '@dangerous'],
  handler(ctx) {
    ctx.reply.integer(internals(ctx).server.persistence.lastSave);
  },
});

export const shutdown = defineCommand({
  name: 'shutdown',
  arity: -1,
  flags: ['admin', 'noscript', 'loading', 'stale', 'no_multi', 'allow_busy'],
  group: 'server',
  summary: 'Synchronously save the dataset to disk and then shut down the server',
  since: '1.0.0',
  handler(ctx) {
    const { server } = internals(ctx);
    let save = false;
    let nosave = false;
    for (const arg of ctx.argv.slice(1)) {
      const option = arg.toUpperCase();
      if (option === 'SAVE') save = true;
      else if (option === 'NOSAVE') nosave = true;
      else if (option === 'NOW' || option === 'FORCE') continue;
      else if (option === 'ABORT') throw new CommandError('ERR No shutdown in progress.');
      else throw syntaxError();
    }
    if (save && nosave) throw syntaxError();
    if (!nosave && (save || server.config.get('save') !== '')) {
      try {
        server.persistence.saveSync();
      } catch (err) {
        server.logger.error({ err }, 'error saving before shutdown');
        throw new CommandError('ERR Errors trying to SHUTDOWN. Check logs.');
      }
    }
    server.logger.info('User requested shutdown...');
    server.requestShutdown({ nosave: true });
  },
});
