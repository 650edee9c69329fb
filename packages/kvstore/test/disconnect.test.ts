import { once } from 'node:events';
import { type Socket, connect } from 'node:net';
import { closeWaitSockets } from '@strata/common/testing';
import t from 'tap';
import {
  RawClient,
  encodeCommand,
  pollUntil,
  redisServerPath,
  show,
  startServers,
} from './fixtures/diff-client.js';

/**
 * A client that blocks (or subscribes) and then disconnects, by FIN (the way
 * `timeout 2 redis-cli BLPOP q 0` ends) or by RST, is gone at once, as in Redis: the next push
 * keeps its value, and blocked_clients, CLIENT LIST and the pub/sub counters are back at zero.
 */
interface Case {
  /** Run once before the waiting command (e.g. creating a consumer group). */
  setup?: string[];
  wait: string[];
  /** `blocked`: waits on a key; `subscribed`: counted by PUBSUB NUMSUB/NUMPAT. */
  kind: 'blocked' | 'subscribed';
  push: string[];
  /** Commands whose replies show whether the pushed value survived. */
  check: string[][];
}

const cases: Record<string, Case> = {
  BLPOP: {
    wait: ['BLPOP', 'q1', '0'],
    kind: 'blocked',
    push: ['LPUSH', 'q1', 'v'],
    check: [['LLEN', 'q1']],
  },
  BRPOP: {
    wait: ['BRPOP', 'q2', '0'],
    kind: 'blocked',
    push: ['RPUSH', 'q2', 'v'],
    check: [['LLEN', 'q2']],
  },
  BLMOVE: {
    wait: ['BLMOVE', 'q3', 'd3', 'LEFT', 'RIGHT', '0'],
    kind: 'blocked',
    push: ['LPUSH', 'q3', 'v'],
    check: [
      ['LLEN', 'q3'],
      ['LLEN', 'd3'],
    ],
  },
  BRPOPLPUSH: {
    wait: ['BRPOPLPUSH', 'q4', 'd4', '0'],
    kind: 'blocked',
    push: ['LPUSH', 'q4', 'v'],
    check: [
      ['LLEN', 'q4'],
      ['LLEN', 'd4'],
    ],
  },
  BLMPOP: {
    wait: ['BLMPOP', '0', '1', 'q5', 'LEFT'],
    kind: 'blocked',
    push: ['LPUSH', 'q5', 'v'],
    check: [['LLEN', 'q5']],
  },
  BZPOPMIN: {
    wait: ['BZPOPMIN', 'z1', '0'],
    kind: 'blocked',
    push: ['ZADD', 'z1', '1', 'm'],
    check: [['ZCARD', 'z1']],
  },
  BZPOPMAX: {
    wait: ['BZPOPMAX', 'z2', '0'],
    kind: 'blocked',
    push: ['ZADD', 'z2', '1', 'm'],
    check: [['ZCARD', 'z2']],
  },
  BZMPOP: {
    wait: ['BZMPOP', '0', '1', 'z3', 'MIN'],
    kind: 'blocked',
    push: ['ZADD', 'z3', '1', 'm'],
    check: [['ZCARD', 'z3']],
  },
  'XREAD BLOCK': {
    wait: ['XREAD', 'BLOCK', '0', 'STREAMS', 's1', '$'],
    kind: 'blocked',
    push: ['XADD', 's1', '1-1', 'f', 'v'],
    check: [['XLEN', 's1']],
  },
  'XREADGROUP BLOCK': {
    setup: ['XGROUP', 'CREATE', 's2', 'g', '$', 'MKSTREAM'],
    wait: ['XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 's2', '>'],
    kind: 'blocked',
    push: ['XADD', 's2', '1-1', 'f', 'v'],
    // Delivered to a dead consumer, the entry would sit in its pending list.
    check: [
      ['XLEN', 's2'],
      ['XPENDING', 's2', 'g'],
    ],
  },
  SUBSCRIBE: {
    wait: ['SUBSCRIBE', 'ch1'],
    kind: 'subscribed',
    push: ['PUBLISH', 'ch1', 'm'],
    check: [['PUBSUB', 'NUMSUB', 'ch1']],
  },
  PSUBSCRIBE: {
    wait: ['PSUBSCRIBE', 'ch2*'],
    kind: 'subscribed',
    push: ['PUBLISH', 'ch2x', 'm'],
    check: [['PUBSUB', 'NUMPAT']],
  },
};

function infoField(info: string, name: string): string | undefined {
  return new RegExp(`^${name}:(\\S*)`, 'm').exec(info)?.[1];
}

async function clientCount(admin: RawClient): Promise<number> {
  const list = await admin.send('CLIENT', 'LIST');
  return list.t === 'bulk' ? list.v.split('\n').filter((line) => line !== '').length : -1;
}

/** Runs one case on a server; returns what a user would see afterwards. */
async function disconnectWhileWaiting(
  port: number,
  admin: RawClient,
  test: Case,
  how: 'FIN' | 'RST',
): Promise<string[]> {
  if (test.setup) await admin.send(...test.setup);
  const socket: Socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  socket.on('data', () => {});
  await once(socket, 'connect');
  socket.write(encodeCommand(test.wait));
  await pollUntil(async () => {
    const info = await admin.send('INFO', 'clients');
    const subscribers = await admin.send(
      ...(test.wait[0] === 'PSUBSCRIBE'
        ? ['PUBSUB', 'NUMPAT']
        : ['PUBSUB', 'NUMSUB', test.wait[1]!]),
    );
    return test.kind === 'blocked'
      ? info.t === 'bulk' && infoField(info.v, 'blocked_clients') === '1'
      : show(subscribers).includes('int:"1"');
  }, `${test.wait[0]} to wait`);
  if (how === 'FIN') {
    const closed = once(socket, 'close');
    socket.end();
    // The server answers a FIN with its own once it has dropped the client.
    await Promise.race([
      closed,
      pollUntil(() => false, 'the server to close the connection after a FIN').catch((e) => {
        socket.destroy();
        throw e;
      }),
    ]);
  } else {
    socket.resetAndDestroy();
    await pollUntil(async () => (await clientCount(admin)) === 1, 'the reset client to go');
  }
  const seen = [`push: ${show(await admin.send(...test.push))}`];
  for (const command of test.check)
    seen.push(`${command.join(' ')}: ${show(await admin.send(...command))}`);
  const info = await admin.send('INFO', 'clients');
  seen.push(
    `blocked_clients: ${info.t === 'bulk' ? infoField(info.v, 'blocked_clients') : show(info)}`,
  );
  seen.push(`clients: ${await clientCount(admin)}`);
  seen.push(`close-wait: ${closeWaitSockets(port)}`);
  await admin.send('FLUSHALL');
  return seen;
}

t.test('clients that disconnect while blocked or subscribed are dropped at once', async (t) => {
  const redisPath = redisServerPath(t);
  if (!redisPath) return;
  const ports = await startServers(t, redisPath);
  const redis = { port: ports.redis };
  const ours = { port: ports.ours };
  const redisAdmin = await RawClient.connect(redis.port);
  const ourAdmin = await RawClient.connect(ours.port);
  t.teardown(() => {
    redisAdmin.close();
    ourAdmin.close();
  });
  for (const [name, test] of Object.entries(cases)) {
    for (const how of ['FIN', 'RST'] as const) {
      const expected = await disconnectWhileWaiting(redis.port, redisAdmin, test, how);
      const actual = await disconnectWhileWaiting(ours.port, ourAdmin, test, how);
      t.same(actual, expected, `${name}, closed by ${how}`);
      // The value pushed after the disconnect is still there (redis-server agrees above).
      if (test.kind === 'blocked')
        t.match(actual[1], /: int:"1"$/, `${name} ${how}: the item stays`);
      t.ok(
        actual.includes('blocked_clients: 0') && actual.includes('clients: 1'),
        `${name} ${how}: counters at zero`,
      );
    }
  }
});
