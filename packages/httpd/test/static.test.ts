/** Serving files: path safety, directories, types, conditionals, ranges, codings, the cache. */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { brotliCompressSync, gunzipSync, gzipSync } from 'node:zlib';
import t from 'tap';
import { request as undiciRequest } from 'undici';
import { exchange, makeRoot, request, startHttpd } from './helpers.js';

const text = 'abcdefghijklmnopqrstuvwxyz'; // 26 bytes

t.test('no path leaves the root', async (t) => {
  const base = makeRoot(t, { 'secret.txt': 'SECRET', 'root/ok.txt': 'ok', 'root/sub/x.txt': 'x' });
  const root = join(base, 'root');
  symlinkSync(join(base, 'secret.txt'), join(root, 'link-out'));
  symlinkSync('/', join(root, 'link-dir'));
  symlinkSync(join(root, 'ok.txt'), join(root, 'link-in'));
  symlinkSync('../secret.txt', join(root, 'sub', 'rel-out'));
  const { port } = await startHttpd(t, root);
  const attempts = [
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E/secret.txt',
    '/.%2e/secret.txt',
    '/%2e%2e%2fsecret.txt',
    '/..%2fsecret.txt',
    '/..%2Fsecret.txt',
    '/..%5csecret.txt',
    '/..\\secret.txt',
    '/sub/../../secret.txt',
    '/sub/%2e%2e/%2e%2e/secret.txt',
    '/./../secret.txt',
    '//../secret.txt',
    '/%252e%252e/secret.txt',
    '/ok.txt%00.html',
    '/%00',
    '/%c0%ae%c0%ae/secret.txt',
    '/%e0%80%ae%e0%80%ae/secret.txt',
    '/%ff',
    '/%2',
    '/%zz',
    '/link-out',
    '/link-dir/etc/passwd',
    '/link-dir/',
    '/sub/rel-out',
    'http://localhost/../secret.txt',
    'http://localhost/%2e%2e/secret.txt',
    '/ok.txt/..',
  ];
  for (const path of attempts) {
    const r = await exchange(port, `GET ${path} HTTP/1.1\r\nHost: localhost\r\n\r\n`, {
      expect: 1,
    });
    const response = r.responses[0];
    t.ok(response && [400, 404].includes(response.status), `${path} -> ${response?.status}`);
    t.notMatch(r.data.toString('latin1'), /SECRET|root:/, `${path} leaks nothing`);
  }
  t.equal(
    (await request(port, '/link-in')).body.toString(),
    'ok',
    'a symlink inside the root works',
  );
  t.equal((await request(port, '/sub/./x.txt')).body.toString(), 'x');
  t.equal((await request(port, '/sub//x.txt')).body.toString(), 'x');
  t.equal((await request(port, '/%6fk.txt')).body.toString(), 'ok', 'escapes are decoded once');
});

t.test('directories: redirect, index, 403, autoindex, SPA', async (t) => {
  const root = makeRoot(t, {
    'index.html': '<p>home</p>',
    'docs/index.html': '<p>docs</p>',
    'files/a&b.txt': 'a',
    'files/.hidden': 'h',
    'files/inner/z.txt': 'z',
    'f.txt': 'f',
  });
  const { port } = await startHttpd(t, root);
  const redirect = await request(port, '/docs?x=1');
  t.equal(redirect.status, 301);
  t.equal(redirect.headers.location, '/docs/?x=1');
  t.equal((await request(port, '/docs/')).body.toString(), '<p>docs</p>');
  t.equal((await request(port, '/')).body.toString(), '<p>home</p>');
  t.equal((await request(port, '/files/')).status, 403, 'no listing by default');
  t.equal((await request(port, '/f.txt/')).status, 404, 'a file is not a directory');
  t.equal((await request(port, '/nope')).status, 404);

  symlinkSync('/etc', join(root, 'files', 'etc-link'));
  symlinkSync(join(root, 'f.txt'), join(root, 'files', 'f-link'));
  const indexed = await startHttpd(t, root, ['--autoindex']);
  const listing = await request(indexed.port, '/files/');
  t.equal(listing.status, 200);
  t.match(listing.headers['content-type'], 'text/html');
  const html = listing.body.toString();
  t.match(html, '<title>Index of /files/</title>');
  t.match(html, '<a href="inner/">inner/</a>');
  t.match(html, '<a href="a%26b.txt">a&#38;b.txt</a>');
  t.notMatch(html, '.hidden');
  t.notMatch(html, 'etc-link', 'a symlink out of the root is not listed');
  t.match(html, 'f-link', 'one inside is');
  t.ok(html.indexOf('inner/') < html.indexOf('a%26b'), 'directories first');

  const spa = await startHttpd(t, root, ['--spa']);
  const route = await request(spa.port, '/app/some/route');
  t.equal(route.status, 200);
  t.equal(route.body.toString(), '<p>home</p>');
  t.equal((await request(spa.port, '/f.txt')).body.toString(), 'f', 'files still win');
});

t.test('content types', async (t) => {
  const types: Record<string, string> = {
    'a.html': 'text/html; charset=utf-8',
    'a.css': 'text/css; charset=utf-8',
    'a.js': 'text/javascript; charset=utf-8',
    'a.mjs': 'text/javascript; charset=utf-8',
    'a.json': 'application/json; charset=utf-8',
    'a.map': 'application/json; charset=utf-8',
    'a.svg': 'image/svg+xml; charset=utf-8',
    'a.txt': 'text/plain; charset=utf-8',
    'a.png': 'image/png',
    'a.jpg': 'image/jpeg',
    'a.jpeg': 'image/jpeg',
    'a.gif': 'image/gif',
    'a.webp': 'image/webp',
    'a.avif': 'image/avif',
    'a.ico': 'image/x-icon',
    'a.wasm': 'application/wasm',
    'a.woff2': 'font/woff2',
    'a.pdf': 'application/pdf',
    'a.mp4': 'video/mp4',
    'a.webm': 'video/webm',
    'A.PNG': 'image/png',
    noext: 'application/octet-stream',
  };
  const root = makeRoot(t, Object.fromEntries(Object.keys(types).map((name) => [name, 'x'])));
  const { port } = await startHttpd(t, root);
  for (const [name, type] of Object.entries(types)) {
    t.equal((await request(port, `/${name}`)).headers['content-type'], type, name);
  }
});

t.test('conditional requests', async (t) => {
  const root = makeRoot(t, { 'a.txt': text });
  utimesSync(
    join(root, 'a.txt'),
    new Date('2024-01-02T03:04:05Z'),
    new Date('2024-01-02T03:04:05Z'),
  );
  const { port } = await startHttpd(t, root);
  const first = await request(port, '/a.txt');
  const etag = first.headers.etag!;
  t.match(etag, /^"[0-9a-f]+-1a"$/, 'strong ETag, nginx style');
  t.equal(first.headers['last-modified'], 'Tue, 02 Jan 2024 03:04:05 GMT');
  const status = async (fields: Record<string, string>, method = 'GET') =>
    (await request(port, '/a.txt', fields, method)).status;
  t.equal(await status({ 'If-None-Match': etag }), 304);
  t.equal(await status({ 'If-None-Match': `"x", W/${etag}` }), 304, 'weak comparison');
  t.equal(await status({ 'If-None-Match': '*' }), 304);
  t.equal(await status({ 'If-None-Match': '"other"' }), 200);
  t.equal(await status({ 'If-None-Match': etag }, 'HEAD'), 304);
  t.equal(await status({ 'If-Modified-Since': 'Tue, 02 Jan 2024 03:04:05 GMT' }), 304);
  t.equal(await status({ 'If-Modified-Since': 'Tue, 02 Jan 2024 03:04:04 GMT' }), 200);
  t.equal(await status({ 'If-Modified-Since': 'garbage' }), 200);
  t.equal(await status({ 'If-Modified-Since': '2030' }), 200, 'not an HTTP date: ignored');
  t.equal(await status({ 'If-Modified-Since': 'Tue Jan  2 03:04:05 2024' }), 304, 'asctime');
  t.equal(await status({ 'If-Modified-Since': 'Tuesday, 02-Jan-24 03:04:05 GMT' }), 304, 'RFC 850');
  t.equal(
    await status({
      'If-None-Match': '"other"',
      'If-Modified-Since': 'Tue, 02 Jan 2030 00:00:00 GMT',
    }),
    200,
    'If-None-Match wins over If-Modified-Since',
  );
  t.equal(await status({ 'If-Match': '"other"' }), 412);
  t.equal(await status({ 'If-Match': `W/${etag}` }), 412, 'If-Match compares strongly');
  t.equal(await status({ 'If-Match': etag }), 200);
  t.equal(await status({ 'If-Match': '*' }), 200);
  t.equal(await status({ 'If-Unmodified-Since': 'Mon, 01 Jan 2024 00:00:00 GMT' }), 412);
  t.equal(await status({ 'If-Unmodified-Since': 'Tue, 02 Jan 2024 03:04:05 GMT' }), 200);
  const notModified = await request(port, '/a.txt', { 'If-None-Match': etag });
  t.equal(notModified.body.length, 0);
  t.equal(notModified.headers.etag, etag);
  t.equal(notModified.headers['content-length'], undefined);
});

t.test('ranges', async (t) => {
  const big = randomBytes(3 * 1024 * 1024 + 17);
  const root = makeRoot(t, { 'a.txt': text, 'big.bin': big });
  const { port } = await startHttpd(t, root, ['--cache-max-file', '64kb']);
  const range = (value: string, fields: Record<string, string> = {}, path = '/a.txt') =>
    request(port, path, { Range: value, ...fields });

  const safari = await range('bytes=0-1');
  t.equal(safari.status, 206);
  t.equal(safari.body.toString(), 'ab');
  t.equal(safari.headers['content-range'], 'bytes 0-1/26');
  t.equal(safari.headers['content-length'], '2');
  t.equal((await range('bytes=-3')).body.toString(), 'xyz');
  t.equal((await range('bytes=20-')).body.toString(), 'uvwxyz');
  t.equal((await range('bytes=20-1000')).headers['content-range'], 'bytes 20-25/26');
  const unsatisfiable = await range('bytes=26-');
  t.equal(unsatisfiable.status, 416);
  t.equal(unsatisfiable.headers['content-range'], 'bytes */26');
  t.equal((await range('bytes=abc')).status, 200, 'a malformed range is ignored');
  t.equal((await range('bytes=5-2')).status, 200);
  t.equal((await range('items=0-1')).status, 200);

  const multi = await range('bytes=0-0,2-3,-1');
  t.equal(multi.status, 206);
  const boundary = /multipart\/byteranges; boundary=(\S+)/.exec(
    multi.headers['content-type']!,
  )?.[1];
  t.ok(boundary, 'multipart/byteranges with a boundary');
  const parts = multi.body.toString().split(`--${boundary}`);
  t.equal(parts.length, 5, 'three parts, a preamble and the closing delimiter');
  t.match(
    parts[1],
    /Content-Type: text\/plain; charset=utf-8\r\nContent-Range: bytes 0-0\/26\r\n\r\na\r\n$/,
  );
  t.match(parts[2], /Content-Range: bytes 2-3\/26\r\n\r\ncd\r\n$/);
  t.match(parts[3], /Content-Range: bytes 25-25\/26\r\n\r\nz\r\n$/);
  t.equal(parts[4], '--\r\n');
  t.equal(Number(multi.headers['content-length']), multi.body.length);

  const { etag } = (await request(port, '/a.txt')).headers;
  t.equal((await range('bytes=0-1', { 'If-Range': etag! })).status, 206);
  t.equal((await range('bytes=0-1', { 'If-Range': '"old"' })).status, 200);
  const lastModified = (await request(port, '/a.txt')).headers['last-modified']!;
  t.equal((await range('bytes=0-1', { 'If-Range': lastModified })).status, 206);
  t.equal((await range('bytes=0-1', { 'If-Range': 'Mon, 01 Jan 2001 00:00:00 GMT' })).status, 200);

  // Streamed (not cached) file: a range in the middle and a multipart one.
  const middle = await range('bytes=1000000-1000099', {}, '/big.bin');
  t.equal(middle.status, 206);
  t.same(middle.body, big.subarray(1000000, 1000100));
  const bigMulti = await range('bytes=0-9,3000000-3000009', {}, '/big.bin');
  t.equal(bigMulti.status, 206);
  t.ok(bigMulti.body.includes(big.subarray(3000000, 3000010)));
});

t.test('range limits: --max-ranges and overlapping ranges', async (t) => {
  const root = makeRoot(t, { 'a.txt': text });
  const { port } = await startHttpd(t, root, ['--max-ranges', '2']);
  const range = async (value: string) => (await request(port, '/a.txt', { Range: value })).status;
  t.equal(await range('bytes=0-0,2-2'), 206);
  t.equal(await range('bytes=0-0,2-2,4-4'), 200, 'too many ranges: the whole file');
  t.equal(await range('bytes=0-20,5-25'), 200, 'overlaps adding up to more than the file');
});

// Streamed files are read in the event loop by default and in the thread pool with --aio.
for (const [label, flags] of [
  ['', []],
  [' (--aio)', ['--aio']],
] as const) {
  t.test(`large files stream whole to undici${label}`, async (t) => {
    const big = randomBytes(5 * 1024 * 1024 + 3);
    const root = makeRoot(t, { 'big.bin': big });
    const { port } = await startHttpd(t, root, [
      '--cache-max-file',
      '64kb',
      '--read-chunk',
      '64kb',
      ...flags,
    ]);
    const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');
    const response = await undiciRequest(`http://127.0.0.1:${port}/big.bin`);
    t.equal(response.statusCode, 200);
    const body = Buffer.from(await response.body.arrayBuffer());
    t.equal(sha(body), sha(big));
    const head = await undiciRequest(`http://127.0.0.1:${port}/big.bin`, { method: 'HEAD' });
    t.equal(head.headers['content-length'], String(big.length));
    await head.body.dump();
  });

  t.test(`concurrent streams reusing read buffers each get their own bytes${label}`, async (t) => {
    // Many clients, some reading slowly, share the pool of read buffers: a buffer reused while
    // the socket still held it would show up as another file's bytes in a body.
    const files = Object.fromEntries(
      Array.from({ length: 4 }, (_, k) => [`f${k}.bin`, randomBytes(300 * 1024 + k)]),
    );
    const root = makeRoot(t, files);
    const { port } = await startHttpd(t, root, [
      '--cache-max-file',
      '4kb',
      '--read-chunk',
      '16kb',
      ...flags,
    ]);
    const names = Object.keys(files);
    const results = await Promise.all(
      Array.from({ length: 16 }, (_, k) => {
        const [first, second] = [names[k % 4]!, names[(k + 1) % 4]!];
        const input = `GET /${first} HTTP/1.1\r\nHost: x\r\n\r\nGET /${second} HTTP/1.1\r\nHost: x\r\nRange: bytes=1000-99999\r\n\r\n`;
        // Every other client sends its requests in pieces, so reads and writes interleave.
        const pieces = k % 2 === 0 ? input : [input.slice(0, 30), input.slice(30)];
        return exchange(port, pieces, { expect: 2, timeoutMs: 60_000, gapMs: 20 }).then(
          (result) => ({
            result,
            first,
            second,
          }),
        );
      }),
    );
    for (const { result, first, second } of results) {
      const [whole, ranged] = result.responses;
      t.ok(whole?.body.equals(files[first]!), `${first} whole`);
      t.equal(ranged?.status, 206);
      t.ok(ranged?.body.equals(files[second]!.subarray(1000, 100000)), `${second} range`);
    }
  });
}

t.test('precompressed siblings and Vary', async (t) => {
  const js = 'console.log("hello");\n'.repeat(50);
  const root = makeRoot(t, {
    'app.js': js,
    'app.js.br': brotliCompressSync(js),
    'app.js.gz': gzipSync(js),
    'plain.js': js,
  });
  const { port } = await startHttpd(t, root);
  const br = await request(port, '/app.js', { 'Accept-Encoding': 'gzip, deflate, br' });
  t.equal(br.headers['content-encoding'], 'br');
  t.equal(br.headers.vary, 'Accept-Encoding');
  t.equal(br.headers['content-type'], 'text/javascript; charset=utf-8');
  const gz = await request(port, '/app.js', { 'Accept-Encoding': 'gzip' });
  t.equal(gz.headers['content-encoding'], 'gzip');
  t.equal(gunzipSync(gz.body).toString(), js);
  t.not(gz.headers.etag, br.headers.etag, 'each representation has its own ETag');
  const refusedBr = await request(port, '/app.js', { 'Accept-Encoding': 'br;q=0, gzip;q=0.5' });
  t.equal(refusedBr.headers['content-encoding'], 'gzip');
  const identity = await request(port, '/app.js');
  t.equal(identity.headers['content-encoding'], undefined);
  t.equal(identity.headers.vary, 'Accept-Encoding');
  t.equal(identity.body.toString(), js);
  const plain = await request(port, '/plain.js', { 'Accept-Encoding': 'br' });
  t.equal(plain.headers['content-encoding'], undefined, 'no sibling, no --gzip: identity');
  t.equal(plain.headers.vary, undefined);
});

t.test('on-the-fly compression with --gzip, kept in memory', async (t) => {
  const css = 'body { color: red; }\n'.repeat(200);
  const root = makeRoot(t, { 'a.css': css, 'tiny.css': 'a{}', 'img.png': 'x'.repeat(4000) });
  const { port } = await startHttpd(t, root, ['--gzip']);
  const gz = await request(port, '/a.css', { 'Accept-Encoding': 'gzip' });
  t.equal(gz.headers['content-encoding'], 'gzip');
  t.ok(gz.body.length < css.length / 5);
  t.equal(gunzipSync(gz.body).toString(), css);
  const again = await request(port, '/a.css', { 'Accept-Encoding': 'gzip' });
  t.same(again.body, gz.body, 'the cached compression is reused');
  const br = await request(port, '/a.css', { 'Accept-Encoding': 'br' });
  t.equal(br.headers['content-encoding'], 'br');
  const undici = await undiciRequest(`http://127.0.0.1:${port}/a.css`, {
    headers: { 'accept-encoding': 'gzip' },
  });
  t.equal(gunzipSync(Buffer.from(await undici.body.arrayBuffer())).toString(), css);
  t.equal(
    (await request(port, '/tiny.css', { 'Accept-Encoding': 'gzip' })).headers['content-encoding'],
    undefined,
    'below --gzip-min-length',
  );
  t.equal(
    (await request(port, '/img.png', { 'Accept-Encoding': 'gzip' })).headers['content-encoding'],
    undefined,
    'not a text type',
  );
});

t.test('the cache: trusted for --cache-validity, then checked', async (t) => {
  const root = makeRoot(t, { 'a.txt': 'one' });
  const trusting = await startHttpd(t, root, ['--cache-validity', '1h']);
  t.equal((await request(trusting.port, '/a.txt')).body.toString(), 'one');
  rmSync(join(root, 'a.txt'));
  t.equal(
    (await request(trusting.port, '/a.txt')).body.toString(),
    'one',
    'a hit within the validity window does not touch the file system',
  );
  writeFileSync(join(root, 'b.txt'), 'first');
  const checking = await startHttpd(t, root, ['--cache-validity', '30ms']);
  t.equal((await request(checking.port, '/b.txt')).body.toString(), 'first');
  writeFileSync(join(root, 'b.txt'), 'second version');
  await new Promise((r) => setTimeout(r, 80));
  t.equal((await request(checking.port, '/b.txt')).body.toString(), 'second version');
  mkdirSync(dirname(join(root, 'new/c.txt')), { recursive: true });
  writeFileSync(join(root, 'new/c.txt'), 'c');
  await new Promise((r) => setTimeout(r, 80));
  t.equal((await request(checking.port, '/new/c.txt')).status, 200, 'a new file appears');
});
