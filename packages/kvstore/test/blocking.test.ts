import t from 'tap';
import { RawClient, startStrata, untilBlocked } from './fixtures/diff-client.js';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const bulk = (v: string) => ({ t: 'bulk', v });
const pair = (k: string, v: string) => ({ t: 'array', v: [bulk(k), bulk(v)] });

async function setup(t: { teardown(fn: () => unknown): void }, clients: number) {
  const server = await startStrata();
  t.teardown(server.stop);
  const list = await Promise.all(
    Array.from({ length: clients }, () => RawClient.connect(server.port)),
  );
  t.teardown(() => {
    for (const c of list) c.close();
  });
  return list;
}

t.test('clients blocked on a key are served in the order they blocked', async (t) => {
  const [a, b, c, writer] = await setup(t, 4);
  const first = a!.send('BLPOP', 'q', '5');
  await untilBlocked(writer!, 1);
  const second = b!.send('BRPOP', 'other', 'q', '5');
  await untilBlocked(writer!, 2);
  const third = c!.send('BLPOP', 'q', '5');
  await untilBlocked(writer!, 3);
  t.same(await writer!.send('RPUSH', 'q', 'x', 'y', 'z'), { t: 'int', v: '3' });
  t.same(await first, pair('q', 'x'));
  t.same(await second, pair('q', 'z'));
  t.same(await third, pair('q', 'y'));
  t.same(await writer!.send('EXISTS', 'q'), { t: 'int', v: '0' });
});

t.test('timeouts, several keys, and replies of the non-list forms', async (t) => {
  const [a, writer] = await setup(t, 2);
  const started = Date.now();
  t.same(await a!.send('BLPOP', 'none', '0.1'), { t: 'null' });
  t.ok(Date.now() - started >= 90);
  const multi = a!.send('BLPOP', 'k1', 'k2', '5');
  await untilBlocked(writer!);
  await writer!.send('LPUSH', 'k2', 'v2');
  t.same(await multi, pair('k2', 'v2'));
  const move = a!.send('BLMOVE', 'src', 'dst', 'LEFT', 'RIGHT', '5');
  await untilBlocked(writer!);
  await writer!.send('RPUSH', 'src', 'm1', 'm2');
  t.same(await move, bulk('m1'));
  t.same(await writer!.send('LRANGE', 'dst', '0', '-1'), { t: 'array', v: [bulk('m1')] });
  const mpop = a!.send('BLMPOP', '5', '2', 'e1', 'src', 'RIGHT', 'COUNT', '5');
  t.same(await mpop, { t: 'array', v: [bulk('src'), { t: 'array', v: [bulk('m2')] }] });
  t.same(await a!.send('BRPOPLPUSH', 'none', 'dst', '0.05'), { t: 'null' });
  await writer!.send('SET', 'str', 'x');
  t.match(await a!.send('BLPOP', 'str', '1'), { t: 'error', v: /^WRONGTYPE/ });
  t.match(await a!.send('BLPOP', 'k', '-1'), { t: 'error', v: 'ERR timeout is negative' });
});

t.test('inside MULTI a blocking pop does not block; EXEC wakes blocked clients', async (t) => {
  const [a, b, writer] = await setup(t, 3);
  await a!.send('MULTI');
  await a!.send('BLPOP', 'empty', '0');
  await a!.send('LPUSH', 'ready', 'v');
  await a!.send('BLPOP', 'ready', '0');
  t.same(await a!.send('EXEC'), {
    t: 'array',
    v: [{ t: 'null' }, { t: 'int', v: '1' }, pair('ready', 'v')],
  });
  const waiting = b!.send('BLPOP', 'txkey', '5');
  await untilBlocked(writer!);
  await writer!.send('MULTI');
  await writer!.send('RPUSH', 'txkey', 'one');
  await writer!.send('RPUSH', 'txkey', 'two');
  await writer!.send('EXEC');
  t.same(await waiting, pair('txkey', 'one'));
  t.same(await writer!.send('LRANGE', 'txkey', '0', '-1'), { t: 'array', v: [bulk('two')] });
});

t.test('pipelined commands after a blocking command wait for it', async (t) => {
  const [a, writer] = await setup(t, 2);
  const replies = [
    a!.send('BLPOP', 'later', '5'),
    a!.send('SET', 'after', '1'),
    a!.send('GET', 'after'),
  ];
  await untilBlocked(writer!);
  t.same(await writer!.send('GET', 'after'), { t: 'null' }, 'the SET behind BLPOP has not run');
  await writer!.send('RPUSH', 'later', 'go');
  t.same(await Promise.all(replies), [pair('later', 'go'), { t: 'simple', v: 'OK' }, bulk('1')]);
});

t.test('CLIENT UNBLOCK with TIMEOUT and ERROR', async (t) => {
  const [a, admin] = await setup(t, 2);
  const id = await a!.send('CLIENT', 'ID');
  const blocked = a!.send('BLPOP', 'never', '0');
  await untilBlocked(admin!);
  t.same(await admin!.send('CLIENT', 'UNBLOCK', (id as { v: string }).v), { t: 'int', v: '1' });
  t.same(await blocked, { t: 'null' });
  const again = a!.send('BRPOP', 'never', '0');
  await untilBlocked(admin!);
  await admin!.send('CLIENT', 'UNBLOCK', (id as { v: string }).v, 'ERROR');
  t.same(await again, { t: 'error', v: 'UNBLOCKED client unblocked via CLIENT UNBLOCK' });
});

t.test('WATCH: modified, expired and flushed keys abort EXEC', async (t) => {
  const [a, b] = await setup(t, 2);
  await a!.send('SET', 'w', '1');
  await a!.send('WATCH', 'w');
  await b!.send('SET', 'w', '2');
  await a!.send('MULTI');
  await a!.send('SET', 'w', '3');
  t.same(await a!.send('EXEC'), { t: 'null' });
  await a!.send('SET', 'e', '1', 'PX', '30');
  await a!.send('WATCH', 'e');
  await pause(60);
  await a!.send('MULTI');
  await a!.send('SET', 'x', '1');
  t.same(await a!.send('EXEC'), { t: 'null' }, 'expiry counts as a change');
  await a!.send('SET', 'f', '1');
  await a!.send('WATCH', 'f');
  await b!.send('FLUSHALL');
  await a!.send('MULTI');
  await a!.send('SET', 'x', '1');
  t.same(await a!.send('EXEC'), { t: 'null' }, 'FLUSHALL counts as a change');
  await a!.send('WATCH', 'untouched');
  await a!.send('MULTI');
  await a!.send('SET', 'x', '1');
  t.same(await a!.send('EXEC'), { t: 'array', v: [{ t: 'simple', v: 'OK' }] });
});

t.test('the idle timeout closes idle clients but not blocked or subscribed ones', async (t) => {
  const server = await startStrata({ timeout: '1' });
  t.teardown(server.stop);
  const [idle, blocked, subscribed, writer] = await Promise.all(
    [0, 1, 2, 3].map(() => RawClient.connect(server.port)),
  );
  t.teardown(() => {
    for (const c of [idle, blocked, subscribed, writer]) c!.close();
  });
  const waiting = blocked!.send('BLPOP', 'slow', '0');
  await subscribed!.send('SUBSCRIBE', 'ch');
  // The writer keeps talking so it stays active.
  for (let i = 0; i < 10; i++) {
    await writer!.send('PING');
    await pause(250);
  }
  await writer!.send('RPUSH', 'slow', 'done');
  t.same(await waiting, pair('slow', 'done'), 'the blocked client survived 2.5 s of a 1 s timeout');
  t.same(await writer!.send('PUBLISH', 'ch', 'still here'), { t: 'int', v: '1' });
  const list = await writer!.send('CLIENT', 'LIST');
  t.equal(
    (list as { v: string }).v.split('\n').filter(Boolean).length,
    3,
    'only the idle client was closed',
  );
});
