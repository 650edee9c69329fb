import { CommandError } from '../../command-error.js';
import { type ConsumerGroup, MAX_ID, MIN_ID, type Stream } from '../../structures/stream.js';
import type { ReplyWriter } from '../../protocol/reply-writer.js';
import { replyHelp } from '../connection/client.js';
import { isKeyword, parseInteger } from '../args.js';
import { type CommandDefinition, defineCommand } from '../define.js';
import type { CommandContext, CommandSpec } from '../types.js';
import {
  byName,
  noSuchGroupError,
  readStream,
  replyEntries,
  replyEntry,
  replyId,
} from './shared.js';

const sub = (definition: Omit<CommandDefinition, 'group'>) =>
  defineCommand({ ...definition, group: 'stream' });

function streamOrError(ctx: CommandContext): Stream {
  const stream = readStream(ctx, ctx.argv[2]);
  if (!stream) throw new CommandError('ERR no such key');
  return stream;
}

function replyEntriesRead(reply: ReplyWriter, group: ConsumerGroup): void {
  if (group.entriesRead >= 0) reply.integer(group.entriesRead);
  else reply.null();
}

function replyLag(reply: ReplyWriter, stream: Stream, group: ConsumerGroup): void {
  const lag = stream.groupLag(group);
  if (lag === undefined) reply.null();
  else reply.integer(lag);
}

/**
 * Radix tree nodes Redis would report: not reproducible exactly (it depends on rax internals);
 * one inner node per key plus the root is the shape small streams have.
 */
function radixTreeNodes(stream: Stream): number {
  return stream.nodeCount === 0 ? 1 : stream.nodeCount + 1;
}

const consumers = sub({
  name: 'consumers',
  arity: 4,
  flags: ['readonly'],
  keys: [2, 2, 1],
  summary: 'List the consumers in a consumer group',
  since: '5.0.0',
  handler(ctx) {
    const { reply } = ctx;
    const stream = streamOrError(ctx);
    const group = stream.groups.get(ctx.argv[3]);
    if (!group) throw noSuchGroupError(ctx.argv[2], ctx.argv[3]);
    const now = Date.now();
    const list = byName(group.consumers.values());
    reply.arrayHeader(list.length);
    for (const consumer of list) {
      reply.mapHeader(3);
      reply.bulk('name');
      reply.bulk(consumer.name);
      reply.bulk('pending');
      reply.integer(consumer.pending.size);
      reply.bulk('idle');
      reply.integer(Math.max(now - consumer.seenTime, 0));
    }
  },
});

const groups = sub({
  name: 'groups',
  arity: 3,
  flags: ['readonly'],
  keys: [2, 2, 1],
  summary: 'List the consumer groups of a stream',
  since: '5.0.0',
  handler(ctx) {
    const { reply } = ctx;
    const stream = streamOrError(ctx);
    const list = byName(stream.groups.values());
    reply.arrayHeader(list.length);
    for (const group of list) {
      reply.mapHeader(6);
      reply.bulk('name');
      reply.bulk(group.name);
      reply.bulk('consumers');
      reply.integer(group.consumers.size);
      reply.bulk('pending');
      reply.integer(group.pending.size);
      reply.bulk('last-delivered-id');
      replyId(reply, group.lastId);
      reply.bulk('entries-read');
      replyEntriesRead(reply, group);
      reply.bulk('lag');
      replyLag(reply, stream, group);
    }
  },
});

/** XINFO STREAM key FULL: entries, groups with their PELs and consumers, up to COUNT each. */
function replyFull(reply: ReplyWriter, stream: Stream, count: number): void {
  reply.bulk('entries');
  replyEntries(reply, stream.range(MIN_ID, MAX_ID, false, count));
  reply.bulk('groups');
  const list = byName(stream.groups.values());
  reply.arrayHeader(list.length);
  for (const group of list) {
    reply.mapHeader(7);
    reply.bulk('name');
    reply.bulk(group.name);
    reply.bulk('last-delivered-id');
    replyId(reply, group.lastId);
    reply.bulk('entries-read');
    replyEntriesRead(reply, group);
    reply.bulk('lag');
    replyLag(reply, stream, group);
    reply.bulk('pel-count');
    reply.integer(group.pending.size);
    reply.bulk('pending');
    const pending = [...group.pending].slice(0, count || undefined);
    reply.arrayHeader(pending.length);
    for (const [id, entry] of pending) {
      reply.arrayHeader(4);
      replyId(reply, id);
      reply.bulk(entry.consumer.name);
      reply.integer(entry.deliveryTime);
      reply.integer(entry.deliveryCount);
    }
    reply.bulk('consumers');
    const members = byName(group.consumers.values());
    reply.arrayHeader(members.length);
    for (const consumer of members) {
      reply.mapHeader(4);
      reply.bulk('name');
      reply.bulk(consumer.name);
      reply.bulk('seen-time');
      reply.integer(consumer.seenTime);
      reply.bulk('pel-count');
      reply.integer(consumer.pending.size);
      reply.bulk('pending');
      const own = [...consumer.pending].slice(0, count || undefined);
      reply.arrayHeader(own.length);
      for (const [id, entry] of own) {
        reply.arrayHeader(3);
        replyId(reply, id);
        reply.integer(entry.deliveryTime);
        reply.integer(entry.deliveryCount);
      }
    }
  }
}

const streamInfo = sub({
  name: 'stream',
  arity: -3,
  flags: ['readonly'],
  keys: [2, 2, 1],
  summary: 'Get information about a stream',
  since: '5.0.0',
  handler(ctx) {
    const { argv, reply } = ctx;
    // The key is checked before the options.
    const stream = streamOrError(ctx);
    let full = false;
    let count = 10;
    if (argv.length > 3) {
      const bad = new CommandError(
        `ERR unknown subcommand or wrong number of arguments for '${argv[1]}'. Try XINFO HELP.`,
      );
      if (!isKeyword(argv[3], 'FULL')) throw bad;
      full = true;
      if (argv.length === 6 && isKeyword(argv[4], 'COUNT')) {
        count = Math.max(parseInteger(argv[5]), 0);
      } else if (argv.length !== 4) {
        throw bad;
      }
    }
    reply.mapHeader(full ? 9 : 10);
    reply.bulk('length');
    reply.integer(stream.size);
    reply.bulk('radix-tree-keys');
    reply.integer(stream.nodeCount);
    reply.bulk('radix-tree-nodes');
    reply.integer(radixTreeNodes(stream));
    reply.bulk('last-generated-id');
    replyId(reply, stream.lastId);
    reply.bulk('max-deleted-entry-id');
    replyId(reply, stream.maxDeletedId);
    reply.bulk('entries-added');
    reply.integer(stream.entriesAdded);
    reply.bulk('recorded-first-entry-id');
    replyId(reply, stream.firstEntry?.id ?? MIN_ID);
    if (full) {
      replyFull(reply, stream, count);
      return;
    }
    reply.bulk('groups');
    reply.integer(stream.groups.size);
    for (const [name, entry] of [
      ['first-entry', stream.firstEntry],
      ['last-entry', stream.lastEntry],
    ] as const) {
      reply.bulk(name);
      if (entry) replyEntry(reply, entry);
      else reply.null();
    }
  },
});

const help = sub({
  name: 'help',
  arity: 2,
  flags: ['loading', 'stale'],
  summary: 'Show helpful text about the different subcommands',
  since: '5.0.0',
  handler(ctx) {
    replyHelp(ctx, 'XINFO', [
      'CONSUMERS <key> <groupname>',
      '    Show consumers of <groupname>.',
      'GROUPS <key>',
      '    Show the stream consumer groups.',
      'STREAM <key> [FULL [COUNT <count>]',
      '    Show information about the stream.',
    ]);
  },
});

/** Containers carry no group category in Redis's COMMAND INFO (only @slow from their flags). */
export const xinfo: CommandSpec = {
  ...defineCommand({
    name: 'xinfo',
    arity: -2,
    flags: [],
    group: 'stream',
    summary: 'A container for stream introspection commands',
    since: '5.0.0',
    subcommands: [consumers, groups, streamInfo, help],
    handler() {
      /* container */
    },
  }),
  categories: [],
};
