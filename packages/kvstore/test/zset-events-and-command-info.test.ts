import t from 'tap';
import {
  compareCommandInfo,
  startPair,
  notificationsOf,
  redisServerPath,
  startRedis,
  startStrata,
} from './fixtures/diff-client.js';

/** Keyspace notifications of the sorted-set, stream, HLL and bitmap commands, as Redis sends them. */
const SCRIPTS: Record<string, string[][]> = {
  zset: [
    ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'],
    ['ZADD', 'z', 'NX', '1', 'a'],
    ['ZINCRBY', 'z', '1', 'a'],
    ['ZREM', 'z', 'nosuch'],
    ['ZREM', 'z', 'a'],
    ['ZREMRANGEBYSCORE', 'z', '0', '2'],
    ['ZREMRANGEBYRANK', 'z', '0', '0'],
    ['ZADD', 'z', '1', 'a', '0', 'b'],
    ['ZREMRANGEBYLEX', 'z', '-', '+'],
    ['ZADD', 'z1', '1', 'a', '2', 'b'],
    ['ZADD', 'z2', '1', 'b'],
    ['ZUNIONSTORE', 'u', '2', 'z1', 'z2'],
    ['ZINTERSTORE', 'u', '2', 'z1', 'z2'],
    ['ZDIFFSTORE', 'u', '2', 'z2', 'z1'],
    ['ZRANGESTORE', 'r', 'z1', '0', '0'],
    ['ZRANGESTORE', 'r', 'z1', '5', '6'],
    ['ZPOPMIN', 'z1'],
    ['ZPOPMAX', 'z1', '5'],
    ['ZMPOP', '1', 'z2', 'MIN'],
    ['ZADD', 'bz', '1', 'x'],
    ['BZPOPMAX', 'bz', '1'],
  ],
  stream: [
    ['XADD', 's', '1-1', 'f', 'v'],
    ['XADD', 's', 'MAXLEN', '1', '2-1', 'f', 'v'],
    ['XTRIM', 's', 'MAXLEN', '0'],
    ['XADD', 's', '3-1', 'f', 'v'],
    ['XDEL', 's', '3-1'],
    ['XSETID', 's', '5-5'],
    ['XGROUP', 'CREATE', 's', 'g', '0'],
    ['XGROUP', 'CREATE', 'mk', 'g', '$', 'MKSTREAM'],
    ['XGROUP', 'CREATECONSUMER', 's', 'g', 'c'],
    ['XGROUP', 'SETID', 's', 'g', '0'],
    ['XGROUP', 'DELCONSUMER', 's', 'g', 'c'],
    ['XADD', 's', '6-1', 'f', 'v'],
    ['XREADGROUP', 'GROUP', 'g', 'reader', 'STREAMS', 's', '>'],
    ['XCLAIM', 's', 'g', 'claimer', '0', '6-1'],
    ['XAUTOCLAIM', 's', 'g', 'auto', '0', '0'],
    ['XACK', 's', 'g', '6-1'],
    ['XGROUP', 'DESTROY', 's', 'g'],
  ],
  'hll and bitmap': [
    ['PFADD', 'h', 'a'],
    ['PFADD', 'h', 'a'],
    ['PFCOUNT', 'h'],
    ['PFMERGE', 'h2', 'h'],
    ['SETBIT', 'b', '7', '1'],
    ['SETBIT', 'b', '7', '1'],
    ['BITFIELD', 'b', 'SET', 'u8', '0', '3'],
    ['BITFIELD', 'b', 'GET', 'u8', '0'],
    ['BITOP', 'NOT', 'nb', 'b'],
    ['BITOP', 'AND', 'nb', 'nosuch'],
  ],
};

t.test('keyspace notifications match redis-server', async (t) => {
  const redisPath = redisServerPath(t);
  if (!redisPath) return;
  for (const [name, script] of Object.entries(SCRIPTS)) {
    const redis = await startRedis(redisPath);
    const ours = await startStrata();
    try {
      const expected = await notificationsOf(redis.port, script);
      const actual = await notificationsOf(ours.port, script);
      t.ok(expected.length > 5, `${name}: redis sent ${expected.length} notifications`);
      t.same(actual, expected, name);
    } finally {
      redis.stop();
      await ours.stop();
    }
  }
});

/**
 * COMMAND INFO of every sorted-set, HLL, bitmap and stream command matches redis-server on what
 * clients and redis-cli use: name, arity, flags, first/last key and step, ACL categories.
 */
const NAMES =
  `zadd zincrby zrem zremrangebyrank zremrangebyscore zremrangebylex zscore zmscore zcard
  zcount zlexcount zrank zrevrank zrange zrangestore zrangebyscore zrevrangebyscore zrangebylex
  zrevrangebylex zrevrange zpopmin zpopmax bzpopmin bzpopmax zmpop bzmpop zunion zinter zdiff
  zunionstore zinterstore zdiffstore zintercard zrandmember zscan pfadd pfcount pfmerge setbit
  getbit bitcount bitpos bitop bitfield bitfield_ro xadd xtrim xlen xrange xrevrange xdel xsetid
  xread xreadgroup xgroup xinfo`.split(/\s+/);

t.test('COMMAND INFO matches redis-server', async (t) => {
  const redisPath = redisServerPath(t);
  if (!redisPath) return;
  await compareCommandInfo(t, await startPair(t, redisPath), NAMES);
});
