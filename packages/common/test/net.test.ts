import cluster from 'node:cluster';
import { once } from 'node:events';
import { existsSync, linkSync, statSync, writeFileSync } from 'node:fs';
import { type Socket, connect, createServer } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import t from 'tap';
import { ErrorCode, StrataError } from '../src/errors.js';
import { LineDecoder } from '../src/framing.js';
import type { Connection, ConnectionHandler } from '../src/net/connection.js';
import { type ServerOptions, StrataServer } from '../src/net/server.js';
import { type TestLike, closeWaitSockets, tempDir } from '../src/testing.js';

/** What the helpers need from a tap Test. */
type Test = Pick<TestLike, 'teardown'>;

/** Starts a server on a free port (or a UNIX path) and closes it when the test ends. */
async function startServer(t: Test, options: Partial<ServerOptions>): Promise<StrataServer> {
  const server = new StrataServer({
    port: options.unix ? undefined : 0,
    onConnection: (conn) => echo(conn),
    ...options,
  });
  await server.listen();
  t.teardown(() => server.close({ graceMs: 0 }));
  return server;
}

/** Replies to every line with `echo:<line>\n`. */
function echo(conn: Connection): ConnectionHandler {
  const lines = new LineDecoder({ maxLineLength: 1024 });
  return {
    data(chunk) {
      for (const line of lines.push(chunk)) conn.write(`echo:${line}\n`);
    },
  };
}

/** A raw client that records everything it receives, chunk by chunk. */
interface RawClient {
  socket: Socket;
  chunks: Buffer[];
  text(): string;
  closed: Promise<void>;
}

async function rawClient(
  t: Test,
  where: { port: number } | { path: string },
  options: { allowHalfOpen?: boolean } = {},
): Promise<RawClient> {
  const socket = connect({ ...where, allowHalfOpen: options.allowHalfOpen ?? false });
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => {});
  const closed = once(socket, 'close').then(() => {});
  t.teardown(() => socket.destroy());
  await once(socket, 'connect');
  return { socket, chunks, text: () => Buffer.concat(chunks).toString(), closed };
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

t.test('echo handler over TCP', async (t) => {
  const server = await startServer(t, {});
  const client = await rawClient(t, { port: server.port });
  client.socket.write('hello\r\nworld\n');
  await waitFor(() => client.text() === 'echo:hello\necho:world\n', 'echo');
  t.equal(server.connections.size, 1);
  t.equal(server.stats.accepted, 1);
  const [conn] = server.connections;
  t.equal(conn!.transport, 'tcp');
  t.equal(conn!.remoteAddress, '127.0.0.1');
  t.ok(conn!.remotePort > 0);
  client.socket.end();
  await client.closed;
  await waitFor(() => server.connections.size === 0, 'connection removed');
});

t.test('replies produced by one data event leave in one socket write', async (t) => {
  const writes: number[] = [];
  const server = await startServer(t, {
    onConnection(conn) {
      const original = conn.socket.write.bind(conn.socket);
      conn.socket.write = ((...args: Parameters<typeof original>) => {
        writes.push(Buffer.byteLength(args[0] as string | Buffer));
        return original(...args);
      }) as typeof original;
      return echo(conn);
    },
  });
  const client = await rawClient(t, { port: server.port });
  const lines = Array.from({ length: 100 }, (_, i) => `request-${i}`);
  client.socket.write(`${lines.join('\n')}\n`);
  const expected = lines.map((l) => `echo:${l}\n`).join('');
  await waitFor(() => client.text() === expected, 'all replies');
  t.same(writes, [Buffer.byteLength(expected)], '100 replies, one socket write');
  t.equal(client.chunks.length, 1, 'the client received them in one chunk');

  // A large batch (above the concatenation limit) is corked: still one syscall worth of output.
  writes.length = 0;
  client.chunks.length = 0;
  const big = Array.from({ length: 200 }, (_, i) => `${i}`.padEnd(1000, 'x'));
  client.socket.write(`${big.join('\n')}\n`);
  const bigExpected = big.map((l) => `echo:${l}\n`).join('');
  await waitFor(() => client.text() === bigExpected, 'large batch');
});

t.test('replies to two clients in the same turn are flushed per client', async (t) => {
  const server = await startServer(t, {});
  const a = await rawClient(t, { port: server.port });
  const b = await rawClient(t, { port: server.port });
  a.socket.write('a1\na2\n');
  b.socket.write('b1\n');
  await waitFor(() => a.text() === 'echo:a1\necho:a2\n' && b.text() === 'echo:b1\n', 'replies');
  t.pass('each client got its own replies');
});

t.test('a client that does not read is paused, then resumed when it reads', async (t) => {
  const replySize = 256 * 1024;
  const reply = Buffer.alloc(replySize, 0x41);
  let handled = 0;
  let serverConn: Connection | undefined;
  const server = await startServer(t, {
    outputHighWaterMark: 64 * 1024,
    onConnection(conn) {
      serverConn = conn;
      return {
        data(chunk) {
          for (const byte of chunk) {
            if (byte !== 0x0a) continue;
            handled++;
            conn.write(reply);
          }
        },
      };
    },
  });
  const client = await rawClient(t, { port: server.port });
  client.socket.pause();
  let sent = 0;
  const sender = setInterval(() => {
    if (sent < 200) {
      client.socket.write('\n');
      sent++;
    }
  }, 2);
  t.teardown(() => clearInterval(sender));
  await waitFor(() => serverConn?.socket.isPaused() === true, 'server to pause reading');
  const handledWhenPaused = handled;
  await sleep(150);
  t.equal(handled, handledWhenPaused, 'no requests are read while the client is not reading');
  t.ok(sent > handled, `client sent ${sent}, server handled ${handled}`);
  t.equal(server.connections.size, 1, 'a slow client without maxOutputBytes is kept');
  client.socket.resume();
  await waitFor(() => sent === 200 && handled === 200, 'every request once the client reads');
  await waitFor(
    () => client.chunks.reduce((n, c) => n + c.length, 0) === 200 * replySize,
    'every reply',
  );
  t.pass('all replies delivered after resuming');
});

t.test(
  'a client whose pending output passes maxOutputBytes is dropped; others are served',
  async (t) => {
    const closeErrors: Array<Error | undefined> = [];
    const pausedAtClose: boolean[] = [];
    const subscribers = new Set<Connection>();
    const server = await startServer(t, {
      outputHighWaterMark: 64 * 1024,
      maxOutputBytes: 1024 * 1024,
      onConnection(conn) {
        const base = echo(conn);
        return {
          data(chunk) {
            if (String(chunk) === 'SUBSCRIBE\n') subscribers.add(conn);
            else base.data(chunk);
          },
          close(error) {
            subscribers.delete(conn);
            closeErrors.push(error);
            pausedAtClose.push(conn.socket.isPaused());
          },
        };
      },
    });
    // Messages pushed to subscribers whether or not they read, like Redis pub/sub.
    const message = Buffer.alloc(128 * 1024, 0x6d);
    const publisher = setInterval(() => {
      for (const conn of subscribers) conn.write(message);
    }, 1);
    t.teardown(() => clearInterval(publisher));

    const slow = await rawClient(t, { port: server.port });
    slow.socket.pause();
    slow.socket.write('SUBSCRIBE\n');
    const healthy = await rawClient(t, { port: server.port });
    let round = 0;
    while (server.stats.droppedForOutput === 0) {
      healthy.socket.write(`ping${round}\n`);
      const expected = `echo:ping${round}\n`;
      await waitFor(() => healthy.text().endsWith(expected), `echo ${round}`, 10_000);
      round++;
    }
    t.equal(server.stats.droppedForOutput, 1);
    t.ok(closeErrors[0] instanceof StrataError);
    t.equal((closeErrors[0] as StrataError).code, ErrorCode.OUTPUT_LIMIT);
    t.same(pausedAtClose, [true], 'reading from the slow client had been paused before the drop');
    healthy.socket.write('after\n');
    await waitFor(() => healthy.text().endsWith('echo:after\n'), 'echo after the drop');
    t.equal(server.connections.size, 1, 'the healthy client is still connected');
  },
);

t.test('a client reset (ECONNRESET) closes only that connection', async (t) => {
  const closeErrors: Array<Error | undefined> = [];
  const server = await startServer(t, {
    onConnection(conn) {
      const base = echo(conn);
      let flood: NodeJS.Timeout | undefined;
      return {
        data(chunk) {
          if (String(chunk) === 'flood\n') {
            flood = setInterval(() => conn.write(Buffer.alloc(64 * 1024)), 1);
          } else {
            base.data(chunk);
          }
        },
        close(error) {
          clearInterval(flood);
          closeErrors.push(error);
        },
      };
    },
  });
  const victim = await rawClient(t, { port: server.port });
  victim.socket.write('flood\n');
  await waitFor(() => victim.chunks.length > 0, 'flood to start');
  victim.socket.resetAndDestroy();
  await waitFor(() => closeErrors.length === 1, 'server to notice the reset');
  t.match(closeErrors[0], { code: /ECONNRESET|EPIPE/ }, 'the close reports the reset');

  // A reset with unread data in the server's receive path, then a healthy client.
  const other = await rawClient(t, { port: server.port });
  other.socket.write('x'.repeat(10_000));
  other.socket.resetAndDestroy();
  const healthy = await rawClient(t, { port: server.port });
  healthy.socket.write('still here\n');
  await waitFor(() => healthy.text() === 'echo:still here\n', 'healthy client served');
  t.pass('the process survived the resets');
});

t.test('a handler that throws drops its connection only', async (t) => {
  const server = await startServer(t, {
    onConnection(conn) {
      const base = echo(conn);
      return {
        data(chunk) {
          if (String(chunk).startsWith('crash')) throw new Error('handler bug');
          base.data(chunk);
        },
        end() {
          throw new Error('end handler bug');
        },
      };
    },
  });
  const bad = await rawClient(t, { port: server.port });
  bad.socket.write('crash\n');
  await bad.closed;
  const badEnd = await rawClient(t, { port: server.port });
  badEnd.socket.end('bye\n');
  await badEnd.closed;
  const good = await rawClient(t, { port: server.port });
  good.socket.write('ok\n');
  await waitFor(() => good.text() === 'echo:ok\n', 'echo');
  t.pass();
});

t.test('idle timeout closes a quiet client but not an active one', async (t) => {
  const idleMs = 600;
  const server = await startServer(t, { idleTimeoutMs: idleMs });
  // Taken before connecting: the server's clock for this client starts later than this.
  const started = Date.now();
  const quiet = await rawClient(t, { port: server.port });
  const active = await rawClient(t, { port: server.port });
  const keepAlive = setInterval(() => active.socket.write('hi\n'), 50);
  t.teardown(() => clearInterval(keepAlive));
  await quiet.closed;
  const elapsed = Date.now() - started;
  t.ok(elapsed >= idleMs, `not closed early (${elapsed} ms)`);
  await waitFor(() => server.stats.timedOut === 1, 'the timeout to be counted');
  t.equal(active.socket.destroyed, false, 'the active client stays');
  await sleep(idleMs);
  t.equal(active.socket.destroyed, false, 'still there well past the limit');
  clearInterval(keepAlive);
  await active.closed;
  await waitFor(() => server.stats.timedOut === 2, 'the active client to time out once quiet');
});

t.test('idle timeout can be set per connection after accept', async (t) => {
  const server = await startServer(t, {
    onConnection(conn) {
      conn.limits.idleTimeoutMs = 200;
      return echo(conn);
    },
  });
  const client = await rawClient(t, { port: server.port });
  await client.closed;
  await waitFor(() => server.stats.timedOut === 1, 'the timeout to be counted');
});

t.test('maxConnections refuses the extra client with the onReject message', async (t) => {
  const server = await startServer(t, {
    maxConnections: 2,
    onReject: (socket) => socket.write('-ERR max number of clients reached\r\n'),
  });
  const a = await rawClient(t, { port: server.port });
  const b = await rawClient(t, { port: server.port });
  const c = await rawClient(t, { port: server.port });
  await c.closed;
  t.equal(c.text(), '-ERR max number of clients reached\r\n');
  t.equal(server.stats.rejected, 1);
  a.socket.write('a\n');
  b.socket.write('b\n');
  await waitFor(() => a.text() === 'echo:a\n' && b.text() === 'echo:b\n', 'others served');
  a.socket.end();
  await waitFor(() => server.connections.size === 1, 'a slot frees up');
  const d = await rawClient(t, { port: server.port });
  d.socket.write('d\n');
  await waitFor(() => d.text() === 'echo:d\n', 'new client accepted');

  const buggy = await startServer(t, {
    maxConnections: 1,
    onReject: () => {
      throw new Error('onReject bug');
    },
  });
  const kept = await rawClient(t, { port: buggy.port });
  const refused = await rawClient(t, { port: buggy.port });
  await refused.closed;
  kept.socket.write('still\n');
  await waitFor(() => kept.text() === 'echo:still\n', 'a throwing onReject only refuses');
});

t.test(
  'graceful shutdown: busy finish, idle close at once, deadline destroys the rest',
  async (t) => {
    const closeErrors = new Map<string, Error | undefined>();
    const server = new StrataServer({
      port: 0,
      onConnection(conn) {
        let name = '';
        return {
          data(chunk) {
            name = String(chunk).trim();
            if (name === 'slow') {
              conn.beginWork();
              setTimeout(() => {
                conn.write('slow done\n');
                conn.endWork();
              }, 300);
            } else if (name === 'stuck') {
              conn.beginWork();
            } else {
              conn.write(`hello ${name}\n`);
            }
          },
          close(error) {
            closeErrors.set(name, error);
          },
        };
      },
    });
    await server.listen();
    const port = server.port;
    const slow = await rawClient(t, { port });
    const stuck = await rawClient(t, { port });
    const idle = await rawClient(t, { port });
    idle.socket.write('idle');
    slow.socket.write('slow');
    stuck.socket.write('stuck');
    await waitFor(() => idle.text() === 'hello idle\n' && closeErrors.size === 0, 'idle reply');
    await waitFor(() => [...server.connections].filter((c) => c.working).length === 2, 'busy');

    const order: string[] = [];
    idle.closed.then(() => order.push('idle'));
    slow.closed.then(() => order.push('slow'));
    stuck.closed.then(() => order.push('stuck'));
    const started = Date.now();
    const closing = server.close({ graceMs: 1500 });
    t.equal(server.closing, true);
    await sleep(50);
    const refused = connect({ port });
    const [err] = (await once(refused, 'error')) as [NodeJS.ErrnoException];
    t.equal(err.code, 'ECONNREFUSED', 'no new connections while draining');
    await closing;
    const elapsed = Date.now() - started;
    t.same(order, ['idle', 'slow', 'stuck']);
    t.equal(slow.text(), 'slow done\n', 'the busy client received its reply');
    t.ok(elapsed >= 1500, `the stuck client was kept until the deadline (${elapsed} ms)`);
    t.equal(closeErrors.get('idle'), undefined);
    t.equal(closeErrors.get('slow'), undefined);
    t.equal((closeErrors.get('stuck') as StrataError).code, ErrorCode.SHUTDOWN_DEADLINE);
    t.equal(server.connections.size, 0);
    t.equal(server.close(), closing, 'close() is idempotent');
  },
);

t.test(
  'UNIX socket: listen, mode bits, stale file removed, live or foreign path refused',
  async (t) => {
    const dir = tempDir(t);
    const path = join(dir, 'strata.sock');
    const server = await startServer(t, { unix: path, unixMode: 0o600 });
    t.equal(statSync(path).mode & 0o777, 0o600, 'mode bits applied');
    const client = await rawClient(t, { path });
    client.socket.write('over unix\n');
    await waitFor(() => client.text() === 'echo:over unix\n', 'echo over UNIX socket');
    t.equal([...server.connections][0]!.transport, 'unix');
    t.equal([...server.connections][0]!.remoteAddress, '');
    t.throws(() => server.port, 'no TCP listener');

    // Another server on the same live path is refused and leaves the file alone.
    const second = new StrataServer({ unix: path, onConnection: echo });
    await t.rejects(second.listen(), { code: ErrorCode.SOCKET_IN_USE });
    t.ok(statSync(path).isSocket());

    // A socket file nobody listens on (left by a crash) is replaced.
    const stalePath = join(dir, 'stale.sock');
    const holderPath = join(dir, 'holder.sock');
    const holder = createServer().listen(holderPath);
    await once(holder, 'listening');
    linkSync(holderPath, stalePath);
    await new Promise<void>((resolve) => holder.close(() => resolve()));
    t.ok(statSync(stalePath).isSocket(), 'a stale socket file exists');
    const replacing = await startServer(t, { unix: stalePath });
    const staleClient = await rawClient(t, { path: stalePath });
    staleClient.socket.write('fresh\n');
    await waitFor(() => staleClient.text() === 'echo:fresh\n', 'served on the replaced path');
    await replacing.close();
    t.throws(() => statSync(stalePath), 'the socket file is removed on close');

    const regular = join(dir, 'not-a-socket');
    writeFileSync(regular, 'data');
    const third = new StrataServer({ unix: regular, onConnection: echo });
    await t.rejects(third.listen(), { code: ErrorCode.SOCKET_IN_USE });
    t.equal(String(statSync(regular).size), '4', 'a regular file is never deleted');

    // TCP and UNIX together: when the UNIX socket fails, the TCP port is released too.
    const probe = createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const both = new StrataServer({ port, unix: regular, onConnection: echo });
    await t.rejects(both.listen(), { code: ErrorCode.SOCKET_IN_USE });
    t.throws(() => both.port, 'no TCP listener left');
    const reuse = await startServer(t, { port });
    t.equal(reuse.port, port, 'the port is free again');
  },
);

t.test('listen needs a port or a path, and reports busy ports', async (t) => {
  await t.rejects(new StrataServer({ onConnection: echo }).listen(), {
    code: ErrorCode.LISTEN_FAILED,
  });
  const server = await startServer(t, {});
  const clash = new StrataServer({ port: server.port, onConnection: echo });
  await t.rejects(clash.listen(), { code: ErrorCode.LISTEN_FAILED });
  await t.rejects(server.listen(), { code: ErrorCode.LISTEN_FAILED }, 'listen twice');
  const closed = new StrataServer({ port: 0, onConnection: echo });
  await closed.close();
  await t.rejects(closed.listen(), { code: ErrorCode.LISTEN_FAILED }, 'listen after close');
});

t.test('half-close: the client sends then FIN and still gets every reply', async (t) => {
  const server = await startServer(t, {
    onConnection(conn) {
      const lines = new LineDecoder({ maxLineLength: 1024 });
      return {
        data(chunk) {
          for (const line of lines.push(chunk)) {
            if (String(line) === 'async') {
              conn.beginWork();
              setTimeout(() => {
                conn.write('async reply\n');
                conn.endWork();
              }, 100);
            } else {
              conn.write(`sync ${line}\n`);
            }
          }
        },
        end() {
          conn.write('bye\n');
        },
      };
    },
  });
  const sync = await rawClient(t, { port: server.port }, { allowHalfOpen: true });
  sync.socket.end('one\ntwo\n');
  await sync.closed;
  t.equal(sync.text(), 'sync one\nsync two\nbye\n');

  const pending = await rawClient(t, { port: server.port }, { allowHalfOpen: true });
  pending.socket.end('async\n');
  await pending.closed;
  t.equal(pending.text(), 'bye\nasync reply\n', 'the reply of in-flight work arrives before FIN');
});

t.test('halfClose false: a FIN ends a connection with work in flight at once', async (t) => {
  const events: string[] = [];
  const server = await startServer(t, {
    onConnection(conn) {
      const lines = new LineDecoder({ maxLineLength: 1024 });
      return {
        halfClose: false,
        data(chunk) {
          for (const line of lines.push(chunk)) {
            conn.write(`got ${line}\n`);
            // Work that never ends by itself: a client blocked until some event.
            if (String(line) === 'wait') conn.beginWork();
          }
        },
        end: () => events.push('end'),
        close: (error) => events.push(`close ${error?.message ?? ''}`),
      };
    },
  });
  for (const how of ['FIN', 'RST'] as const) {
    events.length = 0;
    const client = await rawClient(t, { port: server.port }, { allowHalfOpen: true });
    client.socket.write('wait\n');
    await waitFor(() => client.text() === 'got wait\n', 'the first reply');
    t.equal([...server.connections][0]?.working, true, 'the connection is busy');
    if (how === 'FIN') {
      client.socket.end('last\n');
      await once(client.socket, 'end');
      t.equal(client.text(), 'got wait\ngot last\n', 'output queued before the FIN is sent');
    } else {
      client.socket.resetAndDestroy();
    }
    await waitFor(() => server.connections.size === 0, `the connection to go after a ${how}`);
    t.same(events, how === 'FIN' ? ['end', 'close '] : ['close read ECONNRESET'], how);
    t.equal(closeWaitSockets(server.port), 0, `no socket left in CLOSE-WAIT after a ${how}`);
    client.socket.destroy();
  }
});

t.test('halfClose true (default): a busy half-closed connection waits for its work', async (t) => {
  let finish: (() => void) | undefined;
  const server = await startServer(t, {
    onConnection(conn) {
      return {
        data() {
          conn.beginWork();
          finish = () => {
            conn.write('done\n');
            conn.endWork();
          };
        },
      };
    },
  });
  const client = await rawClient(t, { port: server.port }, { allowHalfOpen: true });
  client.socket.end('work\n');
  await waitFor(() => finish !== undefined && server.connections.size === 1, 'the work to start');
  t.equal(client.socket.readableEnded, false, 'still open while the work runs');
  finish!();
  await client.closed;
  t.equal(client.text(), 'done\n');
});

t.test('shutdown does not wait for half-open clients to send their FIN', async (t) => {
  const closeErrors: Array<Error | undefined> = [];
  const server = new StrataServer({
    port: 0,
    onConnection(conn) {
      return {
        data() {
          conn.beginWork();
          setTimeout(() => {
            conn.write('late reply\n');
            conn.endWork();
          }, 100);
        },
        close: (error) => closeErrors.push(error),
      };
    },
  });
  await server.listen();
  // allowHalfOpen clients keep their side open after our FIN until they decide to close.
  const idle = await rawClient(t, { port: server.port }, { allowHalfOpen: true });
  const busy = await rawClient(t, { port: server.port }, { allowHalfOpen: true });
  busy.socket.write('work');
  await waitFor(() => [...server.connections].some((c) => c.working), 'work to start');
  await server.close({ graceMs: 5_000 });
  t.same(closeErrors, [undefined, undefined], 'both closed before the deadline, without error');
  t.equal(busy.text(), 'late reply\n');
  await waitFor(() => idle.socket.readableEnded && busy.socket.readableEnded, 'FIN at the clients');
  t.pass('the clients saw the end of the stream');
});

t.test(
  'node:cluster workers share one UNIX socket; the file goes with the last worker',
  async (t) => {
    // The workers run the built package (dist), as a forked process cannot load this TS source.
    const dir = tempDir(t);
    const path = join(dir, 'shared.sock');
    const workerFile = join(dir, 'worker.mjs');
    const common = pathToFileURL(join(import.meta.dirname, '../dist/index.js')).href;
    writeFileSync(
      workerFile,
      `import { StrataServer } from ${JSON.stringify(common)};
const server = new StrataServer({
  unix: process.env.SOCK,
  onConnection: (conn) => ({ data: () => conn.write(process.pid + '\\n') }),
});
await server.listen();
process.send('listening');
process.on('message', async () => {
  await server.close({ graceMs: 0 });
  process.disconnect();
});
`,
    );
    cluster.setupPrimary({ exec: workerFile, args: [], silent: true });
    const workers = [cluster.fork({ SOCK: path }), cluster.fork({ SOCK: path })];
    t.teardown(() => {
      for (const worker of workers) if (!worker.isDead()) worker.process.kill('SIGKILL');
    });
    await Promise.all(workers.map((worker) => once(worker, 'message')));
    const ask = async () => {
      const client = await rawClient(t, { path });
      client.socket.write('?\n');
      await waitFor(() => client.text().endsWith('\n'), 'a reply');
      client.socket.destroy();
      return Number(client.text());
    };
    const pids = new Set<number>();
    for (let k = 0; k < 6; k++) pids.add(await ask());
    t.same(
      [...pids].sort(),
      workers.map((w) => w.process.pid).sort(),
      'both workers answered on the socket',
    );
    workers[0]!.send('close');
    await once(workers[0]!, 'exit');
    t.ok(statSync(path).isSocket(), 'a closing worker leaves the shared socket file');
    t.equal(await ask(), workers[1]!.process.pid, 'the other worker still serves');
    workers[1]!.send('close');
    await once(workers[1]!, 'exit');
    await waitFor(() => !existsSync(path), 'the socket file removed', 10_000);
    t.pass('the primary removed the socket file once no worker used it');
  },
);
