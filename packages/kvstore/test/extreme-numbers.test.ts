import t from 'tap';
import {
  RawClient,
  type Reply,
  redisServerPath,
  show,
  startPair,
  startServers,
  untilBlocked,
} from './fixtures/diff-client.js';

/**
 * Every command whose work or reply size comes from a number, with integers at the edges of
 * 64 bits, against redis-server: the same error texts and replies, and the server keeps
 * serving. Where Redis itself would build the reply until the kernel kills it (a huge negative
 * count of SRANDMEMBER/HRANDFIELD/ZRANDMEMBER), we answer `value is out of range` instead.
 */
const EXTREMES = [
  '9223372036854775807',
  '-9223372036854775808',
  '9223372036854775808',
  '-9223372036854770000',
  '4611686018427387904',
  '-4611686018427387905',
  '4294967296',
  '-4294967296',
  '2147483648',
];

/** Fresh keys of every type before each command. */
const FIXTURE = [
  ['FLUSHALL'],
  ['SET', 'str', 'hello world'],
  ['SET', 'int', '5'],
  ['RPUSH', 'l', 'a', 'b', 'a', 'c'],
  ['HSET', 'h', 'f', 'v', 'g', 'w'],
  ['SADD', 's', 'a', 'b', 'c'],
  ['ZADD', 'z', '1', 'a', '2', 'b'],
  ['XADD', 'x', '1-1', 'f', 'v'],
  ['XADD', 'x', '2-2', 'f', 'v'],
  ['XGROUP', 'CREATE', 'x', 'g', '0'],
  ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 'x', '>'],
  ['GEOADD', 'geo', '13.361389', '38.115556', 'Palermo'],
];

/** `N` is replaced by each extreme value. */
const TEMPLATES: string[][] = [
  ['SRANDMEMBER', 's', 'N'],
  ['HRANDFIELD', 'h', 'N'],
  ['HRANDFIELD', 'h', 'N', 'WITHVALUES'],
  ['ZRANDMEMBER', 'z', 'N'],
  ['ZRANDMEMBER', 'z', 'N', 'WITHSCORES'],
  ['SPOP', 's', 'N'],
  ['SETRANGE', 'str', 'N', 'x'],
  ['SETBIT', 'str', 'N', '1'],
  ['GETBIT', 'str', 'N'],
  ['BITFIELD', 'str', 'GET', 'u8', 'N'],
  ['BITFIELD', 'str', 'SET', 'i8', 'N', '1'],
  ['BITFIELD', 'str', 'INCRBY', 'u8', '0', 'N'],
  ['BITFIELD_RO', 'str', 'GET', 'u8', 'N'],
  ['BITCOUNT', 'str', '0', 'N'],
  ['BITCOUNT', 'str', 'N', 'N', 'BIT'],
  ['BITPOS', 'str', '1', 'N'],
  ['BITPOS', 'str', '0', '0', 'N'],
  ['GETRANGE', 'str', 'N', 'N'],
  ['GETRANGE', 'str', '0', 'N'],
  ['LPOS', 'l', 'a', 'RANK', 'N'],
  ['LPOS', 'l', 'a', 'COUNT', 'N'],
  ['LPOS', 'l', 'a', 'MAXLEN', 'N'],
  ['LRANGE', 'l', 'N', 'N'],
  ['LRANGE', 'l', '0', 'N'],
  ['LINDEX', 'l', 'N'],
  ['LSET', 'l', 'N', 'x'],
  ['LTRIM', 'l', 'N', 'N'],
  ['LREM', 'l', 'N', 'a'],
  ['LPOP', 'l', 'N'],
  ['RPOP', 'l', 'N'],
  ['LMPOP', '1', 'l', 'LEFT', 'COUNT', 'N'],
  ['LMPOP', 'N', 'l', 'LEFT'],
  ['BLPOP', 'l', 'N'],
  ['BLMPOP', 'N', '1', 'l', 'LEFT'],
  ['ZRANGE', 'z', 'N', 'N'],
  ['ZRANGE', 'z', '-inf', '+inf', 'BYSCORE', 'LIMIT', '0', 'N'],
  ['ZRANGE', 'z', '-inf', '+inf', 'BYSCORE', 'LIMIT', 'N', '1'],
  ['ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', 'N', 'N'],
  ['ZRANGEBYLEX', 'z', '-', '+', 'LIMIT', '0', 'N'],
  ['ZREMRANGEBYRANK', 'z', 'N', 'N'],
  ['ZPOPMIN', 'z', 'N'],
  ['ZMPOP', '1', 'z', 'MIN', 'COUNT', 'N'],
  ['BZPOPMAX', 'z', 'N'],
  ['ZADD', 'z', 'N', 'm'],
  ['ZINCRBY', 'z', 'N', 'a'],
  ['XRANGE', 'x', '-', '+', 'COUNT', 'N'],
  ['XREVRANGE', 'x', '+', '-', 'COUNT', 'N'],
  ['XREAD', 'COUNT', 'N', 'STREAMS', 'x', '0'],
  ['XREAD', 'BLOCK', 'N', 'STREAMS', 'x', '0'],
  ['XADD', 'x', 'MAXLEN', 'N', '*', 'f', 'v'],
  ['XADD', 'x', 'N', 'f', 'v'],
  ['XTRIM', 'x', 'MAXLEN', 'N'],
  ['XTRIM', 'x', 'MAXLEN', '~', '0', 'LIMIT', 'N'],
  ['XAUTOCLAIM', 'x', 'g', 'c', '0', '0', 'COUNT', 'N'],
  ['XAUTOCLAIM', 'x', 'g', 'c', 'N', '0'],
  ['XPENDING', 'x', 'g', '-', '+', 'N'],
  ['XPENDING', 'x', 'g', 'IDLE', 'N', '-', '+', '10'],
  ['XCLAIM', 'x', 'g', 'c', 'N', '1-1'],
  ['XCLAIM', 'x', 'g', 'c', '0', '1-1', 'IDLE', 'N'],
  ['XCLAIM', 'x', 'g', 'c', '0', '1-1', 'RETRYCOUNT', 'N'],
  ['XINFO', 'STREAM', 'x', 'FULL', 'COUNT', 'N'],
  ['XGROUP', 'CREATE', 'x', 'g2', '0', 'ENTRIESREAD', 'N'],
  ['SCAN', '0', 'COUNT', 'N'],
  ['SCAN', 'N'],
  ['HSCAN', 'h', '0', 'COUNT', 'N'],
  ['SSCAN', 's', 'N'],
  ['ZSCAN', 'z', '0', 'COUNT', 'N'],
  ['EXPIRE', 'str', 'N'],
  ['PEXPIRE', 'str', 'N'],
  ['EXPIREAT', 'str', 'N'],
  ['PEXPIREAT', 'str', 'N'],
  ['SET', 'k', 'v', 'EX', 'N'],
  ['SET', 'k', 'v', 'PX', 'N'],
  ['SET', 'k', 'v', 'EXAT', 'N'],
  ['SETEX', 'k', 'N', 'v'],
  ['PSETEX', 'k', 'N', 'v'],
  ['GETEX', 'str', 'EX', 'N'],
  ['GETEX', 'str', 'PXAT', 'N'],
  ['RESTORE', 'k', 'N', 'x'],
  ['INCRBY', 'int', 'N'],
  ['DECRBY', 'int', 'N'],
  ['HINCRBY', 'h', 'n', 'N'],
  ['INCRBYFLOAT', 'int', 'N'],
  ['SELECT', 'N'],
  ['MOVE', 'str', 'N'],
  ['SWAPDB', '0', 'N'],
  ['COPY', 'str', 'dst', 'DB', 'N'],
  ['SORT', 'l', 'LIMIT', 'N', 'N', 'ALPHA'],
  ['SORT', 'l', 'LIMIT', '0', 'N', 'ALPHA'],
  ['LCS', 'str', 'str', 'IDX', 'MINMATCHLEN', 'N'],
  ['GEOSEARCH', 'geo', 'FROMLONLAT', '13', '38', 'BYRADIUS', '1000', 'km', 'COUNT', 'N'],
  ['GEORADIUS', 'geo', '13', '38', '1000', 'km', 'COUNT', 'N'],
  ['OBJECT', 'FREQ', 'N'],
  ['MEMORY', 'USAGE', 'str', 'SAMPLES', 'N'],
  ['SLOWLOG', 'GET', 'N'],
  ['ACL', 'LOG', 'N'],
  ['CLIENT', 'LIST', 'ID', 'N'],
  ['CLIENT', 'KILL', 'ID', 'N'],
  ['CLIENT', 'UNBLOCK', 'N'],
  ['CLIENT', 'NO-EVICT', 'N'],
  ['PUBSUB', 'NUMSUB', 'N'],
  ['ECHO', 'N'],
];

/**
 * Replies that are random, differ in cursor values, or hold times and sizes (stream IDs made
 * of the clock, idle times, slow log entries, memory estimates) compare by their kind; errors
 * always in full.
 */
const LOOSE = new Set([
  'SRANDMEMBER',
  'HRANDFIELD',
  'ZRANDMEMBER',
  'SPOP',
  'SCAN',
  'HSCAN',
  'SSCAN',
  'ZSCAN',
  'XADD',
  'XPENDING',
  'XINFO',
  'SLOWLOG',
  'MEMORY',
]);

function shown(command: string[], reply: Reply): string {
  if (reply.t === 'error' || !LOOSE.has(command[0]!)) return show(reply);
  return reply.t;
}

/** Redis 7.0 builds these replies element by element until it dies: only we are asked. */
function killsRedis(command: string[], value: string): boolean {
  if (!['SRANDMEMBER', 'HRANDFIELD', 'ZRANDMEMBER'].includes(command[0]!)) return false;
  const n = BigInt(value);
  const paired = command.length === 4;
  return n < -10_000n && n >= -(2n ** 63n - 1n) / (paired ? 2n : 1n);
}

t.test('extreme integers: Redis error texts, and the server stays up', async (t) => {
  const redisPath = redisServerPath(t);
  if (!redisPath) return;
  const pair = await startPair(t, redisPath);
  const differences: string[] = [];
  for (const template of TEMPLATES) {
    for (const value of EXTREMES) {
      const command = template.map((arg) => (arg === 'N' ? value : arg));
      for (const setup of FIXTURE)
        await Promise.all([pair.redis.send(...setup), pair.ours.send(...setup)]);
      const ours = await pair.ours.send(...command);
      if (killsRedis(command, value)) {
        t.match(
          show(ours),
          /^error:"ERR value is out of range: a reply of \d+ elements does not fit/,
          command.join(' '),
        );
        continue;
      }
      const theirs = await pair.redis.send(...command);
      if (shown(command, ours) !== shown(command, theirs)) {
        differences.push(
          `${command.join(' ')}\n    redis: ${show(theirs)}\n    ours:  ${show(ours)}`,
        );
      }
    }
  }
  t.same(differences, [], 'same replies as redis-server');
  t.same(show(await pair.ours.send('PING')), 'simple:"PONG"', 'still serving');
});

t.test('a blocking timeout past 2^31 ms waits instead of firing at once', async (t) => {
  const redisPath = redisServerPath(t);
  if (!redisPath) return;
  const ports = await startServers(t, redisPath);
  for (const [name, port] of [
    ['redis', ports.redis],
    ['ours', ports.ours],
  ] as const) {
    const [list, stream, short, admin] = await Promise.all(
      [0, 1, 2, 3].map(() => RawClient.connect(port)),
    );
    t.teardown(() => {
      for (const c of [list!, stream!, short!, admin!]) c.close();
    });
    // 2147484 s and 2^31 ms: timers clamped to 1 ms would fire long before the 50 ms one.
    void list!.send('BLPOP', 'q', '2147484');
    void stream!.send('XREAD', 'BLOCK', '2147483648', 'STREAMS', 'x', '$');
    await untilBlocked(admin!, 2);
    t.same(await short!.send('BLPOP', 'other', '0.05'), { t: 'null' }, `${name}: short wait over`);
    const info = await admin!.send('INFO', 'clients');
    t.match(show(info), /blocked_clients:2\\r\\n/, `${name}: the long waits are still blocked`);
  }
});
