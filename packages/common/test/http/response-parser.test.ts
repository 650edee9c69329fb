import t from 'tap';
import type { HttpParseError } from '../../src/http/errors.js';
import { type ResponseHead, ResponseParser } from '../../src/http/response-parser.js';

interface Parsed {
  head: ResponseHead;
  body: string;
  trailers: string[];
  complete: boolean;
}

function parse(methods: string[], pieces: string[], finish = false) {
  const responses: Parsed[] = [];
  let error: HttpParseError | undefined;
  const parser = new ResponseParser({
    onHead: (head) => {
      responses.push({ head, body: '', trailers: [], complete: false });
    },
    onBody: (data) => {
      responses.at(-1)!.body += data.toString('latin1');
    },
    onComplete: (trailers) => {
      const last = responses.at(-1)!;
      last.trailers = trailers;
      last.complete = true;
    },
    onError: (err) => {
      error = err;
    },
  });
  for (const method of methods) parser.expect(method);
  for (const piece of pieces) parser.execute(Buffer.from(piece, 'latin1'));
  if (finish) parser.finish();
  return { responses, error, parser };
}

t.test('framing depends on the request and the status', async (t) => {
  const { responses, error } = parse(
    ['HEAD', 'GET', 'GET', 'GET'],
    [
      'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n',
      'HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n',
      'HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello',
    ],
  );
  t.equal(error, undefined);
  t.same(
    responses.map((r) => [r.head.method, r.head.status, r.head.body, r.body, r.complete]),
    [
      ['HEAD', 200, 'none', '', true],
      ['GET', 204, 'none', '', true],
      ['GET', 304, 'none', '', true],
      ['GET', 200, 'length', 'hello', true],
    ],
  );
});

t.test('interim 1xx responses do not use up the request', async (t) => {
  const { responses } = parse(
    ['POST', 'GET'],
    [
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n',
      'HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n',
    ],
  );
  t.same(
    responses.map((r) => [r.head.status, r.head.interim, r.head.method]),
    [
      [100, true, 'POST'],
      [103, true, 'POST'],
      [201, false, 'POST'],
      [200, false, 'GET'],
    ],
  );
});

t.test('a body without length runs until the connection closes', async (t) => {
  const { responses, parser } = parse(
    ['GET'],
    ['HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nsome ', 'text'],
  );
  t.equal(responses[0]!.head.body, 'until-close');
  t.equal(responses[0]!.head.keepAlive, false);
  t.equal(responses[0]!.complete, false);
  parser.finish();
  t.equal(responses[0]!.complete, true);
  t.equal(responses[0]!.body, 'some text');
  t.equal(parser.finished, true);
  const gzipOnly = parse(['GET'], ['HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxyz'], true);
  t.equal(gzipOnly.responses[0]!.head.body, 'until-close', 'TE without chunked last');
  t.equal(gzipOnly.responses[0]!.body, 'xyz');
});

t.test('chunked with trailers, split at every byte', async (t) => {
  const input =
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5;x=1\r\npedia\r\n0\r\nX-Sum: 1\r\n\r\n' +
    'HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\nnah';
  for (let split = 1; split < input.length; split++) {
    const { responses, error } = parse(['GET', 'GET'], [input.slice(0, split), input.slice(split)]);
    if (error || responses[0]?.body !== 'Wikipedia' || responses[1]?.body !== 'nah') {
      t.fail(`split at ${split}`);
      return;
    }
  }
  const { responses } = parse(['GET', 'GET'], input.split(''));
  t.same(responses[0]!.trailers, ['X-Sum', '1']);
  t.equal(responses[1]!.head.reason, 'Not Found');
});

t.test('tunnels: 101 and a 2xx to CONNECT', async (t) => {
  const upgrade = parse(
    ['GET'],
    ['HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x00'],
  );
  t.equal(upgrade.responses[0]!.head.tunnel, true);
  t.equal(upgrade.parser.finished, true);
  const connect = parse(['CONNECT'], ['HTTP/1.1 200 Connection Established\r\n\r\n\x16\x03']);
  t.equal(connect.responses[0]!.head.tunnel, true);
  t.equal(connect.responses[0]!.body, '');
  t.equal(connect.parser.finished, true);
});

t.test('ambiguous or malformed responses are refused', async (t) => {
  const cases: Array<[string, string]> = [
    [
      'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n',
      'content-length-with-transfer-encoding',
    ],
    [
      'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n',
      'duplicate-content-length',
    ],
    ['HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n', 'bad-content-length'],
    ['HTTP/1.1 20 OK\r\n\r\n', 'bad-status-line'],
    ['HTTP/1.1 2000 OK\r\n\r\n', 'bad-status-line'],
    ['HTTP/1.1 099 OK\r\n\r\n', 'bad-status-line'],
    ['HTTP/1.1  200 OK\r\n\r\n', 'bad-status-line'],
    ['HTTP/1.1 200 O\0K\r\n\r\n', 'bad-status-line'],
    ['HTTP/2.0 200 OK\r\n\r\n', 'unsupported-version'],
    ['HTTP/1.1 200 OK\r\nX: a\r\n folded\r\n\r\n', 'obs-fold'],
    ['HTTP/1.1 200 OK\nX: a\n\n', 'bare-cr-or-lf'],
  ];
  for (const [input, reason] of cases) {
    t.equal(parse(['GET'], [input]).error?.reason, reason, JSON.stringify(input));
  }
  const newerMinor = parse(['GET'], ['HTTP/1.2 200 OK\r\nContent-Length: 0\r\n\r\n']);
  t.equal(newerMinor.error, undefined, 'HTTP/1.2 is read as HTTP/1.1 (RFC 9110 section 2.5)');
  t.equal(newerMinor.responses[0]!.head.version, '1.1');
  const noReason = parse(['GET'], ['HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n']);
  t.equal(noReason.error, undefined, 'the reason phrase may be missing');
  t.equal(noReason.responses[0]!.head.reason, '');
});

t.test('generated responses: the same outcome however the input is split', async (t) => {
  let seed = 11;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return (seed >> 8) % n;
  };
  const pick = <T>(items: readonly T[]) => items[random(items.length)]!;
  const pieces = [
    'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc',
    'HTTP/1.1 204 No Content\r\n\r\n',
    'HTTP/1.1 100 Continue\r\n\r\n',
    'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;a=b\r\nxy\r\n0\r\nT: 1\r\n\r\n',
    'HTTP/1.1 304 Not Modified\r\nETag: "x"\r\n\r\n',
  ];
  const noise = ['\r', '\n', ' ', ':', '\0', '1', 'a', ';', '"'];
  const outcome = (chunks: Buffer[]) => {
    const events: string[] = [];
    const parser = new ResponseParser({
      onHead: (head) =>
        events.push(`head ${head.status} ${head.reason} ${head.rawHeaders.join('|')}`),
      onBody: (data) => events.push(`body ${data.toString('latin1')}`),
      onComplete: (trailers) => events.push(`complete ${trailers.join('|')}`),
      onError: (err) => events.push(`error ${err.reason}`),
    });
    for (let k = 0; k < 8; k++) parser.expect('GET');
    for (const chunk of chunks) parser.execute(chunk);
    parser.finish();
    return events.join('\n').replace(/\nbody /g, '');
  };
  for (let k = 0; k < 300; k++) {
    let text = Array.from({ length: 1 + random(4) }, () => pick(pieces)).join('');
    for (let m = random(3); m > 0; m--) {
      const at = random(text.length);
      text = text.slice(0, at) + pick(noise) + text.slice(at + random(2));
    }
    const input = Buffer.from(text, 'latin1');
    const cut = random(input.length);
    const whole = outcome([input]);
    const halves = outcome([input.subarray(0, cut), input.subarray(cut)]);
    const bytes = outcome(Array.from(input, (b) => Buffer.from([b])));
    if (whole !== halves || whole !== bytes) {
      t.fail(`split changes the outcome for ${JSON.stringify(text)}`, { whole, halves, bytes });
      return;
    }
  }
  t.pass('300 generated responses');
});
