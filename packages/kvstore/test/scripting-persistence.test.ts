import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@strata/common/testing';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import t from 'tap';
import { RawClient } from './fixtures/diff-client.js';
import { spawnKv } from './helpers/spawn.js';

type TestLike = Parameters<typeof tempDir>[0];
const dirOf = (test: object) => tempDir(test as TestLike, 'strata-kv-lua-');

/** A script that writes with a non-deterministic command (SPOP): its effects go to the AOF. */
const SCRIPT = `
redis.call('INCR', KEYS[1])
redis.call('SADD', KEYS[2], 'a', 'b', 'c')
local popped = redis.call('SPOP', KEYS[2])
redis.call('RPUSH', KEYS[3], popped)
return popped`;

t.test('kill -9 after EVAL (appendfsync always): the AOF replays the effects', async (t) => {
  const dir = dirOf(t);
  const args = ['--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''];
  const first = await spawnKv(t, args);
  const client = await RawClient.connect(first.port);
  const popped: string[] = [];
  for (let i = 0; i < 20; i++) {
    const reply = await client.send('EVAL', SCRIPT, '3', 'n', 's', 'l');
    if (reply.t === 'bulk') popped.push(reply.v);
  }
  const lib =
    "#!lua name=persisted\nredis.register_function('bump', function(keys) return redis.call('INCRBY', keys[1], 5) end)";
  t.same(await client.send('FUNCTION', 'LOAD', lib), { t: 'bulk', v: 'persisted' });
  t.same(await client.send('FCALL', 'bump', '1', 'n'), { t: 'int', v: '25' });
  first.child.kill('SIGKILL');
  await first.exited;
  client.close();
  const aof = readFileSync(join(dir, 'appendonly.aof'), 'latin1');
  t.match(aof, /MULTI/, 'script effects are wrapped in MULTI/EXEC');
  t.notMatch(aof, /EVAL/, 'the AOF holds the commands the script ran, not EVAL');
  t.match(aof, /SREM|SPOP/, 'SPOP is logged as its effect');
  const second = await spawnKv(t, args);
  const reader = await RawClient.connect(second.port);
  t.teardown(() => reader.close());
  t.same(await reader.send('GET', 'n'), { t: 'bulk', v: '25' });
  t.same(await reader.send('LRANGE', 'l', '0', '-1'), {
    t: 'array',
    v: popped.map((v) => ({ t: 'bulk', v })),
  });
  t.same(await reader.send('FCALL', 'bump', '1', 'n'), { t: 'int', v: '30' }, 'library replayed');
});

t.test('function libraries survive a snapshot (SAVE, restart)', async (t) => {
  const dir = dirOf(t);
  const first = await spawnKv(t, ['--dir', dir, '--save', '']);
  const client = await RawClient.connect(first.port);
  const lib =
    "#!lua name=snap\nredis.register_function('hello', function() return 'from snapshot' end)";
  await client.send('FUNCTION', 'LOAD', lib);
  t.same(await client.send('SAVE'), { t: 'simple', v: 'OK' });
  client.close();
  first.child.kill('SIGKILL');
  await first.exited;
  const second = await spawnKv(t, ['--dir', dir, '--save', '']);
  const reader = await RawClient.connect(second.port);
  t.teardown(() => reader.close());
  t.same(await reader.send('FCALL', 'hello', '0'), { t: 'bulk', v: 'from snapshot' });
});

t.test('ioredis defineCommand and node-redis scripts', async (t) => {
  const server = await spawnKv(t, ['--save', '']);
  const io = new Redis({ port: server.port, host: '127.0.0.1', lazyConnect: true });
  await io.connect();
  t.teardown(() => io.disconnect());
  io.defineCommand('addAndGet', {
    numberOfKeys: 1,
    lua: "return redis.call('INCRBY', KEYS[1], ARGV[1])",
  });
  const withScript = io as unknown as { addAndGet(key: string, n: number): Promise<number> };
  // The first call goes through EVALSHA, gets NOSCRIPT, and falls back to EVAL; then EVALSHA.
  t.equal(await withScript.addAndGet('io', 2), 2);
  t.equal(await withScript.addAndGet('io', 3), 5);
  t.same(await io.script('EXISTS', '0000000000000000000000000000000000000000'), [0]);
  const sha = (await io.script('LOAD', 'return ARGV[1]')) as string;
  t.equal(await io.evalsha(sha, 0, 'back'), 'back');

  const nr = createClient({ socket: { port: server.port, host: '127.0.0.1' } });
  await nr.connect();
  t.teardown(() => nr.destroy());
  t.equal(await nr.eval("return redis.call('GET', KEYS[1])", { keys: ['io'] }), '5');
  await nr.sendCommand([
    'FUNCTION',
    'LOAD',
    "#!lua name=nr\nredis.register_function{function_name='echo', callback=function(k, a) return a[1] end, flags={'no-writes'}}",
  ]);
  t.equal(await nr.fCallRo('echo', { keys: [], arguments: ['via fcall_ro'] }), 'via fcall_ro');
});
