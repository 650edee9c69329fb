import { CommandError } from '../../command-error.js';
import { internals } from '../../server/context.js';
import { replyHelp } from '../connection/client.js';
import { defineCommand } from '../define.js';

const group = 'scripting';

const load = defineCommand({
  name: 'load',
  arity: 3,
  flags: ['noscript', 'stale'],
  group,
  summary: 'Load the specified Lua script into the script cache.',
  since: '2.6.0',
  handler(ctx) {
    ctx.reply.bulk(internals(ctx).server.scripting.load(ctx.argv[2]!));
  },
});

const exists = defineCommand({
  name: 'exists',
  arity: -3,
  flags: ['noscript', 'stale'],
  group,
  summary: 'Check existence of scripts in the script cache.',
  since: '2.6.0',
  handler(ctx) {
    const { scripting } = internals(ctx).server;
    ctx.reply.arrayHeader(ctx.argv.length - 2);
    for (let i = 2; i < ctx.argv.length; i++)
      ctx.reply.integer(scripting.has(ctx.argv[i]!) ? 1 : 0);
  },
});

const flush = defineCommand({
  name: 'flush',
  arity: -2,
  flags: ['noscript'],
  group,
  summary: 'Remove all the scripts from the script cache.',
  since: '2.6.0',
  handler(ctx) {
    const mode = ctx.argv[2]?.toUpperCase();
    if (ctx.argv.length > 3 || (mode !== undefined && mode !== 'ASYNC' && mode !== 'SYNC')) {
      throw new CommandError('ERR SCRIPT FLUSH only support SYNC|ASYNC option');
    }
    internals(ctx).server.scripting.flush();
    ctx.reply.ok();
  },
});

const kill = defineCommand({
  name: 'kill',
  arity: 2,
  flags: ['noscript', 'allow_busy'],
  group,
  summary: 'Kill the script currently in execution.',
  since: '2.6.0',
  handler() {
    // A script runs to its end within one event-loop turn: none is ever running when this
    // command is read (see the README on script time limits).
    throw new CommandError('NOTBUSY No scripts in execution right now.');
  },
});

const debug = defineCommand({
  name: 'debug',
  arity: 3,
  flags: ['noscript'],
  group,
  summary: 'Set the debug mode for executed scripts.',
  since: '3.2.0',
  handler(ctx) {
    const mode = ctx.argv[2]!.toUpperCase();
    if (mode === 'NO') {
      ctx.reply.ok();
      return;
    }
    if (mode !== 'YES' && mode !== 'SYNC') {
      throw new CommandError('ERR Use SCRIPT DEBUG YES/SYNC/NO');
    }
    throw new CommandError('ERR SCRIPT DEBUG (the Lua debugger) is not supported by this server');
  },
});

const help = defineCommand({
  name: 'help',
  arity: 2,
  flags: ['loading', 'stale'],
  group,
  summary: 'Show helpful text about the different subcommands',
  since: '5.0.0',
  handler(ctx) {
    replyHelp(ctx, 'SCRIPT', [
      'DEBUG (YES|SYNC|NO)',
      '    Set the debug mode for subsequent scripts executed.',
      'EXISTS <sha1> [<sha1> ...]',
      '    Return information about the existence of the scripts in the script cache.',
      'FLUSH [ASYNC|SYNC]',
      '    Flush the Lua scripts cache. Very dangerous on replicas.',
      '    When called without the optional mode argument, the behavior is determined by the',
      '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
      '    * ASYNC: Asynchronously flush the scripts cache.',
      '    * SYNC: Synchronously flush the scripts cache.',
      'KILL',
      '    Kill the currently executing Lua script.',
      'LOAD <script>',
      '    Load a script into the scripts cache without executing it.',
    ]);
  },
});

export const scriptCommand = defineCommand({
  name: 'script',
  arity: -2,
  flags: [],
  group,
  summary: 'A container for Lua scripts management commands',
  since: '2.6.0',
  subcommands: [debug, exists, flush, help, kill, load],
  handler() {
    /* container */
  },
});
