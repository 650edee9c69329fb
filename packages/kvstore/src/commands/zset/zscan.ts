import { CommandError } from '../../command-error.js';
import { globMatch } from '../../glob.js';
import { formatDouble } from '../../protocol/numbers.js';
import { parseScanArgs } from '../args.js';
import { defineCommand } from '../define.js';
import { readZset } from './shared.js';

/**
 * A cursor as Redis reads it with strtoul: an empty string is 0 and a minus sign wraps around,
 * but leading spaces, trailing characters and overflow are errors. Our dict cursors are 32-bit:
 * larger values point past the table (undefined: the scan is over).
 */
function parseCursor(text: string): number | undefined {
  const m = /^([+-]?)([0-9]*)$/.exec(text);
  if (!m || /^[ \t\n\v\f\r]/.test(text) || (m[2] === '' && m[1] !== '')) {
    throw new CommandError('ERR invalid cursor');
  }
  const magnitude = m[2] === '' ? 0n : BigInt(m[2]);
  if (magnitude > 2n ** 64n - 1n) throw new CommandError('ERR invalid cursor');
  const value = m[1] === '-' ? BigInt.asUintN(64, -magnitude) : magnitude;
  return value > 0xffffffffn ? undefined : Number(value);
}

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
    const start = parseCursor(argv[2]);
    const zset = readZset(ctx, argv[1]);
    const options = zset
      ? parseScanArgs([...argv.slice(0, 2), '0', ...argv.slice(3)], 2, false)
      : undefined;
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
