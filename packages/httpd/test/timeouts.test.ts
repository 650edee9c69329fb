/** Header, request, keep-alive and send timeouts, with short limits. */
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import t from 'tap';
import { exchange, get, makeRoot, startHttpd } from './helpers.js';

const files = { 'a.txt': 'hello\n', 'big.bin': randomBytes(8 * 1024 * 1024) };

t.test('slowloris: the header timeout is total, not per read', async (t) => {
  const { port } = await startHttpd(t, makeRoot(t, files), ['--header-timeout', '400ms']);
  const started = Date.now();
  // One byte every 50 ms keeps the connection busy but never completes the head.
  const drip = 'GET /a.txt HTTP/1.1\r\nHost: a\r\nX-Slow: '.split('').concat(Array(100).fill('y'));
  const result = await exchange(port, drip, { gapMs: 50, timeoutMs: 5000 });
  const elapsed = Date.now() - started;
  t.equal(result.responses[0]?.status, 408);
  t.equal(result.closed, true);
  t.ok(elapsed >= 350 && elapsed < 3000, `closed after ${elapsed} ms`);
});

t.test('a connection that sends nothing is closed after the header timeout', async (t) => {
  const { port } = await startHttpd(t, makeRoot(t, files), ['--header-timeout', '300ms']);
  const started = Date.now();
  const result = await exchange(port, [], { timeoutMs: 5000 });
  t.equal(result.closed, true);
  t.equal(result.data.toString(), '', 'silently, as nginx does');
  t.ok(Date.now() - started < 3000);
});

t.test('keep-alive idle timeout', async (t) => {
  const { port } = await startHttpd(t, makeRoot(t, files), ['--idle-timeout', '300ms']);
  const started = Date.now();
  const result = await exchange(port, get('/a.txt'), { timeoutMs: 5000 });
  const elapsed = Date.now() - started;
  t.equal(result.responses[0]?.status, 200);
  t.equal(result.closed, true);
  t.ok(elapsed >= 250 && elapsed < 3000, `closed after ${elapsed} ms idle`);
});

t.test('request timeout: a body that never completes', async (t) => {
  const { port } = await startHttpd(t, makeRoot(t, files), ['--request-timeout', '300ms']);
  const result = await exchange(
    port,
    'POST /a.txt HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nonly a little',
    { timeoutMs: 5000 },
  );
  t.equal(result.responses[0]?.status, 408);
  t.equal(result.closed, true);
});

t.test('send timeout: a client that stops reading is dropped', async (t) => {
  const httpd = await startHttpd(t, makeRoot(t, files), [
    '--send-timeout',
    '300ms',
    '--cache-max-file',
    '64kb',
  ]);
  const socket = connect(httpd.port, '127.0.0.1');
  socket.on('error', () => {});
  t.teardown(() => socket.destroy());
  await new Promise((r) => socket.once('connect', r));
  socket.write(get('/big.bin'));
  socket.pause(); // never read: the kernel buffers fill and the server waits for drain
  await new Promise((r) => setTimeout(r, 200));
  t.equal(httpd.server.connections.size, 1, 'still waiting');
  const deadline = Date.now() + 3000;
  while (httpd.server.connections.size > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  t.equal(httpd.server.connections.size, 0, 'dropped after the send timeout');
  t.equal(httpd.stats.timeouts, 1);
});
