import { CommandError } from '../../command-error.js';
import {
  type Consumer,
  type ConsumerGroup,
  Stream,
  type StreamEntry,
  type StreamId,
  UINT64_MAX,
  decrementId,
  formatId,
  incrementId,
} from '../../structures/stream.js';
import type { ReplyWriter } from '../../protocol/reply-writer.js';
import type { CommandContext } from '../types.js';

/** Helpers shared by the stream commands: ID arguments, typed access, entry replies. */

export const INVALID_ID = 'ERR Invalid stream ID specified as stream command argument';

/**
 * Redis's string2ull: a strict non-negative int64, or else what strtoull accepts over the whole
 * string (leading spaces, a sign; a '-' wraps around) without overflowing 64 bits.
 */
function parseUint64(text: string): bigint | undefined {
  if (/^(0|[1-9][0-9]{0,18})$/.test(text)) {
    const n = BigInt(text);
    if (n < 2n ** 63n) return n;
  }
  // string2ll parses negative int64s, which string2ull then refuses.
  if (/^-[1-9][0-9]*$/.test(text) && text.length <= 20 && BigInt(text) >= -(2n ** 63n)) {
    return undefined;
  }
  const m = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)$/.exec(text);
  if (!m) return undefined;
  const magnitude = BigInt(m[2]);
  if (magnitude > UINT64_MAX) return undefined;
  return m[1] === '-' ? BigInt.asUintN(64, -magnitude) : magnitude;
}

export interface ParsedId {
  id: StreamId;
  /** False for the `<ms>-*` form of XADD (the sequence is generated). */
  seqGiven: boolean;
}

/**
 * Parses `<ms>-<seq>`, `<ms>` (sequence `missingSeq`), and unless strict `-` / `+`. With
 * `allowSeqWildcard`, also XADD's `<ms>-*`.
 */
export function parseId(
  text: string,
  options: { strict?: boolean; missingSeq?: bigint; allowSeqWildcard?: boolean } = {},
): ParsedId {
  const fail = () => new CommandError(INVALID_ID);
  if (text.length > 127) throw fail();
  const nul = text.indexOf('\0');
  if (nul >= 0) text = text.slice(0, nul);
  if (text === '-' || text === '+') {
    if (options.strict) throw fail();
    return {
      id: text === '-' ? { ms: 0n, seq: 0n } : { ms: UINT64_MAX, seq: UINT64_MAX },
      seqGiven: true,
    };
  }
  const dash = text.indexOf('-');
  const ms = parseUint64(dash >= 0 ? text.slice(0, dash) : text);
  if (ms === undefined) throw fail();
  if (dash < 0) return { id: { ms, seq: options.missingSeq ?? 0n }, seqGiven: true };
  const seqText = text.slice(dash + 1);
  if (options.allowSeqWildcard && seqText === '*') return { id: { ms, seq: 0n }, seqGiven: false };
  const seq = parseUint64(seqText);
  if (seq === undefined) throw fail();
  return { id: { ms, seq }, seqGiven: true };
}

export function parseStrictId(text: string): StreamId {
  return parseId(text, { strict: true }).id;
}

/**
 * An interval end for XRANGE/XPENDING/XAUTOCLAIM: `(` makes it exclusive (the ID after / before
 * it); missing sequences default to 0 for starts and the maximum for ends.
 */
export function parseRangeStart(text: string): StreamId {
  if (text.length > 1 && text.startsWith('(')) {
    const id = incrementId(parseStrictId(text.slice(1)));
    if (!id) throw new CommandError('ERR invalid start ID for the interval');
    return id;
  }
  return parseId(text).id;
}

export function parseRangeEnd(text: string): StreamId {
  if (text.length > 1 && text.startsWith('(')) {
    const id = decrementId(parseId(text.slice(1), { strict: true, missingSeq: UINT64_MAX }).id);
    if (!id) throw new CommandError('ERR invalid end ID for the interval');
    return id;
  }
  return parseId(text, { missingSeq: UINT64_MAX }).id;
}

export function readStream(ctx: CommandContext, key: string): Stream | undefined {
  return ctx.db.getTyped(key, 'stream') as Stream | undefined;
}

export function writeStream(ctx: CommandContext, key: string): Stream | undefined {
  return ctx.db.getTyped(key, 'stream', true) as Stream | undefined;
}

/** An empty stream with the node limits of the current config. */
export function newStream(ctx: CommandContext): Stream {
  return new Stream({
    nodeMaxEntries: Number(ctx.config('stream-node-max-entries')),
    nodeMaxBytes: Number(ctx.config('stream-node-max-bytes')),
  });
}

export function replyId(reply: ReplyWriter, id: StreamId): void {
  reply.bulk(formatId(id));
}

/** One entry: [id, [field, value, ...]]. */
export function replyEntry(reply: ReplyWriter, entry: StreamEntry): void {
  reply.arrayHeader(2);
  replyId(reply, entry.id);
  reply.bulkArray(entry.fields);
}

export function replyEntries(reply: ReplyWriter, entries: StreamEntry[]): void {
  reply.arrayHeader(entries.length);
  for (const entry of entries) replyEntry(reply, entry);
}

/** XGROUP's and XINFO's error for a group missing from an existing stream. */
export function noSuchGroupError(key: string, groupName: string): CommandError {
  return new CommandError(`NOGROUP No such consumer group '${groupName}' for key name '${key}'`);
}

/** The stream and group, or the NOGROUP error XREADGROUP/XPENDING/XCLAIM use. */
export function requireGroup(
  ctx: CommandContext,
  key: string,
  groupName: string,
  suffix = '',
): { stream: Stream; group: ConsumerGroup } {
  const stream = readStream(ctx, key);
  const group = stream?.groups.get(groupName);
  if (!stream || !group) {
    throw new CommandError(
      `NOGROUP No such key '${key}' or consumer group '${groupName}'${suffix}`,
    );
  }
  return { stream, group };
}

/** Items sorted by name bytewise, as Redis's radix trees list groups and consumers. */
export function byName<T extends { name: string }>(items: Iterable<T>): T[] {
  return [...items].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The commands that recreate a PEL entry on replay (Redis propagates XCLAIM ... FORCE JUSTID). */
export function claimPropagation(
  key: string,
  group: ConsumerGroup,
  consumer: string,
  id: StreamId,
  deliveryTime: number,
  deliveryCount: number,
): string[] {
  return [
    'XCLAIM',
    key,
    group.name,
    consumer,
    '0',
    formatId(id),
    'TIME',
    String(deliveryTime),
    'RETRYCOUNT',
    String(deliveryCount),
    'FORCE',
    'JUSTID',
    'LASTID',
    formatId(group.lastId),
  ];
}

export function setIdPropagation(key: string, group: ConsumerGroup): string[] {
  return [
    'XGROUP',
    'SETID',
    key,
    group.name,
    formatId(group.lastId),
    'ENTRIESREAD',
    String(group.entriesRead),
  ];
}

/**
 * The group's consumer `name`, created when missing (notified as xgroup-createconsumer and
 * propagated, as Redis does when XREADGROUP or XCLAIM meet a new consumer); marked seen now.
 */
export function consumerFor(
  ctx: CommandContext,
  key: string,
  group: ConsumerGroup,
  name: string,
  now: number,
  propagation: string[][],
): Consumer {
  const { consumer, created } = group.consumer(name, now);
  if (created) {
    ctx.notify('stream', 'xgroup-createconsumer', key);
    propagation.push(['XGROUP', 'CREATECONSUMER', key, group.name, name]);
  }
  consumer.seenTime = now;
  return consumer;
}
