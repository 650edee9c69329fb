import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@strata/common/testing';
import t from 'tap';
import { RawClient, encodeCommand, pollUntil } from './fixtures/diff-client.js';
import { spawnKv } from './helpers/spawn.js';

type TestLike = Parameters<typeof tempDir>[0];
const dirOf = (test: object) => tempDir(test as TestLike, 'strata-kv-persist-');

t.test('appendfsync always: kill -9 loses no acknowledged write', async (t) => {
  const dir = dirOf(t);
  const args = ['--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''];
  const first = await spawnKv(t, args);
  const clients = await Promise.all([0, 1, 2].map(() => RawClient.connect(first.port)));
  const acknowledged: string[] = [];
  let incrs = 0;
  let stop = false;
  // Three writers keep many commands in flight; the kill lands in the middle of them.
  const writers = clients.map(async (client, w) => {
    for (let i = 0; !stop; i++) {
      const key = `w${w}:${i}`;
      const batch = [
        client.send('SET', key, `v${i}`),
        client.send('INCR', 'counter'),
        client.send('RPUSH', `list${w}`, String(i)),
      ];
      try {
        const [set, incr] = await Promise.all(batch);
        if (set.t === 'simple') acknowledged.push(key);
        if (incr.t === 'int') incrs = Math.max(incrs, Number(incr.v));
      } catch {
        return;
      }
    }
  });
  await pollUntil(async () => acknowledged.length > 1500, 'writes');
  first.child.kill('SIGKILL');
  stop = true;
  await first.exited;
  for (const client of clients) client.close();
  await Promise.race([Promise.all(writers), new Promise((r) => setTimeout(r, 500))]);
  const second = await spawnKv(t, args);
  const reader = await RawClient.connect(second.port);
  t.teardown(() => reader.close());
  const replies = await Promise.all(acknowledged.map((key) => reader.send('GET', key)));
  const missing = acknowledged.filter((_, i) => replies[i]!.t !== 'bulk');
  t.same(missing, [], `all ${acknowledged.length} acknowledged SETs survive`);
  const counter = await reader.send('GET', 'counter');
  t.ok(
    counter.t === 'bulk' && Number(counter.v) >= incrs,
    `counter ${JSON.stringify(counter)} >= ${incrs}`,
  );
});

t.test('a truncated AOF tail loads with a warning and is cut off', async (t) => {
  const dir = dirOf(t);
  const aof = join(dir, 'appendonly.aof');
  writeFileSync(
    aof,
    Buffer.concat([
      encodeCommand(['SELECT', '0']),
      encodeCommand(['SET', 'kept', 'yes']),
      encodeCommand(['RPUSH', 'list', 'a', 'b']),
      encodeCommand(['MULTI']),
      encodeCommand(['SET', 'in-tx', '1']),
      encodeCommand(['EXEC']),
    ]),
  );
  const complete = statSync(aof).size;
  appendFileSync(aof, '*3\r\n$3\r\nSET\r\n$4\r\nlost\r\n$5\r\nva');
  const server = await spawnKv(t, ['--dir', dir, '--appendonly', 'yes', '--save', '']);
  const client = await RawClient.connect(server.port);
  t.teardown(() => client.close());
  t.same(await client.send('GET', 'kept'), { t: 'bulk', v: 'yes' });
  t.same(await client.send('LLEN', 'list'), { t: 'int', v: '2' });
  t.same(await client.send('GET', 'in-tx'), { t: 'bulk', v: '1' });
  t.same(await client.send('EXISTS', 'lost'), { t: 'int', v: '0' });
  t.match(server.output(), /short read while loading the AOF/);
  t.same(await client.send('SET', 'after', 'restart'), { t: 'simple', v: 'OK' });
  t.ok(statSync(aof).size > complete, 'new writes append after the cut');
  t.notOk(readFileSync(aof, 'latin1').includes('$4\r\nlost'), 'the torn command is gone');
});

t.test('an unfinished MULTI at the end of the AOF is discarded', async (t) => {
  const dir = dirOf(t);
  writeFileSync(
    join(dir, 'appendonly.aof'),
    Buffer.concat([
      encodeCommand(['SET', 'a', '1']),
      encodeCommand(['MULTI']),
      encodeCommand(['SET', 'b', '2']),
    ]),
  );
  const server = await spawnKv(t, ['--dir', dir, '--appendonly', 'yes', '--save', '']);
  const client = await RawClient.connect(server.port);
  t.teardown(() => client.close());
  t.same(await client.send('MGET', 'a', 'b'), {
    t: 'array',
    v: [{ t: 'bulk', v: '1' }, { t: 'null' }],
  });
});

t.test('an AOF with container subcommands (XGROUP CREATE/SETID) reloads them', async (t) => {
  const dir = dirOf(t);
  writeFileSync(
    join(dir, 'appendonly.aof'),
    Buffer.concat([
      encodeCommand(['XADD', 's', '1-1', 'f', 'v']),
      encodeCommand(['XADD', 's', '2-1', 'f', 'v']),
      encodeCommand(['xgroup', 'create', 's', 'g', '0']),
      encodeCommand(['XGROUP', 'SETID', 's', 'g', '1-1', 'ENTRIESREAD', '1']),
      encodeCommand(['XGROUP', 'CREATECONSUMER', 's', 'g', 'alice']),
      encodeCommand(['MULTI']),
      encodeCommand(['XGROUP', 'CREATE', 's', 'g2', '$']),
      encodeCommand(['EXEC']),
    ]),
  );
  const args = ['--dir', dir, '--appendonly', 'yes', '--save', '', '--enable-debug-command', 'yes'];
  const server = await spawnKv(t, args);
  const client = await RawClient.connect(server.port);
  t.teardown(() => client.close());
  const groups = async () => {
    const reply = await client.send('XINFO', 'GROUPS', 's');
    if (reply.t !== 'array') return reply;
    return reply.v.map((group) => {
      const fields = group.t === 'array' ? group.v.map((f) => ('v' in f ? f.v : null)) : [];
      const at = (name: string) => fields[fields.indexOf(name) + 1];
      return [at('name'), at('consumers'), at('last-delivered-id'), at('entries-read')];
    });
  };
  const expected = [
    ['g', '1', '1-1', '1'],
    ['g2', '0', '2-1', null],
  ];
  t.same(await groups(), expected, 'groups replayed from the AOF');
  t.same(await client.send('XGROUP', 'SETID', 's', 'g2', '1-1'), { t: 'simple', v: 'OK' });
  t.same(await client.send('DEBUG', 'RELOAD'), { t: 'simple', v: 'OK' });
  t.same(
    await groups(),
    [expected[0], ['g2', '0', '1-1', null]],
    'groups survive DEBUG RELOAD (snapshot replay)',
  );
});

t.test('aof-load-truncated no refuses a torn AOF', async (t) => {
  const dir = dirOf(t);
  writeFileSync(join(dir, 'appendonly.aof'), '*2\r\n$3\r\nGET\r\n$1');
  const server = await spawnKv(
    t,
    ['--dir', dir, '--appendonly', 'yes', '--aof-load-truncated', 'no'],
    {
      waitReady: false,
    },
  );
  t.not(await server.exited, 0);
});

t.test('BGSAVE, SAVE rules and shutdown snapshots survive a restart', async (t) => {
  const dir = dirOf(t);
  const first = await spawnKv(t, ['--dir', dir, '--save', '']);
  const client = await RawClient.connect(first.port);
  const writes: Promise<unknown>[] = [];
  for (let i = 0; i < 5000; i++) writes.push(client.send('SET', `key:${i}`, `value:${i}`));
  writes.push(
    client.send('HSET', 'hash', 'f', 'v'),
    client.send('SADD', 'set', 'a', 'b'),
    client.send('ZADD', 'zset', '1.5', 'm'),
    client.send('SET', 'ttl', 'x', 'EX', '1000'),
    client.send('SET', 'bin', '\x00\xff\r\n'),
  );
  await Promise.all(writes);
  const before = await client.send('LASTSAVE');
  t.same(await client.send('BGSAVE'), { t: 'simple', v: 'Background saving started' });
  // Writes during the background save are not in this snapshot (point in time).
  await client.send('SET', 'key:0', 'changed-after-bgsave');
  await pollUntil(async () => {
    const info = await client.send('INFO', 'persistence');
    return info.t === 'bulk' && info.v.includes('rdb_bgsave_in_progress:0');
  }, 'BGSAVE');
  t.ok(Number((await client.send('LASTSAVE')).t === 'int') >= 0 && before.t === 'int');
  client.close();
  first.child.kill('SIGKILL');
  await first.exited;
  const second = await spawnKv(t, ['--dir', dir, '--save', '']);
  const reader = await RawClient.connect(second.port);
  t.teardown(() => reader.close());
  t.same(await reader.send('DBSIZE'), { t: 'int', v: '5005' });
  t.same(await reader.send('GET', 'key:0'), { t: 'bulk', v: 'value:0' });
  t.same(await reader.send('GET', 'key:4999'), { t: 'bulk', v: 'value:4999' });
  t.same(await reader.send('ZSCORE', 'zset', 'm'), { t: 'bulk', v: '1.5' });
  t.same(await reader.send('GET', 'bin'), { t: 'bulk', v: '\x00\xff\r\n' });
  const ttl = await reader.send('TTL', 'ttl');
  t.ok(ttl.t === 'int' && Number(ttl.v) > 900);
  // SHUTDOWN SAVE writes the snapshot even with no save rules.
  await reader.send('SET', 'saved-on-shutdown', 'yes');
  // SHUTDOWN answers nothing: the connection just closes.
  void reader.send('SHUTDOWN', 'SAVE');
  t.equal(await second.exited, 0);
  const third = await spawnKv(t, ['--dir', dir, '--save', '']);
  const last = await RawClient.connect(third.port);
  t.teardown(() => last.close());
  t.same(await last.send('GET', 'saved-on-shutdown'), { t: 'bulk', v: 'yes' });
});

t.test('BGREWRITEAOF while writing keeps every write', async (t) => {
  const dir = dirOf(t);
  const args = ['--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', ''];
  const first = await spawnKv(t, args);
  const client = await RawClient.connect(first.port);
  for (let i = 0; i < 20; i++) await client.send('INCR', 'counter');
  const fill: Promise<unknown>[] = [];
  for (let i = 0; i < 20000; i++) fill.push(client.send('RPUSH', `list:${i % 100}`, String(i)));
  await Promise.all(fill);
  t.same(await client.send('BGREWRITEAOF'), {
    t: 'simple',
    v: 'Background append only file rewriting started',
  });
  const during: Promise<unknown>[] = [];
  for (let i = 0; i < 2000; i++)
    during.push(client.send('INCR', 'counter'), client.send('LPOP', `list:${i % 100}`));
  await Promise.all(during);
  await pollUntil(async () => {
    const info = await client.send('INFO', 'persistence');
    return info.t === 'bulk' && info.v.includes('aof_rewrite_in_progress:0');
  }, 'rewrite');
  await client.send('SET', 'after-rewrite', '1');
  const expected = await Promise.all(
    Array.from({ length: 100 }, (_, i) => client.send('LLEN', `list:${i}`)),
  );
  client.close();
  first.child.kill('SIGKILL');
  await first.exited;
  const second = await spawnKv(t, args);
  const reader = await RawClient.connect(second.port);
  t.teardown(() => reader.close());
  t.same(await reader.send('GET', 'counter'), { t: 'bulk', v: '2020' });
  t.same(await reader.send('GET', 'after-rewrite'), { t: 'bulk', v: '1' });
  const lengths = await Promise.all(
    Array.from({ length: 100 }, (_, i) => reader.send('LLEN', `list:${i}`)),
  );
  t.same(lengths, expected);
});

t.test('a redis.conf-style file plus flags, and CONFIG REWRITE', async (t) => {
  const dir = dirOf(t);
  const conf = join(dir, 'redis.conf');
  writeFileSync(
    conf,
    `# test config\ndir ${dir}\nsave ""\nmaxmemory 100mb\nhash-max-ziplist-entries 64\nappendonly no\n`,
  );
  const server = await spawnKv(t, [conf, '--maxmemory-policy', 'allkeys-lru']);
  const client = await RawClient.connect(server.port);
  t.teardown(() => client.close());
  const get = async (name: string) => {
    const reply = await client.send('CONFIG', 'GET', name);
    return reply.t === 'array' ? (reply.v[1] as { v: string }).v : undefined;
  };
  t.equal(await get('maxmemory'), String(100 * 1024 * 1024));
  t.equal(await get('maxmemory-policy'), 'allkeys-lru');
  t.equal(await get('hash-max-listpack-entries'), '64');
  await client.send('CONFIG', 'SET', 'maxmemory', '200mb');
  t.same(await client.send('CONFIG', 'REWRITE'), { t: 'simple', v: 'OK' });
  const rewritten = readFileSync(conf, 'utf8');
  t.match(rewritten, /^maxmemory 209715200$/m);
  t.match(rewritten, /^# test config$/m);
  t.match(rewritten, /^maxmemory-policy allkeys-lru$/m);
});

t.test('CONFIG SET appendonly yes at runtime writes the dataset, then appends', async (t) => {
  const dir = dirOf(t);
  const server = await spawnKv(t, ['--dir', dir, '--save', '']);
  const client = await RawClient.connect(server.port);
  t.teardown(() => client.close());
  await client.send('RPUSH', 'before', 'a', 'b');
  t.same(await client.send('BGREWRITEAOF'), {
    t: 'simple',
    v: 'Background append only file rewriting started',
  });
  await pollUntil(async () => {
    const info = await client.send('INFO', 'persistence');
    return info.t === 'bulk' && info.v.includes('aof_rewrite_in_progress:0');
  }, 'rewrite with appendonly off');
  await client.send('SET', 'not-appended', '1');
  t.notOk(
    readFileSync(join(dir, 'appendonly.aof'), 'latin1').includes('not-appended'),
    'appendonly off: no appends',
  );
  t.same(await client.send('CONFIG', 'SET', 'appendonly', 'yes'), { t: 'simple', v: 'OK' });
  await pollUntil(async () => {
    const info = await client.send('INFO', 'persistence');
    return (
      info.t === 'bulk' &&
      info.v.includes('aof_enabled:1') &&
      info.v.includes('aof_rewrite_in_progress:0')
    );
  }, 'AOF enabled');
  await client.send('SET', 'after', 'on');
  await client.send('SET', 'not-appended', '2');
  client.close();
  server.child.kill('SIGKILL');
  await server.exited;
  const again = await spawnKv(t, ['--dir', dir, '--save', '', '--appendonly', 'yes']);
  const reader = await RawClient.connect(again.port);
  t.teardown(() => reader.close());
  t.same(await reader.send('LRANGE', 'before', '0', '-1'), {
    t: 'array',
    v: [
      { t: 'bulk', v: 'a' },
      { t: 'bulk', v: 'b' },
    ],
  });
  t.same(await reader.send('MGET', 'after', 'not-appended'), {
    t: 'array',
    v: [
      { t: 'bulk', v: 'on' },
      { t: 'bulk', v: '2' },
    ],
  });
});
