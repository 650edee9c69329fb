import { globMatch } from '../../glob.js';
import { scanBatch } from '../../keyspace/scan-dict.js';
import { parseScanCursor, parseScanOptions } from '../args.js';
import { defineCommand } from '../define.js';
import { readSet } from './set-value.js';

export const sscan = defineCommand({
  name: 'sscan',
  arity: -3,
  flags: ['readonly'],
  keys: [1, 1, 1],
  group: 'set',
  summary: 'Incrementally iterate Set elements',
  since: '2.8.0',
  handler(ctx) {
    // Redis checks the cursor, then the key, and only then the options.
    const start = parseScanCursor(ctx.argv[2]!);
    const set = readSet(ctx, ctx.argv[1]!);
    let cursor = 0;
    let out: string[] = [];
    if (set) {
      const { match, count } = parseScanOptions(ctx.argv, 3, false);
      let members: string[];
      // An intset is returned whole with cursor 0, as Redis does for compact encodings.
      if (set.encoding() === 'intset') members = set.ordered();
      else ({ cursor, keys: members } = scanBatch(set.members, start, count));
      out = match === undefined ? members : members.filter((m) => globMatch(match, m));
    }
    ctx.reply.arrayHeader(2);
    ctx.reply.bulk(String(cursor));
    ctx.reply.bulkArray(out);
  },
});
