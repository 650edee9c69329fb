import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@strata/common/testing';
import t from 'tap';
import {
  compareCommandInfo,
  differences,
  notificationsOf,
  RawClient,
  redisServerPath,
  show,
  startPair,
  startRedis,
  startStrata,
} from './fixtures/diff-client.js';

/**
 * The GEO family against redis-server 7.0: stored scores, coordinates and distances to the last
 * printed digit, search order, options and error texts, under RESP2 and RESP3.
 */
const SICILY = [
  ['13.361389', '38.115556', 'Palermo'],
  ['15.087269', '37.502669', 'Catania'],
  ['13.583333', '37.316667', 'Agrigento'],
  ['12.758489', '38.788135', 'edge1'],
  ['15.2', '37.1', 'Syracuse'],
  ['14.0', '38.0', 'Cefalu'],
].flat();

/** 150 members on a line near Palermo: more than a listpack holds. */
const MANY = Array.from({ length: 150 }, (_, i) => [
  String(13 + i / 1000),
  String(38 + i / 2000),
  `p${i}`,
]).flat();

const SCRIPT: string[][] = [
  ['GEOADD', 'Sicily', ...SICILY],
  ['ZRANGE', 'Sicily', '0', '-1', 'WITHSCORES'],
  ['TYPE', 'Sicily'],
  ['OBJECT', 'ENCODING', 'Sicily'],
  ['ZSCORE', 'Sicily', 'Palermo'],
  ['GEOADD', 'Sicily', 'NX', '13', '38', 'Palermo', '1', '1', 'new'],
  ['GEOADD', 'Sicily', 'XX', 'CH', '13', '38', 'Palermo', '2', '2', 'other'],
  ['GEOADD', 'Sicily', 'CH', '13', '38', 'Palermo'],
  ['GEOADD', 'Sicily', 'CH', 'XX', '13.361389', '38.115556', 'Palermo'],
  ['GEOADD', 'Sicily', 'NX', 'XX', '1', '1', 'x'],
  ['GEOADD', 'Sicily', 'GT', '1', '1', 'x'],
  ['GEOADD', 'Sicily', '1', '1', 'x', '2'],
  ['GEOADD', 'Sicily', 'CH', 'NX', 'CH'],
  ['GEOADD', 'Sicily', 'abc', '1', 'x'],
  ['GEOADD', 'Sicily', '1', 'nan', 'x'],
  ['GEOADD', 'Sicily', '181', '0', 'x'],
  ['GEOADD', 'Sicily', '0', '-85.06', 'x'],
  ['GEOADD', 'Sicily', 'inf', '0', 'x'],
  ['GEOADD', 'Sicily', '1e30', '0', 'x'],
  ['GEOADD', 'Sicily', '1', '2'],
  ['GEOADD', 'edges', '180', '0', 'e', '-180', '0', 'w', '0', '85.05112878', 'n'],
  [
    'GEOADD',
    'edges',
    '0',
    '-85.05112878',
    's',
    '180',
    '85.05112878',
    'ne',
    '-180',
    '-85.05112878',
    'sw',
  ],
  [
    'GEOADD',
    'edges',
    '0',
    '0',
    'origin',
    '-0',
    '-0',
    'negzero',
    '179.9999999',
    '0.0000001',
    'near',
  ],
  ['ZRANGE', 'edges', '0', '-1', 'WITHSCORES'],
  ['GEOPOS', 'edges', 'e', 'w', 'n', 's', 'ne', 'sw', 'origin', 'negzero', 'near', 'nosuch'],
  ['GEOHASH', 'edges', 'e', 'w', 'n', 's', 'ne', 'sw', 'origin', 'near', 'nosuch'],
  ['GEOPOS', 'Sicily', 'Palermo', 'Catania', 'nosuch'],
  ['GEOPOS', 'nokey', 'a', 'b'],
  ['GEOPOS', 'Sicily'],
  ['GEOHASH', 'Sicily', 'Palermo', 'Catania', 'nosuch'],
  ['GEOHASH', 'nokey', 'a'],
  ['GEOHASH', 'Sicily'],
  ['GEODIST', 'Sicily', 'Palermo', 'Catania'],
  ['GEODIST', 'Sicily', 'Palermo', 'Catania', 'km'],
  ['GEODIST', 'Sicily', 'Palermo', 'Catania', 'KM'],
  ['GEODIST', 'Sicily', 'Palermo', 'Catania', 'mi'],
  ['GEODIST', 'Sicily', 'Palermo', 'Catania', 'ft'],
  ['GEODIST', 'Sicily', 'Palermo', 'Palermo'],
  ['GEODIST', 'Sicily', 'Palermo', 'nosuch'],
  ['GEODIST', 'Sicily', 'Palermo', 'nosuch', 'parsec'],
  ['GEODIST', 'Sicily', 'Palermo', 'Catania', 'km', 'x'],
  ['GEODIST', 'nokey', 'a', 'b'],
  ['GEODIST', 'edges', 'e', 'w'],
  ['GEODIST', 'edges', 'n', 's', 'km'],
  ['GEODIST', 'edges', 'ne', 'sw', 'mi'],
  ['GEORADIUS', 'Sicily', '15', '37', '200', 'km'],
  ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'WITHDIST', 'WITHCOORD', 'WITHHASH'],
  ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'WITHDIST', 'ASC'],
  ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'WITHCOORD', 'DESC'],
  ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'COUNT', '2'],
  ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'COUNT', '2', 'DESC', 'WITHHASH'],
  ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'COUNT', '1', 'ANY'],
  ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'COUNT', '100', 'ANY', 'ASC'],
  ['GEORADIUS', 'Sicily', '15', '37', '0', 'km'],
  ['GEORADIUS', 'Sicily', '15', '37', '1', 'm'],
  ['GEORADIUS', 'Sicily', '15', '37', '5000', 'km', 'WITHDIST'],
  ['GEORADIUS', 'Sicily', '15', '37', '20000', 'km', 'WITHDIST'],
  ['GEORADIUS', 'Sicily', '15', '37', 'inf', 'km', 'COUNT', '1'],
  ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'ANY'],
  ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'COUNT', '0'],
  ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'COUNT', '-1'],
  ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'COUNT', 'x'],
  ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'COUNT'],
  ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'bogus'],
  ['GEORADIUS', 'Sicily', '15', '37', '-1', 'km'],
  ['GEORADIUS', 'Sicily', '15', '37', 'x', 'km'],
  ['GEORADIUS', 'Sicily', '15', '37', '1', 'parsec'],
  ['GEORADIUS', 'Sicily', '15', '99', '1', 'km'],
  ['GEORADIUS', 'Sicily', 'x', '37', '1', 'km'],
  ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'STORE', 'dest', 'WITHDIST'],
  ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'FROMMEMBER', 'Palermo'],
  ['GEORADIUS', 'nokey', '15', '37', '200', 'km'],
  ['GEORADIUS', 'nokey', '15', '37', '200', 'km', 'STORE', 'dest'],
  ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'STORE', 'dest'],
  ['ZRANGE', 'dest', '0', '-1', 'WITHSCORES'],
  ['GEORADIUS', 'Sicily', '15', '37', '200', 'km', 'STOREDIST', 'dest', 'COUNT', '2'],
  ['ZRANGE', 'dest', '0', '-1', 'WITHSCORES'],
  ['GEORADIUS', 'Sicily', '15', '37', '1', 'm', 'STORE', 'dest'],
  ['EXISTS', 'dest'],
  ['SET', 'dest', 'x'],
  ['GEORADIUS', 'nokey', '15', '37', '200', 'km', 'STORE', 'dest'],
  ['EXISTS', 'dest'],
  ['GEORADIUS_RO', 'Sicily', '15', '37', '200', 'km', 'WITHDIST'],
  ['GEORADIUS_RO', 'Sicily', '15', '37', '200', 'km', 'STORE', 'dest'],
  ['GEORADIUSBYMEMBER', 'Sicily', 'Palermo', '100', 'km', 'WITHDIST', 'WITHCOORD'],
  ['GEORADIUSBYMEMBER', 'Sicily', 'Palermo', '100', 'km', 'STORE', 'd2'],
  ['GEORADIUSBYMEMBER', 'Sicily', 'nosuch', '100', 'km'],
  ['GEORADIUSBYMEMBER', 'Sicily', 'Palermo', '-100', 'km'],
  ['GEORADIUSBYMEMBER', 'nokey', 'Palermo', 'x', 'parsec'],
  ['GEORADIUSBYMEMBER', 'nokey', 'Palermo', 'x', 'parsec', 'STORE', 'd2'],
  ['EXISTS', 'd2'],
  ['GEORADIUSBYMEMBER_RO', 'Sicily', 'Catania', '100', 'mi', 'COUNT', '3', 'DESC', 'WITHDIST'],
  ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'ASC'],
  ['GEOSEARCH', 'Sicily', 'FROMMEMBER', 'Palermo', 'BYBOX', '400', '400', 'km', 'WITHDIST'],
  ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYBOX', '100', '300', 'km', 'WITHCOORD'],
  ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYBOX', '0', '0', 'km'],
  ['GEOSEARCH', 'Sicily', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1', 'km', 'COUNT', '1', 'ANY'],
  ['GEOSEARCH', 'Sicily', 'FROMMEMBER', 'nosuch', 'BYRADIUS', '1', 'km'],
  ['GEOSEARCH', 'nokey', 'FROMMEMBER', 'nosuch', 'BYRADIUS', '1', 'km'],
  ['GEOSEARCH', 'Sicily', 'FROMMEMBER', 'Palermo', 'FROMLONLAT', '1', '2', 'BYRADIUS', '1', 'km'],
  ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '1', '2', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1', 'km'],
  ['GEOSEARCH', 'Sicily', 'FROMMEMBER', 'Palermo', 'BYBOX', '1', '2', 'km', 'BYRADIUS', '1', 'km'],
  ['GEOSEARCH', 'Sicily', 'FROMMEMBER', 'Palermo', 'WITHDIST', 'WITHHASH', 'ASC'],
  ['GEOSEARCH', 'Sicily', 'BYRADIUS', '1', 'km', 'WITHDIST', 'WITHHASH', 'ASC'],
  ['geosearch', 'Sicily', 'BYRADIUS', '1', 'km', 'WITHDIST', 'WITHHASH', 'ASC'],
  ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYBOX', '-1', '2', 'km'],
  ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYBOX', 'w', '2', 'km'],
  ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYBOX', '1', 'h', 'km'],
  ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYBOX', '1', '2', 'yd'],
  ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYBOX', '1', '2'],
  ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1', 'km', 'STORE', 'x'],
  ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1', 'km', 'STOREDIST'],
  ['GEOSEARCH', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1', 'km', 'ANY'],
  ['GEOSEARCHSTORE', 'dst', 'Sicily', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km'],
  ['ZRANGE', 'dst', '0', '-1', 'WITHSCORES'],
  [
    'GEOSEARCHSTORE',
    'dst',
    'Sicily',
    'FROMLONLAT',
    '15',
    '37',
    'BYBOX',
    '400',
    '400',
    'km',
    'STOREDIST',
    'COUNT',
    '3',
  ],
  ['ZRANGE', 'dst', '0', '-1', 'WITHSCORES'],
  [
    'GEOSEARCHSTORE',
    'dst',
    'Sicily',
    'FROMLONLAT',
    '15',
    '37',
    'BYRADIUS',
    '200',
    'km',
    'WITHDIST',
  ],
  [
    'GEOSEARCHSTORE',
    'dst',
    'Sicily',
    'FROMLONLAT',
    '15',
    '37',
    'BYRADIUS',
    '200',
    'km',
    'STORE',
    'x',
  ],
  ['GEOSEARCHSTORE', 'dst', 'nokey', 'FROMMEMBER', 'x', 'BYRADIUS', '200', 'km'],
  ['EXISTS', 'dst'],
  ['GEOSEARCH', 'edges', 'FROMLONLAT', '180', '0', 'BYRADIUS', '100', 'km', 'WITHDIST'],
  ['GEOSEARCH', 'edges', 'FROMLONLAT', '-180', '0', 'BYBOX', '500', '500', 'km', 'WITHCOORD'],
  ['GEOSEARCH', 'edges', 'FROMLONLAT', '0', '85.05112878', 'BYRADIUS', '20000', 'km', 'ASC'],
  ['GEOSEARCH', 'edges', 'FROMMEMBER', 'ne', 'BYRADIUS', '1', 'km', 'WITHDIST'],
  ['GEOSEARCH', 'edges', 'FROMMEMBER', 'sw', 'BYBOX', '40000', '40000', 'km', 'WITHDIST'],
  ['GEORADIUS', 'edges', '0', '0', '30000', 'km'],
  ['SET', 'str', 'x'],
  ['GEOADD', 'str', '1', '1', 'x'],
  ['GEOPOS', 'str', 'x'],
  ['GEOHASH', 'str', 'x'],
  ['GEODIST', 'str', 'x', 'y'],
  ['GEODIST', 'str', 'x', 'y', 'parsec'],
  ['GEORADIUS', 'str', '1', '1', '1', 'km'],
  ['GEOSEARCH', 'str', 'FROMMEMBER', 'x', 'BYRADIUS', '1', 'km'],
  ['GEOSEARCHSTORE', 'str', 'Sicily', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1', 'km'],
  ['TYPE', 'str'],
  ['ZADD', 'plain', '0', 'zero', '1', 'one', '4503599627370495', 'max'],
  ['GEOPOS', 'plain', 'zero', 'one', 'max'],
  ['GEOHASH', 'plain', 'zero', 'one', 'max'],
  ['GEODIST', 'plain', 'zero', 'max'],
  // Scores no GEOADD writes decode as Redis's C conversion to uint64 makes them.
  ['ZADD', 'odd', '-1', 'neg', '-0.5', 'halfneg', '1e30', 'huge', 'inf', 'pinf', '-inf', 'ninf'],
  ['ZADD', 'odd', '1152921504606846976', 'p60', '0.5', 'half', '9007199254740993', 'big53'],
  ['ZADD', 'odd', '18014398509481984', 'p54', '-1e30', 'nhuge', '9.3e18', 'p63'],
  ['GEOPOS', 'odd', 'neg', 'halfneg', 'huge', 'pinf', 'ninf', 'p60', 'half', 'big53', 'p54'],
  ['GEOPOS', 'odd', 'nhuge', 'p63'],
  ['GEOHASH', 'odd', 'neg', 'halfneg', 'huge', 'pinf', 'ninf', 'p60', 'half', 'big53', 'p54'],
  ['GEODIST', 'odd', 'neg', 'huge', 'mi'],
  ['GEORADIUS', 'odd', '0', '0', '20000', 'km', 'WITHHASH', 'WITHDIST', 'WITHCOORD'],
  ['GEOADD', 'Sicily'],
  ['GEORADIUS', 'Sicily', '1', '2', '3'],
  ['GEOSEARCHSTORE', 'a', 'b', 'c', 'd', 'e', 'f'],
  ['GEOADD', 'many', ...MANY],
  ['OBJECT', 'ENCODING', 'many'],
  ['GEOSEARCHSTORE', 'big', 'many', 'FROMLONLAT', '13', '38', 'BYRADIUS', '500', 'km'],
  ['OBJECT', 'ENCODING', 'big'],
  [
    'GEOSEARCHSTORE',
    'small',
    'many',
    'FROMLONLAT',
    '13',
    '38',
    'BYRADIUS',
    '500',
    'km',
    'COUNT',
    '3',
  ],
  ['OBJECT', 'ENCODING', 'small'],
  ['GEORADIUS', 'many', '13.05', '38.02', '3', 'km', 'WITHDIST'],
  ['GEOSEARCH', 'many', 'FROMMEMBER', 'p70', 'BYBOX', '5', '3', 'km', 'DESC', 'WITHCOORD'],
];

t.test('hand-written GEO script, RESP2 and RESP3', async (t) => {
  const redisPath = redisServerPath(t);
  if (!redisPath) return;
  for (const resp of [2, 3] as const) {
    const pair = await startPair(t, redisPath, resp);
    t.same(await differences(pair, SCRIPT), [], `RESP${resp}`);
  }
});

t.test('keyspace notifications match redis-server', async (t) => {
  const redisPath = redisServerPath(t);
  if (!redisPath) return;
  const script = [
    ['GEOADD', 'g', ...SICILY],
    ['GEOADD', 'g', 'NX', '13.361389', '38.115556', 'Palermo'],
    ['GEOADD', 'g', 'XX', '1', '1', 'nosuch'],
    ['GEORADIUS', 'g', '15', '37', '200', 'km', 'STORE', 'd'],
    ['GEORADIUS', 'g', '15', '37', '200', 'km', 'STOREDIST', 'd'],
    ['GEORADIUSBYMEMBER', 'g', 'Palermo', '10', 'km', 'STORE', 'd2'],
    ['GEOSEARCHSTORE', 'd3', 'g', 'FROMMEMBER', 'Palermo', 'BYBOX', '1', '1', 'km'],
    ['GEOSEARCHSTORE', 'd3', 'g', 'FROMMEMBER', 'Palermo', 'BYBOX', '1', '1', 'm', 'STOREDIST'],
    ['GEORADIUS', 'g', '15', '37', '1', 'm', 'STORE', 'd'],
    ['GEOSEARCHSTORE', 'd2', 'nokey', 'FROMMEMBER', 'x', 'BYRADIUS', '1', 'km'],
    ['GEOPOS', 'nokey', 'x'],
    ['GEORADIUS_RO', 'nokey', '1', '1', '1', 'km'],
  ];
  const redis = await startRedis(redisPath);
  t.teardown(redis.stop);
  const ours = await startStrata();
  t.teardown(ours.stop);
  const expected = await notificationsOf(redis.port, script);
  t.ok(expected.length > 10, `redis sent ${expected.length} notifications`);
  t.same(await notificationsOf(ours.port, script), expected);
});

const NAMES = `geoadd geodist geohash geopos georadius georadius_ro georadiusbymember
  georadiusbymember_ro geosearch geosearchstore`.split(/\s+/);

const GETKEYS: string[][] = [
  ['GEORADIUS', 'k', '1', '2', '3', 'm'],
  ['GEORADIUS', 'k', '1', '2', '3', 'm', 'store', 'd'],
  ['GEORADIUS', 'k', '1', '2', '3', 'm', 'STOREDIST', 'd'],
  ['GEORADIUS', 'k', '1', '2', '3', 'm', 'STORE', 'd', 'STOREDIST', 'e'],
  ['GEORADIUS', 'k', '1', '2', '3', 'm', 'STOREDIST', 'd', 'STORE', 'e'],
  ['GEORADIUS', 'k', '1', '2', '3', 'm', 'STORE'],
  ['GEORADIUS', 'k', '1', '2', '3', 'm', 'COUNT', 'store', 'store', 'd'],
  ['GEORADIUSBYMEMBER', 'k', 'store', '3', 'm', 'WITHDIST', 'STORE', 'd'],
  ['GEORADIUSBYMEMBER', 'k', 'store', '3', 'm'],
  ['GEORADIUS_RO', 'k', '1', '2', '3', 'm', 'STORE', 'd'],
  ['GEOSEARCHSTORE', 'd', 's', 'FROMMEMBER', 'm', 'BYRADIUS', '1', 'm'],
  ['GEOSEARCH', 's', 'FROMMEMBER', 'm', 'BYRADIUS', '1', 'm'],
  ['GEOADD', 'k', '1', '2', 'm'],
];

t.test('COMMAND INFO and COMMAND GETKEYS match redis-server', async (t) => {
  const redisPath = redisServerPath(t);
  if (!redisPath) return;
  const pair = await startPair(t, redisPath);
  await compareCommandInfo(t, pair, NAMES);
  for (const command of GETKEYS) {
    t.equal(
      show(await pair.ours.send('COMMAND', 'GETKEYS', ...command)),
      show(await pair.redis.send('COMMAND', 'GETKEYS', ...command)),
      command.join(' '),
    );
  }
});

t.test('GEOADD is logged as the ZADD it runs, and positions survive a restart', async (t) => {
  const dir = tempDir(t);
  const settings = { appendonly: 'yes', appendfsync: 'always', dir };
  const first = await startStrata(settings);
  const client = await RawClient.connect(first.port);
  await client.send('GEOADD', 'g', 'CH', ...SICILY);
  await client.send('GEOADD', 'g', 'NX', '13.361389', '38.115556', 'Palermo');
  const before = show(await client.send('GEOPOS', 'g', 'Palermo', 'Catania'));
  client.close();
  await first.stop();
  const aof = readFileSync(join(dir, 'appendonly.aof'), 'latin1');
  t.match(aof, '$4\r\nzadd\r\n$1\r\ng\r\n$2\r\nCH\r\n$16\r\n3479099956230698\r\n$7\r\nPalermo');
  t.notMatch(aof, /geoadd/i, 'GEOADD itself is not logged; the no-op GEOADD NX not at all');
  const second = await startStrata(settings);
  t.teardown(second.stop);
  const again = await RawClient.connect(second.port);
  t.teardown(() => again.close());
  t.equal(show(await again.send('GEOPOS', 'g', 'Palermo', 'Catania')), before);
});
