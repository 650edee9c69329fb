import { connect } from 'node:net';
import t from 'tap';
import {
  RawClient,
  encodeCommand,
  pollUntil,
  redisServerPath,
  show,
  startRedis,
  startStrata,
} from './fixtures/diff-client.js';

/** Collects the raw bytes a subscriber receives. */
async function subscriber(
  port: number,
  pattern: string,
): Promise<{ text: () => string; until: (marker: string) => Promise<void>; close: () => void }> {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk) => {
    received += chunk.toString('latin1');
  });
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(encodeCommand(['PSUBSCRIBE', pattern]));
  /** Resolves once `marker` has arrived. */
  const until = (marker: string) => pollUntil(() => received.includes(marker), marker);
  await until('psubscribe');
  return { text: () => received, until, close: () => socket.destroy() };
}

const SEQUENCE: string[][] = [
  ['SET', 'a', '1'],
  ['SET', 'a', '2', 'EX', '100'],
  ['INCRBY', 'a', '5'],
  ['APPEND', 'a', 'x'],
  ['EXPIRE', 'a', '50'],
  ['PERSIST', 'a'],
  ['RENAME', 'a', 'b'],
  ['DEL', 'b', 'nokey'],
  ['RPUSH', 'l', '1', '2', '3'],
  ['LPOP', 'l'],
  ['LSET', 'l', '0', 'x'],
  ['LTRIM', 'l', '0', '0'],
  ['RPOP', 'l'],
  ['HSET', 'h', 'f', 'v', 'g', 'w'],
  ['HINCRBY', 'h', 'n', '1'],
  ['HDEL', 'h', 'f', 'g', 'n'],
  ['SADD', 's', 'm1', 'm2'],
  ['SREM', 's', 'm1'],
  ['SINTERSTORE', 'd', 's', 's'],
  ['MOVE', 'd', '1'],
  ['COPY', 's', 'c'],
  ['SET', 'gone', 'v', 'PX', '1'],
];

t.test('keyspace notifications match redis-server event for event', async (t) => {
  const redisPath = redisServerPath(t);
  if (!redisPath) return;
  const redis = await startRedis(redisPath, ['--notify-keyspace-events', 'KEA']);
  t.teardown(redis.stop);
  const ours = await startStrata({ 'notify-keyspace-events': 'KEA' });
  t.teardown(ours.stop);
  const results: string[] = [];
  for (const port of [redis.port, ours.port]) {
    const sub = await subscriber(port, '__key*__:*');
    const client = await RawClient.connect(port);
    for (const command of SEQUENCE) await client.send(...command);
    // The 1 ms key expires once, by the active cycle or by a PTTL reaching it after its
    // time: either fires one 'expired'. Waiting for that event, not for a delay.
    await pollUntil(
      async () => show(await client.send('PTTL', 'gone')) === 'int:"-2"',
      'the 1 ms key to expire',
    );
    // A message published last marks the end of the events (delivery is in order).
    await client.send('PUBLISH', '__keyspace@0__:end-of-sequence', 'end');
    await sub.until('end-of-sequence');
    results.push(sub.text());
    sub.close();
    client.close();
  }
  t.equal(results[1], results[0]);
});

t.test('notify-keyspace-events classes filter events', async (t) => {
  const ours = await startStrata({ 'notify-keyspace-events': 'Eg' });
  t.teardown(ours.stop);
  const sub = await subscriber(ours.port, '*');
  t.teardown(sub.close);
  const client = await RawClient.connect(ours.port);
  t.teardown(() => client.close());
  await client.send('SET', 'k', 'v');
  await client.send('DEL', 'k');
  await client.send('PUBLISH', 'end-of-sequence', 'end');
  await sub.until('end-of-sequence');
  const text = sub.text();
  t.notMatch(text, /__keyevent@0__:set/);
  t.match(text, /__keyevent@0__:del\r\n\$1\r\nk/);
  t.notMatch(text, /__keyspace/);
});

t.test('pub/sub: patterns, counts, PUBSUB introspection, unsubscribe all', async (t) => {
  const ours = await startStrata();
  t.teardown(ours.stop);
  const [sub, pub] = await Promise.all([
    RawClient.connect(ours.port),
    RawClient.connect(ours.port),
  ]);
  t.teardown(() => {
    sub.close();
    pub.close();
  });
  await sub.send('HELLO', '3');
  t.same(await sub.send('SUBSCRIBE', 'news'), {
    t: 'push',
    v: [
      { t: 'bulk', v: 'subscribe' },
      { t: 'bulk', v: 'news' },
      { t: 'int', v: '1' },
    ],
  });
  await sub.send('PSUBSCRIBE', 'n*');
  t.same(await pub.send('PUBLISH', 'news', 'hello'), { t: 'int', v: '2' });
  t.same(await pub.send('PUBSUB', 'NUMSUB', 'news', 'x'), {
    t: 'array',
    v: [
      { t: 'bulk', v: 'news' },
      { t: 'int', v: '1' },
      { t: 'bulk', v: 'x' },
      { t: 'int', v: '0' },
    ],
  });
  t.same(await pub.send('PUBSUB', 'NUMPAT'), { t: 'int', v: '1' });
  t.same(await pub.send('PUBSUB', 'CHANNELS', 'n*'), { t: 'array', v: [{ t: 'bulk', v: 'news' }] });
  // RESP3 subscribers may run normal commands; the pushes arrived before this reply.
  t.same(await sub.send('PING'), { t: 'simple', v: 'PONG' });
});
