import { globMatch } from '../../glob.js';
import { formatDouble } from '../../protocol/numbers.js';
import { parseScanCursor, parseScanOptions } from '../args.js';
import { defineCommand } from '../define.js';
import { readZset } from './shared.js';

export const zscan = defineCommand({
  name: 'zscan',
  arity: -3,
  flags: ['readonly'],
  keys: [1, 1, 1],
  group: 'sorted_set',
  summary: 'Incrementally iterate sorted sets elements and associated scores',
  since: '2.8.0',
  handler(ctx) {
    const { argv, reply } = ctx;
    // Redis checks the cursor, then the key, and only then the options.
    const start = parseScanCursor(argv[2]!);
    const zset = readZset(ctx, argv[1]!);
    const options = zset ? parseScanOptions(argv, 3, false) : undefined;
    const visited: [string, number][] = [];
    let cursor = 0;
    if (zset?.isCompact) {
      // A listpack-encoded set is returned whole in one call, in order.
      for (const { member, score } of zset.entries()) visited.push([member, score]);
    } else if (zset && options && start !== undefined) {
      // Like dictScan's loop: stop once COUNT items (members and scores) were collected.
      cursor = start;
      let iterations = options.count * 10;
      do {
        cursor = zset.scan(cursor, (member, score) => visited.push([member, score]));
      } while (cursor !== 0 && iterations-- > 0 && visited.length * 2 < options.count);
    }
    // Listpacks keep integral scores (up to 2^62) as integers, and ZSCAN prints them so.
    const compact = zset?.isCompact ?? false;
    const format = (score: number) =>
      compact && Number.isInteger(score) && Math.abs(score) <= 2 ** 62
        ? BigInt(score).toString()
        : formatDouble(score);
    const match = options?.match;
    const found: string[] = [];
    for (const [member, score] of visited) {
      if (match === undefined || globMatch(match, member)) found.push(member, format(score));
    }
    reply.arrayHeader(2);
    reply.bulk(String(cursor));
    reply.bulkArray(found);
  },
});
