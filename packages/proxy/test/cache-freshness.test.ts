/**
 * RFC 9111 storability, freshness, Age and request directives, against a local origin that
 * counts its hits. Old responses are made with Date/Age/Last-Modified values, never by waiting.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import t from 'tap';
import { type TestLike, fetchVia, startOrigin, startProxy } from './helpers.js';

const ago = (seconds: number) => new Date(Date.now() - seconds * 1000).toUTCString();
const HIT = 'HIT from strata-proxy';
const MISS = 'MISS from strata-proxy';

/** An origin answering every path with `fields(path, hit)` and a body naming the hit. */
async function originWith(
  t: TestLike,
  fields: (path: string, hit: number, headers: Record<string, unknown>) => OutgoingHttpHeaders,
  status = 200,
) {
  return startOrigin(t, (req, res, hit) => {
    const headers = fields(req.url!, hit, req.headers);
    const code = typeof headers[':status'] === 'number' ? (headers[':status'] as number) : status;
    delete headers[':status'];
    res.writeHead(code, headers);
    res.end(code === 304 ? undefined : `body ${req.url} #${hit}`);
  });
}

t.test('storable or not (RFC 9111 §3)', async (t) => {
  const origin = await originWith(t, (path) => {
    switch (path) {
      case '/max-age':
        return { 'cache-control': 'max-age=600' };
      case '/no-store':
        return { 'cache-control': 'max-age=600, no-store' };
      case '/private':
        return { 'cache-control': 'private, max-age=600' };
      case '/nothing':
        return {}; // no freshness, no validator: never reusable, not stored
      case '/vary-star':
        return { 'cache-control': 'max-age=600', vary: '*' };
      case '/s-maxage':
        return { 'cache-control': 's-maxage=600' };
      default:
        return { 'cache-control': 'max-age=600' };
    }
  });
  const proxy = await startProxy(t, ['--allow-private']);
  const twice = async (path: string, fields: Record<string, string> = {}) => {
    const first = await fetchVia(proxy.port, 'GET', origin.url(path), fields);
    const second = await fetchVia(proxy.port, 'GET', origin.url(path), fields);
    t.equal(first.headers['x-cache'], MISS, `${path}: first is a miss`);
    return second;
  };
  const stored = await twice('/max-age');
  t.equal(stored.headers['x-cache'], HIT);
  t.equal(stored.body.toString(), 'body /max-age #1');
  t.match(stored.headers.age, /^\d+$/, 'Age on a cached response');
  for (const path of ['/no-store', '/private', '/nothing', '/vary-star']) {
    t.equal((await twice(path)).headers['x-cache'], MISS, `${path} is not stored`);
    t.equal(origin.hits.get(path), 2);
  }
  const auth = await twice('/auth', { Authorization: 'Basic eDp5' });
  t.equal(auth.headers['x-cache'], MISS, 'Authorization without public/s-maxage: not stored');
  const shared = await twice('/s-maxage', { Authorization: 'Basic eDp5' });
  t.equal(shared.headers['x-cache'], HIT, 's-maxage makes an authorized response storable');
  const requestNoStore = await twice('/req-no-store', { 'Cache-Control': 'no-store' });
  t.equal(requestNoStore.headers['x-cache'], MISS, 'request no-store: not stored');
  t.equal(origin.hits.get('/max-age'), 1);
});

t.test(
  'freshness: s-maxage > max-age > Expires - Date; heuristic only where allowed',
  async (t) => {
    const origin = await originWith(t, (path) => {
      const now = new Date().toUTCString();
      switch (path) {
        case '/s-maxage-wins':
          return { 'cache-control': 's-maxage=0, max-age=600', etag: '"a"' };
        case '/max-age-wins':
          return { 'cache-control': 'max-age=600', date: now, expires: ago(10) };
        case '/expires':
          return { date: now, expires: new Date(Date.now() + 600_000).toUTCString() };
        case '/expires-invalid':
          return { date: now, expires: '0', etag: '"e"' };
        case '/heuristic':
          return { date: now, 'last-modified': ago(10 * 86_400) };
        case '/heuristic-302':
          return { ':status': 302, location: '/x', date: now, 'last-modified': ago(10 * 86_400) };
        default:
          return {};
      }
    });
    const proxy = await startProxy(t, ['--allow-private']);
    const second = async (path: string) => {
      await fetchVia(proxy.port, 'GET', origin.url(path));
      return fetchVia(proxy.port, 'GET', origin.url(path));
    };
    t.equal((await second('/s-maxage-wins')).headers['x-cache'], MISS, 's-maxage=0 wins');
    t.equal((await second('/max-age-wins')).headers['x-cache'], HIT, 'max-age wins over Expires');
    t.equal((await second('/expires')).headers['x-cache'], HIT, 'Expires - Date');
    t.equal((await second('/expires-invalid')).headers['x-cache'], MISS, 'invalid Expires: stale');
    t.equal((await second('/heuristic')).headers['x-cache'], HIT, '10% of the Last-Modified age');
    t.equal((await second('/heuristic-302')).headers['x-cache'], MISS, 'no heuristic for a 302');
    const capped = await startProxy(t, ['--allow-private', '--heuristic-max', '0']);
    await fetchVia(capped.port, 'GET', origin.url('/heuristic'));
    const revalidated = await fetchVia(capped.port, 'GET', origin.url('/heuristic'));
    t.equal(revalidated.headers['x-cache'], MISS, '--heuristic-max 0: no heuristic freshness');
    const last = origin.requests.at(-1)!;
    t.ok(last.headers['if-modified-since'], 'revalidated with If-Modified-Since');
  },
);

t.test('Age: apparent age, the Age field and resident time (RFC 9111 §4.2.3)', async (t) => {
  const origin = await originWith(t, (path) => {
    switch (path) {
      case '/aged':
        return { 'cache-control': 'max-age=600', age: '100' };
      case '/old-date':
        return { 'cache-control': 'max-age=600', date: ago(200) };
      case '/too-old':
        return { 'cache-control': 'max-age=60', age: '100' };
      default:
        return {};
    }
  });
  const proxy = await startProxy(t, ['--allow-private']);
  await fetchVia(proxy.port, 'GET', origin.url('/aged'));
  const aged = await fetchVia(proxy.port, 'GET', origin.url('/aged'));
  t.ok(Number(aged.headers.age) >= 100, `Age ${aged.headers.age} includes the origin's Age`);
  await fetchVia(proxy.port, 'GET', origin.url('/old-date'));
  const dated = await fetchVia(proxy.port, 'GET', origin.url('/old-date'));
  t.ok(Number(dated.headers.age) >= 199, `Age ${dated.headers.age} includes the apparent age`);
  await fetchVia(proxy.port, 'GET', origin.url('/too-old'));
  const stale = await fetchVia(proxy.port, 'GET', origin.url('/too-old'));
  t.equal(stale.headers['x-cache'], MISS, 'older than max-age on arrival: stale');
  t.equal(origin.hits.get('/too-old'), 2);
});

t.test(
  'request directives: no-cache, Pragma, max-age, min-fresh, max-stale, only-if-cached',
  async (t) => {
    const origin = await originWith(t, (path, _hit, headers) => {
      const etag = '"v1"';
      if (headers['if-none-match'] === etag)
        return { ':status': 304, etag, 'cache-control': 'max-age=600' };
      if (path === '/stale') return { 'cache-control': 'max-age=60', age: '120', etag };
      return { 'cache-control': 'max-age=600', etag };
    });
    const proxy = await startProxy(t, ['--allow-private']);
    const url = origin.url('/fresh');
    await fetchVia(proxy.port, 'GET', url);
    t.equal((await fetchVia(proxy.port, 'GET', url)).headers['x-cache'], HIT);
    const cases: Array<[string, Record<string, string>, boolean]> = [
      ['no-cache', { 'Cache-Control': 'no-cache' }, true],
      ['Pragma: no-cache', { Pragma: 'no-cache' }, true],
      ['max-age=0', { 'Cache-Control': 'max-age=0' }, true],
      ['min-fresh beyond the lifetime', { 'Cache-Control': 'min-fresh=100000' }, true],
      ['max-age=100000', { 'Cache-Control': 'max-age=100000' }, false],
    ];
    for (const [name, fields, revalidates] of cases) {
      const before = origin.requests.length;
      const response = await fetchVia(proxy.port, 'GET', url, fields);
      t.equal(response.status, 200, name);
      t.equal(response.body.toString(), 'body /fresh #1', `${name}: the stored body`);
      t.equal(origin.requests.length - before, revalidates ? 1 : 0, `${name}: origin asked?`);
      if (revalidates) t.equal(origin.requests.at(-1)!.headers['if-none-match'], '"v1"');
    }
    const stale = origin.url('/stale');
    await fetchVia(proxy.port, 'GET', stale);
    const acceptStale = await fetchVia(proxy.port, 'GET', stale, {
      'Cache-Control': 'max-stale=3600',
    });
    t.equal(acceptStale.headers['x-cache'], HIT, 'max-stale accepts the stale copy');
    t.equal(origin.hits.get('/stale'), 1, 'without asking the origin');
    const tooStale = await fetchVia(proxy.port, 'GET', stale, { 'Cache-Control': 'max-stale=10' });
    t.equal(origin.hits.get('/stale'), 2, 'stale beyond max-stale: revalidated');
    t.equal(tooStale.status, 200);
    const before = origin.requests.length;
    const offline = await fetchVia(proxy.port, 'GET', origin.url('/never'), {
      'Cache-Control': 'only-if-cached',
    });
    t.equal(offline.status, 504, 'only-if-cached without a stored response');
    t.equal(origin.requests.length, before, 'the origin is not contacted');
    const cached = await fetchVia(proxy.port, 'GET', url, { 'Cache-Control': 'only-if-cached' });
    t.equal(cached.status, 200, 'only-if-cached with a fresh stored response');
  },
);
