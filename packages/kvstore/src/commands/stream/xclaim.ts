import { CommandError, wrongType } from '../../command-error.js';
import {
  type Consumer,
  type ConsumerGroup,
  MAX_ID,
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
  consumerFor,
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
function transfer(pending: PendingEntry, consumer: Consumer): void {
  if (pending.consumer === consumer) return;
  pending.consumer.pending.delete(pending.id);
  pending.consumer = consumer;
  consumer.pending.set(pending.id, pending);
}

/**
 * The bookkeeping XCLAIM and XAUTOCLAIM share: entries move to one consumer (created on first
 * use), deleted entries leave the PEL, and every change is recorded for propagation.
 */
class Claim {
  readonly claimed: StreamId[] = [];
  readonly propagation: string[][] = [];
  private consumer: Consumer | undefined;

  constructor(
    private readonly ctx: CommandContext,
    private readonly key: string,
    private readonly group: ConsumerGroup,
    private readonly consumerName: string,
    private readonly now: number,
  ) {}

  /** Forgets a PEL entry whose stream entry no longer exists. */
  dropDeleted(id: StreamId): void {
    this.group.ack(id);
    this.propagation.push(['XACK', this.key, this.group.name, formatId(id)]);
  }

  /** Gives `pending` (a new PEL entry when undefined: FORCE) to the claiming consumer. */
  take(
    id: StreamId,
    pending: PendingEntry | undefined,
    deliveryTime: number,
    retryCount: number,
    justId: boolean,
  ): void {
    this.consumer ??= consumerFor(
      this.ctx,
      this.key,
      this.group,
      this.consumerName,
      this.now,
      this.propagation,
    );
    if (pending) transfer(pending, this.consumer);
    else pending = this.group.deliver(id, this.consumer, this.now, true);
    pending.deliveryTime = deliveryTime;
    if (retryCount >= 0) pending.deliveryCount = retryCount;
    else if (!justId) pending.deliveryCount++;
    this.claimed.push(id);
    this.propagation.push(
      claimPropagation(
        this.key,
        this.group,
        this.consumerName,
        id,
        deliveryTime,
        pending.deliveryCount,
      ),
    );
  }

  replyClaimed(stream: Stream, justId: boolean): void {
    this.ctx.reply.arrayHeader(this.claimed.length);
    for (const id of this.claimed) replyClaimed(this.ctx, stream, id, justId);
  }

  propagate(): void {
    this.ctx.propagate(this.propagation);
    if (this.propagation.length) this.ctx.addDirty(this.propagation.length);
  }
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
    const claim = new Claim(ctx, key, group, argv[3], now);
    if (compareIds(lastId, group.lastId) > 0) {
      group.lastId = lastId;
      claim.propagation.push(setIdPropagation(key, group));
    }
    // A delivery time in the future or negative is taken as now rather than refused.
    if (deliveryTime < 0 || deliveryTime > now) deliveryTime = now;
    for (const id of ids) {
      const pending = group.pending.get(id);
      if (!stream.get(id)) {
        if (pending) claim.dropDeleted(id);
        continue;
      }
      if (!pending && !force) continue;
      if (pending && minIdle && now - pending.deliveryTime < minIdle) continue;
      claim.take(id, pending, deliveryTime, retryCount, justId);
    }
    claim.replyClaimed(stream, justId);
    claim.propagate();
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
    const claim = new Claim(ctx, key, group, argv[3], now);
    const deleted: StreamId[] = [];
    // Snapshot the candidate IDs: the PEL changes while we claim.
    const candidates = [...group.pending.range(start, MAX_ID)];
    let next = 0;
    while (attempts-- > 0 && count > 0 && next < candidates.length) {
      const [id, pending] = candidates[next++];
      if (!stream.get(id)) {
        claim.dropDeleted(id);
        deleted.push(id);
        count--;
        continue;
      }
      if (minIdle && now - pending.deliveryTime < minIdle) continue;
      claim.take(id, pending, now, -1, justId);
      count--;
    }
    reply.arrayHeader(3);
    const cursor = candidates[next]?.[0];
    reply.bulk(cursor ? formatId(cursor) : '0-0');
    claim.replyClaimed(stream, justId);
    reply.arrayHeader(deleted.length);
    for (const id of deleted) replyId(reply, id);
    claim.propagate();
  },
});
