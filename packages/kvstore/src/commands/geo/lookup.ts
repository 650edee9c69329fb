import { decodeScore, distance, standardGeohash } from '../../structures/geohash.js';
import { syntaxError } from '../args.js';
import { defineCommand } from '../define.js';
import type { CommandContext } from '../types.js';
import { readZset } from '../zset/shared.js';
import { parseUnit, replyDistance, replyPoint } from './shared.js';

/** GEOPOS, GEOHASH and GEODIST: per-member lookups of stored positions. */

/** An array with one entry per member named from argv[2] on, from its score (if present). */
function replyPerMember(ctx: CommandContext, entry: (score: number | undefined) => void): void {
  const { argv, reply } = ctx;
  const zset = readZset(ctx, argv[1]!);
  reply.arrayHeader(argv.length - 2);
  for (let i = 2; i < argv.length; i++) entry(zset?.score(argv[i]!));
}

export const geopos = defineCommand({
  name: 'geopos',
  arity: -2,
  flags: ['readonly'],
  keys: [1, 1, 1],
  group: 'geo',
  summary: 'Returns longitude and latitude of members of a geospatial index',
  since: '3.2.0',
  complexity: 'O(N) where N is the number of members requested.',
  handler(ctx) {
    replyPerMember(ctx, (score) => {
      if (score === undefined) ctx.reply.nullArray();
      else replyPoint(ctx.reply, decodeScore(score));
    });
  },
});

export const geohash = defineCommand({
  name: 'geohash',
  arity: -2,
  flags: ['readonly'],
  keys: [1, 1, 1],
  group: 'geo',
  summary: 'Returns members of a geospatial index as standard geohash strings',
  since: '3.2.0',
  complexity:
    'O(log(N)) for each member requested, where N is the number of elements in the sorted set.',
  handler(ctx) {
    replyPerMember(ctx, (score) => {
      ctx.reply.bulk(score === undefined ? null : standardGeohash(score));
    });
  },
});

export const geodist = defineCommand({
  name: 'geodist',
  arity: -4,
  flags: ['readonly'],
  keys: [1, 1, 1],
  group: 'geo',
  summary: 'Returns the distance between two members of a geospatial index',
  since: '3.2.0',
  complexity: 'O(log(N))',
  handler(ctx) {
    const { argv, reply } = ctx;
    if (argv.length > 5) throw syntaxError();
    const unit = argv.length === 5 ? parseUnit(argv[4]!) : 1;
    const zset = readZset(ctx, argv[1]!);
    const a = zset?.score(argv[2]!);
    const b = zset?.score(argv[3]!);
    if (a === undefined || b === undefined) reply.null();
    else replyDistance(reply, distance(decodeScore(a), decodeScore(b)) / unit);
  },
});
