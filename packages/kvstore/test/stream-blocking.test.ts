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

/** XREAD / XREADGROUP with BLOCK: served by XADD, `$` and `>`, group deletion, timeouts. */
const SCENARIOS: Record<string, Scenario> = {
  'XREAD BLOCK $ served by XADD on a new key': {
    clients: 2,
    steps: [
      { client: 0, command: ['XREAD', 'BLOCK', '5000', 'STREAMS', 'a', 'b', '$', '$'] },
      { blocked: 1 },
      { client: 1, command: ['XADD', 'b', '1-1', 'f', 'v'] },
      { blocked: 0 },
    ],
  },
  'XREAD BLOCK after an explicit ID, COUNT applies': {
    clients: 2,
    steps: [
      { client: 1, command: ['XADD', 's', '5-0', 'old', 'x'] },
      { client: 0, command: ['XREAD', 'COUNT', '1', 'BLOCK', '5000', 'STREAMS', 's', '5-0'] },
      { blocked: 1 },
      { client: 1, command: ['XADD', 's', '6-0', 'n', '1'] },
      { blocked: 0 },
      { client: 0, command: ['XREAD', 'BLOCK', '5000', 'STREAMS', 's', '$'] },
      { blocked: 1 },
      { client: 1, command: ['XADD', 's', '7-0', 'n', '2'] },
      { blocked: 0 },
    ],
  },
  'XREADGROUP BLOCK > delivers to one consumer and records the PEL': {
    clients: 3,
    steps: [
      { client: 2, command: ['XGROUP', 'CREATE', 'g', 'grp', '$', 'MKSTREAM'] },
      {
        client: 0,
        command: ['XREADGROUP', 'GROUP', 'grp', 'c0', 'BLOCK', '5000', 'STREAMS', 'g', '>'],
      },
      { blocked: 1 },
      {
        client: 1,
        command: ['XREADGROUP', 'GROUP', 'grp', 'c1', 'BLOCK', '5000', 'STREAMS', 'g', '>'],
      },
      { blocked: 2 },
      { client: 2, command: ['XADD', 'g', '1-0', 'job', 'a'] },
      { blocked: 1 },
      { client: 2, command: ['XADD', 'g', '2-0', 'job', 'b'] },
      { blocked: 0 },
      { client: 2, command: ['XPENDING', 'g', 'grp'] },
      { client: 2, command: ['XINFO', 'GROUPS', 'g'] },
    ],
  },
  'destroying the group answers NOGROUP to its blocked readers': {
    clients: 2,
    steps: [
      { client: 1, command: ['XGROUP', 'CREATE', 'd', 'grp', '$', 'MKSTREAM'] },
      {
        client: 0,
        command: ['XREADGROUP', 'GROUP', 'grp', 'c', 'BLOCK', '5000', 'STREAMS', 'd', '>'],
      },
      { blocked: 1 },
      { client: 1, command: ['XGROUP', 'DESTROY', 'd', 'grp'] },
      { blocked: 0 },
    ],
  },
  'timeouts and MULTI': {
    clients: 1,
    steps: [
      { client: 0, command: ['XREAD', 'BLOCK', '50', 'STREAMS', 'none', '$'] },
      { client: 0, command: ['MULTI'] },
      { client: 0, command: ['XREAD', 'BLOCK', '0', 'STREAMS', 'none', '$'] },
      { client: 0, command: ['EXEC'] },
    ],
  },
};

/** The key names the scenarios use. */
const KEYS = new Set(['a', 'b', 's', 'g', 'd']);

t.test('blocking stream reads behave as in redis-server', async (t) => {
  const redisPath = redisServerPath(t);
  // Fresh keys per protocol round, so both servers start each scenario from the same state.
  const rename = (arg: string, resp: 2 | 3) => (KEYS.has(arg) ? `${arg}${resp}` : arg);
  if (redisPath) await compareScenarios(t, redisPath, SCENARIOS, rename);
});

t.test('node-redis and ioredis XREAD BLOCK and XREADGROUP', async (t) => {
  const server = await startStrata();
  t.teardown(server.stop);
  const url = `redis://127.0.0.1:${server.port}`;
  for (const RESP of [2, 3] as const) {
    const key = `nr${RESP}`;
    const client = createClient({ url, RESP });
    const reader = client.duplicate();
    await client.connect();
    await reader.connect();
    const read = reader.xRead({ key, id: '$' }, { BLOCK: 5000 });
    await waitForBlockedClients(() => client.info('clients'));
    const id = await client.xAdd(key, '*', { temperature: '21.5' });
    const result = (await read) as unknown;
    const streams = (
      Array.isArray(result)
        ? result
        : Object.entries(result as object).map(([name, messages]) => ({ name, messages }))
    ) as {
      name: string;
      messages: { id: string; message: Record<string, string> }[];
    }[];
    t.equal(streams.length, 1, `node-redis RESP${RESP}`);
    t.equal(streams[0].name, key);
    t.same(streams[0].messages, [{ id, message: { temperature: '21.5' } }]);
    t.equal(await client.xLen(key), 1);
    t.equal(await client.xGroupCreate(key, 'workers', '0'), 'OK');
    const claimed = await reader.xReadGroup('workers', 'w1', { key, id: '>' }, { COUNT: 10 });
    t.ok(claimed, 'XREADGROUP delivered');
    t.equal(await client.xAck(key, 'workers', id), 1);
    t.equal(await reader.xRead({ key, id: '$' }, { BLOCK: 50 }), null, 'timeout');
    await client.quit();
    await reader.quit();
  }
  const io = new Redis(server.port, '127.0.0.1');
  const io2 = new Redis(server.port, '127.0.0.1');
  t.teardown(() => {
    io.disconnect();
    io2.disconnect();
  });
  const waiting = io2.xread('BLOCK', 5000, 'STREAMS', 'io', '$');
  await waitForBlockedClients(() => io.info('clients'));
  t.equal(await io.xadd('io', '1-1', 'a', 'b'), '1-1');
  t.same(await waiting, [['io', [['1-1', ['a', 'b']]]]]);
  t.same(await io.xrange('io', '-', '+'), [['1-1', ['a', 'b']]]);
  t.equal(await io2.xread('BLOCK', 50, 'STREAMS', 'io', '$'), null);
});
