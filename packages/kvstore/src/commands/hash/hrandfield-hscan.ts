import { globMatch } from '../../glob.js';
import { scanBatch } from '../../keyspace/scan-dict.js';
import { isKeyword, parseScanCursor, parseScanOptions, syntaxError } from '../args.js';
import { defineCommand } from '../define.js';
import { readHash } from './hash-value.js';
import { ensureReplyFits, parseRandomCount } from '../reply-budget.js';
import { randomSample } from '../set/random-sample.js';

export const hrandfield = defineCommand({
  name: 'hrandfield',
  arity: -2,
  flags: ['readonly'],
  keys: [1, 1, 1],
  group: 'hash',
  summary: 'Get one or multiple random fields from a hash',
  since: '6.2.0',
  handler(ctx) {
    const { argv, reply } = ctx;
    const count = argv.length >= 3 ? parseRandomCount(argv[2]!, false) : undefined;
    if (argv.length > 4) throw syntaxError();
    const withValues = argv.length === 4;
    if (withValues && !isKeyword(argv[3], 'WITHVALUES')) throw syntaxError();
    if (withValues) parseRandomCount(argv[2]!, true);
    const hash = readHash(ctx, argv[1]!);
    if (count === undefined) {
      reply.bulk(hash ? hash.fields.randomKey()! : null);
      return;
    }
    if (!hash || count === 0) {
      reply.arrayHeader(0);
      return;
    }
    if (count < 0) ensureReplyFits(ctx, -count, withValues ? 2 : 1);
    const fields = randomSample(hash.fields, count, () => [...hash.fields.keys()]);
    if (!withValues) {
      reply.bulkArray(fields);
      return;
    }
    if (reply.resp === 3) {
      reply.arrayHeader(fields.length);
      for (const field of fields) {
        reply.arrayHeader(2);
        reply.bulk(field);
        reply.bulk(hash.get(field)!);
      }
    } else {
      reply.arrayHeader(fields.length * 2);
      for (const field of fields) {
        reply.bulk(field);
        reply.bulk(hash.get(field)!);
      }
    }
  },
});

export const hscan = defineCommand({
  name: 'hscan',
  arity: -3,
  flags: ['readonly'],
  keys: [1, 1, 1],
  group: 'hash',
  summary: 'Incrementally iterate hash fields and associated values',
  since: '2.8.0',
  handler(ctx) {
    // Redis checks the cursor, then the key, and only then the options.
    const start = parseScanCursor(ctx.argv[2]!);
    const hash = readHash(ctx, ctx.argv[1]!);
    let cursor = 0;
    const out: string[] = [];
    if (hash) {
      const { match, count } = parseScanOptions(ctx.argv, 3, false);
      let fields: string[];
      // A small hash is one listpack in Redis: returned whole, cursor 0.
      if (hash.encoding() === 'listpack') fields = [...hash.fields.keys()];
      else ({ cursor, keys: fields } = scanBatch(hash.fields, start, count));
      for (const field of fields) {
        if (match !== undefined && !globMatch(match, field)) continue;
        const value = hash.get(field);
        if (value !== undefined) out.push(field, value);
      }
    }
    ctx.reply.arrayHeader(2);
    ctx.reply.bulk(String(cursor));
    ctx.reply.bulkArray(out);
  },
});
