import { CommandError } from '../../command-error.js';
import {
  type Consumer,
  type ConsumerGroup,
  MAX_ID,
  type Stream,
  type StreamEntry,
  type StreamId,
  compareIds,
  incrementId,
} from '../../structures/stream.js';
import { isKeyword, parseInteger, parseTimeout, syntaxError } from '../args.js';
import { defineCommand } from '../define.js';
import type { CommandContext } from '../types.js';
import {
  claimPropagation,
  consumerFor,
  parseStrictId,
  readStream,
  replyEntry,
  replyId,
  setIdPropagation,
} from './shared.js';

/** Entries a blocked reader gets at most when it did not ask for a COUNT (Redis's default). */
const BLOCKED_DEFAULT_COUNT = 1000;

interface ReadRequest {
  group: { name: string; consumer: string } | undefined;
  noAck: boolean;
  /** 0 = no limit. */
  count: number;
  /** -1 = no BLOCK option; 0 = forever. */
  timeoutMs: number;
  keys: string[];
  /** The ID each read starts after; undefined for XREADGROUP's `>`. */
  after: (StreamId | undefined)[];
}

/** The argv index where the keys after STREAMS start (for key extraction), or -1. */
function streamsIndex(argv: readonly string[]): number {
  for (let i = 1; i < argv.length; i++) if (isKeyword(argv[i], 'STREAMS')) return i + 1;
  return -1;
}

function parseRead(ctx: CommandContext, xreadgroup: boolean): ReadRequest {
  const { argv } = ctx;
  const request: ReadRequest = {
    group: undefined,
    noAck: false,
    count: 0,
    timeoutMs: -1,
    keys: [],
    after: [],
  };
  let streamsAt = 0;
  let streamCount = 0;
  for (let i = 1; i < argv.length; i++) {
    const more = argv.length - i - 1;
    const opt = argv[i];
    if (isKeyword(opt, 'BLOCK') && more) {
      request.timeoutMs = parseTimeout(argv[++i], 'ms');
    } else if (isKeyword(opt, 'COUNT') && more) {
      request.count = Math.max(parseInteger(argv[++i]), 0);
    } else if (isKeyword(opt, 'STREAMS') && more) {
      streamsAt = i + 1;
      streamCount = argv.length - streamsAt;
      if (streamCount % 2 !== 0) {
        // Redis 7.0 words this the same for XREADGROUP.
        throw new CommandError(
          "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.",
        );
      }
      streamCount /= 2;
      break;
    } else if (isKeyword(opt, 'GROUP') && more >= 2) {
      if (!xreadgroup) {
        throw new CommandError(
          'ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.',
        );
      }
      request.group = { name: argv[i + 1], consumer: argv[i + 2] };
      i += 2;
    } else if (isKeyword(opt, 'NOACK')) {
      if (!xreadgroup) {
        throw new CommandError(
          'ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.',
        );
      }
      request.noAck = true;
    } else {
      throw syntaxError();
    }
  }
  if (streamsAt === 0) throw syntaxError();
  if (xreadgroup && !request.group)
    throw new CommandError('ERR Missing GROUP option for XREADGROUP');
  for (let i = 0; i < streamCount; i++) {
    const key = argv[streamsAt + i];
    const idText = argv[streamsAt + streamCount + i];
    const stream = readStream(ctx, key);
    if (request.group && !stream?.groups.has(request.group.name)) {
      throw new CommandError(
        `NOGROUP No such key '${key}' or consumer group '${request.group.name}' in XREADGROUP with GROUP option`,
      );
    }
    request.keys.push(key);
    if (idText === '$') {
      if (xreadgroup) {
        throw new CommandError(
          'ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.',
        );
      }
      request.after.push(stream ? stream.lastId : { ms: 0n, seq: 0n });
    } else if (idText === '>') {
      if (!xreadgroup) {
        throw new CommandError(
          'ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.',
        );
      }
      request.after.push(undefined);
    } else {
      request.after.push(parseStrictId(idText));
    }
  }
  return request;
}

/** What one stream contributes to a reply: plain entries, or history rows (entry or a gap). */
type Served = { key: string; rows: { id: StreamId; entry: StreamEntry | undefined }[] };

/** New entries after the group's last ID go to the consumer (and its PEL unless NOACK). */
function deliverNew(
  key: string,
  stream: Stream,
  group: ConsumerGroup,
  consumer: Consumer,
  count: number,
  noAck: boolean,
  now: number,
  propagation: string[][],
): Served {
  const start = incrementId(group.lastId);
  const entries = start ? stream.range(start, MAX_ID, false, count) : [];
  for (const entry of entries) {
    stream.advanceGroup(group, entry.id);
    if (noAck) continue;
    const pending = group.deliver(entry.id, consumer, now, false);
    pending.deliveryCount = 1;
    propagation.push(claimPropagation(key, group, consumer.name, entry.id, now, 1));
  }
  if (entries.length > 0) propagation.push(setIdPropagation(key, group));
  return { key, rows: entries.map((entry) => ({ id: entry.id, entry })) };
}

/** The consumer's own pending entries after `after` (XREADGROUP with an explicit ID). */
function deliverHistory(
  key: string,
  stream: Stream,
  consumer: Consumer,
  after: StreamId,
  count: number,
  now: number,
): Served {
  const rows: Served['rows'] = [];
  const start = incrementId(after);
  if (start) {
    for (const [id, pending] of consumer.pending.range(start, MAX_ID)) {
      if (count && rows.length >= count) break;
      const entry = stream.get(id);
      if (entry) {
        pending.deliveryTime = now;
        pending.deliveryCount++;
      }
      rows.push({ id, entry });
    }
  }
  return { key, rows };
}

function replyServed(ctx: CommandContext, served: Served[]): void {
  const { reply } = ctx;
  if (reply.resp === 3) reply.mapHeader(served.length);
  else reply.arrayHeader(served.length);
  for (const { key, rows } of served) {
    if (reply.resp === 2) reply.arrayHeader(2);
    reply.bulk(key);
    reply.arrayHeader(rows.length);
    for (const { id, entry } of rows) {
      if (entry) {
        replyEntry(reply, entry);
      } else {
        reply.arrayHeader(2);
        replyId(reply, id);
        reply.nullArray();
      }
    }
  }
}

function runRead(ctx: CommandContext, xreadgroup: boolean): void {
  const request = parseRead(ctx, xreadgroup);
  const now = Date.now();
  const served: Served[] = [];
  const propagation: string[][] = [];
  request.keys.forEach((key, i) => {
    const stream = readStream(ctx, key);
    if (!stream) return;
    const after = request.after[i];
    const lastEntry = stream.lastEntry;
    if (request.group) {
      const group = stream.groups.get(request.group.name)!;
      if (after !== undefined) {
        const consumer = consumerFor(ctx, key, group, request.group.consumer, now, propagation);
        served.push(deliverHistory(key, stream, consumer, after, request.count, now));
      } else if (lastEntry && compareIds(lastEntry.id, group.lastId) > 0) {
        const consumer = consumerFor(ctx, key, group, request.group.consumer, now, propagation);
        served.push(
          deliverNew(key, stream, group, consumer, request.count, request.noAck, now, propagation),
        );
      }
    } else if (lastEntry && compareIds(lastEntry.id, after!) > 0) {
      const entries = stream.range(incrementId(after!)!, MAX_ID, false, request.count);
      served.push({ key, rows: entries.map((entry) => ({ id: entry.id, entry })) });
    }
  });
  if (request.group) {
    ctx.propagate(propagation);
    if (served.length > 0) ctx.addDirty(1);
  }
  if (served.length > 0) {
    replyServed(ctx, served);
    return;
  }
  if (request.timeoutMs === -1) {
    ctx.reply.nullArray();
    return;
  }
  blockRead(ctx, request);
}

/** Waits for new entries on any of the keys (the group's `>` read, or after the given IDs). */
function blockRead(ctx: CommandContext, request: ReadRequest): void {
  const count = request.count || BLOCKED_DEFAULT_COUNT;
  ctx.block({
    keys: request.keys,
    keyType: 'stream',
    timeoutMs: request.timeoutMs,
    serve(served, key) {
      const entry = served.db.peek(key);
      if (entry?.type !== 'stream') return false;
      const value = entry.value as Stream;
      const now = Date.now();
      if (request.group) {
        const group = value.groups.get(request.group.name);
        if (!group) {
          served.reply.error(
            'NOGROUP the consumer group this client was blocked on no longer exists',
          );
          return true;
        }
        if (compareIds(value.lastId, group.lastId) <= 0) return false;
        const propagation: string[][] = [];
        const consumer = consumerFor(served, key, group, request.group.consumer, now, propagation);
        const rows = deliverNew(
          key,
          value,
          group,
          consumer,
          count,
          request.noAck,
          now,
          propagation,
        );
        replyServed(served, [rows]);
        served.propagate(propagation);
        served.addDirty(1);
        return true;
      }
      const after = request.after[request.keys.indexOf(key)]!;
      if (compareIds(value.lastId, after) <= 0) return false;
      const start = incrementId(after);
      const entries = start ? value.range(start, MAX_ID, false, count) : [];
      replyServed(served, [{ key, rows: entries.map((entry) => ({ id: entry.id, entry })) }]);
      return true;
    },
  });
}

function keysAfterStreams(argv: readonly string[]): number[] {
  const at = streamsIndex(argv);
  if (at < 0) return [];
  const n = Math.floor((argv.length - at) / 2);
  return Array.from({ length: n }, (_, i) => at + i);
}

export const xread = defineCommand({
  name: 'xread',
  arity: -4,
  flags: ['readonly', 'blocking', 'movablekeys'],
  keys: [0, 0, 0],
  group: 'stream',
  summary:
    'Return never seen elements in multiple streams, with IDs greater than the ones reported by the caller for each stream. Can block.',
  since: '5.0.0',
  getKeys: keysAfterStreams,
  handler(ctx) {
    runRead(ctx, false);
  },
});

export const xreadgroup = defineCommand({
  name: 'xreadgroup',
  arity: -7,
  flags: ['write', 'blocking', 'movablekeys'],
  keys: [0, 0, 0],
  group: 'stream',
  summary:
    'Return new entries from a stream using a consumer group, or access the history of the pending entries for a given consumer. Can block.',
  since: '5.0.0',
  getKeys: keysAfterStreams,
  handler(ctx) {
    runRead(ctx, true);
  },
});
