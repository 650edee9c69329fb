import { globMatch } from '../../glob.js';
import { scanBatch } from '../../keyspace/scan-dict.js';
import { parseScanArgs } from '../args.js';
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
    const options = parseScanArgs(ctx.argv, 2, false);
    const set = readSet(ctx, ctx.argv[1]!);
    let cursor = 0;
    let members: string[] = [];
    if (set) {
      // An intset is returned whole with cursor 0, as Redis does for compact encodings.
      if (set.encoding() === 'intset') members = set.ordered();
      else ({ cursor, keys: members } = scanBatch(set.members, options.cursor, options.count));
    }
    const out =
      options.match === undefined ? members : members.filter((m) => globMatch(options.match!, m));
    ctx.reply.arrayHeader(2);
    ctx.reply.bulk(String(cursor));
    ctx.reply.bulkArray(out);
  },
});
