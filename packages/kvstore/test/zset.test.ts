import t from 'tap';
import { differences, redisServerPath, startPair } from './fixtures/diff-client.js';
import { fuzzCommands } from './fixtures/fuzz.js';
import { Random } from './fixtures/random.js';

/** Hand-written sequences: options, errors, edge ranges, reply shapes. */
const SCRIPT: string[][] = [
  ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '3', 'cc', '-inf', 'neg', '+inf', 'pos'],
  ['ZADD', 'z', 'NX', '10', 'a', '4', 'd'],
  ['ZADD', 'z', 'XX', 'CH', '10', 'a', '4', 'e'],
  ['ZADD', 'z', 'GT', 'CH', '5', 'a', '20', 'b'],
  ['ZADD', 'z', 'LT', 'CH', '5', 'a', '20', 'c'],
  ['ZADD', 'z', 'INCR', '1.5', 'a'],
  ['ZADD', 'z', 'NX', 'INCR', '1.5', 'a'],
  ['ZADD', 'z', 'XX', 'INCR', '1', 'nosuch'],
  ['ZADD', 'z', 'NX', 'XX', '1', 'a'],
  ['ZADD', 'z', 'GT', 'LT', '1', 'a'],
  ['ZADD', 'z', 'GT', 'NX', '1', 'a'],
  ['ZADD', 'z', 'INCR', '1', 'a', '2', 'b'],
  ['ZADD', 'z', '1', 'a', '2'],
  ['ZADD', 'z', 'nan', 'a'],
  ['ZADD', 'z', 'abc', 'a'],
  ['ZADD', 'z', ' 1', 'a'],
  ['ZADD', 'z', '1e400', 'a'],
  ['ZADD', 'z', 'CH'],
  ['ZADD', 'newxx', 'XX', '1', 'a'],
  ['ZCARD', 'newxx'],
  ['ZINCRBY', 'z', '0.1', 'b'],
  ['ZINCRBY', 'z', 'x', 'b'],
  ['ZINCRBY', 'z', '-inf', 'pos'],
  ['ZSCORE', 'z', 'b'],
  ['ZSCORE', 'z', 'nosuch'],
  ['ZSCORE', 'nokey', 'a'],
  ['ZMSCORE', 'z', 'a', 'nosuch', 'neg'],
  ['ZMSCORE', 'nokey', 'a', 'b'],
  ['ZCARD', 'z'],
  ['ZCARD', 'nokey'],
  ['ZCOUNT', 'z', '-inf', '+inf'],
  ['ZCOUNT', 'z', '(1', '(4'],
  ['ZCOUNT', 'z', '( 2', ' 4'],
  ['ZCOUNT', 'z', '(', '3'],
  ['ZCOUNT', 'z', 'x', '3'],
  ['ZCOUNT', 'z', '5', '1'],
  ['ZCOUNT', 'z', '0x2', '0x3p0'],
  ['ZRANK', 'z', 'c'],
  ['ZREVRANK', 'z', 'c'],
  ['ZRANK', 'z', 'nosuch'],
  ['ZRANGE', 'z', '0', '-1'],
  ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
  ['ZRANGE', 'z', '-3', '100', 'WITHSCORES'],
  ['ZRANGE', 'z', '5', '2'],
  ['ZRANGE', 'z', '0', '-1', 'REV', 'WITHSCORES'],
  ['ZRANGE', 'z', '(1', '+inf', 'BYSCORE', 'LIMIT', '1', '2', 'WITHSCORES'],
  ['ZRANGE', 'z', '+inf', '(1', 'BYSCORE', 'REV', 'LIMIT', '0', '3'],
  ['ZRANGE', 'z', '0', '-1', 'LIMIT', '0', '1'],
  ['ZRANGE', 'z', '0', '-1', 'LIMIT', '0', '-1'],
  ['ZRANGE', 'z', '-', '+', 'BYLEX', 'WITHSCORES'],
  ['ZRANGE', 'z', '0', '-1', 'BYSCORE', 'BYLEX'],
  ['ZRANGE', 'z', '0', '-1', 'REV', 'REV'],
  ['ZRANGE', 'z', '0', '-1', 'LIMIT', '1'],
  ['ZRANGE', 'z', 'a', '-1'],
  ['ZRANGE', 'z', '-inf', '+inf', 'BYSCORE', 'LIMIT', '-1', '2'],
  ['ZRANGE', 'z', '-inf', '+inf', 'BYSCORE', 'LIMIT', '2', '-5'],
  ['ZRANGE', 'z', '-inf', '+inf', 'BYSCORE', 'LIMIT', '100', '1'],
  ['ZRANGE', 'nokey', '0', '-1'],
  ['ZRANGEBYSCORE', 'z', '-inf', '+inf', 'WITHSCORES', 'LIMIT', '1', '1'],
  ['ZRANGEBYSCORE', 'z', '-inf', '+inf', 'REV'],
  ['ZREVRANGEBYSCORE', 'z', '+inf', '-inf', 'WITHSCORES'],
  ['ZREVRANGEBYSCORE', 'z', '-inf', '+inf'],
  ['ZREVRANGE', 'z', '0', '2', 'WITHSCORES'],
  ['ZREVRANGE', 'z', '0', '2', 'LIMIT', '0', '1'],
  ['ZADD', 'lex', '0', 'a', '0', 'b', '0', 'c', '0', 'd', '0', 'e', '0', 'ab', '0', ''],
  ['ZRANGEBYLEX', 'lex', '-', '+'],
  ['ZRANGEBYLEX', 'lex', '[b', '(d'],
  ['ZRANGEBYLEX', 'lex', '(a', '[c', 'LIMIT', '1', '5'],
  ['ZRANGEBYLEX', 'lex', '+', '-'],
  ['ZRANGEBYLEX', 'lex', '-', '-'],
  ['ZRANGEBYLEX', 'lex', 'a', '+'],
  ['ZRANGEBYLEX', 'lex', '-', '+', 'WITHSCORES'],
  ['ZREVRANGEBYLEX', 'lex', '+', '[b'],
  ['ZREVRANGEBYLEX', 'lex', '(d', '(a', 'LIMIT', '1', '1'],
  ['ZLEXCOUNT', 'lex', '[', '+'],
  ['ZLEXCOUNT', 'lex', '(', '+'],
  ['ZLEXCOUNT', 'lex', '-', 'x'],
  ['ZRANGESTORE', 'dst', 'z', '0', '2'],
  ['ZRANGE', 'dst', '0', '-1', 'WITHSCORES'],
  ['ZRANGESTORE', 'dst', 'lex', '[b', '[d', 'BYLEX', 'LIMIT', '0', '2'],
  ['ZRANGE', 'dst', '0', '-1'],
  ['ZRANGESTORE', 'dst', 'z', '0', '-1', 'WITHSCORES'],
  ['ZRANGESTORE', 'dst', 'nokey', '0', '-1'],
  ['ZCARD', 'dst'],
  ['ZREMRANGEBYLEX', 'lex', '[b', '[c'],
  ['ZREMRANGEBYLEX', 'lex', 'b', '[c'],
  ['ZREMRANGEBYRANK', 'lex', '-2', '-1'],
  ['ZREMRANGEBYRANK', 'lex', '5', '1'],
  ['ZREMRANGEBYSCORE', 'lex', '(0', '+inf'],
  ['ZREMRANGEBYSCORE', 'lex', '-inf', '+inf'],
  ['ZCARD', 'lex'],
  ['ZREM', 'z', 'a', 'nosuch', 'b'],
  ['ZREM', 'nokey', 'a'],
  ['ZPOPMIN', 'z'],
  ['ZPOPMAX', 'z', '2'],
  ['ZPOPMIN', 'z', '0'],
  ['ZPOPMIN', 'z', '-1'],
  ['ZPOPMIN', 'z', 'x'],
  ['ZPOPMIN', 'z', '1', '2'],
  ['ZPOPMIN', 'nokey'],
  ['ZPOPMIN', 'nokey', '3'],
  ['ZADD', 'm1', '1', 'a', '2', 'b'],
  ['ZADD', 'm2', '3', 'c'],
  ['ZMPOP', '2', 'nokey', 'm1', 'MIN'],
  ['ZMPOP', '2', 'm1', 'm2', 'MAX', 'COUNT', '10'],
  ['ZMPOP', '1', 'nokey', 'MIN'],
  ['ZMPOP', '0', 'm2', 'MIN'],
  ['ZMPOP', '1', 'm2', 'MIDDLE'],
  ['ZMPOP', '1', 'm2', 'MIN', 'COUNT', '0'],
  ['ZMPOP', '1', 'm2', 'MIN', 'COUNT', '1', 'COUNT', '1'],
  ['ZMPOP', '5', 'm2', 'MIN'],
  ['ZADD', 'm2', '5', 'x', '6', 'y', '7', 'z'],
  ['BZPOPMIN', 'm2', '0.01'],
  ['BZPOPMAX', 'nokey', 'm2', '0'],
  ['BZMPOP', '0', '1', 'm2', 'MIN', 'COUNT', '5'],
  ['BZPOPMIN', 'nokey', '0.01'],
  ['BZMPOP', '0.01', '1', 'nokey', 'MIN'],
  ['BZPOPMIN', 'm2', '-1'],
  ['BZPOPMIN', 'm2', 'abc'],
  ['ZADD', 'u1', '1', 'a', '2', 'b', '3', 'c'],
  ['ZADD', 'u2', '10', 'b', '20', 'c', '30', 'd'],
  ['ZADD', 'u3', '+inf', 'c', '-inf', 'd'],
  ['ZUNION', '2', 'u1', 'u2', 'WITHSCORES'],
  ['ZUNION', '3', 'u1', 'u2', 'u3', 'WITHSCORES'],
  ['ZUNION', '2', 'u1', 'u2', 'WEIGHTS', '2', '0.5', 'AGGREGATE', 'MAX', 'WITHSCORES'],
  ['ZUNION', '2', 'u1', 'u3', 'WEIGHTS', '0', '1', 'WITHSCORES'],
  ['ZUNION', '2', 'u1', 'u2', 'AGGREGATE', 'avg'],
  ['ZUNION', '2', 'u1', 'u2', 'WEIGHTS', '1'],
  ['ZUNION', '2', 'u1', 'u2', 'WEIGHTS', '1', 'x'],
  ['ZUNION', '0', 'u1'],
  ['ZUNION', '3', 'u1', 'u2'],
  ['ZUNION', 'x', 'u1'],
  ['ZINTER', '2', 'u1', 'u2', 'WITHSCORES'],
  ['ZINTER', '3', 'u1', 'u2', 'u3', 'AGGREGATE', 'MIN', 'WITHSCORES'],
  ['ZINTER', '2', 'u1', 'nokey'],
  ['ZINTER', '2', 'u1', 'u1', 'WITHSCORES'],
  ['ZDIFF', '2', 'u1', 'u2', 'WITHSCORES'],
  ['ZDIFF', '2', 'u1', 'u2', 'WEIGHTS', '1', '2'],
  ['ZDIFF', '1', 'nokey'],
  ['ZUNIONSTORE', 'ust', '2', 'u1', 'u2', 'WEIGHTS', '1', '-1'],
  ['ZRANGE', 'ust', '0', '-1', 'WITHSCORES'],
  ['ZINTERSTORE', 'ust', '2', 'u1', 'u2', 'AGGREGATE', 'SUM'],
  ['ZRANGE', 'ust', '0', '-1', 'WITHSCORES'],
  ['ZDIFFSTORE', 'ust', '2', 'u1', 'u1'],
  ['ZCARD', 'ust'],
  ['ZUNIONSTORE', 'ust', '1', 'u1', 'WITHSCORES'],
  ['ZINTERCARD', '2', 'u1', 'u2'],
  ['ZINTERCARD', '2', 'u1', 'u2', 'LIMIT', '1'],
  ['ZINTERCARD', '2', 'u1', 'u2', 'LIMIT', '-1'],
  ['ZINTERCARD', '0', 'u1'],
  ['ZINTERCARD', '1', 'u1', 'WITHSCORES'],
  ['ZRANDMEMBER', 'u1', '10', 'WITHSCORES'],
  ['ZRANDMEMBER', 'u1', '3'],
  ['ZRANDMEMBER', 'u1', '0'],
  ['ZRANDMEMBER', 'nokey'],
  ['ZRANDMEMBER', 'nokey', '5'],
  ['ZRANDMEMBER', 'u1', '1', 'WITHSCOREZ'],
  ['ZRANDMEMBER', 'u1', 'x'],
  ['ZRANDMEMBER', 'u1', '-9223372036854775807', 'WITHSCORES'],
  ['ZSCAN', 'u1', '0'],
  ['ZSCAN', 'u1', '0', 'MATCH', '[ab]'],
  ['ZSCAN', 'u1', '0', 'COUNT', '0'],
  ['ZSCAN', 'nokey', '0', 'COUNT', '0'],
  ['ZSCAN', 'u1', 'x'],
  ['ZADD', 'fl', '0.1', 'a', '1e-7', 'b', '123456789012345678', 'c', '-0', 'd', '3.0', 'e'],
  ['ZRANGE', 'fl', '0', '-1', 'WITHSCORES'],
  ['ZSCAN', 'fl', '0'],
  ['ZSCORE', 'fl', 'a'],
  ['SET', 'str', 'x'],
  ['SADD', 'plain', 'a', 'b', 'zz'],
  ['ZADD', 'str', '1', 'a'],
  ['ZRANGE', 'str', '0', '-1'],
  ['ZSCORE', 'str', 'a'],
  ['ZCARD', 'str'],
  ['BZPOPMIN', 'str', '0.01'],
  ['ZMPOP', '2', 'nokey', 'str', 'MIN'],
  ['ZUNION', '2', 'u1', 'str'],
  ['ZUNION', '2', 'u1', 'plain', 'WITHSCORES'],
  ['ZINTER', '2', 'plain', 'u1', 'WEIGHTS', '3', '1', 'WITHSCORES'],
  ['ZDIFF', '2', 'plain', 'u1', 'WITHSCORES'],
  ['ZINTERCARD', '2', 'plain', 'u1'],
  ['ZUNIONSTORE', 'fromset', '1', 'plain'],
  ['ZRANGE', 'fromset', '0', '-1', 'WITHSCORES'],
  ['ZRANGESTORE', 'str', 'u1', '0', '0'],
  ['TYPE', 'str'],
  ['ZADD', 'zt', '1', 'a'],
  ['EXPIRE', 'zt', '1000'],
  ['ZADD', 'zt', '2', 'b'],
  ['ZPOPMIN', 'zt'],
  ['TTL', 'zt'],
  ['ZUNIONSTORE', 'zt', '1', 'zt'],
  ['TTL', 'zt'],
  ['OBJECT', 'ENCODING', 'fl'],
  ['TYPE', 'fl'],
  ['ZADD', 'long', '1', 'x'.repeat(65)],
  ['OBJECT', 'ENCODING', 'long'],
  ['ZADD', 'z'],
  ['ZRANGE', 'z', '0'],
  ['ZCARD'],
];

t.test('hand-written zset script, RESP2 and RESP3', async (t) => {
  const redisPath = redisServerPath(t);
  if (!redisPath) return;
  for (const resp of [2, 3] as const) {
    const pair = await startPair(t, redisPath, resp);
    t.same(await differences(pair, SCRIPT), [], `RESP${resp}`);
  }
});

const SCORES = ['0', '1', '2', '2.5', '-1', '0.1', '1e3', '-inf', '+inf', '3'];
const BOUNDS = ['-inf', '+inf', '0', '(0', '1', '(1', '2.5', '(2.5', '3', '(3', '-1'];
const LEX = ['-', '+', '[m1', '(m1', '[m5', '(m5', '[m', '(m9', '[n'];

/** A random but reproducible sequence over a few small keys and members. */
function generate(random: Random, length: number): string[][] {
  const keys = ['z0', 'z1', 'z2'];
  const key = () => random.pick(keys);
  const member = () => `m${random.int(0, 9)}`;
  const out: string[][] = [];
  for (let i = 0; i < length; i++) {
    const k = key();
    switch (random.int(0, 19)) {
      case 0:
      case 1:
      case 2: {
        const flags = ['NX', 'XX', 'GT', 'LT', 'CH'].filter(() => random.chance(0.15));
        const pairs = Array.from({ length: random.int(1, 4) }, () => [
          random.pick(SCORES),
          member(),
        ]).flat();
        out.push(['ZADD', k, ...flags, ...pairs]);
        break;
      }
      case 3:
        out.push(['ZINCRBY', k, random.pick(SCORES), member()]);
        break;
      case 4:
        out.push(['ZREM', k, member(), member()]);
        break;
      case 5: {
        const opts = random.chance(0.5) ? ['WITHSCORES'] : [];
        if (random.chance(0.3)) opts.push('REV');
        out.push(['ZRANGE', k, String(random.int(-5, 5)), String(random.int(-5, 5)), ...opts]);
        break;
      }
      case 6: {
        const rev = random.chance(0.5);
        const opts = [random.chance(0.5) ? 'WITHSCORES' : 'BYSCORE'];
        if (!opts.includes('BYSCORE')) opts.push('BYSCORE');
        if (rev) opts.push('REV');
        if (random.chance(0.4))
          opts.push('LIMIT', String(random.int(-1, 3)), String(random.int(-1, 3)));
        out.push(['ZRANGE', k, random.pick(BOUNDS), random.pick(BOUNDS), ...opts]);
        break;
      }
      case 7:
        out.push([
          random.chance(0.5) ? 'ZRANGEBYLEX' : 'ZREVRANGEBYLEX',
          'lex',
          random.pick(LEX),
          random.pick(LEX),
        ]);
        break;
      case 8:
        out.push(['ZADD', 'lex', '0', member()]);
        break;
      case 9:
        out.push(['ZCOUNT', k, random.pick(BOUNDS), random.pick(BOUNDS)]);
        out.push(['ZLEXCOUNT', 'lex', random.pick(LEX), random.pick(LEX)]);
        break;
      case 10:
        out.push([random.pick(['ZRANK', 'ZREVRANK', 'ZSCORE']), k, member()]);
        out.push(['ZMSCORE', k, member(), member()]);
        break;
      case 11:
        out.push([
          random.pick(['ZPOPMIN', 'ZPOPMAX']),
          k,
          ...(random.chance(0.5) ? [String(random.int(0, 3))] : []),
        ]);
        break;
      case 12:
        out.push([
          'ZMPOP',
          '2',
          k,
          key(),
          random.pick(['MIN', 'MAX']),
          'COUNT',
          String(random.int(1, 3)),
        ]);
        break;
      case 13: {
        const op = random.pick(['ZUNIONSTORE', 'ZINTERSTORE', 'ZDIFFSTORE']);
        const extra =
          op === 'ZDIFFSTORE'
            ? []
            : random.chance(0.5)
              ? ['WEIGHTS', random.pick(SCORES.slice(0, 7)), random.pick(['1', '2', '-1', '0.5'])]
              : [];
        if (op !== 'ZDIFFSTORE' && random.chance(0.5))
          extra.push('AGGREGATE', random.pick(['SUM', 'MIN', 'MAX']));
        out.push([op, key(), '2', k, key(), ...extra]);
        break;
      }
      case 14: {
        const op = random.pick(['ZUNION', 'ZINTER', 'ZDIFF']);
        out.push([op, '3', k, key(), key(), 'WITHSCORES']);
        out.push(['ZINTERCARD', '2', k, key()]);
        break;
      }
      case 15:
        out.push([random.pick(['ZREMRANGEBYSCORE']), k, random.pick(BOUNDS), random.pick(BOUNDS)]);
        break;
      case 16:
        out.push(['ZREMRANGEBYRANK', k, String(random.int(-3, 3)), String(random.int(-3, 3))]);
        out.push(['ZREMRANGEBYLEX', 'lex', random.pick(LEX), random.pick(LEX)]);
        break;
      case 17:
        out.push(['ZRANGESTORE', key(), k, random.pick(BOUNDS), random.pick(BOUNDS), 'BYSCORE']);
        break;
      case 18:
        out.push(['ZRANDMEMBER', k, '100', 'WITHSCORES']);
        out.push(['ZCARD', k]);
        break;
      default:
        out.push(['ZRANGE', k, '0', '-1', 'WITHSCORES']);
        out.push(['ZSCAN', k, '0']);
    }
  }
  for (const k of [...keys, 'lex']) out.push(['ZRANGE', k, '0', '-1', 'WITHSCORES']);
  return out;
}

t.test('generated zset sequences (fixed seeds) match redis-server', async (t) => {
  const redisPath = redisServerPath(t);
  if (!redisPath) return;
  for (const resp of [2, 3] as const) {
    const pair = await startPair(t, redisPath, resp);
    for (let seed = 1; seed <= 4; seed++) {
      const commands = generate(new Random(seed * 7919 + resp), 600);
      const diffs = await differences(pair, commands);
      t.same(diffs.slice(0, 5), [], `RESP${resp} seed ${seed}: ${commands.length} commands`);
    }
  }
});

t.test('skiplist-encoded sets (over 128 members) match too', async (t) => {
  const redisPath = redisServerPath(t);
  if (!redisPath) return;
  const pair = await startPair(t, redisPath, 2);
  const random = new Random(99);
  const commands: string[][] = [];
  for (let i = 0; i < 300; i++)
    commands.push(['ZADD', 'big', String(random.int(-50, 50) / 4), `member:${random.int(0, 400)}`]);
  commands.push(['ZADD', 'big', '-0', 'negzero'], ['ZSCORE', 'big', 'negzero']);
  for (let i = 0; i < 100; i++) {
    commands.push([
      'ZRANGE',
      'big',
      String(random.int(-300, 300)),
      String(random.int(-300, 300)),
      'WITHSCORES',
    ]);
    commands.push(['ZRANK', 'big', `member:${random.int(0, 400)}`]);
    commands.push(['ZCOUNT', 'big', random.pick(BOUNDS), String(random.int(-12, 12))]);
    commands.push([
      'ZRANGEBYSCORE',
      'big',
      String(random.int(-12, 0)),
      String(random.int(0, 12)),
      'LIMIT',
      String(random.int(0, 50)),
      String(random.int(-1, 20)),
    ]);
    if (i % 10 === 0)
      commands.push([
        'ZREMRANGEBYRANK',
        'big',
        String(random.int(0, 20)),
        String(random.int(0, 30)),
      ]);
  }
  commands.push(['ZRANGE', 'big', '0', '-1', 'WITHSCORES'], ['OBJECT', 'ENCODING', 'big']);
  // Results of set operations and ZRANGESTORE get the compact encoding back when small.
  commands.push(
    ['ZUNIONSTORE', 'small', '1', 'big', 'WEIGHTS', '1'],
    ['OBJECT', 'ENCODING', 'small'],
  );
  commands.push(['ZRANGESTORE', 'small2', 'big', '0', '9'], ['OBJECT', 'ENCODING', 'small2']);
  commands.push(['ZREMRANGEBYRANK', 'big', '5', '-1'], ['OBJECT', 'ENCODING', 'big']);
  t.same((await differences(pair, commands)).slice(0, 5), []);
});

// Random argument shapes: error precedence and edge parsing, not only the happy paths.

const FUZZ_COMMANDS = [
  'ZADD',
  'ZINCRBY',
  'ZREM',
  'ZSCORE',
  'ZMSCORE',
  'ZCARD',
  'ZCOUNT',
  'ZLEXCOUNT',
  'ZRANGE',
  'ZRANGESTORE',
  'ZRANGEBYSCORE',
  'ZREVRANGEBYSCORE',
  'ZRANGEBYLEX',
  'ZREVRANGEBYLEX',
  'ZREVRANGE',
  'ZRANK',
  'ZREVRANK',
  'ZREMRANGEBYRANK',
  'ZREMRANGEBYSCORE',
  'ZREMRANGEBYLEX',
  'ZPOPMIN',
  'ZPOPMAX',
  'ZMPOP',
  'ZUNION',
  'ZINTER',
  'ZDIFF',
  'ZUNIONSTORE',
  'ZINTERSTORE',
  'ZDIFFSTORE',
  'ZINTERCARD',
  'ZSCAN',
];

const FUZZ_TOKENS = [
  'z',
  'z',
  'z2',
  'str',
  'set',
  'nokey',
  '0',
  '1',
  '2',
  '-1',
  '3',
  '1.5',
  '-inf',
  '+inf',
  '(1',
  '[a',
  '(b',
  '-',
  '+',
  'a',
  'b',
  'c',
  'x',
  'NX',
  'XX',
  'GT',
  'LT',
  'CH',
  'INCR',
  'WITHSCORES',
  'LIMIT',
  'BYSCORE',
  'BYLEX',
  'REV',
  'MIN',
  'MAX',
  'COUNT',
  'WEIGHTS',
  'AGGREGATE',
  'SUM',
  'MATCH',
  '*',
  'nan',
  '',
  '9223372036854775808',
];

const FUZZ_SETUP: string[][] = [
  ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'],
  ['ZADD', 'z2', '0', 'a', '0', 'x'],
  ['SET', 'str', 'text'],
  ['SADD', 'set', 'a', 'x'],
];

t.test('random argument shapes of the sorted-set commands', async (t) => {
  const redisPath = redisServerPath(t);
  if (!redisPath) return;
  for (const resp of [2, 3] as const) {
    const pair = await startPair(t, redisPath, resp);
    const commands = [...FUZZ_SETUP];
    for (const command of fuzzCommands(11 + resp, 2000, FUZZ_COMMANDS, FUZZ_TOKENS)) {
      commands.push(command);
      // Keep the fixtures alive whatever the fuzz deleted.
      if (commands.length % 50 === 0) commands.push(...FUZZ_SETUP);
    }
    t.same((await differences(pair, commands)).slice(0, 8), [], `RESP${resp}`);
  }
});
