import { Redis } from 'ioredis';
import { createClient } from 'redis';
import t from 'tap';
import {
  type Scenario,
  compareScenarios,
  redisServerPath,
  startStrata,
  waitForBlockedClients,
} from './fixtures/diff-client.js';

/** Blocking pops: served by later writes, FIFO among waiters, timeouts, MULTI. */
const SCENARIOS: Record<string, Scenario> = {
  'WATCH: which writes of these families abort a transaction': {
    clients: 2,
    steps: [
      { client: 1, command: ['ZADD', 'wz', '1', 'a'] },
      { client: 1, command: ['XADD', 'ws', '1-1', 'f', 'v'] },
      { client: 1, command: ['XGROUP', 'CREATE', 'ws', 'g', '0'] },
      { client: 1, command: ['PFADD', 'wh', 'a'] },
      ...(
        [
          ['ZADD', 'wz', '2', 'b'],
          ['ZADD', 'wz', 'NX', '5', 'a'],
          ['ZREM', 'wz', 'nosuch'],
          ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 'ws', '>'],
          ['XACK', 'ws', 'g', '1-1'],
          ['XADD', 'ws', '2-1', 'f', 'v'],
          ['PFCOUNT', 'wh'],
          ['PFCOUNT', 'wh'],
          ['SETBIT', 'wb', '1', '0'],
          ['SETBIT', 'wb', '1', '0'],
        ] as string[][]
      ).flatMap((write) => [
        { client: 0, command: ['WATCH', write[1] === 'GROUP' ? 'ws' : write[1]] },
        { client: 1, command: write },
        { client: 0, command: ['MULTI'] },
        { client: 0, command: ['PING'] },
        { client: 0, command: ['EXEC'] },
      ]),
    ],
  },
  'BZPOPMIN served by ZADD': {
    clients: 2,
    steps: [
      { client: 0, command: ['BZPOPMIN', 'k1', 'k2', '5'] },
      { blocked: 1 },
      { client: 1, command: ['ZADD', 'k2', '2', 'b', '1', 'a'] },
      { blocked: 0 },
      { client: 1, command: ['ZRANGE', 'k2', '0', '-1', 'WITHSCORES'] },
    ],
  },
  'FIFO among blocked clients, BZPOPMAX and BZMPOP': {
    clients: 4,
    steps: [
      { client: 0, command: ['BZPOPMAX', 'q', '5'] },
      { blocked: 1 },
      { client: 1, command: ['BZMPOP', '5', '1', 'q', 'MAX', 'COUNT', '2'] },
      { blocked: 2 },
      { client: 2, command: ['BZPOPMIN', 'q', '5'] },
      { blocked: 3 },
      { client: 3, command: ['ZADD', 'q', '1', 'a', '2', 'b', '3', 'c', '4', 'd'] },
      { blocked: 0 },
      { client: 3, command: ['ZCARD', 'q'] },
    ],
  },
  'timeouts reply null': {
    clients: 1,
    steps: [
      { client: 0, command: ['BZPOPMIN', 'none', '0.05'] },
      { client: 0, command: ['BZMPOP', '0.05', '1', 'none', 'MIN'] },
    ],
  },
  'inside MULTI a blocking pop does not block': {
    clients: 1,
    steps: [
      { client: 0, command: ['MULTI'] },
      { client: 0, command: ['BZPOPMIN', 'none', '0'] },
      { client: 0, command: ['BZMPOP', '0', '1', 'none', 'MIN'] },
      { client: 0, command: ['EXEC'] },
    ],
  },
  'a write of another type does not serve the waiter': {
    clients: 2,
    steps: [
      { client: 0, command: ['BZPOPMIN', 'w', '5'] },
      { blocked: 1 },
      { client: 1, command: ['SET', 'w', 'x'] },
      { client: 1, command: ['DEL', 'w'] },
      { client: 1, command: ['RPUSH', 'other', 'l'] },
      { client: 1, command: ['RENAME', 'other', 'w'] },
      { client: 1, command: ['DEL', 'w'] },
      { client: 1, command: ['ZADD', 'w', '1', 'm'] },
      { blocked: 0 },
    ],
  },
};

/** The key names the scenarios use. */
const KEYS = new Set(['k1', 'k2', 'q', 'w', 'none', 'other', 'wz', 'ws', 'wh', 'wb']);

t.test('blocking sorted-set pops behave as in redis-server', async (t) => {
  const redisPath = redisServerPath(t);
  // Fresh keys per protocol round, so both servers start each scenario from the same state.
  const rename = (arg: string, resp: 2 | 3) => (KEYS.has(arg) ? `${arg}${resp}` : arg);
  if (redisPath) await compareScenarios(t, redisPath, SCENARIOS, rename);
});

t.test('node-redis and ioredis BZPOPMIN / ZADD / ZRANGE WITHSCORES', async (t) => {
  const server = await startStrata();
  t.teardown(server.stop);
  const url = `redis://127.0.0.1:${server.port}`;
  for (const RESP of [2, 3] as const) {
    const client = createClient({ url, RESP });
    const other = client.duplicate();
    await client.connect();
    await other.connect();
    const popped = other.bzPopMin(`nr${RESP}`, 5);
    await waitForBlockedClients(() => client.info('clients'));
    t.equal(
      await client.zAdd(`nr${RESP}`, [
        { score: 1.5, value: 'a' },
        { score: 2, value: 'b' },
      ]),
      2,
    );
    t.same(await popped, { key: `nr${RESP}`, value: 'a', score: 1.5 }, `node-redis RESP${RESP}`);
    t.same(await client.zRangeWithScores(`nr${RESP}`, 0, -1), [{ value: 'b', score: 2 }]);
    t.equal(await client.zScore(`nr${RESP}`, 'b'), 2);
    t.equal(await other.bzPopMin('nothing', 0.05), null);
    await client.quit();
    await other.quit();
  }
  const io = new Redis(server.port, '127.0.0.1', { lazyConnect: true });
  const io2 = new Redis(server.port, '127.0.0.1', { lazyConnect: true });
  await io.connect();
  await io2.connect();
  t.teardown(() => {
    io.disconnect();
    io2.disconnect();
  });
  const waiting = io2.bzpopmax('io', 'io2', 5);
  await waitForBlockedClients(() => io.info('clients'));
  t.equal(await io.zadd('io2', 3, 'x', 4, 'y'), 2);
  t.same(await waiting, ['io2', 'y', '4']);
  t.same(await io.zrange('io2', '0', '-1', 'WITHSCORES'), ['x', '3']);
  t.same(await io.zpopmin('io2'), ['x', '3']);
  t.equal(await io2.bzpopmin('io', 0.05), null);
});
