/**
 * Revalidation (RFC 9111 §4.3): 304s that update stored fields, must-revalidate and no-cache,
 * client conditionals answered from the cache, stale-while-revalidate and stale-if-error.
 */
import t from 'tap';
import { fetchVia, startOrigin, startProxy } from './helpers.js';

const HIT = 'HIT from strata-proxy';

t.test('a 304 updates the stored fields; the stored body is served', async (t) => {
  const origin = await startOrigin(t, (req, res, hit) => {
    if (req.headers['if-none-match'] === '"v1"') {
      res.writeHead(304, {
        etag: '"v1"',
        'cache-control': 'max-age=600',
        'x-version': String(hit),
      });
      res.end();
      return;
    }
    res.writeHead(200, {
      etag: '"v1"',
      'cache-control': 'max-age=60',
      age: '100',
      'x-version': '1',
    });
    res.end('the body');
  });
  const proxy = await startProxy(t, ['--allow-private']);
  const url = origin.url('/doc');
  await fetchVia(proxy.port, 'GET', url);
  const refreshed = await fetchVia(proxy.port, 'GET', url);
  t.equal(refreshed.status, 200);
  t.equal(refreshed.body.toString(), 'the body');
  t.equal(refreshed.headers['x-version'], '2', 'the 304 replaced the field');
  t.equal(origin.requests[1]!.headers['if-none-match'], '"v1"');
  const hit = await fetchVia(proxy.port, 'GET', url);
  t.equal(hit.headers['x-cache'], HIT, 'fresh again after the 304 (its max-age=600)');
  t.equal(hit.headers['x-version'], '2');
  t.ok(Number(hit.headers.age) < 100, 'the Age restarted with the 304');
  t.equal(origin.hits.get('/doc'), 2);
});

t.test('a 200 to a revalidation replaces the stored response', async (t) => {
  const origin = await startOrigin(t, (_req, res, hit) => {
    res.writeHead(200, {
      etag: `"v${hit}"`,
      'cache-control': hit === 1 ? 'max-age=0' : 'max-age=600',
    });
    res.end(`version ${hit}`);
  });
  const proxy = await startProxy(t, ['--allow-private']);
  const url = origin.url('/changing');
  t.equal((await fetchVia(proxy.port, 'GET', url)).body.toString(), 'version 1');
  t.equal((await fetchVia(proxy.port, 'GET', url)).body.toString(), 'version 2');
  const third = await fetchVia(proxy.port, 'GET', url);
  t.equal(third.body.toString(), 'version 2');
  t.equal(third.headers['x-cache'], HIT);
});

t.test(
  'no-cache responses are revalidated every time; client conditionals from the cache',
  async (t) => {
    const origin = await startOrigin(t, (req, res) => {
      const cc = req.url === '/nc' ? 'no-cache' : 'max-age=600';
      if (req.headers['if-none-match'] === '"t"') {
        res.writeHead(304, { etag: '"t"', 'cache-control': cc });
        res.end();
        return;
      }
      res.writeHead(200, {
        etag: '"t"',
        'cache-control': cc,
        'last-modified': 'Mon, 01 Jan 2024 00:00:00 GMT',
      });
      res.end('content');
    });
    const proxy = await startProxy(t, ['--allow-private']);
    for (let k = 0; k < 3; k++) {
      const response = await fetchVia(proxy.port, 'GET', origin.url('/nc'));
      t.equal(response.body.toString(), 'content');
    }
    t.equal(origin.hits.get('/nc'), 3, 'no-cache: the origin is asked each time');
    t.equal(origin.requests[1]!.headers['if-none-match'], '"t"', 'with the stored validator');
    await fetchVia(proxy.port, 'GET', origin.url('/fresh'));
    const inm = await fetchVia(proxy.port, 'GET', origin.url('/fresh'), {
      'If-None-Match': 'W/"t"',
    });
    t.equal(inm.status, 304, 'If-None-Match matching the stored ETag: 304 from the cache');
    t.equal(inm.headers.etag, '"t"');
    const ims = await fetchVia(proxy.port, 'GET', origin.url('/fresh'), {
      'If-Modified-Since': 'Tue, 02 Jan 2024 00:00:00 GMT',
    });
    t.equal(ims.status, 304, 'If-Modified-Since after Last-Modified: 304');
    const changed = await fetchVia(proxy.port, 'GET', origin.url('/fresh'), {
      'If-None-Match': '"other"',
    });
    t.equal(changed.status, 200);
    t.equal(origin.hits.get('/fresh'), 1, 'all answered from the cache');
  },
);

t.test(
  'must-revalidate: 504 when the origin fails; stale-if-error serves the stale copy',
  async (t) => {
    let failing = false;
    const origin = await startOrigin(t, (req, res) => {
      if (failing) {
        res.writeHead(503, { 'content-type': 'text/plain' });
        res.end('down');
        return;
      }
      const cc = {
        '/must': 'max-age=60, must-revalidate',
        '/sie': 'max-age=60, stale-if-error=600',
        '/plain': 'max-age=60',
      }[req.url!]!;
      res.writeHead(200, { 'cache-control': cc, age: '100', etag: '"x"' });
      res.end(`stored ${req.url}`);
    });
    const proxy = await startProxy(t, ['--allow-private']);
    for (const path of ['/must', '/sie', '/plain'])
      await fetchVia(proxy.port, 'GET', origin.url(path));
    failing = true;
    const sie = await fetchVia(proxy.port, 'GET', origin.url('/sie'));
    t.equal(sie.status, 200, 'stale-if-error: the stale copy stands in for the 503');
    t.equal(sie.body.toString(), 'stored /sie');
    const plain = await fetchVia(proxy.port, 'GET', origin.url('/plain'));
    t.equal(plain.status, 503, 'without stale-if-error the error is passed on');
    const requested = await fetchVia(proxy.port, 'GET', origin.url('/plain'), {
      'Cache-Control': 'stale-if-error=600',
    });
    t.equal(requested.status, 200, 'stale-if-error from the request');
    const must = await fetchVia(proxy.port, 'GET', origin.url('/must'), {
      'Cache-Control': 'stale-if-error=600, max-stale=600',
    });
    t.equal(must.status, 503, 'must-revalidate: never served stale');
  },
);

t.test('must-revalidate with an unreachable origin: 504', async (t) => {
  const proxy = await startProxy(t, ['--allow-private']);
  const origin = await startOrigin(t, (req, res) => {
    if (req.headers['if-none-match']) {
      res.socket!.destroy();
      return;
    }
    res.writeHead(200, { 'cache-control': 'max-age=1, must-revalidate', age: '5', etag: '"m"' });
    res.end('m');
  });
  await fetchVia(proxy.port, 'GET', origin.url('/m'));
  const response = await fetchVia(proxy.port, 'GET', origin.url('/m'));
  t.equal(response.status, 504);
});

t.test(
  'stale-while-revalidate: the stale copy at once, one refresh in the background',
  async (t) => {
    const origin = await startOrigin(t, (_req, res, hit) => {
      res.writeHead(200, {
        'cache-control': 'max-age=1, stale-while-revalidate=600',
        age: hit === 1 ? '5' : '0',
        etag: `"s${hit}"`,
      });
      res.end(`version ${hit}`);
    });
    const proxy = await startProxy(t, ['--allow-private']);
    const url = origin.url('/swr');
    t.equal((await fetchVia(proxy.port, 'GET', url)).body.toString(), 'version 1');
    const [a, b] = await Promise.all([
      fetchVia(proxy.port, 'GET', url),
      fetchVia(proxy.port, 'GET', url),
    ]);
    t.equal(a.body.toString(), 'version 1', 'stale copy served');
    t.equal(b.body.toString(), 'version 1');
    t.equal(a.headers['x-cache'], HIT);
    await origin.waitForRequests(2);
    t.equal(origin.requests[1]!.headers['if-none-match'], '"s1"', 'a conditional refresh');
    while (proxy.context.refreshing.size > 0) await new Promise((r) => setImmediate(r));
    const after = await fetchVia(proxy.port, 'GET', url);
    t.equal(after.body.toString(), 'version 2', 'the refreshed response is served next');
    t.equal(origin.hits.get('/swr'), 2, 'one background refresh for two stale hits');
  },
);
