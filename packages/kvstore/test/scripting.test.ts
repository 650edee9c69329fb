import t from 'tap';
import { differences, redisServerPath, startPair } from './fixtures/diff-client.js';
import { Random } from './fixtures/random.js';

/**
 * EVAL & co against redis-server 7.0: every reply (conversions, error texts with their
 * `script: <sha>, on @user_script:<line>.` suffix, library results) must be byte-identical.
 */
const ev = (body: string, ...rest: string[]) => ['EVAL', body, ...(rest.length ? rest : ['0'])];

const CONVERSIONS: string[][] = [
  ev('return 1'),
  ev('return 3.99'),
  ev('return -3.99'),
  ev('return 1e300'),
  ev('return 0/0'),
  ev("return 'hello'"),
  ev('return true'),
  ev('return false'),
  ev('return nil'),
  ev("return {1, 2, 3.7, 'x', false, 'after'}"),
  ev("return {1, nil, 'dropped'}"),
  ev("return {{1, {2, {'deep'}}}, {}}"),
  ev("return {ok='fine'}"),
  ev("return {ok='two\\r\\nlines'}"),
  ev("return {err='MYCODE custom'}"),
  ev("return {err='no code'}"),
  ev("return redis.status_reply('STATUS')"),
  ev("return redis.error_reply('ERR2 custom')"),
  ev("return redis.error_reply('plain')"),
  ev('return {double=3.5}'),
  ev("return {big_number='123456789012345678901234567890'}"),
  ev('return {map={a=1}}'),
  ev('return {set={x=true}}'),
  ev("return {verbatim_string={format='txt', string='hi'}}"),
  ev("redis.setresp(3) return redis.call('hgetall', 'nohash')"),
  ev(
    "redis.call('hset', 'h', 'f', 'v') redis.setresp(3) local r = redis.call('hgetall', 'h') return r.map.f",
  ),
  ev(
    "redis.call('sadd', 'st', 'm') redis.setresp(3) local r = redis.call('smembers', 'st') return tostring(r.set.m)",
  ),
  ev("redis.setresp(3) return redis.call('get', 'missing') == nil"),
  ev("return redis.call('get', 'missing')"),
  ev(
    "redis.call('zadd', 'z', '1.5', 'a') redis.setresp(3) local r = redis.call('zscore', 'z', 'a') return r.double",
  ),
  ev('redis.setresp(3) return true'),
  ev('redis.setresp(3) return false'),
  ev('redis.setresp(3) return {double=1.25}'),
  ev("return redis.call('ping')"),
  ev("return redis.call('ping')['ok']"),
  ev("return type(redis.call('ping'))"),
  ev("return redis.pcall('incr', 'h')"),
  ev("return redis.pcall('incr', 'h')['err']"),
  ev('return {KEYS[1], KEYS[2], ARGV[1], ARGV[2], #KEYS, #ARGV}', '2', 'k1', 'k2', 'a1', 'a2'),
  ev("redis.call('set', 'n', 0.1) return redis.call('get', 'n')"),
  ev("redis.call('set', 'n', 100) return redis.call('get', 'n')"),
  ev("redis.call('set', 'n', 1e20) return redis.call('get', 'n')"),
  ev("return redis.call('lrange', 'nolist', 0, -1)"),
  ev("redis.call('rpush', 'l', 'a', 'b') return redis.call('lrange', 'l', 0, -1)"),
  ev("return redis.call('exists', 'l', 'nothere')"),
  ev('return redis.sha1hex("")'),
  ev("return redis.sha1hex('abc')"),
  ev('return redis.REDIS_VERSION'),
  ev('return redis.REDIS_VERSION_NUM'),
  ev('return {redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING}'),
  ev(
    'return {redis.REPL_NONE, redis.REPL_AOF, redis.REPL_REPLICA, redis.REPL_SLAVE, redis.REPL_ALL}',
  ),
  ev("return redis.log(redis.LOG_WARNING, 'from', 'script')"),
  ev('return redis.replicate_commands()'),
  ev('return redis.breakpoint()'),
  ev('return redis.debug("x")'),
  ev('return redis.set_repl(redis.REPL_ALL)'),
  ev("return redis.acl_check_cmd('get', 'x')"),
];

const ERRORS: string[][] = [
  ev("error('boom')"),
  ev("error({err='TABLE error'})"),
  ev('local x = nil; return x.y'),
  ev('return 1 +'),
  ev('x = 1'),
  ev('_G.y = 1'),
  ev('string.x = 1'),
  ev('return nosuchglobal'),
  ev('return os'),
  ev('return io'),
  ev('return require'),
  ev('return loadfile'),
  ev('return dofile'),
  ev('return print'),
  ev('return package'),
  ev('return debug'),
  ev("return redis.call('nosuchcommand')"),
  ev("return redis.pcall('nosuchcommand')"),
  ev("return redis.call('get')"),
  ev("return redis.call('set', 'a', 'b', 'c', 'd', 'e')"),
  ev('return redis.call()'),
  ev('return redis.pcall()'),
  ev('return redis.call({})'),
  ev("return redis.call('get', nil)"),
  ev("return redis.call('multi')"),
  ev("return redis.call('blpop', 'l', 0)"),
  ev("return redis.call('eval', 'return 1', 0)"),
  ev("return redis.call('subscribe', 'c')"),
  ev("redis.call('set', 'str', 'v') return redis.call('lpush', 'str', 'x')"),
  ev("local ok, e = pcall(redis.call, 'nosuch') return e"),
  ev("local ok, e = pcall(error, 'x') return e"),
  ev('return redis.sha1hex()'),
  ev('return redis.setresp(4)'),
  ev('return redis.setresp()'),
  ev("return redis.log(99, 'x')"),
  ev("return redis.log('a', 'x')"),
  ev('return redis.log(1)'),
  ev('return redis.set_repl(9)'),
  ev("return redis.acl_check_cmd('nosuch')"),
  ev('return redis.error_reply()'),
  ev('return 1', '-1'),
  ev('return 1', '2', 'onlyone'),
  ev('return 1', 'abc'),
  ['EVAL', 'return 1'],
  ['EVALSHA', 'ffffffffffffffffffffffffffffffffffffffff', '0'],
  ['EVALSHA', 'short', '0'],
  ['EVAL_RO', "return redis.call('set', 'a', 'b')", '0'],
  ['EVAL_RO', "return redis.call('get', 'a')", '0'],
  ev("#!lua\nerror('second line')"),
  ev("#!lua flags=no-writes\nreturn redis.call('set', 'a', 'b')"),
  ev('#!lua flags=no-writes,allow-oom\nreturn 1'),
  ev('#!lua foo=bar\nreturn 1'),
  ev('#!lua flags=bad\nreturn 1'),
  ev('#!js\nreturn 1'),
  ev('#!lua'),
  ['EVAL_RO', '#!lua\nreturn 1', '0'],
  ['SCRIPT', 'LOAD', 'return 42'],
  ['EVALSHA', '1fa00e76656cc152ad327c13fe365858fd7be306', '0'],
  ['EVALSHA', '1FA00E76656CC152AD327C13FE365858FD7BE306', '0'],
  ['EVALSHA_RO', '1fa00e76656cc152ad327c13fe365858fd7be306', '0'],
  ['SCRIPT', 'EXISTS', '1fa00e76656cc152ad327c13fe365858fd7be306', 'ffff'],
  ['SCRIPT', 'LOAD', 'return +'],
  ['SCRIPT', 'FLUSH', 'BAD'],
  ['SCRIPT', 'FLUSH', 'SYNC'],
  ['SCRIPT', 'EXISTS', '1fa00e76656cc152ad327c13fe365858fd7be306'],
  ['SCRIPT', 'KILL'],
  ['SCRIPT', 'NOSUCH'],
];

const LIBRARIES: string[][] = [
  ev('return {unpack({1, 2, 3})}'),
  ev("return loadstring('return 5')()"),
  ev('return table.getn({1, 2, 3})'),
  ev('return tostring(10 / 2)'),
  ev('return tostring(1 / 3)'),
  ev('return tostring(2^53)'),
  ev('return math.floor(-3.5)'),
  ev('return math.huge'),
  ev("return string.format('%5.2f|%d|%s|%q', 3.14159, 42, 'x', 'a\\nb')"),
  ev("return string.rep('ab', 3)"),
  ev("return {string.byte('ABC', 1, -1)}"),
  ev("return string.gsub('hello world', 'o', '0')"),
  ev('local t = {3, 1, 2} table.sort(t) return t'),
  ev("return table.concat({1, 'b', 3}, '-')"),
  ev("local t = {} table.insert(t, 'a') table.insert(t, 1, 'b') return t"),
  ev('return select("#", 1, nil, 3)'),
  ev('return type(coroutine.create(function() end))'),
  ev(
    'local co = coroutine.wrap(function(a) local b = coroutine.yield(a + 1) return b * 2 end) return {co(1), co(10)}',
  ),
  ev("local ok, err = pcall(function() error('inner') end) return err"),
  ev("return xpcall(function() error('x') end, function(m) return 'handled: ' .. m end)"),
  ev("return tonumber('0x10') + tonumber('  12  ')"),
  ev('return {math.random(), math.random(10), math.random(5, 7)}'),
  ev('math.randomseed(42) return {math.random(1000), math.random(1000)}'),
  ev('return {math.random(1000), math.random(1000)}'),
  ev('return gcinfo() > 0'),
  // cjson
  ev("return cjson.encode({1, 2, {a = 1.5}, {}, 'x', true, false})"),
  ev("return cjson.encode({a = {b = {c = 'd'}}})"),
  ev('return cjson.encode({[1] = 1, [3] = 3})'),
  ev('return cjson.encode({[1] = 1, [30] = 3})'),
  ev('return cjson.encode({a = 1, [2] = 3})'),
  ev("return cjson.encode('q\"\\\\/\\n\\r\\t\\b\\f\\1\\127\\200')"),
  ev('return cjson.encode(0.1 + 0.2)'),
  ev('return cjson.encode(1e20)'),
  ev('return cjson.encode(-0.000001234)'),
  ev('return cjson.encode(123456789012345)'),
  ev('return cjson.encode(nil)'),
  ev('return cjson.encode(cjson.null)'),
  ev('return cjson.encode(function() end)'),
  ev('return cjson.encode(0/0)'),
  ev('return cjson.encode(math.huge)'),
  ev('return cjson.encode({[true] = 1})'),
  ev('return cjson.encode()'),
  ev('return cjson.decode(\'[1,2,null,{"a":[]}]\')[3] == cjson.null'),
  ev(
    'return cjson.encode(cjson.decode(\'{"a":[], "b":{}, "c":"\\\\u00e9\\\\/\\\\ud83d\\\\ude00"}\'))',
  ),
  ev('return cjson.decode(\'"x"\')'),
  ev("return cjson.decode('12.5e1')"),
  ev("return cjson.decode('[1,')"),
  ev("return cjson.decode('x')"),
  ev('return cjson.decode(\'{"a" 1}\')'),
  ev("return cjson.decode('{1:2}')"),
  ev("return cjson.decode('[1 2]')"),
  ev("return cjson.decode('[1] 2')"),
  ev('return cjson.decode(\'"\\\\q"\')'),
  ev("return cjson.decode('\"abc')"),
  ev('return cjson.decode({})'),
  ev("return cjson.decode(cjson.encode({list = {1, 2, 3}, name = 'n'})).list"),
  // cmsgpack
  ev('return cmsgpack.pack({1, 2, 3})'),
  ev('return cmsgpack.pack({a = 1})'),
  ev('return cmsgpack.pack({})'),
  ev(
    'return cmsgpack.pack(1, -1, -33, 127, 128, 255, 256, 65535, 65536, 4294967295, 4294967296, -129, -32769, -2147483649)',
  ),
  ev('return cmsgpack.pack(1.5, 0.1, 1e300, -0.25)'),
  ev("return cmsgpack.pack(true, false, nil, 'short', string.rep('x', 40), string.rep('y', 300))"),
  ev('return cmsgpack.pack(function() end)'),
  ev('return cmsgpack.pack()'),
  ev("return {cmsgpack.unpack(cmsgpack.pack(1, 'two', {3, 4}))}"),
  ev("local t = cmsgpack.unpack(cmsgpack.pack({a = {b = 'c'}})) return t.a.b"),
  ev("return cmsgpack.unpack('\\196')"),
  ev("return cmsgpack.unpack('\\193')"),
  ev('return {cmsgpack.unpack_one(cmsgpack.pack(1, 2))}'),
  ev('return {cmsgpack.unpack_one(cmsgpack.pack(1, 2), 1)}'),
  ev('return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 2)}'),
  ev('return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 0, 1)}'),
  ev('return cmsgpack.unpack_one(cmsgpack.pack(1), 5)'),
  // struct
  ev("return struct.pack('>I2', 258)"),
  ev("return struct.pack('<i4', -2)"),
  ev("return struct.pack('bBhHlLT', -1, 255, -2, 65535, -3, 4, 5)"),
  ev("return struct.pack('!4 b i4', 1, 2)"),
  ev("return struct.pack('s', 'zero')"),
  ev("return struct.pack('c3', 'abcdef')"),
  ev("return struct.pack('c0', 'abcdef')"),
  ev("return struct.pack('d', 1.5)"),
  ev("return struct.pack('f', 1.5)"),
  ev("return struct.pack('x')"),
  ev("return {struct.unpack('>I2', '\\1\\2')}"),
  ev("return {struct.unpack('<i4i4', struct.pack('<i4i4', -7, 9))}"),
  ev("return {struct.unpack('s', 'abc\\0def')}"),
  ev("return {struct.unpack('bc0', struct.pack('bc0', 3, 'xyz'))}"),
  ev("return {struct.unpack('>I2', '\\1\\2\\3\\4', 3)}"),
  ev("return struct.unpack('>I4', '\\1')"),
  ev("return struct.size('bhi4d')"),
  ev("return struct.size('!8 b d')"),
  ev("return struct.size('s')"),
  ev("return struct.pack('y', 1)"),
  ev("return struct.pack('i33', 1)"),
  // bit
  ev('return {bit.tobit(1.5), bit.tobit(2.5), bit.tobit(2^32 + 5), bit.tobit(-1)}'),
  ev('return {bit.tohex(-1), bit.tohex(255, -4), bit.tohex(1, 20), bit.tohex(65535, 2)}'),
  ev('return {bit.bnot(0), bit.band(0xff, 0x0f, 0x3), bit.bor(1, 2, 4), bit.bxor(5, 3)}'),
  ev('return {bit.lshift(1, 31), bit.rshift(-1, 28), bit.arshift(-256, 4), bit.lshift(1, 33)}'),
  ev('return {bit.rol(0x12345678, 8), bit.ror(0x12345678, 8), bit.bswap(0x12345678)}'),
  ev('return bit.band()'),
  ev("return bit.bor('x')"),
];

const FUNCTIONS: string[][] = [
  ['FUNCTION', 'LOAD', 'return 1'],
  ['FUNCTION', 'LOAD', '#!lua\nreturn 1'],
  ['FUNCTION', 'LOAD', '#!lua name=a-b\nreturn 1'],
  ['FUNCTION', 'LOAD', '#!js name=ab\nreturn 1'],
  ['FUNCTION', 'LOAD', '#!lua name=ab foo=bar\nreturn 1'],
  ['FUNCTION', 'LOAD', '#!lua name=ab\nreturn 1'],
  ['FUNCTION', 'LOAD', '#!lua name=ab\nredis.call("ping")'],
  ['FUNCTION', 'LOAD', '#!lua name=ab\nlocal s = string'],
  ['FUNCTION', 'LOAD', '#!lua name=ab\nx x'],
  ['FUNCTION', 'LOAD', '#!lua name=ab\nredis.register_function("a-b", function() end)'],
  ['FUNCTION', 'LOAD', '#!lua name=ab\nredis.register_function("ab", 5)'],
  [
    'FUNCTION',
    'LOAD',
    '#!lua name=ab\nredis.register_function{function_name="r", callback=function() end, foo=1}',
  ],
  [
    'FUNCTION',
    'LOAD',
    '#!lua name=ab\nredis.register_function{function_name="r", callback=function() end, flags={"bad"}}',
  ],
  [
    'FUNCTION',
    'LOAD',
    '#!lua name=ab\nredis.register_function("g", function() end) redis.register_function("g", function() end)',
  ],
  [
    'FUNCTION',
    'LOAD',
    "#!lua name=lib\nredis.register_function('setget', function(keys, args) redis.call('set', keys[1], args[1]) return redis.call('get', keys[1]) end)\nredis.register_function{function_name='ro', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}}\nredis.register_function('fail', function() error('in function') end)",
  ],
  ['FUNCTION', 'LOAD', "#!lua name=lib\nredis.register_function('x', function() end)"],
  ['FUNCTION', 'LOAD', "#!lua name=other\nredis.register_function('setget', function() end)"],
  ['FCALL', 'setget', '1', 'fk', 'fv'],
  ['FCALL', 'ro', '1', 'fk'],
  ['FCALL_RO', 'ro', '1', 'fk'],
  ['FCALL_RO', 'setget', '1', 'fk', 'v'],
  ['FCALL', 'fail', '0'],
  ['FCALL', 'nosuch', '0'],
  ['FCALL', 'ro', '-1'],
  ['FCALL', 'ro', '5', 'a'],
  // One function per library: Redis lists a library's functions in its dict's (random) order.
  [
    'FUNCTION',
    'LOAD',
    "#!lua name=one\nredis.register_function{function_name='only', callback=function() return 1 end, flags={'no-writes', 'allow-oom'}, description='the only one'}",
  ],
  ['FUNCTION', 'LIST', 'LIBRARYNAME', 'on*'],
  ['FUNCTION', 'LIST', 'WITHCODE', 'LIBRARYNAME', 'one'],
  ['FUNCTION', 'LIST', 'LIBRARYNAME', 'nomatch*'],
  ['FUNCTION', 'LIST', 'BAD'],
  ['FCALL_RO', 'only', '0'],
  ['FUNCTION', 'STATS'],
  ['FUNCTION', 'KILL'],
  ['FUNCTION', 'DELETE', 'nosuch'],
  ['FUNCTION', 'RESTORE', 'garbage'],
  ['FUNCTION', 'DELETE', 'lib'],
  ['FCALL', 'ro', '1', 'fk'],
  ['FUNCTION', 'LIST', 'LIBRARYNAME', 'lib'],
  ['FUNCTION', 'FLUSH', 'BAD'],
  ['FUNCTION', 'FLUSH'],
];

const SECTIONS: Record<string, string[][]> = {
  conversions: CONVERSIONS,
  errors: ERRORS,
  libraries: LIBRARIES,
  functions: FUNCTIONS,
};

for (const resp of [2, 3] as const) {
  for (const [name, commands] of Object.entries(SECTIONS)) {
    t.test(`${name} RESP${resp} vs redis-server`, async (t) => {
      const redisPath = redisServerPath(t);
      if (!redisPath) return;
      const pair = await startPair(t, redisPath, resp);
      t.same(await differences(pair, commands), []);
    });
  }
}

t.test('functions survive FUNCTION DUMP / RESTORE on our server', async (t) => {
  const redisPath = redisServerPath(t);
  if (!redisPath) return;
  const pair = await startPair(t, redisPath);
  const code = "#!lua name=d\nredis.register_function('hi', function() return 'hi' end)";
  const ours = pair.ours;
  t.same(await ours.send('FUNCTION', 'LOAD', code), { t: 'bulk', v: 'd' });
  const dump = await ours.send('FUNCTION', 'DUMP');
  t.equal(dump.t, 'bulk');
  const payload = Buffer.from((dump as { v: string }).v, 'latin1');
  t.match(await ours.send('FUNCTION', 'RESTORE', payload), {
    t: 'error',
    v: "ERR Library 'd' already exists",
  });
  t.same(await ours.send('FUNCTION', 'FLUSH'), { t: 'simple', v: 'OK' });
  t.same(await ours.send('FUNCTION', 'RESTORE', payload), { t: 'simple', v: 'OK' });
  t.same(await ours.send('FCALL', 'hi', '0'), { t: 'bulk', v: 'hi' });
  t.same(await ours.send('FUNCTION', 'RESTORE', payload, 'REPLACE'), { t: 'simple', v: 'OK' });
  t.match(await ours.send('FUNCTION', 'RESTORE', payload, 'BAD'), { t: 'error' });
});

/** A random Lua value expression: numbers (integral, fractional, huge), strings, booleans, nested tables. */
function luaValue(rand: Random, depth: number): string {
  const kind = rand.int(0, depth > 2 ? 4 : 7);
  switch (kind) {
    case 0:
      return String(rand.int(-100000, 100000));
    case 1:
      return (rand.next() * 2000 - 1000).toPrecision(rand.int(1, 17));
    case 2:
      return rand.pick(['1e20', '-0.5', '2^53', '1/3', '0.1', '123456789012345', '2^31', '-2^63']);
    case 3:
      return `'${rand.pick(['', 'a', 'hello world', 'q"uote', 'sl/ash', 'tab\\t', '\\200\\255', 'ok', 'err'])}'`;
    case 4:
      return rand.pick(['true', 'false']);
    case 5: {
      const n = rand.int(0, 4);
      return `{${Array.from({ length: n }, () => luaValue(rand, depth + 1)).join(', ')}}`;
    }
    case 6: {
      const n = rand.int(1, 3);
      const fields = Array.from(
        { length: n },
        (_, i) => `k${i}${rand.pick(['', 'x'])} = ${luaValue(rand, depth + 1)}`,
      );
      return `{${fields.join(', ')}}`;
    }
    default:
      return `{${rand.pick(['ok', 'err', 'double'])} = ${rand.pick(["'text'", '2.5', '7'])}}`;
  }
}

t.test('seeded generated scripts vs redis-server', async (t) => {
  const redisPath = redisServerPath(t);
  if (!redisPath) return;
  const seed = Number(process.env.LUA_SEED ?? 13);
  const rand = new Random(seed);
  const commands: string[][] = [];
  for (let i = 0; i < 300; i++) {
    const value = luaValue(rand, 0);
    const wrap = rand.pick([
      (v: string) => `return ${v}`,
      (v: string) => `return cjson.encode(${v})`,
      (v: string) => `return cmsgpack.pack(${v})`,
      (v: string) => `return cjson.encode(cmsgpack.unpack(cmsgpack.pack(${v})))`,
      (v: string) => `redis.setresp(3) return ${v}`,
      (v: string) =>
        `local v = ${v} redis.call('set', 'g', type(v) == 'table' and cjson.encode(v) or tostring(v)) return redis.call('get', 'g')`,
      (v: string) => `local v = ${v} return type(v) == 'table' and #v or tostring(v)`,
    ]);
    commands.push(['EVAL', wrap(value), '0']);
  }
  for (const resp of [2, 3] as const) {
    const pair = await startPair(t, redisPath, resp);
    t.same(
      await differences(pair, commands),
      [],
      `seed ${seed} (LUA_SEED=n for another), RESP${resp}`,
    );
  }
});
