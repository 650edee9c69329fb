import { internals } from '../../server/context.js';
import { defineCommand } from '../define.js';
import type { CommandContext, CommandFlag } from '../types.js';
import { numkeysPositions, splitKeysAndArgs } from './numkeys.js';

/** EVAL's flags in Redis 7.0; the _RO forms are `readonly` instead of `may_replicate`. */
const FLAGS: CommandFlag[] = [
  'noscript',
  'stale',
  'skip_monitor',
  'may_replicate',
  'no_mandatory_keys',
  'movablekeys',
];
const RO_FLAGS: CommandFlag[] = [
  'noscript',
  'stale',
  'skip_monitor',
  'no_mandatory_keys',
  'readonly',
  'movablekeys',
];

function runEval(ctx: CommandContext, bySha: boolean, readOnlyCommand: boolean): void {
  const { server, client } = internals(ctx);
  const { keys, args } = splitKeysAndArgs(ctx.argv);
  server.scripting.eval(ctx.argv[1]!, bySha, {
    caller: client,
    reply: ctx.reply,
    keys,
    args,
    readOnlyCommand,
  });
}

const common = { arity: -3, group: 'scripting', getKeys: numkeysPositions };

export const evalCommand = defineCommand({
  ...common,
  name: 'eval',
  flags: FLAGS,
  summary: 'Execute a Lua script server side',
  since: '2.6.0',
  complexity: 'Depends on the script that is executed.',
  handler: (ctx) => runEval(ctx, false, false),
});

export const evalsha = defineCommand({
  ...common,
  name: 'evalsha',
  flags: FLAGS,
  summary: 'Execute a Lua script server side',
  since: '2.6.0',
  complexity: 'Depends on the script that is executed.',
  handler: (ctx) => runEval(ctx, true, false),
});

export const evalRo = defineCommand({
  ...common,
  name: 'eval_ro',
  flags: RO_FLAGS,
  summary: 'Execute a read-only Lua script server side',
  since: '7.0.0',
  complexity: 'Depends on the script that is executed.',
  handler: (ctx) => runEval(ctx, false, true),
});

export const evalshaRo = defineCommand({
  ...common,
  name: 'evalsha_ro',
  flags: RO_FLAGS,
  summary: 'Execute a read-only Lua script server side',
  since: '7.0.0',
  complexity: 'Depends on the script that is executed.',
  handler: (ctx) => runEval(ctx, true, true),
});

function runFunction(ctx: CommandContext, readOnlyCommand: boolean): void {
  const { server, client } = internals(ctx);
  const { keys, args } = splitKeysAndArgs(ctx.argv);
  server.scripting.library.call(ctx.argv[1]!, {
    caller: client,
    reply: ctx.reply,
    keys,
    args,
    readOnlyCommand,
  });
}

export const fcall = defineCommand({
  ...common,
  name: 'fcall',
  flags: FLAGS,
  summary: 'Invoke a function',
  since: '7.0.0',
  complexity: 'Depends on the function that is executed.',
  handler: (ctx) => runFunction(ctx, false),
});

export const fcallRo = defineCommand({
  ...common,
  name: 'fcall_ro',
  flags: RO_FLAGS,
  summary: 'Invoke a read-only function',
  since: '7.0.0',
  complexity: 'Depends on the function that is executed.',
  handler: (ctx) => runFunction(ctx, true),
});
