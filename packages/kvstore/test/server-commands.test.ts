import { connect } from 'node:net';
import t from 'tap';
import { RawClient, encodeCommand, pollUntil, startStrata } from './fixtures/diff-client.js';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

t.test('requirepass: NOAUTH, WRONGPASS, AUTH and HELLO AUTH', async (t) => {
  const server = await startStrata({ requirepass: 's3cret' });
  t.teardown(server.stop);
  const client = await RawClient.connect(server.port);
  t.teardown(() => client.close());
  t.same(await client.send('GET', 'k'), { t: 'error', v: 'NOAUTH Authentication required.' });
  t.same(await client.send('AUTH', 'wrong'), {
    t: 'error',
    v: 'WRONGPASS invalid username-password pair or user is disabled.',
  });
  t.match(await client.send('HELLO', '3'), { t: 'error', v: /^NOAUTH HELLO must be called/ });
  t.match(await client.send('HELLO', '3', 'AUTH', 'default', 's3cret'), { t: 'map' });
  t.same(await client.send('SET', 'k', 'v'), { t: 'simple', v: 'OK' });
  t.same(await client.send('RESET'), { t: 'simple', v: 'RESET' });
  t.same(await client.send('GET', 'k'), { t: 'error', v: 'NOAUTH Authentication required.' });
  t.same(await client.send('AUTH', 'default', 's3cret'), { t: 'simple', v: 'OK' });
  t.same(await client.send('GET', 'k'), { t: 'bulk', v: 'v' });
});

t.test('INFO sections, CLIENT LIST/KILL/SETNAME, COMMAND', async (t) => {
  const server = await startStrata();
  t.teardown(server.stop);
  const [a, b] = await Promise.all([
    RawClient.connect(server.port),
    RawClient.connect(server.port),
  ]);
  t.teardown(() => {
    a.close();
    b.close();
  });
  const info = await a.send('INFO');
  const text = info.t === 'bulk' ? info.v : '';
  for (const section of [
    'Server',
    'Clients',
    'Memory',
    'Persistence',
    'Stats',
    'Replication',
    'CPU',
    'Keyspace',
  ]) {
    t.match(text, new RegExp(`^# ${section}\\r$`, 'm'));
  }
  t.match(text, /^redis_version:7\.0\.\d+\r$/m);
  t.match(text, /^loading:0\r$/m);
  t.match(text, /^role:master\r$/m);
  await a.send('SET', 'x', '1');
  t.match(await a.send('INFO', 'commandstats'), { v: /cmdstat_set:calls=1,usec=\d+/ });
  t.match(await a.send('INFO', 'keyspace'), { v: /db0:keys=1,expires=0,avg_ttl=0/ });
  await b.send('CLIENT', 'SETNAME', 'worker');
  const list = await a.send('CLIENT', 'LIST');
  t.match(list, { v: /name=worker .*cmd=client\|setname/ });
  const id = (await b.send('CLIENT', 'ID')) as { v: string };
  t.same(await a.send('CLIENT', 'KILL', 'ID', id.v), { t: 'int', v: '1' });
  await pollUntil(
    async () => !/name=worker/.test(((await a.send('CLIENT', 'LIST')) as { v: string }).v),
    'the killed client to leave CLIENT LIST',
  );
  const count = (await a.send('COMMAND', 'COUNT')) as { v: string };
  t.ok(Number(count.v) > 150);
  t.match(await a.send('COMMAND', 'INFO', 'get'), {
    t: 'array',
    v: [
      {
        t: 'array',
        v: [{ v: 'get' }, { v: '2' }, { t: 'array' }, { v: '1' }, { v: '1' }, { v: '1' }],
      },
    ],
  });
  t.match(await a.send('COMMAND', 'DOCS', 'set'), {
    t: 'array',
    v: [{ v: 'set' }, { t: 'array' }],
  });
  t.same(await a.send('COMMAND', 'GETKEYS', 'MSET', 'a', '1', 'b', '2'), {
    t: 'array',
    v: [
      { t: 'bulk', v: 'a' },
      { t: 'bulk', v: 'b' },
    ],
  });
});

t.test('MONITOR streams commands; CLIENT PAUSE holds writes', async (t) => {
  const server = await startStrata();
  t.teardown(server.stop);
  const monitor = connect(server.port, '127.0.0.1');
  let seen = '';
  monitor.on('data', (chunk) => {
    seen += chunk;
  });
  t.teardown(() => monitor.destroy());
  await new Promise((r) => monitor.once('connect', r));
  monitor.write(encodeCommand(['MONITOR']));
  await pollUntil(() => seen.startsWith('+OK\r\n'), 'MONITOR to be confirmed');
  const client = await RawClient.connect(server.port);
  t.teardown(() => client.close());
  await client.send('SET', 'watched', 'a b');
  await pollUntil(() => seen.includes('"watched"'), 'the monitored SET');
  t.match(seen, /^\+OK\r\n\+\d+\.\d{6} \[0 127\.0\.0\.1:\d+\] "SET" "watched" "a b"\r\n/);
  const other = await RawClient.connect(server.port);
  t.teardown(() => other.close());
  await client.send('CLIENT', 'PAUSE', '300', 'WRITE');
  const started = Date.now();
  t.same(await other.send('GET', 'watched'), { t: 'bulk', v: 'a b' }, 'reads are not paused');
  t.same(await other.send('SET', 'watched', 'c'), { t: 'simple', v: 'OK' });
  t.ok(Date.now() - started >= 250, 'the write waited for the pause to end');
});

t.test('a subscriber that does not read is dropped at the pubsub output limit', async (t) => {
  const server = await startStrata({ 'client-output-buffer-limit': 'pubsub 1mb 512kb 60' });
  t.teardown(server.stop);
  const slow = connect(server.port, '127.0.0.1');
  let closed = false;
  slow.on('close', () => {
    closed = true;
  });
  slow.on('error', () => {});
  t.teardown(() => slow.destroy());
  let confirmation = '';
  const onData = (chunk: Buffer) => {
    confirmation += chunk.toString('latin1');
  };
  slow.on('data', onData);
  await new Promise((r) => slow.once('connect', r));
  slow.write(encodeCommand(['SUBSCRIBE', 'firehose']));
  await pollUntil(() => confirmation.includes('firehose'), 'the SUBSCRIBE confirmation');
  slow.off('data', onData);
  slow.pause();
  const publisher = await RawClient.connect(server.port);
  t.teardown(() => publisher.close());
  const payload = 'x'.repeat(64 * 1024);
  for (let i = 0; i < 400 && !closed; i++) await publisher.send('PUBLISH', 'firehose', payload);
  const subscribers = async () => {
    const reply = await publisher.send('PUBSUB', 'NUMSUB', 'firehose');
    return reply.t === 'array' && reply.v[1]?.t === 'int' ? reply.v[1].v : undefined;
  };
  await pollUntil(async () => (await subscribers()) === '0', 'the subscriber to be dropped');
  t.same(await publisher.send('PUBSUB', 'NUMSUB', 'firehose'), {
    t: 'array',
    v: [
      { t: 'bulk', v: 'firehose' },
      { t: 'int', v: '0' },
    ],
  });
  t.same(await publisher.send('PING'), { t: 'simple', v: 'PONG' }, 'everyone else is served');
});

t.test('ACL basics for the default user', async (t) => {
  const server = await startStrata();
  t.teardown(server.stop);
  const client = await RawClient.connect(server.port);
  t.teardown(() => client.close());
  t.same(await client.send('ACL', 'WHOAMI'), { t: 'bulk', v: 'default' });
  t.same(await client.send('ACL', 'USERS'), { t: 'array', v: [{ t: 'bulk', v: 'default' }] });
  t.match(await client.send('ACL', 'LIST'), { t: 'array', v: [{ v: /^user default on nopass/ }] });
  t.match(await client.send('ACL', 'CAT', 'string'), { t: 'array', v: [{ v: 'get' }] });
  t.match(await client.send('ACL', 'CAT', 'nosuch'), {
    t: 'error',
    v: "ERR Unknown category 'nosuch'",
  });
});

t.test('DEBUG subset when enable-debug-command allows it', async (t) => {
  const server = await startStrata({ 'enable-debug-command': 'yes' });
  t.teardown(server.stop);
  const client = await RawClient.connect(server.port);
  t.teardown(() => client.close());
  await client.send('RPUSH', 'l', 'a', 'b');
  await client.send('SET', 'ttl', 'v', 'EX', '100');
  await client.send('SELECT', '3');
  await client.send('HSET', 'h', 'f', 'v');
  t.same(await client.send('DEBUG', 'RELOAD'), { t: 'simple', v: 'OK' });
  t.same(await client.send('HGET', 'h', 'f'), { t: 'bulk', v: 'v' });
  await client.send('SELECT', '0');
  t.same(await client.send('LRANGE', 'l', '0', '-1'), {
    t: 'array',
    v: [
      { t: 'bulk', v: 'a' },
      { t: 'bulk', v: 'b' },
    ],
  });
  const ttl = await client.send('TTL', 'ttl');
  t.ok(ttl.t === 'int' && Number(ttl.v) > 90, 'TTLs survive the reload');
  t.match(await client.send('DEBUG', 'OBJECT', 'l'), { t: 'simple', v: /encoding:quicklist/ });
  t.same(await client.send('DEBUG', 'SET-ACTIVE-EXPIRE', '0'), { t: 'simple', v: 'OK' });
  await client.send('SET', 'short', 'v', 'PX', '20');
  await pause(150);
  t.same(
    await client.send('DBSIZE'),
    { t: 'int', v: '3' },
    'no active expiry: the key waits for an access',
  );
  t.same(await client.send('GET', 'short'), { t: 'null' });
  const started = Date.now();
  t.same(await client.send('DEBUG', 'SLEEP', '0.1'), { t: 'simple', v: 'OK' });
  t.ok(Date.now() - started >= 95);
});

t.test('OBJECT IDLETIME counts seconds since the last access, which GET renews', async (t) => {
  const server = await startStrata();
  t.teardown(server.stop);
  const client = await RawClient.connect(server.port);
  t.teardown(() => client.close());
  const idle = async () => {
    const reply = await client.send('OBJECT', 'IDLETIME', 'k');
    return reply.t === 'int' ? Number(reply.v) : Number.NaN;
  };
  await client.send('SET', 'k', 'v');
  t.ok((await idle()) <= 1, 'a new key is idle for at most a second');
  await pause(2200);
  t.ok((await idle()) >= 2, 'OBJECT itself does not count as an access');
  t.same(await client.send('GET', 'k'), { t: 'bulk', v: 'v' });
  t.ok((await idle()) <= 1, 'GET renews the access time');
});
