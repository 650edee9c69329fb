// Micro-benchmarks of @strata/common against the straightforward Node.js way of doing the same
// thing, printed side by side with the ratio (higher is better for us). Run: `pnpm bench`
// (builds first) or `node bench/run.mjs` after `pnpm --filter @strata/common build`.
import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import { LengthPrefixedDecoder, LineDecoder, StrataServer } from '../dist/index.js';

function row(name, ours, reference, unit) {
  const ratio = ours / reference;
  console.log(
    `${name.padEnd(46)} ${ours.toFixed(0).padStart(10)} ${unit.padEnd(9)}` +
      ` reference ${reference.toFixed(0).padStart(10)} ${unit.padEnd(9)} ratio ${ratio.toFixed(2)}`,
  );
}

/** Best of five runs after a warm-up, so the JIT and a busy machine distort less. */
function timed(fn) {
  fn();
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 5; run++) {
    const start = process.hrtime.bigint();
    fn();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
  }
  return best;
}

/** The usual hand-written length-prefixed reader: concatenate everything pending on each read. */
function naiveLengthPrefixed(chunks) {
  let pending = Buffer.alloc(0);
  let frames = 0;
  for (const chunk of chunks) {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 4) {
      const length = pending.readUInt32BE(0);
      if (pending.length < 4 + length) break;
      pending = pending.subarray(4 + length);
      frames++;
    }
  }
  return frames;
}

function decoders() {
  const lines = Buffer.from('SET key:000123 some-value-of-moderate-size\r\n'.repeat(200_000));
  const chunks = [];
  for (let at = 0; at < lines.length; at += 16 * 1024) chunks.push(lines.subarray(at, at + 16384));
  const ours = timed(() => {
    const decoder = new LineDecoder({ maxLineLength: 1024 });
    for (const chunk of chunks) decoder.push(chunk);
  });
  // The usual hand-written binary-safe reader: concatenate pending input on each read, then split.
  const reference = timed(() => {
    let pending = Buffer.alloc(0);
    for (const chunk of chunks) {
      pending = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
      let start = 0;
      const lines = [];
      for (let lf = pending.indexOf(10); lf !== -1; lf = pending.indexOf(10, start)) {
        lines.push(pending.subarray(start, lf > start && pending[lf - 1] === 13 ? lf - 1 : lf));
        start = lf + 1;
      }
      pending = pending.subarray(start);
    }
  });
  row(
    'LineDecoder, 200k lines in 16 KiB reads',
    lines.length / 1e6 / ours,
    lines.length / 1e6 / reference,
    'MB/s',
  );

  const size = 16 * 1024 * 1024;
  const frame = Buffer.alloc(4 + size);
  frame.writeUInt32BE(size);
  const pieces = [];
  for (let at = 0; at < frame.length; at += 64 * 1024) pieces.push(frame.subarray(at, at + 65536));
  const oursBig = timed(() => {
    const decoder = new LengthPrefixedDecoder({
      typeByte: false,
      lengthIncludesSelf: false,
      maxPayload: size,
    });
    for (const piece of pieces) decoder.push(piece);
  });
  const referenceBig = timed(() => naiveLengthPrefixed(pieces));
  row(
    '16 MiB length-prefixed frame in 64 KiB reads',
    size / 1e6 / oursBig,
    size / 1e6 / referenceBig,
    'MB/s',
  );
}

/** Clients pipelining `depth` lines at a time; returns replies per second. */
async function drive(port, clients, depth, rounds) {
  const batch = Buffer.from('PING\n'.repeat(depth));
  const expected = depth * 'PONG\n'.length;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      const socket = connect({ port, host: '127.0.0.1', noDelay: true });
      await once(socket, 'connect');
      for (let round = 0; round < rounds; round++) {
        let received = 0;
        const done = new Promise((resolve) => {
          const onData = (chunk) => {
            received += chunk.length;
            if (received >= expected) {
              socket.off('data', onData);
              resolve();
            }
          };
          socket.on('data', onData);
        });
        socket.write(batch);
        await done;
      }
      socket.destroy();
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return (clients * depth * rounds) / seconds;
}

function pongs(chunk, write) {
  for (const byte of chunk) if (byte === 0x0a) write('PONG\n');
}

async function serverLoop() {
  const strata = new StrataServer({
    port: 0,
    onConnection: (conn) => ({ data: (chunk) => pongs(chunk, (reply) => conn.write(reply)) }),
  });
  await strata.listen();
  // The reference: a plain node:net server answering each request with its own socket.write.
  const plain = createServer({ noDelay: true }, (socket) => {
    socket.on('data', (chunk) => pongs(chunk, (reply) => socket.write(reply)));
  });
  plain.listen(0, '127.0.0.1');
  await once(plain, 'listening');
  const plainPort = plain.address().port;
  for (const [clients, depth, rounds] of [
    [4, 1, 3000],
    [4, 50, 400],
  ]) {
    await drive(strata.port, clients, depth, 50); // warm-up
    await drive(plainPort, clients, depth, 50);
    const ours = await drive(strata.port, clients, depth, rounds);
    const reference = await drive(plainPort, clients, depth, rounds);
    row(`StrataServer, ${clients} clients, pipeline ${depth}`, ours, reference, 'replies/s');
  }
  await strata.close({ graceMs: 0 });
  plain.close();
}

console.log('@strata/common micro-benchmarks (reference: the plain Node.js way)');
decoders();
await serverLoop();
