import t from 'tap';
import type { HttpParseError } from '../../src/http/errors.js';
import { type ParserOptions, type RequestHead, RequestParser } from '../../src/http/parser.js';
import { encodeChunk, httpDate, serializeResponseHead } from '../../src/http/serializer.js';

interface Parsed {
  head: RequestHead;
  body: string;
  trailers: string[];
}

/** Feeds `pieces` to one parser; returns the completed requests and the error, if any. */
function parse(pieces: Array<string | Buffer>, options: ParserOptions = {}) {
  const requests: Parsed[] = [];
  let current: Parsed | undefined;
  let error: HttpParseError | undefined;
  const parser = new RequestParser(
    {
      onHead: (head) => {
        current = { head, body: '', trailers: [] };
      },
      onBody: (data) => {
        current!.body += data.toString('latin1');
      },
      onComplete: (trailers) => {
        current!.trailers = trailers;
        requests.push(current!);
      },
      onError: (err) => {
        error = err;
      },
    },
    options,
  );
  for (const piece of pieces) {
    parser.execute(typeof piece === 'string' ? Buffer.from(piece, 'latin1') : piece);
  }
  return { requests, error, parser };
}

const GET = 'GET / HTTP/1.1\r\nHost: a\r\n\r\n';

t.test('a simple request', async (t) => {
  const { requests, error } = parse([
    'GET /x?y=1 HTTP/1.1\r\nHost: example.com\r\nAccept:  */* \r\nX-A: 1\r\nx-a: 2\r\n\r\n',
  ]);
  t.equal(error, undefined);
  const head = requests[0]!.head;
  t.equal(head.method, 'GET');
  t.equal(head.target, '/x?y=1');
  t.equal(head.path, '/x?y=1');
  t.equal(head.host, 'example.com');
  t.equal(head.version, '1.1');
  t.same(head.rawHeaders, ['Host', 'example.com', 'Accept', '*/*', 'X-A', '1', 'x-a', '2']);
  t.equal(head.headers['x-a'], '1, 2');
  t.equal(head.keepAlive, true);
  t.equal(head.body, 'none');
});

t.test('HTTP/1.2 and 1.9 are processed as HTTP/1.1 (RFC 9110 2.5)', async (t) => {
  for (const version of ['1.2', '1.9']) {
    const input = `GET / HTTP/${version}\r\nHost: a\r\n\r\n${GET}`;
    for (const pieces of [[input], input.split('')]) {
      const { requests, error } = parse(pieces);
      t.equal(error, undefined, `HTTP/${version} in ${pieces.length} pieces`);
      t.equal(requests.length, 2, 'the connection stays open for the next request');
      t.equal(requests[0]!.head.version, '1.1');
      t.equal(requests[0]!.head.keepAlive, true);
    }
  }
});

t.test('keep-alive rules of HTTP/1.0 and 1.1', async (t) => {
  const cases: Array<[string, boolean]> = [
    ['GET / HTTP/1.0\r\n\r\n', false],
    ['GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n', true],
    ['GET / HTTP/1.0\r\nConnection: Keep-Alive, close\r\n\r\n', false],
    ['GET / HTTP/1.1\r\nHost: a\r\n\r\n', true],
    ['GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n', false],
    ['GET / HTTP/1.1\r\nHost: a\r\nConnection: foo, CLOSE\r\n\r\n', false],
  ];
  for (const [input, keepAlive] of cases) {
    const { requests, parser } = parse([`${input}${GET}`]);
    t.equal(requests[0]!.head.keepAlive, keepAlive, JSON.stringify(input));
    // Nothing after a request that closes the connection is parsed.
    t.equal(requests.length, keepAlive ? 2 : 1);
    t.equal(parser.finished, !keepAlive);
  }
});

t.test('ten pipelined requests in one chunk', async (t) => {
  const input = Array.from({ length: 10 }, (_, k) => `GET /${k} HTTP/1.1\r\nHost: a\r\n\r\n`);
  const { requests, parser } = parse([input.join('')]);
  t.same(
    requests.map((r) => r.head.target),
    input.map((_, k) => `/${k}`),
  );
  t.equal(parser.idle, true);
});

t.test('a chunked body with extensions and trailers, split at every byte', async (t) => {
  const input =
    'POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n' +
    '5;name="v\\"x";n2\r\nhello\r\n6\r\n world\r\n0\r\nChecksum: abc\r\nX-Z: 1\r\n\r\n' +
    GET;
  for (let split = 1; split < input.length; split++) {
    const { requests, error } = parse([input.slice(0, split), input.slice(split)]);
    if (error || requests.length !== 2 || requests[0]!.body !== 'hello world') {
      t.fail(`split at ${split}: ${error?.message ?? JSON.stringify(requests[0]?.body)}`);
      return;
    }
  }
  const { requests } = parse(input.split(''));
  t.equal(requests[0]!.body, 'hello world');
  t.same(requests[0]!.trailers, ['Checksum', 'abc', 'X-Z', '1']);
  t.equal(requests[0]!.head.body, 'chunked');
  t.equal(requests[1]!.head.target, '/');
});

t.test('a Content-Length body is passed on as views of the input', async (t) => {
  const chunk = Buffer.from(
    `PUT /f HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789${GET}`,
  );
  const views: Buffer[] = [];
  const parser = new RequestParser({
    onHead: () => {},
    onBody: (data) => views.push(data),
    onComplete: () => {},
    onError: (err) => t.fail(err.message),
  });
  parser.execute(chunk);
  t.equal(views.length, 1);
  t.equal(views[0]!.buffer, chunk.buffer, 'same memory, no copy');
  t.equal(views[0]!.toString(), '0123456789');
});

t.test('Expect: 100-continue, absolute-form and asterisk-form', async (t) => {
  const { requests } = parse([
    'PUT http://Example.com:8080/a/b?c HTTP/1.1\r\nHost: other\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\nx',
    'OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n',
    'GET http://h HTTP/1.1\r\nHost: h\r\n\r\n',
  ]);
  t.equal(requests[0]!.head.expectContinue, true);
  t.equal(requests[0]!.head.host, 'Example.com:8080');
  t.equal(requests[0]!.head.path, '/a/b?c');
  t.equal(requests[1]!.head.path, '*');
  t.equal(requests[2]!.head.path, '/');
});

t.test('requests refused as the smuggling literature demands', async (t) => {
  const head = 'POST / HTTP/1.1\r\nHost: a\r\n';
  const cases: Array<[string, string, number]> = [
    [
      `${head}Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n`,
      'content-length-with-transfer-encoding',
      400,
    ],
    [
      `${head}Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n`,
      'content-length-with-transfer-encoding',
      400,
    ],
    [`${head}Content-Length: 3\r\nContent-Length: 3\r\n\r\n`, 'duplicate-content-length', 400],
    [`${head}Content-Length: 3, 3\r\n\r\n`, 'bad-content-length', 400],
    [`${head}Content-Length: +3\r\n\r\n`, 'bad-content-length', 400],
    [`${head}Content-Length: -1\r\n\r\n`, 'bad-content-length', 400],
    [`${head}Content-Length: 0x10\r\n\r\n`, 'bad-content-length', 400],
    [`${head}Content-Length:\r\n\r\n`, 'bad-content-length', 400],
    [`${head}Content-Length: 99999999999999999999\r\n\r\n`, 'bad-content-length', 400],
    [`${head}Transfer-Encoding: chunked, gzip\r\n\r\n`, 'bad-transfer-encoding', 400],
    [
      `${head}Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n`,
      'bad-transfer-encoding',
      400,
    ],
    [`${head}Transfer-Encoding: identity\r\n\r\n`, 'bad-transfer-encoding', 400],
    [`${head}Transfer-Encoding: xchunked\r\n\r\n`, 'bad-transfer-encoding', 400],
    ['POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n', 'transfer-encoding-in-http-1.0', 400],
    [`${head}Transfer-Encoding: chunked\r\n\r\nz\r\n`, 'bad-chunk-size', 400],
    [`${head}Transfer-Encoding: chunked\r\n\r\n-1\r\n`, 'bad-chunk-size', 400],
    [`${head}Transfer-Encoding: chunked\r\n\r\n1 \r\n`, 'bad-chunk-size', 400],
    [`${head}Transfer-Encoding: chunked\r\n\r\n0x1\r\n`, 'bad-chunk-size', 400],
    [`${head}Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n`, 'bad-chunk-size', 400],
    [`${head}Transfer-Encoding: chunked\r\n\r\n1\nA`, 'bad-chunk-size', 400],
    [`${head}Transfer-Encoding: chunked\r\n\r\n1\r\nAB\r\n`, 'bad-chunk-terminator', 400],
    [`${head}Transfer-Encoding: chunked\r\n\r\n1;\r\nA\r\n`, 'bad-chunk-extension', 400],
    [`${head}X-Foo : bar\r\n\r\n`, 'space-before-colon', 400],
    [`${head}Content-Length\t: 1\r\n\r\n`, 'space-before-colon', 400],
    [`${head}X-Foo: a\0b\r\n\r\n`, 'bad-header-value', 400],
    [`${head}X-Foo: a\rb\r\n\r\n`, 'bare-cr-or-lf', 400],
    [`${head}X-Foo: a\nb: c\r\n\r\n`, 'bare-cr-or-lf', 400],
    [`${head}X-Foo: a\x7fb\r\n\r\n`, 'bad-header-value', 400],
    [`${head}X-Foo: a\r\n b\r\n\r\n`, 'obs-fold', 400],
    [`${head}X-Foo: a\r\n\tb\r\n\r\n`, 'obs-fold', 400],
    [`${head}X(Foo): a\r\n\r\n`, 'bad-header-name', 400],
    [`${head}: a\r\n\r\n`, 'bad-header-name', 400],
    [`${head}NoColon\r\n\r\n`, 'bad-header-name', 400],
    ['GET / HTTP/1.1\r\n\r\n', 'missing-host', 400],
    ['GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n', 'duplicate-host', 400],
    ['GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n', 'duplicate-host', 400],
    ['GET / HTTP/1.1\r\nHost: a b\r\n\r\n', 'bad-host', 400],
    ['GET / HTTP/2.0\r\nHost: a\r\n\r\n', 'unsupported-version', 505],
    ['GET / HTTP/3.1\r\nHost: a\r\n\r\n', 'unsupported-version', 505],
    ['GET / HTTP/1.9\r\n\r\n', 'missing-host', 400],
    ['GET / HTTP/0.9\r\n\r\n', 'unsupported-version', 505],
    ['GET / HTTP/11\r\n\r\n', 'bad-version', 400],
    ['GET / http/1.1\r\n\r\n', 'bad-version', 400],
    ['GET /\r\n\r\n', 'bad-request-line', 400],
    ['GET  / HTTP/1.1\r\n\r\n', 'bad-request-line', 400],
    ['GET / HTTP/1.1 \r\n\r\n', 'bad-version', 400],
    ['G(T / HTTP/1.1\r\n\r\n', 'bad-method', 400],
    ['GET /a\x7f HTTP/1.1\r\n\r\n', 'bad-target', 400],
    ['GET /\xe9 HTTP/1.1\r\n\r\n', 'bad-target', 400],
    ['GET a HTTP/1.1\r\nHost: a\r\n\r\n', 'bad-target', 400],
    ['GET * HTTP/1.1\r\nHost: a\r\n\r\n', 'bad-target', 400],
    ['GET / HTTP/1.1\n\n', 'bare-cr-or-lf', 400],
    ['\nGET / HTTP/1.1\r\n\r\n', 'bare-cr-or-lf', 400],
  ];
  for (const [input, reason, status] of cases) {
    for (const pieces of [[input], input.split('')]) {
      const { requests, error } = parse(pieces);
      t.equal(error?.reason, reason, `${JSON.stringify(input)} in ${pieces.length} pieces`);
      t.equal(error?.status, status);
      t.equal(requests.length, 0);
    }
  }
});

t.test('size and count limits', async (t) => {
  const longLine = `GET /${'a'.repeat(8 * 1024)} HTTP/1.1\r\nHost: a\r\n\r\n`;
  t.equal(parse([longLine]).error?.status, 414);
  t.equal(parse([longLine.slice(0, 8300)]).error?.status, 414, 'refused before the line ends');
  const okLine = `GET /${'a'.repeat(8 * 1024 - 15)} HTTP/1.1\r\nHost: a\r\n\r\n`;
  t.equal(parse([okLine]).error, undefined, 'a request line of exactly 8 KiB is fine');

  const big = `GET / HTTP/1.1\r\nHost: a\r\nX-Big: ${'b'.repeat(16 * 1024)}\r\n\r\n`;
  t.equal(parse([big]).error?.status, 431);
  t.equal(parse(big.match(/.{1,100}/gs)!).error?.status, 431, 'in small pieces too');

  const fields = (count: number) =>
    `GET / HTTP/1.1\r\nHost: a\r\n${Array.from({ length: count - 1 }, (_, k) => `X-${k}: v\r\n`).join('')}\r\n`;
  t.equal(parse([fields(100)]).error, undefined, '100 fields are fine');
  t.equal(parse([fields(101)]).error?.status, 431, '101 are not');
  t.equal(parse([fields(11)], { maxHeaderCount: 10 }).error?.reason, 'too-many-headers');

  const body = 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello world';
  t.equal(parse([body], { maxBodyBytes: 10 }).error?.status, 413);
  const chunked =
    'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nhello \r\n5\r\nworld\r\n0\r\n\r\n';
  t.equal(parse([chunked], { maxBodyBytes: 10 }).error?.status, 413);
  t.equal(parse([chunked], { maxBodyBytes: 11 }).error, undefined);
});

t.test('empty lines before a request are ignored', async (t) => {
  const { requests, error } = parse([`\r\n\r\n${GET}\r\n${GET}`]);
  t.equal(error, undefined);
  t.equal(requests.length, 2);
});

t.test('stop() ignores the rest of the input', async (t) => {
  let heads = 0;
  const parser: RequestParser = new RequestParser({
    onHead: () => {
      heads++;
      parser.stop();
    },
    onBody: () => {},
    onComplete: () => {},
    onError: () => t.fail('no error'),
  });
  parser.execute(Buffer.from(`${GET}${GET}`));
  t.equal(heads, 1);
  t.equal(parser.finished, true);
});

t.test('CONNECT ends HTTP on the connection', async (t) => {
  const { requests, parser } = parse([
    'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n\x16\x03',
  ]);
  t.equal(requests[0]!.head.connect, true);
  t.equal(requests[0]!.head.host, 'example.com:443');
  t.equal(parser.finished, true);
  t.equal(parser.tunnelData?.toString('latin1'), '\x16\x03', 'the bytes after the head are kept');
  const bare = parse(['CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n']);
  t.equal(bare.parser.tunnelData, undefined, 'nothing followed the head');
  const plain = parse(['GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\nGET /']);
  t.equal(plain.parser.tunnelData, undefined, 'a closing request is no tunnel');
});

t.test('the response serializer', async (t) => {
  const head = serializeResponseHead({
    status: 206,
    headers: {
      'Content-Type': 'text/plain',
      'Set-Cookie': ['a=1', 'b=2'],
      'X-None': undefined,
      'Content-Length': 5,
    },
  });
  t.equal(
    head,
    'HTTP/1.1 206 Partial Content\r\nContent-Type: text/plain\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: 5\r\n\r\n',
  );
  t.throws(() =>
    serializeResponseHead({ status: 200, headers: { Location: '/a\r\nSet-Cookie: x' } }),
  );
  t.match(httpDate(Date.UTC(2024, 0, 2, 3, 4, 5)), 'Tue, 02 Jan 2024 03:04:05 GMT');
  t.same(
    Buffer.concat(encodeChunk(Buffer.from('hello world!'))).toString(),
    'c\r\nhello world!\r\n',
  );
  t.same(encodeChunk(Buffer.alloc(0)), []);
});

t.test(
  'generated inputs: no stray exception, the same outcome however the input is split',
  async (t) => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return (seed >> 8) % n;
    };
    const pick = <T>(items: readonly T[]) => items[random(items.length)]!;
    const pieces = [
      'GET / HTTP/1.1\r\nHost: a\r\n\r\n',
      'POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc',
      'PUT /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3;e=1\r\nxyz\r\n0\r\nT: 1\r\n\r\n',
      'GET /q?x=1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n',
      '\r\n',
      'OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n',
    ];
    const noise = [
      '\r',
      '\n',
      ' ',
      '\t',
      ':',
      '\0',
      '\x7f',
      '\xff',
      '0',
      'a',
      ';',
      '"',
      'HTTP/1.1',
    ];
    const outcome = (chunks: Buffer[]) => {
      const events: string[] = [];
      const parser = new RequestParser({
        onHead: (head) =>
          events.push(`head ${head.method} ${head.target} ${head.rawHeaders.join('|')}`),
        onBody: (data) => events.push(`body ${data.toString('latin1')}`),
        onComplete: (trailers) => events.push(`complete ${trailers.join('|')}`),
        onError: (err) => events.push(`error ${err.reason}`),
      });
      for (const chunk of chunks) parser.execute(chunk);
      // Body pieces may be cut differently; compare their concatenation.
      return events.join('\n').replace(/\nbody /g, '');
    };
    for (let k = 0; k < 400; k++) {
      let text = Array.from({ length: 1 + random(4) }, () => pick(pieces)).join('');
      for (let m = random(3); m > 0; m--) {
        const at = random(text.length);
        text = text.slice(0, at) + pick(noise) + text.slice(at + random(2));
      }
      const input = Buffer.from(text, 'latin1');
      const whole = outcome([input]);
      const cut = random(input.length);
      const halves = outcome([input.subarray(0, cut), input.subarray(cut)]);
      const bytes = outcome(Array.from(input, (b) => Buffer.from([b])));
      if (whole !== halves || whole !== bytes) {
        t.fail(`split changes the outcome for ${JSON.stringify(text)}`, { whole, halves, bytes });
        return;
      }
    }
    t.pass('400 generated inputs');
  },
);
