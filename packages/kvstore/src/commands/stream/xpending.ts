import { wrongType } from '../../command-error.js';
import { type PendingEntry, compareIds } from '../../structures/stream.js';
import { isKeyword, parseInteger, syntaxError } from '../args.js';
import { defineCommand } from '../define.js';
import {
  byName,
  parseRangeEnd,
  parseRangeStart,
  parseStrictId,
  readStream,
  replyId,
  requireGroup,
} from './shared.js';

export const xack = defineCommand({
  name: 'xack',
  arity: -4,
  flags: ['write', 'fast'],
  keys: [1, 1, 1],
  group: 'stream',
  summary:
    'Marks a pending message as correctly processed, effectively removing it from the pending entries list of the consumer group. Return value of the command is the number of messages successfully acknowledged, that is, the IDs we were actually able to resolve in the PEL.',
  since: '5.0.0',
  handler(ctx) {
    const { argv } = ctx;
    const group = readStream(ctx, argv[1])?.groups.get(argv[2]);
    if (!group) {
      ctx.reply.integer(0);
      return;
    }
    const ids = argv.slice(3).map(parseStrictId);
    let acknowledged = 0;
    for (const id of ids) if (group.ack(id)) acknowledged++;
    if (acknowledged) ctx.addDirty(acknowledged);
    ctx.reply.integer(acknowledged);
  },
});

export const xpending = defineCommand({
  name: 'xpending',
  arity: -3,
  flags: ['readonly'],
  keys: [1, 1, 1],
  group: 'stream',
  summary:
    'Return information and entries from a stream consumer group pending entries list, that are messages fetched but never acknowledged.',
  since: '5.0.0',
  handler(ctx) {
    const { argv, reply } = ctx;
    const summary = argv.length === 3;
    if (!summary && (argv.length < 6 || argv.length > 9)) throw syntaxError();
    // The range arguments are checked before the key, as Redis does.
    let minIdle = 0;
    let at = 3;
    let count = 0;
    let start = { ms: 0n, seq: 0n };
    let end = start;
    let consumerName: string | undefined;
    if (!summary) {
      if (isKeyword(argv[3], 'IDLE')) {
        minIdle = parseInteger(argv[4]);
        if (argv.length < 8) throw syntaxError();
        at += 2;
      }
      count = Math.max(parseInteger(argv[at + 2]), 0);
      start = parseRangeStart(argv[at]);
      end = parseRangeEnd(argv[at + 1]);
      consumerName = argv[at + 3];
    }
    const entry = ctx.db.lookupRead(argv[1]);
    if (entry && entry.type !== 'stream') throw wrongType();
    const { group } = requireGroup(ctx, argv[1], argv[2]);
    if (summary) {
      reply.arrayHeader(4);
      reply.integer(group.pending.size);
      const first = group.pending.first();
      const last = group.pending.last();
      if (!first || !last) {
        reply.null();
        reply.null();
        reply.nullArray();
        return;
      }
      replyId(reply, first[0]);
      replyId(reply, last[0]);
      const consumers = byName(group.consumers.values()).filter((c) => c.pending.size > 0);
      reply.arrayHeader(consumers.length);
      for (const consumer of consumers) {
        reply.arrayHeader(2);
        reply.bulk(consumer.name);
        reply.bulk(String(consumer.pending.size));
      }
      return;
    }
    let pel = group.pending;
    if (consumerName !== undefined) {
      const consumer = group.consumers.get(consumerName);
      if (!consumer) {
        reply.arrayHeader(0);
        return;
      }
      pel = consumer.pending;
    }
    const now = Date.now();
    const rows: PendingEntry[] = [];
    if (compareIds(start, end) <= 0) {
      for (const [, pending] of pel.range(start, end)) {
        if (rows.length >= count) break;
        if (minIdle && now - pending.deliveryTime < minIdle) continue;
        rows.push(pending);
      }
    }
    reply.arrayHeader(rows.length);
    for (const pending of rows) {
      reply.arrayHeader(4);
      replyId(reply, pending.id);
      reply.bulk(pending.consumer.name);
      reply.integer(Math.max(now - pending.deliveryTime, 0));
      reply.integer(pending.deliveryCount);
    }
  },
});
