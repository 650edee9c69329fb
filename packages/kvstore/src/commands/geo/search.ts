import { CommandError } from '../../command-error.js';
import {
  cellScoreRange,
  decodeScore,
  distanceIfInside,
  type Point,
  type Shape,
  type ShapeSize,
  searchCells,
} from '../../structures/geohash.js';
import type { SortedSet } from '../../structures/sorted-set.js';
import { isKeyword, parseInteger, syntaxError } from '../args.js';
import { defineCommand } from '../define.js';
import type { CommandContext } from '../types.js';
import { newZset, readZset, storeResult } from '../zset/shared.js';
import { parseBox, parsePosition, parseRadius, replyDistance, replyPoint } from './shared.js';

/**
 * GEORADIUS, GEORADIUSBYMEMBER (and their _RO forms), GEOSEARCH and GEOSEARCHSTORE: one search
 * with Redis's argument rules, error precedence and result order.
 */

interface Variant {
  /** Where the center and size come from: fixed positions (GEORADIUS*) or GEOSEARCH's options. */
  readonly from: 'lonlat' | 'member' | 'options';
  /** GEORADIUS and GEORADIUSBYMEMBER take STORE / STOREDIST key options. */
  readonly storeOption: boolean;
  /** GEOSEARCHSTORE: the destination is argv[1], the source argv[2]. */
  readonly storeFirst: boolean;
}

interface Found {
  member: string;
  score: number;
  /** Distance from the center, in the query's unit. */
  dist: number;
  point: Point;
}

const DECODE_FAILED = 'ERR could not decode requested zset member';

function memberPosition(zset: SortedSet, member: string): Point {
  const score = zset.score(member);
  if (score === undefined) throw new CommandError(DECODE_FAILED);
  return decodeScore(score);
}

/** Members inside the shape, cell by cell; stops after `limit` matches when limit > 0 (ANY). */
function membersInShape(zset: SortedSet, shape: Shape, limit: number): Found[] {
  const found: Found[] = [];
  for (const cell of searchCells(shape)) {
    if (limit > 0 && found.length >= limit) break;
    const { min, max } = cellScoreRange(cell);
    const range = { min, max, minExclusive: false, maxExclusive: true };
    for (const { member, score } of zset.rangeByScore(range)) {
      const point = decodeScore(score);
      const metres = distanceIfInside(shape, point);
      if (metres !== undefined) found.push({ member, score, dist: metres / shape.unit, point });
      if (limit > 0 && found.length >= limit) break;
    }
  }
  return found;
}

function search(ctx: CommandContext, variant: Variant): void {
  const { argv, reply } = ctx;
  const zset = readZset(ctx, argv[variant.storeFirst ? 2 : 1]!);
  let center: Point | undefined;
  let size: ShapeSize | undefined;
  let first: number;
  let storeKey = variant.storeFirst ? argv[1] : undefined;
  if (variant.from === 'lonlat') {
    first = 6;
    center = parsePosition(argv, 2);
    const { radius, unit } = parseRadius(argv, 4);
    size = { kind: 'radius', radius, unit };
  } else if (variant.from === 'member') {
    first = 5;
    // Without a source key the radius is not even parsed: the options only choose the reply.
    if (zset) {
      center = memberPosition(zset, argv[2]!);
      const { radius, unit } = parseRadius(argv, 3);
      size = { kind: 'radius', radius, unit };
    }
  } else {
    first = variant.storeFirst ? 3 : 2;
  }

  const isSearch = variant.from === 'options';
  let withDist = false;
  let withHash = false;
  let withCoord = false;
  let any = false;
  let sort: 'none' | 'asc' | 'desc' = 'none';
  let count = 0;
  let storeDist = false;
  let fromMember = false;
  let fromLonLat = false;
  let byRadius = false;
  let byBox = false;
  for (let i = first; i < argv.length; i++) {
    const option = argv[i]!.toLowerCase();
    const left = argv.length - 1 - i;
    if (option === 'withdist') withDist = true;
    else if (option === 'withhash') withHash = true;
    else if (option === 'withcoord') withCoord = true;
    else if (option === 'any') any = true;
    else if (option === 'asc') sort = 'asc';
    else if (option === 'desc') sort = 'desc';
    else if (option === 'count' && left >= 1) {
      count = parseInteger(argv[++i]!);
      if (count <= 0) throw new CommandError('ERR COUNT must be > 0');
    } else if ((option === 'store' || option === 'storedist') && left >= 1 && variant.storeOption) {
      storeKey = argv[++i];
      storeDist = option === 'storedist';
    } else if (option === 'storedist' && variant.storeFirst) {
      storeDist = true;
    } else if (option === 'frommember' && left >= 1 && isSearch && !fromLonLat) {
      const member = argv[++i]!;
      if (zset) center = memberPosition(zset, member);
      fromMember = true;
    } else if (option === 'fromlonlat' && left >= 2 && isSearch && !fromMember) {
      center = parsePosition(argv, i + 1);
      fromLonLat = true;
      i += 2;
    } else if (option === 'byradius' && left >= 2 && isSearch && !byBox) {
      const { radius, unit } = parseRadius(argv, i + 1);
      size = { kind: 'radius', radius, unit };
      byRadius = true;
      i += 2;
    } else if (option === 'bybox' && left >= 3 && isSearch && !byRadius) {
      const { width, height, unit } = parseBox(argv, i + 1);
      size = { kind: 'box', width, height, unit };
      byBox = true;
      i += 3;
    } else {
      throw syntaxError();
    }
  }

  if (storeKey !== undefined && (withDist || withHash || withCoord)) {
    const what = variant.storeFirst ? 'GEOSEARCHSTORE' : 'STORE option in GEORADIUS';
    throw new CommandError(
      `ERR ${what} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`,
    );
  }
  if (isSearch && !fromMember && !fromLonLat) {
    throw new CommandError(
      `ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${argv[0]}`,
    );
  }
  if (isSearch && !byRadius && !byBox) {
    throw new CommandError(`ERR exactly one of BYRADIUS and BYBOX can be specified for ${argv[0]}`);
  }
  if (any && count === 0) throw new CommandError('ERR the ANY argument requires COUNT argument');

  const event = isSearch ? 'geosearchstore' : 'georadiusstore';
  if (!zset || !center || !size) {
    if (storeKey === undefined) reply.arrayHeader(0);
    else storeResult(ctx, storeKey, newZset(ctx), event);
    return;
  }
  // The nearest `count` members are wanted unless ANY says any `count` will do.
  if (count > 0 && sort === 'none' && !any) sort = 'asc';

  const found = membersInShape(zset, { center, ...size }, any ? count : 0);
  if (sort === 'asc') found.sort((a, b) => a.dist - b.dist);
  else if (sort === 'desc') found.sort((a, b) => b.dist - a.dist);
  const returned = count > 0 && count < found.length ? found.slice(0, count) : found;

  if (storeKey !== undefined) {
    const result = newZset(ctx);
    for (const { member, score, dist } of returned) result.set(member, storeDist ? dist : score);
    storeResult(ctx, storeKey, result, event, returned.length);
    return;
  }
  const extras = Number(withDist) + Number(withHash) + Number(withCoord);
  reply.arrayHeader(returned.length);
  for (const { member, score, dist, point } of returned) {
    if (extras > 0) reply.arrayHeader(extras + 1);
    reply.bulk(member);
    if (withDist) replyDistance(reply, dist);
    // The score as C's long long conversion gives it (a non-geohash score may have a fraction).
    if (withHash) reply.integer(Math.trunc(score));
    if (withCoord) replyPoint(reply, point);
  }
}

/**
 * Key positions of GEORADIUS / GEORADIUSBYMEMBER: the source, then the key after the first STORE
 * and after the first STOREDIST at or past the options (as COMMAND GETKEYS reports them).
 */
function storeKeyPositions(firstOption: number) {
  return (argv: readonly string[]): number[] => {
    const keys = [1];
    for (const keyword of ['STORE', 'STOREDIST']) {
      for (let i = firstOption; i < argv.length; i++) {
        if (!isKeyword(argv[i]!, keyword)) continue;
        if (i + 1 < argv.length) keys.push(i + 1);
        break;
      }
    }
    return keys;
  };
}

const RADIUS_COMPLEXITY =
  'O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.';
const SEARCH_COMPLEXITY =
  'O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape';
const FROM_POINT =
  'Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a point';
const FROM_MEMBER =
  'Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a member';
const IN_AREA =
  'Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle';

const LONLAT: Variant = { from: 'lonlat', storeOption: true, storeFirst: false };
const LONLAT_RO: Variant = { from: 'lonlat', storeOption: false, storeFirst: false };
const MEMBER: Variant = { from: 'member', storeOption: true, storeFirst: false };
const MEMBER_RO: Variant = { from: 'member', storeOption: false, storeFirst: false };
const OPTIONS: Variant = { from: 'options', storeOption: false, storeFirst: false };
const OPTIONS_STORE: Variant = { from: 'options', storeOption: false, storeFirst: true };

export const georadius = defineCommand({
  name: 'georadius',
  arity: -6,
  flags: ['write', 'denyoom', 'movablekeys'],
  keys: [1, 1, 1],
  getKeys: storeKeyPositions(6),
  group: 'geo',
  summary: FROM_POINT,
  since: '3.2.0',
  complexity: RADIUS_COMPLEXITY,
  handler: (ctx) => search(ctx, LONLAT),
});

export const georadiusRo = defineCommand({
  name: 'georadius_ro',
  arity: -6,
  flags: ['readonly'],
  keys: [1, 1, 1],
  group: 'geo',
  summary: 'A read-only variant for GEORADIUS',
  since: '3.2.10',
  complexity: RADIUS_COMPLEXITY,
  handler: (ctx) => search(ctx, LONLAT_RO),
});

export const georadiusbymember = defineCommand({
  name: 'georadiusbymember',
  arity: -5,
  flags: ['write', 'denyoom', 'movablekeys'],
  keys: [1, 1, 1],
  getKeys: storeKeyPositions(5),
  group: 'geo',
  summary: FROM_MEMBER,
  since: '3.2.0',
  complexity: RADIUS_COMPLEXITY,
  handler: (ctx) => search(ctx, MEMBER),
});

export const georadiusbymemberRo = defineCommand({
  name: 'georadiusbymember_ro',
  arity: -5,
  flags: ['readonly'],
  keys: [1, 1, 1],
  group: 'geo',
  summary: 'A read-only variant for GEORADIUSBYMEMBER',
  since: '3.2.10',
  complexity: RADIUS_COMPLEXITY,
  handler: (ctx) => search(ctx, MEMBER_RO),
});

export const geosearch = defineCommand({
  name: 'geosearch',
  arity: -7,
  flags: ['readonly'],
  keys: [1, 1, 1],
  group: 'geo',
  summary: `${IN_AREA}.`,
  since: '6.2.0',
  complexity: SEARCH_COMPLEXITY,
  handler: (ctx) => search(ctx, OPTIONS),
});

export const geosearchstore = defineCommand({
  name: 'geosearchstore',
  arity: -8,
  flags: ['write', 'denyoom'],
  keys: [1, 2, 1],
  group: 'geo',
  summary: `${IN_AREA}, and store the result in another key.`,
  since: '6.2.0',
  complexity: SEARCH_COMPLEXITY,
  handler: (ctx) => search(ctx, OPTIONS_STORE),
});
