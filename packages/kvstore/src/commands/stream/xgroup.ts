import { CommandError } from '../../command-error.js';
import { ConsumerGroup, type Stream, type StreamId, formatId } from '../../structures/stream.js';
import { replyHelp } from '../connection/client.js';
import { isKeyword, parseInteger } from '../args.js';
import { type CommandDefinition, defineCommand } from '../define.js';
import type { CommandContext, CommandSpec } from '../types.js';
import { newStream, noSuchGroupError, parseId, parseStrictId, writeStream } from './shared.js';

const sub = (definition: Omit<CommandDefinition, 'group'>) =>
  defineCommand({ ...definition, group: 'stream' });

function subcommandSyntaxError(ctx: CommandContext): CommandError {
  return new CommandError(
    `ERR unknown subcommand or wrong number of arguments for '${ctx.argv[1]}'. Try XGROUP HELP.`,
  );
}

/** ENTRIESREAD n: a count, or -1 for "unknown". */
function parseEntriesRead(text: string): number {
  const n = parseInteger(text);
  if (n < 0 && n !== -1) throw new CommandError('ERR value for ENTRIESREAD must be positive or -1');
  return n;
}

/**
 * The checks every XGROUP subcommand shares: the key must be a stream (unless CREATE ...
 * MKSTREAM), and SETID / CREATECONSUMER / DELCONSUMER need the group.
 */
function resolve(
  ctx: CommandContext,
  mkStream: boolean,
  needsGroup: boolean,
): { stream: Stream | undefined; group: ConsumerGroup | undefined } {
  const key = ctx.argv[2];
  const groupName = ctx.argv[3];
  const stream = writeStream(ctx, key);
  if (!stream && !mkStream) {
    throw new CommandError(
      'ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.',
    );
  }
  const group = stream?.groups.get(groupName);
  if (!group && needsGroup) {
    throw noSuchGroupError(key, groupName);
  }
  return { stream, group };
}

const create = sub({
  name: 'create',
  arity: -5,
  flags: ['write', 'denyoom'],
  keys: [2, 2, 1],
  summary: 'Create a consumer group.',
  since: '5.0.0',
  handler(ctx) {
    const { argv } = ctx;
    let mkStream = false;
    let entriesRead = -1;
    for (let i = 5; i < argv.length; i++) {
      if (isKeyword(argv[i], 'MKSTREAM')) mkStream = true;
      else if (isKeyword(argv[i], 'ENTRIESREAD') && i + 1 < argv.length)
        entriesRead = parseEntriesRead(argv[++i]);
      else throw subcommandSyntaxError(ctx);
    }
    let { stream } = resolve(ctx, mkStream, false);
    if (argv.length > 8) throw subcommandSyntaxError(ctx);
    const key = argv[2];
    let id: StreamId;
    if (argv[4] === '$') id = stream ? stream.lastId : { ms: 0n, seq: 0n };
    else id = parseStrictId(argv[4]);
    if (!stream) {
      stream = newStream(ctx);
      ctx.db.add(key, 'stream', stream);
      ctx.signalModifiedKey(key);
    }
    if (stream.groups.has(argv[3]))
      throw new CommandError('BUSYGROUP Consumer Group name already exists');
    stream.groups.set(argv[3], new ConsumerGroup(argv[3], id, entriesRead));
    ctx.addDirty(1);
    ctx.notify('stream', 'xgroup-create', key);
    ctx.propagate([
      ['XGROUP', 'CREATE', key, argv[3], formatId(id), 'ENTRIESREAD', String(entriesRead)],
    ]);
    ctx.reply.ok();
  },
});

const setid = sub({
  name: 'setid',
  arity: -5,
  flags: ['write'],
  keys: [2, 2, 1],
  summary: 'Set a consumer group to an arbitrary last delivered ID value.',
  since: '5.0.0',
  handler(ctx) {
    const { argv } = ctx;
    let entriesRead = -1;
    for (let i = 5; i < argv.length; i++) {
      if (isKeyword(argv[i], 'ENTRIESREAD') && i + 1 < argv.length)
        entriesRead = parseEntriesRead(argv[++i]);
      else throw subcommandSyntaxError(ctx);
    }
    const { stream, group } = resolve(ctx, false, true);
    if (argv.length !== 5 && argv.length !== 7) throw subcommandSyntaxError(ctx);
    group!.lastId = argv[4] === '$' ? stream!.lastId : parseId(argv[4]).id;
    group!.entriesRead = entriesRead;
    ctx.addDirty(1);
    ctx.notify('stream', 'xgroup-setid', argv[2]);
    ctx.reply.ok();
  },
});

const destroy = sub({
  name: 'destroy',
  arity: 4,
  flags: ['write'],
  keys: [2, 2, 1],
  summary: 'Destroy a consumer group.',
  since: '5.0.0',
  handler(ctx) {
    const { stream, group } = resolve(ctx, false, false);
    if (!group) {
      ctx.reply.integer(0);
      return;
    }
    stream!.groups.delete(group.name);
    ctx.addDirty(1);
    ctx.notify('stream', 'xgroup-destroy', ctx.argv[2]);
    // Clients blocked in XREADGROUP on this group get their NOGROUP error now.
    ctx.db.signalKeyAsReady(ctx.argv[2]);
    ctx.reply.integer(1);
  },
});

const createconsumer = sub({
  name: 'createconsumer',
  arity: 5,
  flags: ['write', 'denyoom'],
  keys: [2, 2, 1],
  summary: 'Create a consumer in a consumer group.',
  since: '6.2.0',
  handler(ctx) {
    const { group } = resolve(ctx, false, true);
    const { created } = group!.consumer(ctx.argv[4], Date.now());
    if (created) {
      ctx.addDirty(1);
      ctx.notify('stream', 'xgroup-createconsumer', ctx.argv[2]);
    } else {
      ctx.propagate([]);
    }
    ctx.reply.integer(created ? 1 : 0);
  },
});

const delconsumer = sub({
  name: 'delconsumer',
  arity: 5,
  flags: ['write'],
  keys: [2, 2, 1],
  summary: 'Delete a consumer from a consumer group.',
  since: '5.0.0',
  handler(ctx) {
    const { group } = resolve(ctx, false, true);
    const pending = group!.deleteConsumer(ctx.argv[4]);
    ctx.addDirty(1);
    ctx.notify('stream', 'xgroup-delconsumer', ctx.argv[2]);
    ctx.reply.integer(pending);
  },
});

const help = sub({
  name: 'help',
  arity: 2,
  flags: ['loading', 'stale'],
  summary: 'Show helpful text about the different subcommands',
  since: '5.0.0',
  handler(ctx) {
    replyHelp(ctx, 'XGROUP', [
      'CREATE <key> <groupname> <id|$> [option]',
      '    Create a new consumer group. Options are:',
      '    * MKSTREAM',
      '      Create the empty stream if it does not exist.',
      '    * ENTRIESREAD entries_read',
      "      Set the group's entries_read counter (internal use).",
      'CREATECONSUMER <key> <groupname> <consumer>',
      '    Create a new consumer in the specified group.',
      'DELCONSUMER <key> <groupname> <consumer>',
      '    Remove the specified consumer.',
      'DESTROY <key> <groupname>',
      '    Remove the specified group.',
      'SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]',
      '    Set the current group ID and entries_read counter.',
    ]);
  },
});

const SUBCOMMANDS = [create, setid, destroy, createconsumer, delconsumer, help];

/** Containers carry no group category in Redis's COMMAND INFO (only @slow from their flags). */
export const xgroup: CommandSpec = {
  ...defineCommand({
    name: 'xgroup',
    arity: -2,
    flags: [],
    group: 'stream',
    summary: 'A container for consumer groups commands',
    since: '5.0.0',
    subcommands: SUBCOMMANDS,
    handler() {
      /* container */
    },
  }),
  categories: [],
};
