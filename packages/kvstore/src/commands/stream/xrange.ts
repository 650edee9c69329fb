import { CommandError } from '../../command-error.js';
import { compareIds } from '../../structures/stream.js';
import { isKeyword, parseInteger, syntaxError } from '../args.js';
import { defineCommand } from '../define.js';
import {
  parseRangeEnd,
  parseRangeStart,
  parseStrictId,
  readStream,
  replyEntries,
  writeStream,
} from './shared.js';

function rangeCommand(name: string, reverse: boolean) {
  return defineCommand({
    name,
    arity: -4,
    flags: ['readonly'],
    keys: [1, 1, 1],
    group: 'stream',
    summary: reverse
      ? 'Return a range of elements in a stream, with IDs matching the specified IDs interval, in reverse order (from greater to smaller IDs) compared to XRANGE'
      : 'Return a range of elements in a stream, with IDs matching the specified IDs interval',
    since: '5.0.0',
    handler(ctx) {
      const { argv, reply } = ctx;
      // XREVRANGE takes the end first.
      const start = parseRangeStart(reverse ? argv[3] : argv[2]);
      const end = parseRangeEnd(reverse ? argv[2] : argv[3]);
      let count = -1;
      for (let j = 4; j < argv.length; j++) {
        if (isKeyword(argv[j], 'COUNT') && j + 1 < argv.length) {
          count = Math.max(parseInteger(argv[++j]), 0);
        } else {
          throw syntaxError();
        }
      }
      const stream = readStream(ctx, argv[1]);
      if (!stream) {
        reply.arrayHeader(0);
        return;
      }
      // Redis answers COUNT 0 with a null array.
      if (count === 0) {
        reply.nullArray();
        return;
      }
      replyEntries(reply, stream.range(start, end, reverse, Math.max(count, 0)));
    },
  });
}

export const xrange = rangeCommand('xrange', false);
export const xrevrange = rangeCommand('xrevrange', true);

export const xlen = defineCommand({
  name: 'xlen',
  arity: 2,
  flags: ['readonly', 'fast'],
  keys: [1, 1, 1],
  group: 'stream',
  summary: 'Return the number of entries in a stream',
  since: '5.0.0',
  handler(ctx) {
    ctx.reply.integer(readStream(ctx, ctx.argv[1])?.size ?? 0);
  },
});

export const xdel = defineCommand({
  name: 'xdel',
  arity: -3,
  flags: ['write', 'fast'],
  keys: [1, 1, 1],
  group: 'stream',
  summary:
    'Removes the specified entries from the stream. Returns the number of items actually deleted, that may be different from the number of IDs passed in case certain IDs do not exist.',
  since: '5.0.0',
  handler(ctx) {
    const { argv } = ctx;
    const key = argv[1];
    const stream = writeStream(ctx, key);
    if (!stream) {
      ctx.reply.integer(0);
      return;
    }
    // Every ID is checked before any deletion.
    const ids = argv.slice(2).map(parseStrictId);
    let deleted = 0;
    for (const id of ids) if (stream.delete(id)) deleted++;
    if (deleted) {
      ctx.signalModifiedKey(key);
      ctx.notify('stream', 'xdel', key);
    }
    ctx.reply.integer(deleted);
  },
});

export const xsetid = defineCommand({
  name: 'xsetid',
  arity: -3,
  flags: ['write', 'denyoom', 'fast'],
  keys: [1, 1, 1],
  group: 'stream',
  summary: 'An internal command for replicating stream values',
  since: '5.0.0',
  handler(ctx) {
    const { argv } = ctx;
    const key = argv[1];
    const id = parseStrictId(argv[2]);
    let entriesAdded = -1;
    let maxDeleted = { ms: 0n, seq: 0n };
    for (let i = 3; i < argv.length; i += 2) {
      const more = argv.length - 1 - i;
      if (isKeyword(argv[i], 'ENTRIESADDED') && more) {
        entriesAdded = parseInteger(argv[i + 1]);
        if (entriesAdded < 0) throw new CommandError('ERR entries_added must be positive');
      } else if (isKeyword(argv[i], 'MAXDELETEDID') && more) {
        maxDeleted = parseStrictId(argv[i + 1]);
        if (compareIds(id, maxDeleted) < 0) {
          throw new CommandError(
            'ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id',
          );
        }
      } else {
        throw syntaxError();
      }
    }
    const stream = writeStream(ctx, key);
    if (!stream) throw new CommandError('ERR no such key');
    if (compareIds(id, stream.maxDeletedId) < 0) {
      throw new CommandError(
        'ERR The ID specified in XSETID is smaller than current max_deleted_entry_id',
      );
    }
    if (stream.size > 0) {
      if (compareIds(id, stream.lastEntry!.id) < 0) {
        throw new CommandError(
          'ERR The ID specified in XSETID is smaller than the target stream top item',
        );
      }
      if (entriesAdded !== -1 && stream.size > entriesAdded) {
        throw new CommandError(
          'ERR The entries_added specified in XSETID is smaller than the target stream length',
        );
      }
    }
    stream.lastId = id;
    if (entriesAdded !== -1) stream.entriesAdded = entriesAdded;
    if (maxDeleted.ms !== 0n || maxDeleted.seq !== 0n) stream.maxDeletedId = maxDeleted;
    ctx.signalModifiedKey(key);
    ctx.notify('stream', 'xsetid', key);
    ctx.reply.ok();
  },
});
