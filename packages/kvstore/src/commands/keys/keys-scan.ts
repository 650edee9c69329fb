import { globMatch } from '../../glob.js';
import { scanBatch } from '../../keyspace/scan-dict.js';
import { parseScanCursor, parseScanOptions } from '../args.js';
import { defineCommand } from '../define.js';

export const keys = defineCommand({
  name: 'keys',
  arity: 2,
  flags: ['readonly'],
  group: 'generic',
  summary: 'Find all keys matching the given pattern',
  since: '1.0.0',
  categories: ['@dangerous'],
  handler(ctx) {
    const pattern = ctx.argv[1]!;
    const all = pattern === '*';
    const out: string[] = [];
    const now = Date.now();
    for (const [key, entry] of ctx.db.dict) {
      if (entry.expiresAt !== 0 && entry.expiresAt <= now) continue;
      if (all || globMatch(pattern, key)) out.push(key);
    }
    ctx.reply.bulkArray(out);
  },
});

export const scan = defineCommand({
  name: 'scan',
  arity: -2,
  flags: ['readonly'],
  group: 'generic',
  summary: 'Incrementally iterate the keys space',
  since: '2.8.0',
  handler(ctx) {
    const start = parseScanCursor(ctx.argv[1]!);
    const options = parseScanOptions(ctx.argv, 2, true);
    const { db } = ctx;
    const batch = scanBatch(db.dict, start, options.count);
    const out: string[] = [];
    for (const key of batch.keys) {
      const entry = db.dict.get(key);
      if (!entry) continue;
      if (options.match !== undefined && !globMatch(options.match, key)) continue;
      if (options.type !== undefined && entry.type !== options.type) continue;
      if (entry.expiresAt !== 0 && db.expireIfNeeded(entry)) continue;
      out.push(key);
    }
    ctx.reply.arrayHeader(2);
    ctx.reply.bulk(String(batch.cursor));
    ctx.reply.bulkArray(out);
  },
});

export const randomkey = defineCommand({
  name: 'randomkey',
  arity: 1,
  flags: ['readonly'],
  group: 'generic',
  summary: 'Return a random key from the keyspace',
  since: '1.0.0',
  handler(ctx) {
    ctx.reply.bulk(ctx.db.randomKey() ?? null);
  },
});
