import t, { type Test } from 'tap';
import {
  RawClient,
  notificationsOf,
  pollUntil,
  redisServerPath,
  show,
  startRedis,
  startServers,
  startStrata,
  untilBlocked,
} from './fixtures/diff-client.js';

/**
 * Details found by trying the server as a new user would, each compared with redis-server 7.0:
 * replies, error texts, wake-ups, WATCH, RESET, notifications, COPY of streams, CLIENT LIST.
 */
const redisPath = redisServerPath(t);

/** Both servers, fresh for one test. */
async function servers(t: Test, settings: Record<string, string> = {}) {
  if (!redisPath) return undefined;
  const ports = await startServers(t, redisPath, settings);
  return [
    { name: 'redis', port: ports.redis },
    { name: 'ours', port: ports.ours },
  ] as const;
}

async function connect(t: Test, port: number): Promise<RawClient> {
  const client = await RawClient.connect(port);
  t.teardown(() => client.close());
  return client;
}

/** Runs `commands` on one connection of each server; every reply, as text. */
async function both(t: Test, commands: string[][], settings: Record<string, string> = {}) {
  const pair = await servers(t, settings);
  if (!pair) return undefined;
  const out: string[][] = [];
  for (const { port } of pair) {
    const client = await connect(t, port);
    const replies: string[] = [];
    for (const command of commands)
      replies.push(`${command.join(' ')} -> ${show(await client.send(...command))}`);
    out.push(replies);
  }
  return out as [string[], string[]];
}

t.test('commands not allowed inside MULTI are refused as in Redis', async (t) => {
  const replies = await both(t, [
    ['MULTI'],
    ['SAVE'],
    ['SHUTDOWN'],
    ['SHUTDOWN', 'NOSAVE'],
    ['SET', 'k', 'v'],
    ['EXEC'],
    ['MULTI'],
    ['BGREWRITEAOF'],
    ['DISCARD'],
    ['GET', 'k'],
    ['PING'],
  ]);
  if (replies) t.same(replies[1], replies[0]);
});

t.test('argument errors: HINCRBYFLOAT, HRANDFIELD, LPOP/RPOP, LMPOP, SINTERCARD', async (t) => {
  const replies = await both(t, [
    ['HSET', 'h', 'f', '1'],
    ['HINCRBYFLOAT', 'h', 'f', 'inf'],
    ['HINCRBYFLOAT', 'h', 'f', '-inf'],
    ['HINCRBYFLOAT', 'h', 'f', 'nan'],
    ['HINCRBYFLOAT', 'new', 'f', 'inf'],
    ['EXISTS', 'new'],
    ['HGET', 'h', 'f'],
    ['HRANDFIELD', 'h', 'abc', 'WITHVALUESX'],
    ['HRANDFIELD', 'h', '1', 'WITHVALUESX'],
    ['HRANDFIELD', 'h', '1', '2', '3'],
    ['HRANDFIELD', 'missing', 'x'],
    ['HRANDFIELD', 'missing', '1', 'WITHVALUES'],
    ['HRANDFIELD', 'h', '-2', 'WITHVALUES'],
    ['RPUSH', 'l', 'a', 'b'],
    ['LPOP', 'l', '1', '2'],
    ['RPOP', 'l', '1', '2'],
    ['LPOP', 'l', '-1'],
    ['LPOP', 'l', 'x'],
    ['LPOP', 'l', '0'],
    ['LMPOP', '1', 'l', 'MIDDLE'],
    ['LMPOP', '1', 'l', 'LEFT', 'COUNT', '0'],
    ['LMPOP', '1', 'l', 'LEFT', 'COUNT'],
    ['LMPOP', '1', 'l', 'LEFT', 'COUNT', '1', 'COUNT', '1'],
    ['LMPOP', '0', 'l', 'LEFT'],
    ['LMPOP', 'x', 'l', 'LEFT'],
    ['LMPOP', '2', 'l', 'LEFT'],
    ['LMPOP', '1', 'l', 'LEFT', 'FOO'],
    ['SINTERCARD', '0', 'a'],
    ['SINTERCARD', 'x', 'a'],
    ['SINTERCARD', '2', 'a'],
    ['SINTERCARD', '1', 'a', 'LIMIT', '-1'],
    ['SINTERCARD', '1', 'a', 'LIMIT', 'x'],
    ['SINTERCARD', '1', 'a', 'LIMIT'],
    ['SINTERCARD', '1', 'a', 'FOO'],
  ]);
  if (replies) t.same(replies[1], replies[0]);
});

t.test('MOVE then DBSIZE in both databases; DEBUG JMAP', async (t) => {
  const replies = await both(
    t,
    [
      ['SET', 'a', '1'],
      ['SET', 'b', '2'],
      ['MOVE', 'a', '1'],
      ['DBSIZE'],
      ['MOVE', 'b', '0'],
      ['MOVE', 'missing', '1'],
      ['DBSIZE'],
      ['SELECT', '1'],
      ['DBSIZE'],
      ['GET', 'a'],
      ['DEBUG', 'JMAP'],
    ],
    { 'enable-debug-command': 'yes' },
  );
  if (replies) t.same(replies[1], replies[0]);
});

t.test('CONFIG GET dir is absolute', async (t) => {
  if (!redisPath) return;
  // Started with a relative dir: Redis chdirs into it and reports its working directory.
  const redis = await startRedis(redisPath, ['--dir', '.']);
  t.teardown(redis.stop);
  const ours = await startStrata({ dir: '.' });
  t.teardown(ours.stop);
  const dirs: string[] = [];
  for (const port of [redis.port, ours.port]) {
    const client = await connect(t, port);
    dirs.push(show(await client.send('CONFIG', 'GET', 'dir')));
  }
  // Redis, given `--dir .` after the test's temporary --dir, is in that directory: absolute.
  t.match(dirs[0], /^array\[bulk:"dir", bulk:"\//, 'redis: absolute');
  const cwd = { t: 'bulk', v: process.cwd() } as const;
  t.equal(dirs[1], show({ t: 'array', v: [{ t: 'bulk', v: 'dir' }, cwd] }), 'ours: absolute');
});

t.test('SMOVE notifies the destination only when it added the member', async (t) => {
  const pair = await servers(t);
  if (!pair) return;
  const events = [];
  for (const { port } of pair) {
    events.push(
      await notificationsOf(port, [
        ['SADD', 'src', 'a', 'b'],
        ['SADD', 'dst', 'a'],
        ['SMOVE', 'src', 'dst', 'a'],
        ['SMOVE', 'src', 'dst', 'b'],
        ['SMOVE', 'src', 'dst', 'missing'],
      ]),
    );
  }
  t.same(events[1], events[0]);
});

t.test('FLUSHALL and FLUSHDB break WATCH only on keys that existed', async (t) => {
  const pair = await servers(t);
  if (!pair) return;
  const results: string[][] = [];
  for (const { port } of pair) {
    const [watcher, other] = [await connect(t, port), await connect(t, port)];
    const out: string[] = [];
    for (const flush of [['FLUSHALL'], ['FLUSHDB']]) {
      for (const exists of [false, true]) {
        if (exists) await other.send('SET', 'w', '1');
        await watcher.send('WATCH', 'w');
        await other.send(...flush);
        await watcher.send('MULTI');
        await watcher.send('PING');
        out.push(`${flush[0]} exists=${exists}: ${show(await watcher.send('EXEC'))}`);
      }
    }
    results.push(out);
  }
  t.same(results[1], results[0]);
});

t.test('LPUSH; DEL; SET in one MULTI leaves BLPOP and BLMPOP blocked', async (t) => {
  const pair = await servers(t);
  if (!pair) return;
  const results: string[][] = [];
  for (const { port } of pair) {
    const [a, b, writer] = [await connect(t, port), await connect(t, port), await connect(t, port)];
    const out: string[] = [];
    const first = a.send('BLPOP', 'q', '0');
    const second = b.send('BLMPOP', '0', '1', 'q', 'LEFT');
    await untilBlocked(writer, 2);
    for (const command of [
      ['MULTI'],
      ['LPUSH', 'q', 'v'],
      ['DEL', 'q'],
      ['SET', 'q', 'x'],
      ['EXEC'],
    ]) {
      out.push(show(await writer.send(...command)));
    }
    await writer.send('DEL', 'q');
    await writer.send('RPUSH', 'q', 'one', 'two');
    // Still blocked after EXEC: the next push is what serves them.
    out.push(show(await first), show(await second));
    results.push(out);
  }
  t.same(results[1], results[0]);
  t.match(results[1]![5], /one/, 'the first client got the first pushed value');
});

t.test('RESET clears all client state', async (t) => {
  const pair = await servers(t);
  if (!pair) return;
  const results: string[] = [];
  for (const { port } of pair) {
    const client = await connect(t, port);
    const other = await connect(t, port);
    for (const command of [
      ['CLIENT', 'SETNAME', 'someone'],
      ['SELECT', '3'],
      ['CLIENT', 'NO-EVICT', 'on'],
      ['HELLO', '3'],
      ['WATCH', 'k'],
      ['SUBSCRIBE', 'ch'],
      ['PSUBSCRIBE', 'p*'],
      ['MULTI'],
    ]) {
      await client.send(...command);
    }
    const reset = await client.send('RESET');
    const info = await client.send('CLIENT', 'INFO');
    const line = info.t === 'bulk' || info.t === 'verbatim' ? info.v : show(info);
    const pick = (field: string) => new RegExp(` ${field}=(\\S*)`).exec(line)?.[1];
    // The watched key changed after RESET: EXEC must not be aborted by the old WATCH.
    await other.send('SET', 'k', 'changed');
    await client.send('MULTI');
    const exec = await client.send('EXEC');
    results.push(
      [
        show(reset),
        ...['name', 'db', 'flags', 'sub', 'psub', 'multi', 'resp', 'user'].map(
          (f) => `${f}=${pick(f)}`,
        ),
        show(exec),
        show(await other.send('PUBSUB', 'NUMSUB', 'ch')),
        show(await other.send('PUBSUB', 'NUMPAT')),
      ].join(' '),
    );
  }
  t.same(results[1]!.split('\n'), results[0]!.split('\n'));
});

/** XINFO STREAM FULL of a key, with the key's name and the timing-free fields kept exact. */
async function streamState(client: RawClient, key: string): Promise<string> {
  return [
    show(await client.send('XINFO', 'STREAM', key, 'FULL')),
    // Idle times grow between the two calls.
    show(await client.send('XPENDING', key, 'g', '-', '+', '10')).replace(
      /(bulk:"[^"]*", )int:"\d+"(?=, int:"\d+"\])/g,
      '$1IDLE',
    ),
  ].join('\n');
}

t.test('COPY of a stream with consumer groups copies it exactly', async (t) => {
  const pair = await servers(t);
  if (!pair) return;
  const results: string[] = [];
  for (const { port } of pair) {
    const client = await connect(t, port);
    for (const command of [
      ['XADD', 's', '1-1', 'f', 'v'],
      ['XADD', 's', '2-2', 'f', 'v'],
      ['XADD', 's', '3-3', 'f', 'v'],
      ['XGROUP', 'CREATE', 's', 'g', '0'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '2', 'STREAMS', 's', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'bob', 'STREAMS', 's', '>'],
      ['XGROUP', 'CREATECONSUMER', 's', 'g', 'idle'],
      ['XDEL', 's', '1-1'],
    ]) {
      await client.send(...command);
    }
    const original = await streamState(client, 's');
    await client.send('COPY', 's', 'copy');
    const copy = await streamState(client, 'copy');
    t.equal(copy, original, `${port === pair[0].port ? 'redis' : 'ours'}: the copy is the same`);
    results.push(original.replace(/int:"1\d{12}"/g, 'TIME'));
  }
  t.equal(results[1], results[0], 'the same stream state as Redis (times aside)');
});

t.test('CLIENT LIST has Redis 7.0 fields with real values', async (t) => {
  const pair = await servers(t);
  if (!pair) return;
  const results: string[] = [];
  for (const { port } of pair) {
    const a = await connect(t, port);
    const { connect: rawConnect } = await import('node:net');
    const partial = rawConnect(port, '127.0.0.1');
    t.teardown(() => partial.destroy());
    partial.on('error', () => {});
    await new Promise((resolve) => partial.once('connect', resolve));
    // An unfinished command waits in the query buffer: 3 bytes of a 5-byte argument.
    partial.write('*2\r\n$4\r\nECHO\r\n$5\r\nhel');
    let lines: string[] = [];
    await pollUntil(async () => {
      const list = await a.send('CLIENT', 'LIST');
      lines = list.t === 'bulk' ? list.v.trim().split('\n') : [];
      return lines.length === 2 && lines.some((l) => / qbuf=3 /.test(l));
    }, 'the unfinished command to arrive');
    const fields = (line: string) => line.split(' ').map((f) => f.split('=')[0]);
    const value = (line: string, field: string) => new RegExp(` ${field}=(\\S*)`).exec(line)?.[1];
    const mine = lines.find((l) => / cmd=client\|list /.test(l))!;
    const waiting = lines.find((l) => l !== mine)!;
    results.push(
      [
        fields(mine).join(' '),
        `distinct fds: ${value(mine, 'fd') !== value(waiting, 'fd')}`,
        `waiting qbuf=${value(waiting, 'qbuf')}`,
        `own qbuf=${value(mine, 'qbuf')} argv-mem=${value(mine, 'argv-mem')}`,
      ].join('\n'),
    );
  }
  t.same(results[1]!.split('\n'), results[0]!.split('\n'));
});
