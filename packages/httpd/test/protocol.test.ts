/** HTTP/1.1 on the wire, with raw sockets: pipelining, keep-alive, refusals, limits. */
import { connect } from 'node:net';
import t from 'tap';
import { exchange, get, makeRoot, startHttpd } from './helpers.js';

const files = { 'a.txt': 'hello\n', 'index.html': '<h1>home</h1>\n' };

t.test('ten pipelined requests in one write get ten responses in order', async (t) => {
  const { port } = await startHttpd(t, makeRoot(t, files));
  const paths = Array.from({ length: 10 }, (_, k) => (k % 2 ? '/a.txt' : `/missing-${k}`));
  const result = await exchange(port, paths.map((p) => get(p)).join(''), { expect: 10 });
  t.same(
    result.responses.map((r) => r.status),
    paths.map((p) => (p === '/a.txt' ? 200 : 404)),
  );
  t.equal(result.responses[1]!.body.toString(), 'hello\n');
  t.equal(result.closed, false, 'the connection stays open');
});

t.test('--max-pipeline pauses reading without losing requests', async (t) => {
  const many: Record<string, string> = {};
  for (let k = 0; k < 30; k++) many[`f${k}.txt`] = `file ${k}\n`;
  const { port } = await startHttpd(t, makeRoot(t, many), ['--max-pipeline', '2']);
  // Cold cache: every answer needs file-system work, so requests pile up behind each other.
  const input = Object.keys(many)
    .map((name) => get(`/${name}`))
    .join('');
  const result = await exchange(port, input, { expect: 30, timeoutMs: 5000 });
  t.same(
    result.responses.map((r) => r.body.toString()),
    Object.values(many),
  );
});

t.test('a hundred requests on one connection, one at a time', async (t) => {
  const { port } = await startHttpd(t, makeRoot(t, files));
  const socket = connect(port, '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  let received = '';
  socket.setEncoding('latin1');
  socket.on('data', (text: string) => {
    received += text;
  });
  for (let k = 0; k < 100; k++) {
    socket.write(get('/a.txt'));
    const want = k + 1;
    while ((received.match(/HTTP\/1\.1 200 OK/g) ?? []).length < want) {
      await new Promise((r) => setTimeout(r, 1));
      if (socket.destroyed) break;
    }
  }
  t.equal((received.match(/hello\n/g) ?? []).length, 100);
  t.notMatch(received, /Connection: close/);
  socket.destroy();
});

t.test('keep-alive rules: HTTP/1.0, Connection: close, max requests', async (t) => {
  const { port } = await startHttpd(t, makeRoot(t, files), ['--max-requests', '3']);
  const ten = await exchange(port, 'GET /a.txt HTTP/1.0\r\n\r\n');
  t.equal(ten.responses[0]!.status, 200);
  t.equal(ten.responses[0]!.headers.connection, 'close');
  t.equal(ten.closed, true, 'HTTP/1.0 closes by default');

  const tenKeep = await exchange(port, 'GET /a.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n', {
    expect: 1,
  });
  t.equal(tenKeep.responses[0]!.headers.connection, 'keep-alive');
  t.equal(tenKeep.closed, false);

  const close = await exchange(port, get('/a.txt', { Connection: 'close' }) + get('/a.txt'));
  t.equal(close.responses.length, 1, 'nothing after Connection: close is answered');
  t.equal(close.closed, true);

  const limited = await exchange(port, get('/a.txt').repeat(5));
  t.equal(limited.responses.length, 3, '--max-requests 3');
  t.equal(limited.responses[2]!.headers.connection, 'close');
  t.equal(limited.closed, true);
});

t.test('smuggling attempts get 400 and the connection closes', async (t) => {
  const { port } = await startHttpd(t, makeRoot(t, files));
  const h = 'POST /a.txt HTTP/1.1\r\nHost: x\r\n';
  const attacks = [
    `${h}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    `${h}Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n`,
    `${h}Content-Length: 4\r\nContent-Length: 5\r\n\r\nabcde`,
    `${h}Content-Length: 4\r\nContent-Length: 4\r\n\r\nabcd`,
    `${h}Content-Length: 4, 4\r\n\r\nabcd`,
    `${h}Content-Length: 0x4\r\n\r\nabcd`,
    `${h}Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n`,
    `${h}Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n`,
    `${h}Transfer-Encoding: chunked\r\n\r\n-0\r\n\r\n`,
    `${h}Transfer-Encoding: chunked\r\n\r\n1 ;x\r\na\r\n0\r\n\r\n`,
    `${h}Transfer-Encoding: chunked\r\n\r\n10000000000000000\r\n`,
    `${h}Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n`,
    `${h}X: a\r\n Transfer-Encoding: chunked\r\n\r\n`,
    `${h}X: a\0b\r\n\r\n`,
    `${h}X: a\rTransfer-Encoding: chunked\r\n\r\n`,
    `${h}X: a\nTransfer-Encoding: chunked\r\n\r\n`,
    'GET /a.txt HTTP/1.1\r\n\r\n',
    'GET /a.txt HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n',
    'POST /a.txt HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
  ];
  for (const attack of attacks) {
    // A smuggled request behind the attack must never be answered.
    const result = await exchange(port, `${attack}${get('/smuggled')}`);
    t.equal(result.responses.length, 1, JSON.stringify(attack));
    t.equal(result.responses[0]?.status, 400);
    t.equal(result.responses[0]?.headers.connection, 'close');
    t.equal(result.closed, true);
  }
});

t.test('versions and sizes: 505, 414, 431', async (t) => {
  const { port } = await startHttpd(t, makeRoot(t, files));
  for (const version of ['HTTP/2.0', 'HTTP/0.9', 'HTTP/3.0']) {
    const r = await exchange(port, `GET / ${version}\r\nHost: a\r\n\r\n`);
    t.equal(r.responses[0]?.status, 505, version);
    t.equal(r.closed, true);
  }
  // RFC 9110 section 2.5: HTTP/1.2 is served as the highest 1.x we speak, as nginx does.
  const newerMinor = await exchange(port, `GET / HTTP/1.2\r\nHost: a\r\n\r\n${get('/')}`, {
    expect: 2,
  });
  t.same(
    newerMinor.responses.map((r) => r.status),
    [200, 200],
    'HTTP/1.2 gets 200 and keeps the connection',
  );
  const longLine = await exchange(port, get(`/${'x'.repeat(9000)}`));
  t.equal(longLine.responses[0]?.status, 414);
  const bigHeaders = await exchange(port, get('/', { 'X-Big': 'y'.repeat(17 * 1024) }));
  t.equal(bigHeaders.responses[0]?.status, 431);
  const many: Record<string, string> = {};
  for (let k = 0; k < 101; k++) many[`X-${k}`] = 'v';
  t.equal((await exchange(port, get('/', many))).responses[0]?.status, 431);
  delete many['X-100'];
  delete many['X-99']; // with Host, 100 fields
  t.equal((await exchange(port, get('/a.txt', many))).responses[0]?.status, 200);
});

t.test('methods: 405 with Allow, 501, OPTIONS, HEAD', async (t) => {
  const { port } = await startHttpd(t, makeRoot(t, files));
  for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'TRACE']) {
    const r = await exchange(port, get('/a.txt', {}, method), { expect: 1 });
    t.equal(r.responses[0]?.status, 405, method);
    t.equal(r.responses[0]?.headers.allow, 'GET, HEAD, OPTIONS');
  }
  const unknown = await exchange(port, get('/a.txt', {}, 'BREW'), { expect: 1 });
  t.equal(unknown.responses[0]?.status, 501);
  const options = await exchange(port, get('*', {}, 'OPTIONS'), { expect: 1 });
  t.equal(options.responses[0]?.status, 204);
  t.equal(options.responses[0]?.headers.allow, 'GET, HEAD, OPTIONS');
  const head = await exchange(port, get('/a.txt', {}, 'HEAD') + get('/a.txt'), {
    expect: 2,
    methods: ['HEAD', 'GET'],
  });
  t.equal(head.responses[0]?.headers['content-length'], '6');
  t.equal(head.responses[0]?.body.length, 0, 'HEAD has no body');
  t.equal(head.responses[1]?.body.toString(), 'hello\n', 'and the next response is intact');
  const connect = await exchange(
    port,
    'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n',
  );
  t.equal(connect.responses[0]?.status, 405);
  t.equal(connect.closed, true);
});

t.test('request bodies are read and discarded; chunked with trailers; 413', async (t) => {
  const { port } = await startHttpd(t, makeRoot(t, files), ['--max-body', '1kb']);
  const chunked =
    'POST /a.txt HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-T: 1\r\n\r\n';
  const r = await exchange(port, [chunked.slice(0, 50), chunked.slice(50), get('/a.txt')], {
    expect: 2,
    gapMs: 20,
  });
  t.same(
    r.responses.map((x) => x.status),
    [405, 200],
  );
  const big = await exchange(
    port,
    'POST /a.txt HTTP/1.1\r\nHost: a\r\nContent-Length: 5000\r\n\r\n',
  );
  t.equal(big.responses[0]?.status, 413);
  t.equal(big.closed, true);
});

t.test('Expect: 100-continue', async (t) => {
  const { port } = await startHttpd(t, makeRoot(t, files));
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.setEncoding('latin1').on('data', (text: string) => {
    received += text;
  });
  socket.write(
    'PUT /a.txt HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n',
  );
  await new Promise((r) => setTimeout(r, 150));
  t.equal(received, 'HTTP/1.1 100 Continue\r\n\r\n', 'interim response before the body');
  socket.write('abc');
  await new Promise((r) => setTimeout(r, 150));
  t.match(received, /100 Continue\r\n\r\nHTTP\/1\.1 405 Method Not Allowed/);
  socket.destroy();
  // A client that sends the body at once gets no interim response at all.
  const eager = await exchange(
    port,
    'PUT /a.txt HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc',
    { expect: 1, timeoutMs: 500 },
  );
  t.notMatch(eager.data.toString(), /100 Continue/);
  t.equal(eager.responses[0]?.status, 405);
});

t.test('max connections: the one too many gets 503', async (t) => {
  const { port } = await startHttpd(t, makeRoot(t, files), ['--max-connections', '2']);
  const held = [connect(port, '127.0.0.1'), connect(port, '127.0.0.1')];
  for (const s of held) s.on('error', () => {});
  t.teardown(() => {
    for (const s of held) s.destroy();
  });
  await Promise.all(held.map((s) => new Promise((r) => s.once('connect', r))));
  await new Promise((r) => setTimeout(r, 50));
  const refused = await exchange(port, get('/a.txt'));
  t.equal(refused.responses[0]?.status, 503);
  t.equal(refused.closed, true);
});
