/**
 * Filtering and access control: domain/glob/regex rules (deny and allow-lists, a deny file
 * reread on reload), patterns that must not take the worker hostage (issue 9), client
 * networks and Basic proxy authentication.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@strata/common/testing';
import t from 'tap';
import { UrlFilter, compileRule } from '../src/access/filter.js';
import { Glob } from '../src/access/glob.js';
import { fetchVia, startOrigin, startProxy } from './helpers.js';

const target = (url: string) => {
  const u = new URL(url);
  return { url, host: u.hostname, hostPath: `${u.host}${u.pathname}` };
};

t.test('glob: star and question mark, case-insensitive, no backtracking', async (t) => {
  const cases: Array<[string, string, boolean]> = [
    ['*.example.com/*', 'www.example.com/a/b', true],
    ['*.example.com/*', 'example.com/a', false],
    ['ads.*/banner?.gif', 'ADS.net/banner1.gif', true],
    ['ads.*/banner?.gif', 'ads.net/banner12.gif', false],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'acb', false],
    ['*', '', true],
    ['exact', 'exact', true],
    ['exact', 'exactly', false],
    ['*x*x*', 'axbxc', true],
    ['a*a', 'a', false],
  ];
  for (const [pattern, text, expected] of cases) {
    t.equal(new Glob(pattern).matches(text), expected, `${pattern} ~ ${text}`);
  }
  // Redis's CVE-2022-36021 shape: exponential for a backtracking matcher, quick here.
  const hostile = new Glob(`${'a*'.repeat(40)}b`);
  t.equal(hostile.matches('a'.repeat(8000)), false, 'pathological glob over a long input');
});

t.test('regex: the linear-time engine; patterns it cannot run are refused at load', async (t) => {
  const nested = compileRule('regex:^http://(a+)+b', 100);
  t.equal(
    nested.matches(target(`http://${'a'.repeat(8000)}.test/`)),
    false,
    'nested quantifiers, long URL',
  );
  t.equal(compileRule('regex:/ads/', 100).matches(target('http://x.test/ads/1')), true);
  t.throws(
    () => compileRule('regex:(a)\\1', 100),
    /cannot be executed in linear time/i,
    'backreference',
  );
  t.throws(() => compileRule('regex:(?=a)a', 100), /linear time/i, 'lookahead');
  t.throws(() => compileRule('regex:[', 100), /regex pattern refused/);
  t.throws(() => compileRule('nokind', 100), /must start with domain:, regex: or glob:/);
  t.throws(() => compileRule(`glob:${'x'.repeat(200)}`, 100), /longer than 100/);
  const filter = new UrlFilter({
    deny: ['domain:ads.test'],
    allow: ['domain:ok.test', 'glob:*.partner.test/*'],
    maxPatternLength: 100,
  });
  t.equal(filter.check(target('http://cdn.ads.test/x')), 'deny domain:ads.test');
  t.equal(filter.check(target('http://ok.test/x')), undefined);
  t.equal(filter.check(target('http://a.partner.test/x')), undefined);
  t.equal(filter.check(target('http://elsewhere.test/')), 'not in the allow-list');
});

t.test('denied requests get 403 naming the rule; the origin is never contacted', async (t) => {
  const origin = await startOrigin(t, (_req, res) => res.end('allowed'));
  const dir = tempDir(t, 'proxy-rules-');
  const denyFile = join(dir, 'deny.txt');
  writeFileSync(denyFile, '# blocked paths\nglob:*/secret*\n\n');
  const proxy = await startProxy(t, [
    '--allow-private',
    '--deny',
    'regex:/ads/[0-9]+$',
    '--deny-file',
    denyFile,
  ]);
  const ads = await fetchVia(proxy.port, 'GET', origin.url('/ads/123'));
  t.equal(ads.status, 403);
  t.match(ads.body.toString(), 'denied by rule: deny regex:/ads/[0-9]+$');
  const secret = await fetchVia(proxy.port, 'GET', origin.url('/secret/x'));
  t.match(secret.body.toString(), 'deny glob:*/secret*');
  t.equal(origin.requests.length, 0, 'nothing reached the origin');
  t.equal((await fetchVia(proxy.port, 'GET', origin.url('/public'))).status, 200);
  // SIGHUP rereads the file (proxy.reload is what the signal calls).
  writeFileSync(denyFile, 'glob:*/public\n');
  proxy.reload();
  t.equal((await fetchVia(proxy.port, 'GET', origin.url('/public'))).status, 403);
  t.equal((await fetchVia(proxy.port, 'GET', origin.url('/secret/x'))).status, 200);
  writeFileSync(denyFile, 'bogus-pattern\n');
  proxy.reload();
  t.equal(
    (await fetchVia(proxy.port, 'GET', origin.url('/public'))).status,
    403,
    'a bad file keeps the rules',
  );
  const allowList = await startProxy(t, ['--allow-private', '--allow', 'glob:*/only/*']);
  t.equal((await fetchVia(allowList.port, 'GET', origin.url('/only/this'))).status, 200);
  const other = await fetchVia(allowList.port, 'GET', origin.url('/other'));
  t.equal(other.status, 403);
  t.match(other.body.toString(), 'not in the allow-list');
});

t.test('--allow-from: clients outside the networks are refused', async (t) => {
  const origin = await startOrigin(t, (_req, res) => res.end('ok'));
  const closed = await startProxy(t, ['--allow-private', '--allow-from', '10.0.0.0/8']);
  t.equal((await fetchVia(closed.port, 'GET', origin.url('/'))).status, 403);
  const open = await startProxy(t, [
    '--allow-private',
    '--allow-from',
    '10.0.0.0/8',
    '--allow-from',
    '127.0.0.1/32',
  ]);
  t.equal((await fetchVia(open.port, 'GET', origin.url('/'))).status, 200);
  t.equal(origin.requests.length, 1);
});

t.test('Basic proxy authentication: 407, Proxy-Authenticate, never forwarded', async (t) => {
  const origin = await startOrigin(t, (req, res) =>
    res.end(`auth=${req.headers['proxy-authorization']}`),
  );
  const dir = tempDir(t, 'proxy-auth-');
  const authFile = join(dir, 'users');
  writeFileSync(authFile, '# users\nbob:builder\n');
  const proxy = await startProxy(t, [
    '--allow-private',
    '--auth',
    'alice:s3cret',
    '--auth-file',
    authFile,
  ]);
  const none = await fetchVia(proxy.port, 'GET', origin.url('/'));
  t.equal(none.status, 407);
  t.equal(none.headers['proxy-authenticate'], 'Basic realm="strata-proxy"');
  const basic = (user: string) => `Basic ${Buffer.from(user).toString('base64')}`;
  const wrong = await fetchVia(proxy.port, 'GET', origin.url('/'), {
    'Proxy-Authorization': basic('alice:nope'),
  });
  t.equal(wrong.status, 407);
  t.equal(origin.requests.length, 0);
  for (const user of ['alice:s3cret', 'bob:builder']) {
    const ok = await fetchVia(proxy.port, 'GET', origin.url('/'), {
      'Proxy-Authorization': basic(user),
    });
    t.equal(ok.status, 200, user);
    t.equal(ok.body.toString(), 'auth=undefined', 'Proxy-Authorization is not forwarded');
  }
});
