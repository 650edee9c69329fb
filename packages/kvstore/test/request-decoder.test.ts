import { connect } from 'node:net';
import t from 'tap';
import { RequestDecoder } from '../src/protocol/request-decoder.js';
import { startStrata } from './fixtures/diff-client.js';

const LIMITS = { maxBulkLength: 512 * 1024 * 1024, maxQueryBuffer: 1024 * 1024 * 1024 };

/** Counts the bytes Buffer.concat copies while `run` executes. */
function countJoinedBytes(run: () => void): number {
  const original = Buffer.concat;
  let joined = 0;
  Buffer.concat = (list: readonly Uint8Array[], totalLength?: number) => {
    const out = original(list, totalLength);
    joined += out.length;
    return out;
  };
  try {
    run();
  } finally {
    Buffer.concat = original;
  }
  return joined;
}

/** Pushes `input` one byte per read; returns the commands decoded along the way. */
function decodeByteByByte(input: Buffer): string[][] {
  const decoder = new RequestDecoder(LIMITS);
  const commands: string[][] = [];
  for (let i = 0; i < input.length; i++) {
    decoder.push(input.subarray(i, i + 1));
    for (let command = decoder.next(); command; command = decoder.next()) commands.push(command);
  }
  return commands;
}

t.test('a line arriving one byte per read is joined once, not once per read', async (t) => {
  const word = 'x'.repeat(30_000);
  const input = Buffer.from(`ECHO ${word}\r\nPING\r\n`, 'latin1');
  let commands: string[][] = [];
  const joined = countJoinedBytes(() => {
    commands = decodeByteByByte(input);
  });
  t.same(commands, [['ECHO', word], ['PING']]);
  // Joining the pending bytes on every read would copy ~450 million bytes here.
  t.ok(joined <= 2 * input.length, `${joined} bytes joined for ${input.length} received`);

  const bulk = Buffer.from(`*2\r\n$4\r\nECHO\r\n$${'0'.repeat(15)}3\r\nabc\r\n`, 'latin1');
  const bulkJoined = countJoinedBytes(() => {
    t.same(decodeByteByByte(bulk), [['ECHO', 'abc']], 'count lines split per byte');
  });
  t.ok(bulkJoined <= 2 * bulk.length, `${bulkJoined} bytes joined for ${bulk.length}`);
});

t.test('a long inline command written one byte per write gets its reply', async (t) => {
  const ours = await startStrata();
  t.teardown(ours.stop);
  const word = 'y'.repeat(4000);
  const socket = connect(ours.port, '127.0.0.1');
  socket.setNoDelay(true);
  t.teardown(() => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const received: Buffer[] = [];
  const expected = `$${word.length}\r\n${word}\r\n`;
  const replied = new Promise<void>((resolve) => {
    socket.on('data', (chunk) => {
      received.push(chunk);
      if (Buffer.concat(received).length >= expected.length) resolve();
    });
  });
  const input = Buffer.from(`ECHO ${word}\r\n`, 'latin1');
  for (let i = 0; i < input.length; i++) {
    await new Promise<void>((resolve, reject) =>
      socket.write(input.subarray(i, i + 1), (err) => (err ? reject(err) : resolve())),
    );
  }
  await replied;
  t.equal(Buffer.concat(received).toString('latin1'), expected);
});
