/**
 * The forward and reverse proxy without the cache's rules: hop-by-hop fields and Via both ways,
 * X-Forwarded-For, keep-alive on both sides, streamed bodies and Expect: 100-continue, private
 * targets, 502/504, client aborts and origins that break off mid-body.
 */
import { createServer } from 'node:net';
import t from 'tap';
import { RawClient, fetchVia, rawRequest, startOrigin, startProxy } from './helpers.js';

t.test('hop-by-hop fields are stripped and Via added in both directions', async (t) => {
  const origin = await startOrigin(t, (_req, res) => {
    res.setHeader('Connection', 'x-origin-private');
    res.setHeader('X-Origin-Private', 'secret');
    res.setHeader('Keep-Alive', 'timeout=5');
    res.setHeader('Proxy-Authenticate', 'Basic realm="origin"');
    res.setHeader('Upgrade', 'h2c');
    res.setHeader('Via', '1.0 origin-side');
    res.end('ok');
  });
  const proxy = await startProxy(t, ['--allow-private', '--cache', 'no']);
  const response = await fetchVia(proxy.port, 'GET', origin.url('/a'), {
    Connection: 'x-client-private, keep-alive',
    'X-Client-Private': 'secret',
    'Keep-Alive': 'timeout=5',
    'Proxy-Connection': 'keep-alive',
    TE: 'trailers',
    'Proxy-Authorization': 'Basic Zm9vOmJhcg==',
    'X-Forwarded-For': '203.0.113.9',
    Via: '1.1 client-side',
  });
  t.equal(response.status, 200);
  t.equal(response.body.toString(), 'ok');
  const seen = origin.requests[0]!.headers;
  for (const name of [
    'x-client-private',
    'keep-alive',
    'proxy-connection',
    'te',
    'proxy-authorization',
  ]) {
    t.equal(seen[name], undefined, `${name} is not forwarded`);
  }
  t.equal(seen.via, '1.1 client-side, 1.1 strata-proxy');
  t.equal(seen['x-forwarded-for'], '203.0.113.9, 127.0.0.1');
  t.equal(seen.host, origin.authority, 'Host is the target authority');
  for (const name of ['x-origin-private', 'keep-alive', 'proxy-authenticate', 'upgrade']) {
    t.equal(response.headers[name], undefined, `${name} is not passed back`);
  }
  t.equal(response.headers.via, '1.0 origin-side, 1.1 strata-proxy');
});

t.test('--no-forwarded-for and --via-name', async (t) => {
  const origin = await startOrigin(t, (_req, res) => res.end('ok'));
  const proxy = await startProxy(t, [
    '--allow-private',
    '--no-forwarded-for',
    '--via-name',
    'edge',
  ]);
  const response = await fetchVia(proxy.port, 'GET', origin.url('/'));
  t.equal(origin.requests[0]!.headers['x-forwarded-for'], undefined);
  t.equal(origin.requests[0]!.headers.via, '1.1 edge');
  t.equal(response.headers['x-cache'], 'MISS from edge');
});

t.test(
  'keep-alive on both sides: two requests, one client and one origin connection',
  async (t) => {
    const origin = await startOrigin(t, (req, res) => res.end(`path ${req.url}`));
    const proxy = await startProxy(t, ['--allow-private', '--cache', 'no']);
    const client = new RawClient(proxy.port);
    t.teardown(() => client.close());
    client.send(rawRequest('GET', origin.url('/1')));
    t.equal((await client.next()).body.toString(), 'path /1');
    client.send(rawRequest('GET', origin.url('/2')));
    t.equal((await client.next()).body.toString(), 'path /2');
    t.equal(origin.acceptedSockets(), 1, 'the upstream connection was reused');
    // Pipelined: answered in order.
    client.send(rawRequest('GET', origin.url('/3')) + rawRequest('GET', origin.url('/4')), [
      'GET',
      'GET',
    ]);
    t.equal((await client.next()).body.toString(), 'path /3');
    t.equal((await client.next()).body.toString(), 'path /4');
    t.equal(client.closed, false, 'the client connection stays open');
  },
);

t.test(
  'request bodies stream both ways: chunked and Content-Length, Expect: 100-continue',
  async (t) => {
    const origin = await startOrigin(t, (req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (d: Buffer) => parts.push(d));
      req.on('end', () => {
        res.setHeader('x-got-expect', String(req.headers.expect));
        res.end(`${req.method} ${Buffer.concat(parts).toString()}`);
      });
    });
    const proxy = await startProxy(t, ['--allow-private']);
    const chunked = new RawClient(proxy.port);
    t.teardown(() => chunked.close());
    chunked.send(
      `POST ${origin.url('/c')} HTTP/1.1\r\nHost: ${origin.authority}\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n`,
    );
    await origin.waitForRequests(1); // the head went upstream before the body was complete
    chunked.socket.write('6\r\n world\r\n0\r\n\r\n');
    const response = await chunked.next();
    t.equal(response.body.toString(), 'POST hello world');

    const expecting = new RawClient(proxy.port);
    t.teardown(() => expecting.close());
    const interim = new Promise<string>((r) =>
      expecting.socket.once('data', (d) => r(d.toString())),
    );
    expecting.send(
      `PUT ${origin.url('/e')} HTTP/1.1\r\nHost: ${origin.authority}\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n`,
      ['PUT'],
    );
    t.match(await interim, /^HTTP\/1\.1 100 Continue\r\n\r\n/, 'the proxy answers the expectation');
    expecting.socket.write('data');
    const put = await expecting.next();
    t.equal(put.body.toString(), 'PUT data');
    t.equal(put.headers['x-got-expect'], 'undefined', 'Expect is not forwarded');
  },
);

t.test(
  'private targets are refused unless --allow-private; the --origin always passes',
  async (t) => {
    const origin = await startOrigin(t, (_req, res) => res.end('origin'));
    const proxy = await startProxy(t, []);
    for (const url of [
      origin.url('/'),
      `http://localhost:${origin.port}/`,
      `http://[::1]:${origin.port}/`,
    ]) {
      const response = await fetchVia(proxy.port, 'GET', url);
      t.equal(response.status, 403, url);
      t.match(response.body.toString(), /private address/);
    }
    t.equal(origin.requests.length, 0, 'the origin was never contacted');
    const reverse = await startProxy(t, ['--origin', `http://127.0.0.1:${origin.port}`]);
    const response = await fetchVia(reverse.port, 'GET', '/via-origin');
    t.equal(response.status, 200);
    t.equal(response.body.toString(), 'origin');
  },
);

t.test('reverse mode: Host preserved unless --origin-host-header', async (t) => {
  const origin = await startOrigin(t, (req, res) => res.end(`host ${req.headers.host} ${req.url}`));
  const preserve = await startProxy(t, ['--origin', origin.url('')]);
  const kept = await fetchVia(preserve.port, 'GET', '/p?q=1', { Host: 'www.example.com' });
  t.equal(kept.body.toString(), 'host www.example.com /p?q=1');
  const rewrite = await startProxy(t, ['--origin', origin.url(''), '--origin-host-header']);
  const replaced = await fetchVia(rewrite.port, 'GET', '/r', { Host: 'www.example.com' });
  t.equal(replaced.body.toString(), `host ${origin.authority} /r`);
  const forwardOnly = await startProxy(t, ['--allow-private']);
  t.equal(
    (await fetchVia(forwardOnly.port, 'GET', '/x')).status,
    400,
    'origin-form without --origin',
  );
});

t.test('502 when the origin refuses, 504 past --upstream-timeout', async (t) => {
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const deadPort = (closed.address() as { port: number }).port;
  await new Promise<void>((r) => closed.close(() => r()));
  const proxy = await startProxy(t, ['--allow-private', '--upstream-timeout', '300ms']);
  const refused = await fetchVia(proxy.port, 'GET', `http://127.0.0.1:${deadPort}/`);
  t.equal(refused.status, 502);
  t.match(refused.body.toString(), /Bad Gateway/);
  const silent = await startOrigin(t, () => {}); // never answers
  const timedOut = await fetchVia(proxy.port, 'GET', silent.url('/slow'));
  t.equal(timedOut.status, 504);
  t.match(timedOut.body.toString(), /Gateway Timeout/);
});

t.test('a client that disconnects aborts its upstream request (no leaked sockets)', async (t) => {
  const origin = await startOrigin(t, (_req, res) => {
    res.writeHead(200, { 'content-length': '1000000' });
    res.write('x'.repeat(1000)); // and never the rest
  });
  const proxy = await startProxy(t, ['--allow-private']);
  for (let k = 0; k < 3; k++) {
    const client = new RawClient(proxy.port);
    const firstBytes = new Promise((r) => client.socket.once('data', r));
    client.send(rawRequest('GET', origin.url(`/big${k}`)));
    await firstBytes;
    client.close();
    await origin.waitForOpenSockets(0);
  }
  t.equal(origin.openSockets(), 0, 'every upstream socket was closed');
  t.equal(origin.requests.length, 3, 'each request reached the origin once');
  // A request still in the head phase is aborted as well.
  const hanging = await startOrigin(t, () => {});
  const client = new RawClient(proxy.port);
  client.send(rawRequest('GET', hanging.url('/wait')));
  await hanging.waitForRequests(1);
  client.close();
  await hanging.waitForOpenSockets(0);
  t.equal(hanging.openSockets(), 0);
});

t.test('an origin that breaks off mid-body cuts the client and is not cached', async (t) => {
  const origin = await startOrigin(t, (_req, res, hit) => {
    res.writeHead(200, { 'content-length': '100', 'cache-control': 'max-age=600' });
    if (hit === 1) {
      res.flushHeaders();
      res.write('0123456789', () => res.socket!.destroy());
    } else res.end('y'.repeat(100));
  });
  const proxy = await startProxy(t, ['--allow-private']);
  const client = new RawClient(proxy.port);
  client.send(rawRequest('GET', origin.url('/cut')));
  await client.waitClosed();
  await t.rejects(client.next(), 'no complete response');
  const second = await fetchVia(proxy.port, 'GET', origin.url('/cut'));
  t.equal(second.headers['x-cache'], 'MISS from strata-proxy', 'the truncated body was not stored');
  t.equal(second.body.length, 100);
  const third = await fetchVia(proxy.port, 'GET', origin.url('/cut'));
  t.equal(third.headers['x-cache'], 'HIT from strata-proxy');
  t.equal(origin.hits.get('/cut'), 2);
});

t.test('malformed requests get a 400 and the proxy keeps serving', async (t) => {
  const origin = await startOrigin(t, (_req, res) => res.end('fine'));
  const proxy = await startProxy(t, ['--allow-private']);
  const client = new RawClient(proxy.port);
  client.send(
    `GET ${origin.url('/')} HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n`,
  );
  t.equal((await client.next()).status, 400);
  await client.waitClosed();
  t.equal((await fetchVia(proxy.port, 'GET', origin.url('/'))).body.toString(), 'fine');
  t.equal(origin.requests.length, 1, 'the smuggling attempt never reached the origin');
});

t.test(
  '--header-timeout: a head that never completes gets 408 and the connection closes',
  async (t) => {
    const origin = await startOrigin(t, (_req, res) => res.end('fine'));
    const proxy = await startProxy(t, ['--allow-private', '--header-timeout', '200ms']);
    const slow = new RawClient(proxy.port);
    t.teardown(() => slow.close());
    slow.send(`GET ${origin.url('/')} HTTP/1.1\r\nHost: ${origin.authority}\r\nX-Slow: 1\r\n`);
    const response = await slow.next();
    t.equal(response.status, 408);
    await slow.waitClosed();
    const client = new RawClient(proxy.port);
    t.teardown(() => client.close());
    client.send(rawRequest('GET', origin.url('/')));
    t.equal((await client.next()).body.toString(), 'fine', 'a complete head in time is served');
    t.equal(origin.requests.length, 1);
  },
);
