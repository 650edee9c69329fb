/**
 * Differential test against nginx (Debian nginx-light): the same files, the same raw requests,
 * and the statuses and key headers must agree. Where we differ on purpose, the request is not
 * listed here but in DIFFERENCES, with the reason (the README repeats them).
 */
import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { requireTool, tempDir } from '@strata/common/testing';
import t from 'tap';
import { freePort, startNginx } from '../bench/nginx.mjs';
import {
  type CommonTestLike,
  type RawResponse,
  exchange,
  makeRoot,
  startHttpd,
} from './helpers.js';

/** Requests where we answer differently from nginx on purpose: [request line, fields, reason]. */
const DIFFERENCES: Array<[string, string, string]> = [
  ['GET /sub/../a.txt', '', 'nginx resolves in-root dot-dot segments; we refuse every `..` (400)'],
  ['OPTIONS /a.txt', '', 'nginx answers 405 for static files; we answer 204 with Allow'],
  ['BREW /a.txt', '', 'nginx answers 405 to any method; unknown ones get 501 from us'],
  [
    'GET /a.txt',
    'If-Match: *\r\nIf-Unmodified-Since: Mon, 01 Jan 2024 00:00:00 GMT\r\n',
    'RFC 9110 §13.2.2: with If-Match present, If-Unmodified-Since is not evaluated; nginx gives 412',
  ],
];

/**
 * Header differences, not compared: we send `Allow` with 405 (RFC 9110 §15.5.6 requires it),
 * `Vary: Accept-Encoding` beside .gz/.br siblings (nginx's gzip_vary is off by default),
 * `Accept-Ranges` on 206 too, `text/javascript` for .js (RFC 9239; nginx's table says
 * application/javascript), and our own HTML error pages (their lengths differ). Those fields
 * are left out of the comparison below.
 */

const fields = [
  'content-length',
  'etag',
  'last-modified',
  'content-range',
  'location',
  'content-encoding',
];

/** Requests as raw text (Connection: close on each, so one response per connection). */
function requests(): Array<[string, string]> {
  const req = (line: string, extra = '') =>
    `${line}\r\nHost: localhost\r\nConnection: close\r\n${extra}\r\n`;
  const lastModified = 'Tue, 02 Jan 2024 03:04:05 GMT';
  return [
    ['GET file', req('GET /a.txt HTTP/1.1')],
    ['HEAD file', req('HEAD /a.txt HTTP/1.1')],
    ['GET missing', req('GET /missing.txt HTTP/1.1')],
    ['GET dir without slash', req('GET /sub HTTP/1.1')],
    ['GET dir with index', req('GET /sub/ HTTP/1.1')],
    ['GET dir without index', req('GET /empty/ HTTP/1.1')],
    ['GET root', req('GET / HTTP/1.1')],
    ['GET file with slash', req('GET /a.txt/ HTTP/1.1')],
    ['GET escaped', req('GET /%61.txt HTTP/1.1')],
    ['GET query', req('GET /a.txt?x=1 HTTP/1.1')],
    ['GET absolute-form', req('GET http://localhost/a.txt HTTP/1.1')],
    ['GET dot-dot', req('GET /../a.txt HTTP/1.1')],
    ['GET escaped dot-dot', req('GET /%2e%2e/a.txt HTTP/1.1')],
    ['POST file', req('POST /a.txt HTTP/1.1', 'Content-Length: 0\r\n')],
    ['DELETE file', req('DELETE /a.txt HTTP/1.1')],
    ['Range: bytes=0-1', req('GET /a.txt HTTP/1.1', 'Range: bytes=0-1\r\n')],
    ['Range: bytes=-5', req('GET /a.txt HTTP/1.1', 'Range: bytes=-5\r\n')],
    ['Range: bytes=5-', req('GET /a.txt HTTP/1.1', 'Range: bytes=5-\r\n')],
    ['Range: bytes=5-1000', req('GET /a.txt HTTP/1.1', 'Range: bytes=5-1000\r\n')],
    ['Range: beyond the end', req('GET /a.txt HTTP/1.1', 'Range: bytes=1000-\r\n')],
    ['Range on HEAD', req('HEAD /a.txt HTTP/1.1', 'Range: bytes=0-1\r\n')],
    ['If-None-Match', req('GET /a.txt HTTP/1.1', 'If-None-Match: ETAG\r\n')],
    ['If-None-Match other', req('GET /a.txt HTTP/1.1', 'If-None-Match: "nope"\r\n')],
    ['If-None-Match *', req('GET /a.txt HTTP/1.1', 'If-None-Match: *\r\n')],
    [
      'If-Modified-Since same',
      req('GET /a.txt HTTP/1.1', `If-Modified-Since: ${lastModified}\r\n`),
    ],
    [
      'If-Modified-Since older',
      req('GET /a.txt HTTP/1.1', 'If-Modified-Since: Mon, 01 Jan 2024 00:00:00 GMT\r\n'),
    ],
    ['If-Match other', req('GET /a.txt HTTP/1.1', 'If-Match: "nope"\r\n')],
    ['If-Match same', req('GET /a.txt HTTP/1.1', 'If-Match: ETAG\r\n')],
    [
      'If-Unmodified-Since older',
      req('GET /a.txt HTTP/1.1', 'If-Unmodified-Since: Mon, 01 Jan 2024 00:00:00 GMT\r\n'),
    ],
    ['If-Range same', req('GET /a.txt HTTP/1.1', 'Range: bytes=0-1\r\nIf-Range: ETAG\r\n')],
    ['If-Range other', req('GET /a.txt HTTP/1.1', 'Range: bytes=0-1\r\nIf-Range: "nope"\r\n')],
    ['gzip_static', req('GET /app.js HTTP/1.1', 'Accept-Encoding: gzip\r\n')],
    ['gzip_static not accepted', req('GET /app.js HTTP/1.1')],
    ['no Host on HTTP/1.1', 'GET /a.txt HTTP/1.1\r\nConnection: close\r\n\r\n'],
    ['two Hosts', req('GET /a.txt HTTP/1.1', 'Host: other\r\n')],
    ['HTTP/1.0 without Host', 'GET /a.txt HTTP/1.0\r\n\r\n'],
    ['HTTP/2.0 request line', 'GET /a.txt HTTP/2.0\r\nHost: localhost\r\n\r\n'],
    ['HTTP/1.2 request line', 'GET /a.txt HTTP/1.2\r\nHost: localhost\r\n\r\n'],
    ['request line over 8 KiB', req(`GET /${'x'.repeat(9000)} HTTP/1.1`)],
    [
      'Content-Length with Transfer-Encoding',
      req('POST /a.txt HTTP/1.1', 'Content-Length: 3\r\nTransfer-Encoding: chunked\r\n'),
    ],
    [
      'two Content-Lengths',
      req('POST /a.txt HTTP/1.1', 'Content-Length: 1\r\nContent-Length: 2\r\n'),
    ],
    ['bad Content-Length', req('POST /a.txt HTTP/1.1', 'Content-Length: abc\r\n')],
    ['space before colon', req('GET /a.txt HTTP/1.1', 'X-A : b\r\n')],
    ['bad method characters', req('G@T /a.txt HTTP/1.1')],
  ];
}

function summary(response: RawResponse | undefined, etag: string): Record<string, unknown> {
  if (!response) return { status: 'no response' };
  const picked: Record<string, unknown> = { status: response.status };
  const ok = response.status < 300 || response.status === 304 || response.status === 416;
  if (ok || response.status === 301 || response.status === 405) {
    for (const name of fields) {
      let value = response.headers[name];
      if (value !== undefined && name === 'etag') value = value === etag ? 'ETAG' : value;
      if (name === 'content-length' && response.status >= 300 && response.status !== 304) continue;
      picked[name] = value;
    }
    if (response.status === 200 && !response.headers['content-encoding']) {
      picked['accept-ranges'] = response.headers['accept-ranges'];
    }
    const type = response.headers['content-type']?.split(';')[0];
    if (!type?.endsWith('javascript')) picked['content-type'] = type;
    if (response.status === 200 || response.status === 206)
      picked.body = response.body.toString('latin1');
  }
  return picked;
}

t.test('strata-httpd answers as nginx does', async (t) => {
  const nginx = requireTool(t as CommonTestLike, 'nginx');
  if (!nginx) return;
  const js = 'console.log("hi");\n'.repeat(20);
  const root = makeRoot(t, {
    'a.txt': 'hello world, this is a.txt\n',
    'sub/index.html': '<p>sub</p>\n',
    'empty/.keep': '',
    'index.html': '<p>root</p>\n',
    'app.js': js,
    'app.js.gz': gzipSync(js),
  });
  const when = new Date('2024-01-02T03:04:05Z');
  for (const name of ['a.txt', 'sub/index.html', 'index.html', 'app.js', 'app.js.gz']) {
    utimesSync(join(root, name), when, when);
  }
  const port = await freePort();
  const reference = await startNginx({
    nginx,
    root,
    port,
    dir: tempDir(t as CommonTestLike, 'nginx-'),
    gzipStatic: true,
  });
  t.teardown(() => reference.stop());
  const ours = await startHttpd(t, root);

  const etagOf = async (target: number) =>
    (
      await exchange(
        target,
        'HEAD /a.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
        { methods: ['HEAD'] },
      )
    ).responses[0]!.headers.etag!;
  const nginxEtag = await etagOf(port);
  t.equal(await etagOf(ours.port), nginxEtag, 'the same ETag for the same file');

  for (const [name, raw] of requests()) {
    const method = raw.slice(0, raw.indexOf(' '));
    const send = async (target: number, etag: string) =>
      (await exchange(target, raw.replaceAll('ETAG', etag), { methods: [method], timeoutMs: 3000 }))
        .responses[0];
    const theirs = summary(await send(port, nginxEtag), nginxEtag);
    const mine = summary(await send(ours.port, nginxEtag), nginxEtag);
    t.same(mine, theirs, name);
  }

  // Generated Range headers (a seeded generator, so failures reproduce): single and multiple
  // ranges, suffixes, open ends, beyond the end, reversed; statuses, Content-Range and the
  // bytes of every part must agree.
  let seed = 42;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return (seed >> 8) % n;
  };
  const size = 'hello world, this is a.txt\n'.length;
  const spec = () => {
    const a = random(size + 4);
    const b = random(size + 4);
    switch (random(4)) {
      case 0:
        return `${a}-`;
      case 1:
        return `-${a + 1}`;
      default:
        return `${Math.min(a, b)}-${Math.max(a, b)}`;
    }
  };
  for (let k = 0; k < 80; k++) {
    const header = `bytes=${Array.from({ length: 1 + random(3) }, spec).join(',')}`;
    const raw = `GET /a.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nRange: ${header}\r\n\r\n`;
    const parts = (response: RawResponse | undefined) => {
      if (!response) return 'no response';
      const type = response.headers['content-type'] ?? '';
      const boundary = /boundary=(\S+)/.exec(type)?.[1];
      const body = response.status < 300 ? response.body.toString('latin1') : 'error page';
      return {
        status: response.status,
        range: response.headers['content-range'],
        parts: boundary
          ? body
              .split(`--${boundary}`)
              .slice(1, -1)
              .map((p) => p.replace(/^[\s\S]*?Content-Range: /, ''))
          : body,
      };
    };
    const theirs = parts((await exchange(port, raw)).responses[0]);
    const mine = parts((await exchange(ours.port, raw)).responses[0]);
    t.same(mine, theirs, `Range: ${header}`);
  }

  // Generated combinations of preconditions (and Range with If-Range): statuses must agree.
  const validators = [nginxEtag, `W/${nginxEtag}`, '"nope"', '*', `"nope", ${nginxEtag}`];
  const dates = [
    'Tue, 02 Jan 2024 03:04:05 GMT',
    'Mon, 01 Jan 2024 00:00:00 GMT',
    'Thu, 01 Jan 2099 00:00:00 GMT',
  ];
  for (let k = 0; k < 80; k++) {
    const fields: string[] = [];
    if (random(2)) fields.push(`If-None-Match: ${validators[random(validators.length)]}`);
    if (random(3) === 0) fields.push(`If-Match: ${validators[random(validators.length)]}`);
    // Not both If-Match and If-Unmodified-Since: nginx evaluates both (see DIFFERENCES).
    if (random(3) === 0 && fields.every((f) => !f.startsWith('If-Match'))) {
      fields.push(`If-Unmodified-Since: ${dates[random(dates.length)]}`);
    }
    if (random(3) === 0) fields.push(`If-Modified-Since: ${dates[0]}`);
    if (random(2)) {
      fields.push('Range: bytes=2-5');
      if (random(2))
        fields.push(`If-Range: ${random(2) ? nginxEtag : dates[random(dates.length)]}`);
    }
    const raw = `GET /a.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n${fields.map((f) => `${f}\r\n`).join('')}\r\n`;
    const theirs = (await exchange(port, raw)).responses[0]?.status;
    const mine = (await exchange(ours.port, raw)).responses[0]?.status;
    t.equal(mine, theirs, fields.join(' / ') || 'no precondition');
  }

  // The documented differences really are differences (if nginx changes, the list must too).
  for (const [line, fields, reason] of DIFFERENCES) {
    const raw = `${line} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n${fields}\r\n`;
    const a = (await exchange(port, raw)).responses[0]?.status;
    const b = (await exchange(ours.port, raw)).responses[0]?.status;
    t.not(a, b, `${line}: ${reason} (${a} vs ${b})`);
  }
});
