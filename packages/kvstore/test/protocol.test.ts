import t from 'tap';
import { encodeCommand, redisServerPath, startRedis, startStrata } from './fixtures/diff-client.js';
import { exchange } from './helpers/raw.js';

/** Malformed and unusual input, byte for byte against redis-server where Redis is the spec. */
const MALFORMED: Record<string, string> = {
  'bad multibulk count': '*abc\r\n',
  'bad bulk length': '*1\r\n$x\r\n',
  'negative bulk length': '*1\r\n$-5\r\n',
  'missing dollar': '*1\r\n+PING\r\n',
  'unbalanced quotes inline': 'SET "a b\r\n',
  'quote not followed by space': 'SET "a"b c\r\n',
  'commands before the error still run':
    'PING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n*1\r\n$x\r\nPING\r\n',
  'huge multibulk count': '*99999999999\r\n',
  'inline commands':
    'PING\r\nECHO "hello world"\r\nSET k \'v x\'\r\nGET k\r\n\r\nECHO "\\x41\\n"\r\n',
  'empty multibulk': '*0\r\n*-1\r\nPING\r\n',
};

const redisPath = redisServerPath(t);

t.test(
  'malformed frames get the same bytes as from redis-server, then the connection closes',
  async (t) => {
    if (!redisPath) return;
    const redis = await startRedis(redisPath);
    t.teardown(redis.stop);
    const ours = await startStrata();
    t.teardown(ours.stop);
    for (const [name, input] of Object.entries(MALFORMED)) {
      // redis-server's reply says what ours owes: the same bytes, and a close if it closed.
      const theirs = await exchange(redis.port, [input], { quietMs: 1000 });
      const mine = await exchange(
        ours.port,
        [input],
        theirs.closed ? { quietMs: 10_000 } : { until: { bytes: theirs.data.length } },
      );
      t.equal(mine.data.toString('latin1'), theirs.data.toString('latin1'), `${name}: reply`);
      t.equal(mine.closed, theirs.closed, `${name}: connection closed`);
    }
  },
);

t.test('a protocol error closes only that connection', async (t) => {
  const ours = await startStrata();
  t.teardown(ours.stop);
  const healthy = exchange(ours.port, ['PING\r\n'], { until: { endsWith: '+PONG\r\n' } });
  const broken = await exchange(ours.port, ['*1\r\n$x\r\n']);
  t.match(broken.data.toString(), /^-ERR Protocol error: invalid bulk length\r\n$/);
  t.ok(broken.closed);
  t.equal((await healthy).data.toString(), '+PONG\r\n');
});

t.test('a pipeline split at every byte boundary gives the same replies', async (t) => {
  const ours = await startStrata();
  t.teardown(ours.stop);
  const input = Buffer.concat([
    encodeCommand(['SET', 'key', 'va\r\nlue']),
    encodeCommand(['GET', 'key']),
    Buffer.from('PING\r\n'),
    encodeCommand(['INCR', 'n']),
    encodeCommand(['ECHO', '']),
  ]);
  const until = { endsWith: '$0\r\n\r\n' };
  const whole = await exchange(ours.port, [input], { until });
  t.match(
    whole.data.toString('latin1'),
    /^\+OK\r\n\$7\r\nva\r\nlue\r\n\+PONG\r\n:1\r\n\$0\r\n\r\n$/,
  );
  const expected = whole.data.toString('latin1').replace(':1\r\n', ':N\r\n');
  const results = await Promise.all(
    Array.from({ length: input.length - 1 }, (_, i) =>
      exchange(ours.port, [input.subarray(0, i + 1), input.subarray(i + 1)], {
        gapMs: 20,
        until,
      }),
    ),
  );
  let mismatches = 0;
  for (const result of results) {
    if (result.data.toString('latin1').replace(/:\d+\r\n/, ':N\r\n') !== expected) mismatches++;
  }
  t.equal(mismatches, 0, `all ${results.length} split points`);
});

t.test('a huge pipeline is answered completely and in order', async (t) => {
  const ours = await startStrata();
  t.teardown(ours.stop);
  const count = 100_000;
  const parts: Buffer[] = [];
  for (let i = 0; i < count; i++) parts.push(encodeCommand(['RPUSH', 'big', String(i)]));
  parts.push(encodeCommand(['LLEN', 'big']), encodeCommand(['LINDEX', 'big', '-1']));
  const { data } = await exchange(ours.port, [Buffer.concat(parts)], {
    until: { endsWith: `:${count}\r\n$5\r\n99999\r\n` },
  });
  const text = data.toString('latin1');
  t.equal(text.split('\r\n').length - 1, count + 3);
  t.ok(text.startsWith(':1\r\n:2\r\n'));
  t.ok(text.endsWith(`:${count}\r\n$5\r\n99999\r\n`));
});

t.test('values of many megabytes arrive in pieces and round-trip', async (t) => {
  const ours = await startStrata();
  t.teardown(ours.stop);
  const value = Buffer.alloc(20 * 1024 * 1024, 'abcdefgh\x00\xff');
  const request = encodeCommand(['SET', 'large', value]);
  const pieces: Buffer[] = [];
  for (let at = 0; at < request.length; at += 1024 * 1024)
    pieces.push(request.subarray(at, at + 1024 * 1024));
  pieces.push(encodeCommand(['STRLEN', 'large']), encodeCommand(['GET', 'large']));
  const header = `+OK\r\n:${value.length}\r\n$${value.length}\r\n`;
  const { data } = await exchange(ours.port, pieces, {
    until: { bytes: header.length + value.length + 2 },
  });
  t.equal(data.subarray(0, header.length).toString(), header);
  t.ok(data.subarray(header.length, header.length + value.length).equals(value));
});

t.test('proto-max-bulk-len and the query buffer limit', async (t) => {
  const ours = await startStrata({
    'proto-max-bulk-len': '1mb',
    'client-query-buffer-limit': '1mb',
  });
  t.teardown(ours.stop);
  const tooBig = await exchange(ours.port, [`*2\r\n$4\r\nECHO\r\n$${2 * 1024 * 1024}\r\n`]);
  t.equal(tooBig.data.toString(), '-ERR Protocol error: invalid bulk length\r\n');
  t.ok(tooBig.closed);
  // A blocked client stops consuming its input: more than the limit queued closes it.
  const flood = Buffer.concat(
    Array.from({ length: 30_000 }, () => encodeCommand(['SET', 'k', 'x'.repeat(40)])),
  );
  // Finishes when the server closes the connection (or after a long silence: a failure).
  const blocked = await exchange(ours.port, [encodeCommand(['BLPOP', 'never', '0']), flood], {
    quietMs: 10_000,
  });
  t.ok(blocked.closed, 'closed for overflowing the query buffer');
  const inline = await exchange(ours.port, ['A'.repeat(70 * 1024)]);
  t.equal(inline.data.toString(), '-ERR Protocol error: too big inline request\r\n');
});

t.test('RESP3 push messages and RESP2 subscribed-mode restrictions', async (t) => {
  const ours = await startStrata();
  t.teardown(ours.stop);
  const resp2 = await exchange(
    ours.port,
    [
      encodeCommand(['SUBSCRIBE', 'a', 'b']),
      encodeCommand(['GET', 'x']),
      encodeCommand(['PING']),
      encodeCommand(['UNSUBSCRIBE']),
      encodeCommand(['GET', 'x']),
    ],
    { until: { endsWith: ':0\r\n$-1\r\n' } },
  );
  t.equal(
    resp2.data.toString(),
    '*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n' +
      "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n" +
      '*2\r\n$4\r\npong\r\n$0\r\n\r\n' +
      '*3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$11\r\nunsubscribe\r\n$1\r\nb\r\n:0\r\n' +
      '$-1\r\n',
  );
  const resp3 = await exchange(
    ours.port,
    [
      encodeCommand(['HELLO', '3']),
      encodeCommand(['SUBSCRIBE', 'a']),
      encodeCommand(['GET', 'x']),
      encodeCommand(['PUBLISH', 'a', 'self']),
    ],
    { until: { endsWith: 'self\r\n:1\r\n' } },
  );
  const text = resp3.data.toString();
  t.match(text, />3\r\n\$9\r\nsubscribe\r\n\$1\r\na\r\n:1\r\n_\r\n/);
  t.match(text, />3\r\n\$7\r\nmessage\r\n\$1\r\na\r\n\$4\r\nself\r\n/);
  t.match(text, /:1\r\n/);
});
