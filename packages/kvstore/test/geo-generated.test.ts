import t from 'tap';
import { type Pair, type Reply, redisServerPath, show, startPair } from './fixtures/diff-client.js';
import { Random } from './fixtures/random.js';

/**
 * Seeded random GEO traffic compared with redis-server: members all over the globe with extra
 * weight on the latitude limits (+-85.05112878), the antimeridian and a few dense clusters;
 * searches with random centers, radii, boxes, units and options; stores read back with ZRANGE.
 */
const LAT_LIMIT = 85.05112878;
const CLUSTERS = [
  [13.36, 38.11],
  [179.9, 0.5],
  [-179.95, -10],
  [2.35, 84.9],
  [-70, -84.95],
  [0, 0],
];
const UNITS = ['m', 'km', 'ft', 'mi', 'KM'];
const METRES: Record<string, number> = { m: 1, km: 1000, ft: 0.3048, mi: 1609.34 };

function coordinate(random: Random, value: number): string {
  return value.toFixed(random.int(0, 9));
}

/** A position, as the two argument strings (one draw in ten is out of range or near it). */
function position(random: Random): [string, string] {
  let lon: number;
  let lat: number;
  switch (random.int(0, 9)) {
    case 0:
      // Exactly on a limit; the other coordinate random, so that no two members share a
      // position (equal distances make COUNT's choice among ties unspecified).
      if (random.chance(0.5))
        return [String(random.pick([-180, 180])), coordinate(random, random.next() * 170 - 85)];
      return [
        coordinate(random, random.next() * 360 - 180),
        String(random.pick([-LAT_LIMIT, LAT_LIMIT])),
      ];
    case 1:
      lon = (180 - random.next() * 0.5) * random.pick([-1, 1]);
      lat = random.next() * 170 - 85;
      break;
    case 2:
      lon = random.next() * 360 - 180;
      lat = (LAT_LIMIT - random.next() * 0.5) * random.pick([-1, 1]);
      break;
    case 3:
    case 4:
    case 5: {
      const [cLon, cLat] = random.pick(CLUSTERS);
      lon = Math.max(-180, Math.min(180, cLon! + (random.next() - 0.5) * 2));
      lat = Math.max(-LAT_LIMIT, Math.min(LAT_LIMIT, cLat! + (random.next() - 0.5)));
      break;
    }
    case 6:
      // Out of range: the error names both values.
      return [String(random.int(-200, 200)), random.pick(['85.06', '-90', '0'])];
    default:
      lon = random.next() * 360 - 180;
      lat = random.next() * 2 * LAT_LIMIT - LAT_LIMIT;
  }
  return [coordinate(random, lon), coordinate(random, Math.max(-85.05, Math.min(85.05, lat)))];
}

/** A length in a random unit: mostly 1 m .. 5000 km, sometimes 0 or the whole planet. */
function length(random: Random): [string, string] {
  const unit = random.pick(UNITS);
  const metres = random.chance(0.05) ? random.pick([0, 2e7, 4e7]) : 10 ** (random.next() * 6.7);
  return [
    String(Number((metres / METRES[unit.toLowerCase()]!).toPrecision(random.int(1, 6)))),
    unit,
  ];
}

const member = (random: Random) => `m${random.int(0, 39)}`;
const key = (random: Random) => random.pick(['g1', 'g1', 'g1', 'g2']);

function options(random: Random, store: boolean): string[] {
  const out: string[] = [];
  if (!store) {
    for (const word of ['WITHDIST', 'WITHCOORD', 'WITHHASH'])
      if (random.chance(0.4)) out.push(word);
  }
  if (random.chance(0.5)) out.push(random.pick(['ASC', 'DESC']));
  if (random.chance(0.4)) {
    out.push('COUNT', String(random.int(1, 8)));
    if (random.chance(0.3)) out.push('ANY');
  }
  return out.sort(() => random.next() - 0.5);
}

function generate(random: Random, n: number): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < n; i++) {
    const k = key(random);
    switch (random.int(0, 11)) {
      case 0:
      case 1:
      case 2: {
        const flags = ['NX', 'XX', 'CH'].filter(() => random.chance(0.1));
        const triples = Array.from({ length: random.int(1, 5) }, () => [
          ...position(random),
          member(random),
        ]);
        out.push(['GEOADD', k, ...flags, ...triples.flat()]);
        break;
      }
      case 3:
        out.push(['GEOPOS', k, member(random), member(random)]);
        out.push(['GEOHASH', k, member(random), member(random)]);
        break;
      case 4:
        out.push(['GEODIST', k, member(random), member(random), random.pick(UNITS)]);
        break;
      case 5:
        out.push([
          'GEORADIUS',
          k,
          ...position(random),
          ...length(random),
          ...options(random, false),
        ]);
        break;
      case 6:
        out.push([
          'GEORADIUSBYMEMBER_RO',
          k,
          member(random),
          ...length(random),
          ...options(random, false),
        ]);
        break;
      case 7:
      case 8: {
        const from = random.chance(0.5)
          ? ['FROMMEMBER', member(random)]
          : ['FROMLONLAT', ...position(random)];
        const by = random.chance(0.5)
          ? ['BYRADIUS', ...length(random)]
          : ['BYBOX', length(random)[0], ...length(random)];
        out.push(['GEOSEARCH', k, ...from, ...by, ...options(random, false)]);
        break;
      }
      case 9: {
        const store = random.pick(['STORE', 'STOREDIST']);
        out.push([
          'GEORADIUSBYMEMBER',
          k,
          member(random),
          ...length(random),
          ...options(random, true),
          store,
          'dest',
        ]);
        out.push(['ZRANGE', 'dest', '0', '-1', 'WITHSCORES']);
        break;
      }
      case 10: {
        const extra = random.chance(0.5) ? ['STOREDIST'] : [];
        out.push([
          'GEOSEARCHSTORE',
          'dest',
          k,
          'FROMLONLAT',
          ...position(random),
          'BYBOX',
          length(random)[0],
          ...length(random),
          ...options(random, true),
          ...extra,
        ]);
        out.push(['ZRANGE', 'dest', '0', '-1', 'WITHSCORES']);
        break;
      }
      default:
        out.push(['ZREM', k, member(random)]);
    }
  }
  return out;
}

/** Which members a reply lists (the first element of each entry when entries are arrays). */
function members(reply: Reply): string[] {
  if (reply.t !== 'array') return [];
  return reply.v.map((entry) => show(entry.t === 'array' ? entry.v[0]! : entry));
}

/**
 * Fractional scores rounded to 12 significant digits. Distances stored by STOREDIST keep every
 * bit of the haversine result, and V8's sin/cos/asin may differ from glibc's in the last bit
 * (replies printed with 4 decimals do not show it). Geohash scores are integers: kept exact.
 */
function roundScores(reply: Reply): Reply {
  if (reply.t === 'array') return { t: 'array', v: reply.v.map(roundScores) };
  if ((reply.t === 'double' || reply.t === 'bulk') && /^[0-9]*\.[0-9e+-]+$/.test(reply.v)) {
    return { t: reply.t, v: Number(reply.v).toPrecision(12) };
  }
  return reply;
}

/**
 * Compares the servers' replies. With COUNT n ANY, Redis only promises at most n members that
 * match, so there the counts are compared and each member must be one the full search finds.
 */
async function compare(
  pair: Pair,
  commands: string[][],
): Promise<{ diffs: string[]; found: number }> {
  const out: string[] = [];
  let found = 0;
  for (const command of commands) {
    let [theirs, ours] = await Promise.all([
      pair.redis.send(...command),
      pair.ours.send(...command),
    ]);
    if (command[0] === 'ZRANGE') {
      theirs = roundScores(theirs);
      ours = roundScores(ours);
    }
    if (command[0]!.startsWith('GEO') && members(theirs).length > 1) found++;
    const anyAt = command.indexOf('ANY');
    const countAt = command.indexOf('COUNT');
    const isSearch = /^GEO(RADIUS|SEARCH)/.test(command[0]!);
    if (!isSearch || anyAt < 0 || countAt < 0 || theirs.t !== 'array') {
      if (show(theirs) !== show(ours)) {
        out.push(`${command.join(' ')}\n    redis: ${show(theirs)}\n    ours:  ${show(ours)}`);
      }
      continue;
    }
    const full = command.filter((_, i) => i !== anyAt && i !== countAt && i !== countAt + 1);
    const everything = new Set(members(await pair.redis.send(...full)));
    const mine = members(ours);
    if (mine.length !== members(theirs).length || mine.some((m) => !everything.has(m))) {
      out.push(`${command.join(' ')}\n    redis: ${show(theirs)}\n    ours:  ${show(ours)}`);
    }
  }
  return { diffs: out, found };
}

t.test('generated GEO traffic matches redis-server', async (t) => {
  const redisPath = redisServerPath(t);
  if (!redisPath) return;
  for (const [seed, resp] of [
    [1, 2],
    [2, 3],
    [3, 2],
    [4, 3],
    [5, 2],
  ] as const) {
    const pair = await startPair(t, redisPath, resp);
    const commands = generate(new Random(seed), 600);
    const { diffs, found } = await compare(pair, commands);
    t.same(diffs, [], `seed ${seed}, RESP${resp}`);
    t.ok(found > 40, `seed ${seed}: ${found} replies listed several members`);
  }
});

/**
 * Argument-shape fuzzing: each GEO command with 2 to 14 arguments drawn from plausible tokens,
 * so that error precedence (type, float, range, unit, option, STORE conflicts) matches Redis.
 */
const FUZZ_COMMANDS = `GEOADD GEOPOS GEODIST GEOHASH GEORADIUS GEORADIUS_RO GEORADIUSBYMEMBER
  GEORADIUSBYMEMBER_RO GEOSEARCH GEOSEARCHSTORE`.split(/\s+/);
const FUZZ_TOKENS =
  `sicily sicily sicily str nokey dest Palermo Catania nosuch 0 1 -1 13.36 38.11 15 37
  200 100000 181 86 x inf 1e400 m km FT mi parsec WITHDIST WITHCOORD WITHHASH ASC DESC COUNT 2 ANY
  STORE STOREDIST FROMMEMBER FROMLONLAT BYRADIUS BYBOX NX XX CH`.split(/\s+/);

t.test('fuzzed GEO argument shapes match redis-server', async (t) => {
  const redisPath = redisServerPath(t);
  if (!redisPath) return;
  const pair = await startPair(t, redisPath);
  const random = new Random(7);
  const commands: string[][] = [
    ['GEOADD', 'sicily', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania'],
    ['SET', 'str', 'x'],
  ];
  for (let i = 0; i < 3000; i++) {
    const args = Array.from({ length: random.int(2, 14) }, () => random.pick(FUZZ_TOKENS));
    commands.push([random.pick(FUZZ_COMMANDS), ...args]);
  }
  const { diffs } = await compare(pair, commands);
  t.same(diffs, []);
});
