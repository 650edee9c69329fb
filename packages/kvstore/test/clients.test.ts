import { Redis } from 'ioredis';
import { createClient } from 'redis';
import t from 'tap';
import { startStrata, waitForBlockedClients } from './fixtures/diff-client.js';

/** node-redis 6 and ioredis 6, at their defaults (HELLO 3) and forced to RESP2. */

async function withServer(t: { teardown(fn: () => unknown): void }): Promise<number> {
  const server = await startStrata();
  t.teardown(server.stop);
  return server.port;
}

for (const resp of [undefined, 2, 3] as const) {
  const label = resp === undefined ? 'defaults' : `RESP${resp}`;

  t.test(`node-redis 6 (${label})`, async (t) => {
    const port = await withServer(t);
    const url = `redis://127.0.0.1:${port}`;
    const client = createClient(resp === undefined ? { url } : { url, RESP: resp });
    const other = client.duplicate();
    client.on('error', () => {});
    other.on('error', () => {});
    await client.connect();
    await other.connect();
    t.teardown(async () => {
      await client.quit().catch(() => {});
      await other.quit().catch(() => {});
    });
    t.equal(await client.ping(), 'PONG');
    t.equal(await client.set('greeting', 'hello'), 'OK');
    t.equal(await client.get('greeting'), 'hello');
    t.equal(await client.get('missing'), null);
    t.equal(await client.incrBy('counter', 5), 5);
    t.equal(await client.incrByFloat('float', 1.5), '1.5');
    await client.hSet('user', { name: 'ada', lang: 'en' });
    t.same(await client.hGetAll('user'), { name: 'ada', lang: 'en' });
    t.equal(await client.hGet('user', 'name'), 'ada');
    t.equal(await client.rPush('list', ['a', 'b', 'c']), 3);
    t.same(await client.lRange('list', 0, -1), ['a', 'b', 'c']);
    t.equal(await client.sAdd('set', ['x', 'y']), 2);
    t.same((await client.sMembers('set')).sort(), ['x', 'y']);
    t.equal(await client.expire('greeting', 100), 1);
    t.ok((await client.ttl('greeting')) > 90);
    t.equal(await client.exists(['greeting', 'missing']), 1);
    t.equal(await client.type('list'), 'list');
    const results = await client.multi().set('tx', '1').incr('tx').get('tx').exec();
    t.same(results, ['OK', 2, '2']);
    const piped = await Promise.all([
      client.set('p1', 'a'),
      client.set('p2', 'b'),
      client.mGet(['p1', 'p2']),
    ]);
    t.same(piped[2], ['a', 'b']);
    const seen: string[] = [];
    for await (const keys of client.scanIterator({ MATCH: 'p*', COUNT: 100 })) seen.push(...keys);
    t.same(seen.sort(), ['p1', 'p2']);
    // Blocking pop served by a push from another connection.
    const popped = other.blPop('queue', 5);
    await waitForBlockedClients(() => client.info('clients'));
    await client.lPush('queue', 'job');
    t.same(await popped, { key: 'queue', element: 'job' });
    // Pub/Sub on a dedicated connection.
    const subscriber = client.duplicate();
    subscriber.on('error', () => {});
    await subscriber.connect();
    let resolveMessage: (m: string) => void = () => {};
    const message = new Promise<string>((resolve) => {
      resolveMessage = resolve;
    });
    // subscribe() resolves once the server confirmed the subscription.
    await subscriber.subscribe('news', (m) => resolveMessage(m));
    t.equal(await client.publish('news', 'hi'), 1);
    t.equal(await message, 'hi');
    await subscriber.quit();
    await t.rejects(client.sendCommand(['NOSUCH']), /unknown command 'NOSUCH'/);
    await t.rejects(client.lPush('greeting', 'x'), /WRONGTYPE/);
    t.equal(
      await client.zAdd('zs', [
        { score: 1, value: 'one' },
        { score: 2, value: 'two' },
      ]),
      2,
    );
    t.same(await client.zRange('zs', 0, -1), ['one', 'two']);
    t.equal(await client.dbSize(), 10);
    t.equal(await client.flushAll(), 'OK');
  });

  t.test(`ioredis 6 (${label})`, async (t) => {
    const port = await withServer(t);
    const options = {
      port,
      host: '127.0.0.1',
      lazyConnect: true,
      ...(resp ? { protocol: resp } : {}),
    };
    const redis = new Redis(options);
    const sub = new Redis(options);
    await redis.connect();
    await sub.connect();
    t.teardown(() => {
      redis.disconnect();
      sub.disconnect();
    });
    t.equal(await redis.set('k', 'v'), 'OK');
    t.equal(await redis.get('k'), 'v');
    const binary = Buffer.from([0, 1, 2, 0xff, 0xfe]);
    await redis.set('bin', binary);
    t.same(await redis.getBuffer('bin'), binary);
    await redis.hset('h', { a: '1', b: '2' });
    t.same(await redis.hgetall('h'), { a: '1', b: '2' });
    const pipeline = await redis.pipeline().incr('n').incr('n').get('n').exec();
    t.same(
      pipeline?.map(([, value]) => value),
      [1, 2, '2'],
    );
    const tx = await redis.multi().lpush('l', 'a', 'b').lrange('l', 0, -1).exec();
    t.same(
      tx?.map(([, value]) => value),
      [2, ['b', 'a']],
    );
    const got = new Promise<[string, string]>((resolve) =>
      sub.on('message', (channel, message) => resolve([channel, message])),
    );
    await sub.subscribe('chan');
    t.equal(await redis.publish('chan', 'payload'), 1);
    t.same(await got, ['chan', 'payload']);
    const blocked = redis.duplicate();
    t.teardown(() => blocked.disconnect());
    const waiting = blocked.brpop('jobs', 5);
    await waitForBlockedClients(() => redis.info('clients'));
    await redis.rpush('jobs', 'one');
    t.same(await waiting, ['jobs', 'one']);
    t.equal(await redis.call('TIME').then((v) => (v as string[]).length), 2);
    await t.rejects(redis.call('FOO'), /unknown command 'FOO'/);
    t.equal(await redis.set('big', 'x'.repeat(1024 * 1024)), 'OK');
    t.equal((await redis.get('big'))?.length, 1024 * 1024);
  });
}
