import { CommandError, wrongType } from '../../command-error.js';
import {
  type Consumer,
  type ConsumerGroup,
  type PendingEntry,
  type Stream,
  type StreamId,
  compareIds,
  formatId,
} from '../../structures/stream.js';
import { isKeyword, parseInteger, syntaxError } from '../args.js';
import { defineCommand } from '../define.js';
import type { CommandContext } from '../types.js';
import {
  claimPropagation,
  parseId,
  parseRangeStart,
  parseStrictId,
  replyEntry,
  replyId,
  requireGroup,
  setIdPropagation,
} from './shared.js';

/** Replies a claimed entry: its ID (JUSTID), the entry, or null when it was deleted meanwhile. */
function replyClaimed(ctx: CommandContext, stream: Stream, id: StreamId, justId: boolean): void {
  if (justId) {
    replyId(ctx.reply, id);
    return;
  }
  const entry = stream.get(id);
  if (entry) replyEntry(ctx.reply, entry);
  else ctx.reply.null();
}

/** Moves a pending entry to `consumer`. */
function transfer(group: ConsumerGroup, pending: PendingEntry, consumer: Consumer): void {
  if (pending.consumer === consumer) return;
  pending.consumer.pending.delete(pending.id);
  pending.consumer = consumer;
  consumer.pending.set(pending.id, pending);
  group.pending.set(pending.id, pending);
}

/** Drops a PEL entry whose stream entry no longer exists. */
function dropDeleted(group: ConsumerGroup, id: StreamId): void {
  group.ack(id);
}

function lookupForClaim(ctx: CommandContext): { stream: Stream; group: ConsumerGroup } {
  const entry = ctx.db.lookupRead(ctx.argv[1]);
  if (entry && entry.type !== 'stream') throw wrongType();
  return requireGroup(ctx, ctx.argv[1], ctx.argv[2]);
}

export const xclaim = defineCommand({
  name: 'xclaim',
  arity: -6,
  flags: ['write', 'fast'],
  keys: [1, 1, 1],
  group: 'stream',
  summary:
    'Changes (or acquires) ownership of a message in a consumer group, as if the message was delivered to the specified consumer.',
  since: '5.0.0',
  handler(ctx) {
    const { argv } = ctx;
    const key = argv[1];
    const { stream, group } = lookupForClaim(ctx);
    const minIdle = Math.max(
      parseInteger(argv[4], 'ERR Invalid min-idle-time argument for XCLAIM'),
      0,
    );
    // IDs run until the first argument that is not one; options follow.
    const ids: StreamId[] = [];
    let j = 5;
    for (; j < argv.length; j++) {
      try {
        ids.push(parseId(argv[j], { strict: true }).id);
      } catch {
        break;
      }
    }
    const now = Date.now();
    let deliveryTime = -1;
    let retryCount = -1;
    let force = false;
    let justId = false;
    let lastId: StreamId = { ms: 0n, seq: 0n };
    for (; j < argv.length; j++) {
      const more = argv.length - 1 - j;
      const opt = argv[j];
      if (isKeyword(opt, 'FORCE')) force = true;
      else if (isKeyword(opt, 'JUSTID')) justId = true;
      else if (isKeyword(opt, 'IDLE') && more) {
        deliveryTime = now - parseInteger(argv[++j], 'ERR Invalid IDLE option argument for XCLAIM');
      } else if (isKeyword(opt, 'TIME') && more) {
        deliveryTime = parseInteger(argv[++j], 'ERR Invalid TIME option argument for XCLAIM');
      } else if (isKeyword(opt, 'RETRYCOUNT') && more) {
        retryCount = parseInteger(argv[++j], 'ERR Invalid RETRYCOUNT option argument for XCLAIM');
      } else if (isKeyword(opt, 'LASTID') && more) {
        lastId = parseStrictId(argv[++j]);
      } else {
        throw new CommandError(`ERR Unrecognized XCLAIM option '${opt}'`);
      }
    }
    const propagation: string[][] = [];
    if (compareIds(lastId, group.lastId) > 0) {
      group.lastId = lastId;
      propagation.push(setIdPropagation(key, group));
    }
    // A delivery time in the future or negative is taken as now rather than refused.
    if (deliveryTime < 0 || deliveryTime > now) deliveryTime = now;
    let consumer: Consumer | undefined;
    const claimed: StreamId[] = [];
    for (const id of ids) {
      let pending = group.pending.get(id);
      if (!stream.get(id)) {
        if (pending) {
          dropDeleted(group, id);
          propagation.push(['XACK', key, group.name, formatId(id)]);
        }
        continue;
      }
      let forced = false;
      if (force && !pending) forced = true;
      if (!pending && !forced) continue;
      if (pending && minIdle && now - pending.deliveryTime < minIdle) continue;
      consumer ??= group.consumer(argv[3], now).consumer;
      consumer.seenTime = now;
      if (forced) {
        pending = group.deliver(id, consumer, now, true);
      } else {
        transfer(group, pending!, consumer);
      }
      pending = pending!;
      pending.deliveryTime = deliveryTime;
      if (retryCount >= 0) pending.deliveryCount = retryCount;
      else if (!justId) pending.deliveryCount++;
      claimed.push(id);
      propagation.push(
        claimPropagation(
          key,
          group,
          consumer.name,
          id,
          pending.deliveryTime,
          pending.deliveryCount,
        ),
      );
    }
    ctx.reply.arrayHeader(claimed.length);
    for (const id of claimed) replyClaimed(ctx, stream, id, justId);
    ctx.propagate(propagation);
    if (propagation.length) ctx.addDirty(propagation.length);
  },
});

/** Attempts per requested entry before XAUTOCLAIM stops scanning (Redis's factor). */
const ATTEMPTS_FACTOR = 10;

export const xautoclaim = defineCommand({
  name: 'xautoclaim',
  arity: -6,
  flags: ['write', 'fast'],
  keys: [1, 1, 1],
  group: 'stream',
  summary:
    'Changes (or acquires) ownership of messages in a consumer group, as if the messages were delivered to the specified consumer.',
  since: '6.2.0',
  handler(ctx) {
    const { argv, reply } = ctx;
    const key = argv[1];
    const minIdle = Math.max(
      parseInteger(argv[4], 'ERR Invalid min-idle-time argument for XAUTOCLAIM'),
      0,
    );
    const start = parseRangeStart(argv[5]);
    let count = 100;
    let justId = false;
    for (let j = 6; j < argv.length; j++) {
      const more = argv.length - 1 - j;
      if (isKeyword(argv[j], 'COUNT') && more) {
        count = parseInteger(argv[j + 1], 'ERR COUNT must be > 0');
        if (count < 1 || count > Math.floor(2 ** 63 / 16))
          throw new CommandError('ERR COUNT must be > 0');
        j++;
      } else if (isKeyword(argv[j], 'JUSTID')) {
        justId = true;
      } else {
        throw syntaxError();
      }
    }
    const { stream, group } = lookupForClaim(ctx);
    const now = Date.now();
    let attempts = count * ATTEMPTS_FACTOR;
    let consumer: Consumer | undefined;
    const claimed: StreamId[] = [];
    const deleted: StreamId[] = [];
    const propagation: string[][] = [];
    // Snapshot the candidate IDs: the PEL changes while we claim.
    const candidates = [
      ...group.pending.range(start, { ms: (1n << 64n) - 1n, seq: (1n << 64n) - 1n }),
    ];
    let next = 0;
    while (attempts-- > 0 && count > 0 && next < candidates.length) {
      const [id, pending] = candidates[next++];
      if (!stream.get(id)) {
        dropDeleted(group, id);
        propagation.push(['XACK', key, group.name, formatId(id)]);
        deleted.push(id);
        count--;
        continue;
      }
      if (minIdle && now - pending.deliveryTime < minIdle) continue;
      consumer ??= group.consumer(argv[3], now).consumer;
      consumer.seenTime = now;
      transfer(group, pending, consumer);
      pending.deliveryTime = now;
      if (!justId) pending.deliveryCount++;
      claimed.push(id);
      count--;
      propagation.push(
        claimPropagation(
          key,
          group,
          consumer.name,
          id,
          pending.deliveryTime,
          pending.deliveryCount,
        ),
      );
    }
    reply.arrayHeader(3);
    const cursor = candidates[next]?.[0];
    reply.bulk(cursor ? formatId(cursor) : '0-0');
    reply.arrayHeader(claimed.length);
    for (const id of claimed) replyClaimed(ctx, stream, id, justId);
    reply.arrayHeader(deleted.length);
    for (const id of deleted) replyId(reply, id);
    ctx.propagate(propagation);
    if (propagation.length) ctx.addDirty(propagation.length);
  },
});
