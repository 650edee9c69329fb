/**
 * Vary, invalidation by unsafe methods, request collapsing, HEAD and Range from a stored GET,
 * PURGE and the stats endpoint.
 */
import t from 'tap';
import {
  RawClient,
  type TestLike,
  fetchVia,
  rawRequest,
  startOrigin,
  startProxy,
} from './helpers.js';
import type { ProxyServer } from '../src/server.js';

const HIT = 'HIT from strata-proxy';
const MISS = 'MISS from strata-proxy';

t.test('Vary: one variant per normalised request value; Vary: * never matches', async (t) => {
  const origin = await startOrigin(t, (req, res) => {
    res.writeHead(200, {
      'cache-control': 'max-age=600',
      vary: req.url === '/star' ? '*' : 'Accept-Encoding',
    });
    res.end(`for ${req.headers['accept-encoding'] ?? 'none'}`);
  });
  const proxy = await startProxy(t, ['--allow-private']);
  const get = (encoding?: string, path = '/v') =>
    fetchVia(
      proxy.port,
      'GET',
      origin.url(path),
      encoding === undefined ? {} : { 'Accept-Encoding': encoding },
    );
  t.equal((await get('gzip, br')).headers['x-cache'], MISS);
  const same = await get('gzip,br');
  t.equal(same.headers['x-cache'], HIT, 'whitespace differences select the same variant');
  t.equal(same.body.toString(), 'for gzip, br');
  t.equal((await get('identity')).headers['x-cache'], MISS, 'another value: another variant');
  t.equal((await get()).headers['x-cache'], MISS, 'an absent field is a variant of its own');
  t.equal((await get('identity')).body.toString(), 'for identity');
  t.equal((await get()).body.toString(), 'for none');
  t.equal((await get('gzip, br')).headers['x-cache'], HIT, 'the first variant is still there');
  t.equal(origin.hits.get('/v'), 3);
  await get('gzip', '/star');
  t.equal((await get('gzip', '/star')).headers['x-cache'], MISS, 'Vary: *');
});

t.test('unsafe methods invalidate the URI and same-origin Location/Content-Location', async (t) => {
  const other = await startOrigin(t, (_req, res) => {
    res.writeHead(200, { 'cache-control': 'max-age=600' });
    res.end('other');
  });
  const origin = await startOrigin(t, (req, res) => {
    if (req.method === 'POST') {
      res.writeHead(201, {
        location: '/created',
        'content-location': other.url('/elsewhere'),
      });
      res.end();
      return;
    }
    if (req.method === 'DELETE') {
      res.writeHead(500);
      res.end();
      return;
    }
    res.writeHead(200, { 'cache-control': 'max-age=600' });
    res.end(`get ${req.url}`);
  });
  const proxy = await startProxy(t, ['--allow-private']);
  const cached = async (url: string) => (await fetchVia(proxy.port, 'GET', url)).headers['x-cache'];
  for (const url of [origin.url('/list'), origin.url('/created'), other.url('/elsewhere')]) {
    await cached(url);
    t.equal(await cached(url), HIT, `${url} stored`);
  }
  const failed = await fetchVia(proxy.port, 'DELETE', origin.url('/list'));
  t.equal(failed.status, 500);
  t.equal(await cached(origin.url('/list')), HIT, 'an unsuccessful DELETE invalidates nothing');
  const post = await fetchVia(proxy.port, 'POST', origin.url('/list'), {}, 'new item');
  t.equal(post.status, 201);
  t.equal(await cached(origin.url('/list')), MISS, 'the POST target was invalidated');
  t.equal(await cached(origin.url('/created')), MISS, 'its Location too');
  t.equal(await cached(other.url('/elsewhere')), HIT, 'a Content-Location on another origin stays');
});

/** Lets the event loop turn until `check` holds (the proxy's own state, no timers). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setImmediate(r));
}

async function collapse(t: TestLike, proxy: ProxyServer, url: string, count: number) {
  const clients = Array.from({ length: count }, () => new RawClient(proxy.port));
  t.teardown(() => {
    for (const c of clients) c.close();
  });
  for (const client of clients) client.send(rawRequest('GET', url));
  return clients;
}

t.test('request collapsing: 20 concurrent misses make one origin request', async (t) => {
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const origin = await startOrigin(t, (req, res) => {
    void gate.then(() => {
      res.writeHead(200, {
        'cache-control': req.url === '/private' ? 'no-store' : 'max-age=600',
      });
      res.end(`shared ${req.url}`);
    });
  });
  const proxy = await startProxy(t, ['--allow-private']);
  const url = origin.url('/popular');
  const clients = await collapse(t, proxy, url, 20);
  await origin.waitForRequests(1);
  await until(() => proxy.context.pending.get(url)?.waiters === 19);
  release();
  const responses = await Promise.all(clients.map((c) => c.next()));
  t.same(new Set(responses.map((r) => r.body.toString())), new Set(['shared /popular']));
  t.equal(origin.hits.get('/popular'), 1, 'one origin request');
  t.equal(responses.filter((r) => r.headers['x-cache'] === HIT).length, 19, '19 served from it');
});

t.test('collapsed requests are released when the response is not storable', async (t) => {
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const origin = await startOrigin(t, (_req, res, hit) => {
    const answer = () => {
      res.writeHead(200, { 'cache-control': 'no-store' });
      res.end(`private #${hit}`);
    };
    if (hit === 1) void gate.then(answer);
    else answer();
  });
  const proxy = await startProxy(t, ['--allow-private']);
  const url = origin.url('/private');
  const clients = await collapse(t, proxy, url, 20);
  await origin.waitForRequests(1);
  await until(() => proxy.context.pending.get(url)?.waiters === 19);
  release();
  const responses = await Promise.all(clients.map((c) => c.next()));
  t.equal(
    responses.every((r) => r.status === 200),
    true,
  );
  t.equal(origin.hits.get('/private'), 20, 'each waiter went upstream on its own');
  t.equal(new Set(responses.map((r) => r.body.toString())).size, 20);
});

t.test('HEAD and Range answered from a stored GET', async (t) => {
  const origin = await startOrigin(t, (_req, res) => {
    res.writeHead(200, {
      'cache-control': 'max-age=600',
      'content-type': 'text/plain',
      etag: '"r"',
    });
    res.end('0123456789');
  });
  const proxy = await startProxy(t, ['--allow-private']);
  const url = origin.url('/file');
  await fetchVia(proxy.port, 'GET', url);
  const head = await fetchVia(proxy.port, 'HEAD', url);
  t.equal(head.status, 200);
  t.equal(head.headers['content-length'], '10');
  t.equal(head.body.length, 0);
  t.equal(head.headers['x-cache'], HIT);
  const one = await fetchVia(proxy.port, 'GET', url, { Range: 'bytes=2-4' });
  t.equal(one.status, 206);
  t.equal(one.headers['content-range'], 'bytes 2-4/10');
  t.equal(one.body.toString(), '234');
  const suffix = await fetchVia(proxy.port, 'GET', url, { Range: 'bytes=-3' });
  t.equal(suffix.body.toString(), '789');
  const multi = await fetchVia(proxy.port, 'GET', url, { Range: 'bytes=0-1,8-' });
  t.equal(multi.status, 206);
  const boundary = /boundary=(\w+)/.exec(multi.headers['content-type']!)![1];
  const text = multi.body.toString();
  t.match(
    text,
    `--${boundary}\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-1/10\r\n\r\n01`,
  );
  t.match(text, `Content-Range: bytes 8-9/10\r\n\r\n89\r\n--${boundary}--`);
  const beyond = await fetchVia(proxy.port, 'GET', url, { Range: 'bytes=50-60' });
  t.equal(beyond.status, 416);
  t.equal(beyond.headers['content-range'], 'bytes */10');
  const stale = await fetchVia(proxy.port, 'GET', url, {
    Range: 'bytes=0-0',
    'If-Range': '"other"',
  });
  t.equal(stale.status, 200, 'If-Range not matching: the whole object');
  t.equal(origin.hits.get('/file'), 1);
});

t.test('PURGE from allowed networks; the stats endpoint', async (t) => {
  const origin = await startOrigin(t, (_req, res) => {
    res.writeHead(200, { 'cache-control': 'max-age=600' });
    res.end('purge me');
  });
  const proxy = await startProxy(t, ['--allow-private']);
  const url = origin.url('/p');
  await fetchVia(proxy.port, 'GET', url);
  t.equal((await fetchVia(proxy.port, 'PURGE', url)).status, 200);
  t.equal((await fetchVia(proxy.port, 'PURGE', url)).status, 404, 'nothing left to purge');
  t.equal((await fetchVia(proxy.port, 'GET', url)).headers['x-cache'], MISS);
  const stats = await fetchVia(proxy.port, 'GET', '/strata-proxy/stats');
  t.equal(stats.status, 200);
  const parsed = JSON.parse(stats.body.toString()) as {
    cache: { purges: number; objects: number };
  };
  t.equal(parsed.cache.purges, 1);
  t.equal(parsed.cache.objects, 1);
  const strict = await startProxy(t, ['--allow-private', '--purge-from', '10.0.0.0/8']);
  await fetchVia(strict.port, 'GET', url);
  t.equal((await fetchVia(strict.port, 'PURGE', url)).status, 403, 'PURGE outside --purge-from');
  t.equal(
    (await fetchVia(strict.port, 'GET', '/strata-proxy/stats')).status,
    400,
    'no stats either',
  );
});

t.test('--mem-cache-size and --max-object-size bound what is kept (LRU)', async (t) => {
  const origin = await startOrigin(t, (req, res) => {
    res.writeHead(200, { 'cache-control': 'max-age=600' });
    res.end(req.url === '/big' ? 'b'.repeat(5000) : 's'.repeat(400));
  });
  const proxy = await startProxy(t, [
    '--allow-private',
    '--mem-cache-size',
    '2000',
    '--max-object-size',
    '1000',
  ]);
  const state = async (path: string) =>
    (await fetchVia(proxy.port, 'GET', origin.url(path))).headers['x-cache'];
  await state('/big');
  t.equal(await state('/big'), MISS, 'larger than --max-object-size: streamed, not stored');
  for (const path of ['/1', '/2', '/3']) await state(path);
  t.equal(await state('/3'), HIT);
  await state('/4');
  await state('/5');
  t.equal(await state('/1'), MISS, 'the least recently used went first');
  t.ok(proxy.context.cache!.stats.evictions > 0);
  t.ok(proxy.context.cache!.stats.bytes <= 2000);
});
