import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import t from 'tap';
import { RawClient, type Reply, startStrata } from './fixtures/diff-client.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

async function info(client: RawClient, field: string): Promise<number> {
  const reply = await client.send('INFO', 'all');
  const match = new RegExp(`^${field}:(\\d+)`, 'm').exec(
    reply.t === 'bulk' || reply.t === 'verbatim' ? reply.v : '',
  );
  return Number(match?.[1]);
}

/** Sends every command pipelined on one connection and waits for all the replies. */
async function pipeline(port: number, commands: string[][]): Promise<Reply[]> {
  const client = await RawClient.connect(port);
  const replies = await Promise.all(commands.map((c) => client.send(...c)));
  client.close();
  return replies;
}

t.test('used_memory tracks the real heap growth within 20%', async (t) => {
  const { createLogger } = await import('@strata/common');
  const { KvServer, RuntimeConfig } = await import('../src/index.js');
  const server = new KvServer({
    config: new RuntimeConfig(),
    logger: createLogger({ name: 't', level: 'silent' }),
  });
  const db = server.dbs[0]!;
  // Arguments as the decoder makes them: flat latin1 strings.
  const flat = (text: string) => Buffer.from(text).toString('latin1');
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const usedBefore = server.datasetBytes();
  const commands: string[][] = [];
  for (let i = 0; i < 60_000; i++)
    commands.push(['SET', flat(`key:${i}`), flat(`value-${i}-${'x'.repeat(i % 80)}`)]);
  for (let i = 0; i < 10_000; i++)
    commands.push(['PEXPIREAT', flat(`key:${i}`), String(Date.now() + 1e9)]);
  for (let i = 0; i < 20_000; i++)
    commands.push(['HSET', flat(`hash:${i % 50}`), flat(`field:${i}`), flat('v'.repeat(i % 30))]);
  for (let i = 0; i < 20_000; i++)
    commands.push(['RPUSH', flat(`list:${i % 20}`), flat(`element-${i}`)]);
  for (let i = 0; i < 20_000; i++)
    commands.push(['SADD', flat(`set:${i % 20}`), flat(`member-${i}`)]);
  for (let i = 0; i < commands.length; i += 1000)
    server.materialize(db, commands.slice(i, i + 1000));
  commands.length = 0;
  gc();
  const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
  const usedGrowth = server.datasetBytes() - usedBefore;
  const ratio = usedGrowth / heapGrowth;
  t.ok(
    ratio > 0.8 && ratio < 1.2,
    `used_memory grew ${usedGrowth}, the heap ${heapGrowth} (ratio ${ratio.toFixed(2)})`,
  );
});

t.test('maxmemory policies evict (or refuse) as Redis does', async (t) => {
  const server = await startStrata();
  t.teardown(server.stop);
  const client = await RawClient.connect(server.port);
  t.teardown(() => client.close());
  const used = await info(client, 'used_memory');
  const limit = used + 2 * 1024 * 1024;
  await client.send('CONFIG', 'SET', 'maxmemory', String(limit), 'maxmemory-policy', 'noeviction');
  const fill = (prefix: string, n: number, extra: string[] = []) =>
    pipeline(
      server.port,
      Array.from({ length: n }, (_, i) => ['SET', `${prefix}:${i}`, 'x'.repeat(400), ...extra]),
    );
  const replies = await fill('a', 8000);
  const refused = replies.filter(
    (r) => r.t === 'error' && r.v === "OOM command not allowed when used memory > 'maxmemory'.",
  );
  t.ok(refused.length > 1000, `noeviction refuses writes over the limit (${refused.length})`);
  t.same(await client.send('GET', 'a:0'), { t: 'bulk', v: 'x'.repeat(400) }, 'reads still work');
  t.same(await client.send('DEL', 'a:0'), { t: 'int', v: '1' }, 'deletes still work');
  await client.send('FLUSHALL');

  await client.send('CONFIG', 'SET', 'maxmemory', '0', 'maxmemory-policy', 'volatile-ttl');
  await fill('persistent', 1000);
  await client.send('CONFIG', 'SET', 'maxmemory', String(limit));
  await fill('volatile', 8000, ['EX', '1000']);
  t.ok((await info(client, 'used_memory')) <= limit * 1.02, 'stays under maxmemory');
  t.ok((await info(client, 'evicted_keys')) > 0, 'evicted some keys');
  t.same(
    await client.send('EXISTS', 'persistent:0', 'persistent:999'),
    { t: 'int', v: '2' },
    'volatile-ttl keeps keys without TTL',
  );
  await client.send('FLUSHALL');

  await client.send('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
  await fill('old', 2500);
  await new Promise((r) => setTimeout(r, 1100));
  // Keys read recently are the ones LRU keeps.
  await pipeline(
    server.port,
    Array.from({ length: 500 }, (_, i) => ['GET', `old:${i}`]),
  );
  await fill('new', 1500);
  const recent = await client.send('EXISTS', ...Array.from({ length: 500 }, (_, i) => `old:${i}`));
  const stale = await client.send(
    'EXISTS',
    ...Array.from({ length: 500 }, (_, i) => `old:${2000 + i}`),
  );
  t.ok(
    Number((recent as { v: string }).v) > Number((stale as { v: string }).v),
    `recently used survive (${JSON.stringify([recent, stale])})`,
  );
  for (const policy of [
    'allkeys-lfu',
    'volatile-lfu',
    'allkeys-random',
    'volatile-random',
    'volatile-lru',
  ]) {
    await client.send('FLUSHALL');
    await client.send('CONFIG', 'SET', 'maxmemory-policy', policy);
    await fill(policy, 8000, ['EX', '1000']);
    t.ok((await info(client, 'used_memory')) <= limit * 1.02, `${policy} stays under maxmemory`);
  }
  t.match(await client.send('OBJECT', 'FREQ', 'volatile-lru:7999'), { t: 'error' });
  await client.send('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu');
  await client.send('SET', 'hot', 'v');
  for (let i = 0; i < 50; i++) await client.send('GET', 'hot');
  const freq = await client.send('OBJECT', 'FREQ', 'hot');
  t.ok(freq.t === 'int' && Number(freq.v) > 5, `LFU counter grows (${JSON.stringify(freq)})`);
});

t.test('the active expiry cycle reclaims many keys without pausing the server', async (t) => {
  const server = await startStrata();
  t.teardown(server.stop);
  const client = await RawClient.connect(server.port);
  t.teardown(() => client.close());
  const n = 100_000;
  await pipeline(
    server.port,
    Array.from({ length: n }, (_, i) => ['SET', `e:${i}`, 'v', 'PX', String(200 + (i % 300))]),
  );
  await pipeline(server.port, [['SET', 'forever', 'v']]);
  let worst = 0;
  const deadline = Date.now() + 8000;
  for (;;) {
    const started = performance.now();
    const size = await client.send('DBSIZE');
    worst = Math.max(worst, performance.now() - started);
    if ((size as { v: string }).v === '1' || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  t.same(
    await client.send('DBSIZE'),
    { t: 'int', v: '1' },
    'every expired key reclaimed without being accessed',
  );
  t.ok((await info(client, 'expired_keys')) >= n);
  t.ok(worst < 250, `longest pause seen by a client: ${worst.toFixed(1)} ms`);
});
