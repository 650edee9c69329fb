import t from 'tap';
import {
  RawClient,
  pollUntil,
  redisServerPath,
  show,
  startRedis,
  startStrata,
} from './fixtures/diff-client.js';
import { exchange } from './helpers/raw.js';

/**
 * A header line (`*count`, `$length`, an inline command) that never ends cannot grow a client's
 * query buffer past 64 KiB (Redis's PROTO_INLINE_MAX_SIZE): the client gets Redis's protocol
 * error and is closed, whether the bytes come in one read or in many.
 */
const FILLER = 'a'.repeat(70_000);
const ENDLESS: Record<string, [input: string, error: string]> = {
  'multibulk count': [`*${FILLER}`, 'too big mbulk count string'],
  'bulk length': [`*1\r\n$${FILLER}`, 'too big bulk count string'],
  'inline command': [`PING ${FILLER}`, 'too big inline request'],
  'inline command after a NUL': [`\0${FILLER}`, 'too big inline request'],
  'inline command starting with $': [`$${FILLER}`, 'too big inline request'],
};

/** The same bytes as 1 KiB writes. */
function inPieces(input: string): string[] {
  const pieces: string[] = [];
  for (let at = 0; at < input.length; at += 1024) pieces.push(input.slice(at, at + 1024));
  return pieces;
}

t.test('header lines without a newline are cut at 64 KiB as in Redis', async (t) => {
  const redisPath = redisServerPath(t);
  if (!redisPath) return;
  const redis = await startRedis(redisPath);
  t.teardown(redis.stop);
  const ours = await startStrata();
  t.teardown(ours.stop);
  for (const [name, [input, error]] of Object.entries(ENDLESS)) {
    for (const [how, chunks] of [
      ['one write', [input]],
      ['1 KiB writes', inPieces(input)],
    ] as const) {
      // Without the limit the server would wait forever: the client ends after 10 s of quiet.
      const theirs = await exchange(redis.port, chunks, { quietMs: 10_000 });
      const mine = await exchange(ours.port, chunks, { quietMs: 10_000 });
      const expected = `-ERR Protocol error: ${error}\r\n`;
      // Redis closes with input unread, so its reply is sometimes lost to the reset.
      t.ok(['', expected].includes(theirs.data.toString('latin1')), `${name}, ${how}: redis`);
      t.equal(mine.data.toString('latin1'), expected, `${name}, ${how}`);
      t.ok(theirs.closed && mine.closed, `${name}, ${how}: closed by both`);
    }
  }
});

t.test('a multibulk count up to 2^31-1 waits for its elements as in Redis', async (t) => {
  const redisPath = redisServerPath(t);
  if (!redisPath) return;
  const redis = await startRedis(redisPath);
  t.teardown(redis.stop);
  const ours = await startStrata();
  t.teardown(ours.stop);
  for (const [name, port] of [
    ['redis', redis.port],
    ['ours', ours.port],
  ] as const) {
    const { connect } = await import('node:net');
    const raw = connect(port, '127.0.0.1');
    let received = '';
    let closed = false;
    raw.on('data', (chunk) => {
      received += chunk.toString('latin1');
    });
    raw.on('close', () => {
      closed = true;
    });
    raw.on('error', () => {});
    t.teardown(() => raw.destroy());
    raw.write('CLIENT ID\r\n');
    await pollUntil(() => received.endsWith('\r\n'), 'the client id');
    const id = received.slice(1, -2);
    received = '';
    raw.write('*2147483647\r\n$4\r\nECHO\r\n$2\r\nhi\r\n');
    const admin = await RawClient.connect(port);
    t.teardown(() => admin.close());
    // Once the arguments are parsed the client's last command is still CLIENT ID, it is
    // connected, and nothing was answered.
    await pollUntil(async () => {
      const line = show(await admin.send('CLIENT', 'LIST', 'ID', id));
      return line.includes(`id=${id} `) && line.includes(' qbuf=0 ');
    }, `${name}: the header to be read`);
    t.equal(received, '', `${name}: no reply to an unfinished command`);
    t.equal(closed, false, `${name}: still connected`);
  }
});
