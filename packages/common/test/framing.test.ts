import t from 'tap';
import { ErrorCode, FrameTooLargeError, InvalidFrameError } from '../src/errors.js';
import {
  ByteQueue,
  type FrameDecoder,
  LengthPrefixedDecoder,
  type LengthPrefixedFrame,
  LineDecoder,
} from '../src/framing.js';

/** Every way to cut `input` into two pieces, and (when `pairs`) into three. */
function* splits(input: Buffer, pairs: boolean): Generator<Buffer[]> {
  for (let i = 0; i <= input.length; i++) {
    yield [input.subarray(0, i), input.subarray(i)];
    if (!pairs) continue;
    for (let j = i; j <= input.length; j++) {
      yield [input.subarray(0, i), input.subarray(i, j), input.subarray(j)];
    }
  }
}

function feed<F>(decoder: FrameDecoder<F>, pieces: Buffer[]): F[] {
  const frames: F[] = [];
  for (const piece of pieces) frames.push(...decoder.push(piece));
  return frames;
}

t.test('line decoder splits CRLF and LF lines', async (t) => {
  const decoder = new LineDecoder({ maxLineLength: 100 });
  const lines = decoder.push(Buffer.from('a\r\nbb\nccc\r\n'));
  t.same(lines.map(String), ['a', 'bb', 'ccc']);
  t.equal(decoder.pending, 0);
});

t.test('line decoder gives the same lines under every split of the input', async (t) => {
  const input = Buffer.from('PING\r\nSET k v\r\n\r\nx\na\rb\r\nlast line\r\npartial');
  const expected = ['PING', 'SET k v', '', 'x', 'a\rb', 'last line'];
  let cases = 0;
  for (const pieces of splits(input, true)) {
    const decoder = new LineDecoder({ maxLineLength: 64 });
    const lines = feed(decoder, pieces).map(String);
    if (lines.join('|') !== expected.join('|')) {
      t.fail(`split ${pieces.map((p) => p.length).join('+')} gave ${JSON.stringify(lines)}`);
      return;
    }
    if (decoder.pending !== 'partial'.length) t.fail('partial line must stay pending');
    cases++;
  }
  t.pass(`${cases} splits decoded identically`);
});

t.test('line decoder: byte-at-a-time and many lines in one chunk', async (t) => {
  const lines = Array.from({ length: 10_000 }, (_, i) => `line number ${i}`);
  const input = Buffer.from(`${lines.join('\r\n')}\r\n`);
  t.same(new LineDecoder({ maxLineLength: 100 }).push(input).map(String), lines);
  const slow = new LineDecoder({ maxLineLength: 100 });
  const small = Buffer.from('ab\r\ncd\n');
  t.same(
    feed(
      slow,
      [...small].map((b) => Buffer.from([b])),
    ).map(String),
    ['ab', 'cd'],
  );
});

t.test('line decoder enforces the maximum line length', async (t) => {
  const exact = new LineDecoder({ maxLineLength: 4 });
  t.same(exact.push(Buffer.from('abcd\r\n')).map(String), ['abcd'], 'a line at the limit is fine');
  t.same(exact.push(Buffer.from('abcd\r')), [], 'a trailing CR is not counted yet');
  t.same(exact.push(Buffer.from('\n')).map(String), ['abcd']);

  const terminated = new LineDecoder({ maxLineLength: 4 });
  t.throws(() => terminated.push(Buffer.from('abcde\n')), FrameTooLargeError);

  const unterminated = new LineDecoder({ maxLineLength: 4 });
  t.same(unterminated.push(Buffer.from('abc')), []);
  try {
    unterminated.push(Buffer.from('de'));
    t.fail('a line growing past the limit without a newline must throw');
  } catch (err) {
    t.type(err, FrameTooLargeError);
    t.equal((err as FrameTooLargeError).code, ErrorCode.FRAME_TOO_LARGE);
    t.equal((err as FrameTooLargeError).limit, 4);
    t.equal((err as FrameTooLargeError).size, 5);
  }
});

function lengthFrame(type: number | undefined, payload: string, includesSelf: boolean): Buffer {
  const body = Buffer.from(payload);
  const header = Buffer.alloc(4);
  header.writeUInt32BE(body.length + (includesSelf ? 4 : 0));
  return Buffer.concat([type === undefined ? Buffer.alloc(0) : Buffer.from([type]), header, body]);
}

t.test('length-prefixed decoder under every split, with and without a type byte', async (t) => {
  for (const typeByte of [false, true]) {
    for (const lengthIncludesSelf of [false, true]) {
      const payloads = ['hello', '', 'x', 'a longer payload'];
      const input = Buffer.concat(
        payloads.map((p, i) => lengthFrame(typeByte ? 0x51 + i : undefined, p, lengthIncludesSelf)),
      );
      const expected: LengthPrefixedFrame[] = payloads.map((p, i) => ({
        type: typeByte ? 0x51 + i : -1,
        payload: Buffer.from(p),
      }));
      let ok = true;
      for (const pieces of splits(input, input.length < 48)) {
        const decoder = new LengthPrefixedDecoder({ typeByte, lengthIncludesSelf, maxPayload: 64 });
        const frames = feed(decoder, pieces);
        const same =
          frames.length === expected.length &&
          frames.every(
            (f, i) => f.type === expected[i]!.type && f.payload.equals(expected[i]!.payload),
          );
        if (!same || decoder.pending !== 0) {
          t.fail(`typeByte=${typeByte} includesSelf=${lengthIncludesSelf} split ${pieces.length}`);
          ok = false;
          break;
        }
      }
      if (ok) t.pass(`typeByte=${typeByte} includesSelf=${lengthIncludesSelf}`);
    }
  }
});

t.test('length-prefixed decoder: many frames in one chunk, limits, bad lengths', async (t) => {
  const frames = Array.from({ length: 1000 }, (_, i) => lengthFrame(0x44, `row ${i}`, true));
  const decoder = new LengthPrefixedDecoder({
    typeByte: true,
    lengthIncludesSelf: true,
    maxPayload: 100,
  });
  const out = decoder.push(Buffer.concat(frames));
  t.equal(out.length, 1000);
  t.equal(String(out[999]!.payload), 'row 999');

  const limited = new LengthPrefixedDecoder({
    typeByte: false,
    lengthIncludesSelf: false,
    maxPayload: 3,
  });
  t.throws(
    () => limited.push(lengthFrame(undefined, 'abcd', false).subarray(0, 4)),
    FrameTooLargeError,
    'refused from the header alone, before the payload arrives',
  );

  const selfCounting = new LengthPrefixedDecoder({
    typeByte: false,
    lengthIncludesSelf: true,
    maxPayload: 100,
  });
  t.throws(() => selfCounting.push(Buffer.from([0, 0, 0, 3])), InvalidFrameError);
});

t.test('length-prefixed decoder: startup message without a type byte, then typed', async (t) => {
  const decoder = new LengthPrefixedDecoder({
    typeByte: false,
    lengthIncludesSelf: true,
    maxPayload: 100,
  });
  const [startup] = decoder.push(lengthFrame(undefined, 'user', true));
  t.same({ type: startup!.type, payload: String(startup!.payload) }, { type: -1, payload: 'user' });
  decoder.setTypeByte(true);
  const [query] = decoder.push(lengthFrame(0x51, 'SELECT 1', true));
  t.same(
    { type: query!.type, payload: String(query!.payload) },
    { type: 0x51, payload: 'SELECT 1' },
  );
});

t.test('ByteQueue: indexOf, byteAt, readUInt32BE across chunks', async (t) => {
  const q = new ByteQueue();
  q.push(Buffer.from('ab'));
  q.push(Buffer.alloc(0));
  q.push(Buffer.from('cd\n'));
  q.push(Buffer.from('ef\ng'));
  t.equal(q.length, 9);
  t.equal(q.indexOf(0x0a), 4);
  t.equal(q.indexOf(0x0a, 5), 7);
  t.equal(q.indexOf(0x0a, 8), -1);
  t.equal(q.indexOf(0x7a), -1);
  t.equal(q.byteAt(2), 0x63);
  t.equal(q.byteAt(9), -1);
  q.skip(1);
  t.equal(q.indexOf(0x0a), 3, 'offsets are relative to the read position');
  t.equal(q.indexOf(0x62), 0);
  t.equal(q.readUInt32BE(0), Buffer.from('bcd\n').readUInt32BE(0), 'u32 across chunks');
  t.equal(String(q.take(5)), 'bcd\ne', 'take across chunks');
  t.equal(String(q.take(3)), 'f\ng');
  t.equal(q.length, 0);
  t.equal(q.indexOf(0x0a), -1);
  t.throws(() => q.take(1), RangeError);
  t.throws(() => q.skip(1), RangeError);
  t.equal(q.take(0).length, 0);
  q.push(Buffer.from('xyz'));
  q.clear();
  t.equal(q.length, 0);
});

t.test('ByteQueue: take inside one chunk is a zero-copy view', async (t) => {
  const q = new ByteQueue();
  const chunk = Buffer.from('hello world');
  q.push(chunk);
  q.skip(6);
  const view = q.take(5);
  t.equal(String(view), 'world');
  t.equal(view.buffer, chunk.buffer, 'same memory');
  t.equal(view.byteOffset, chunk.byteOffset + 6);
});

/**
 * Counts the bytes Buffer methods search and copy while `fn` runs, to prove that decoders touch
 * each received byte a bounded number of times, whatever the chunking.
 */
function instrument(fn: () => void): { searched: number; copied: number; concats: number } {
  const proto = Buffer.prototype;
  const { indexOf, copy } = proto;
  const { concat } = Buffer;
  const counts = { searched: 0, copied: 0, concats: 0 };
  proto.indexOf = function (this: Buffer, value: never, byteOffset?: never, encoding?: never) {
    counts.searched += this.length - Number(byteOffset ?? 0);
    return indexOf.call(this, value, byteOffset, encoding);
  } as typeof indexOf;
  proto.copy = function (this: Buffer, target: Uint8Array, ts?: number, ss = 0, se = this.length) {
    counts.copied += se - ss;
    return copy.call(this, target, ts, ss, se);
  } as typeof copy;
  Buffer.concat = ((list: readonly Uint8Array[], length?: number) => {
    counts.concats++;
    return concat(list, length);
  }) as typeof concat;
  try {
    fn();
  } finally {
    proto.indexOf = indexOf;
    proto.copy = copy;
    Buffer.concat = concat;
  }
  return counts;
}

const MIB = 1024 * 1024;
const CHUNK = 64 * 1024;

t.test('a 16 MiB line in 64 KiB chunks: each byte searched once, copied once', async (t) => {
  const total = 16 * MIB;
  const chunks: Buffer[] = [];
  for (let at = 0; at < total; at += CHUNK) chunks.push(Buffer.alloc(CHUNK, 0x61));
  const decoder = new LineDecoder({ maxLineLength: total });
  let lines: Buffer[] = [];
  const counts = instrument(() => {
    for (const chunk of chunks) lines.push(...decoder.push(chunk));
    lines = lines.concat(decoder.push(Buffer.from('\r\n')));
  });
  t.equal(lines.length, 1);
  t.equal(lines[0]!.length, total);
  t.equal(counts.concats, 0, 'pending chunks are never concatenated');
  t.ok(counts.searched >= total, 'the instrumentation saw the search');
  t.ok(counts.searched <= total + 16, `searched ${counts.searched} bytes for a ${total}-byte line`);
  t.equal(counts.copied, total, 'the line is assembled with a single copy of each byte');
});

t.test('a 16 MiB length-prefixed payload in 64 KiB chunks is copied once', async (t) => {
  const total = 16 * MIB;
  const header = Buffer.alloc(5);
  header[0] = 0x44;
  header.writeUInt32BE(total, 1);
  const input = Buffer.concat([header, Buffer.alloc(total, 0x62)]);
  const decoder = new LengthPrefixedDecoder({
    typeByte: true,
    lengthIncludesSelf: false,
    maxPayload: total,
  });
  const frames: LengthPrefixedFrame[] = [];
  const counts = instrument(() => {
    for (let at = 0; at < input.length; at += CHUNK) {
      frames.push(...decoder.push(input.subarray(at, at + CHUNK)));
    }
  });
  t.equal(frames.length, 1);
  t.equal(frames[0]!.payload.length, total);
  t.equal(frames[0]!.type, 0x44);
  t.equal(counts.concats, 0);
  t.equal(counts.copied, total);
});

t.test('ByteQueue agrees with a flat buffer under random operations', async (t) => {
  // A small deterministic generator, so a failure replays.
  let seed = 12345;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const q = new ByteQueue();
  let model = Buffer.alloc(0);
  let mismatches = 0;
  const check = (what: string, actual: unknown, expected: unknown) => {
    if (actual !== expected && mismatches++ < 5) t.fail(`${what}: ${actual} !== ${expected}`);
  };
  for (let step = 0; step < 20_000; step++) {
    const op = random(10);
    if (op < 4 || model.length === 0) {
      const chunk = Buffer.from(Array.from({ length: random(12) }, () => 0x61 + random(4)));
      q.push(chunk);
      model = Buffer.concat([model, chunk]);
    } else if (op < 6) {
      const byte = 0x61 + random(5);
      const from = random(model.length + 2);
      check(`indexOf(${byte}, ${from})`, q.indexOf(byte, from), model.indexOf(byte, from));
    } else if (op === 6) {
      const at = random(model.length + 1);
      check(`byteAt(${at})`, q.byteAt(at), at < model.length ? model[at] : -1);
      if (at + 4 <= model.length) {
        check(`readUInt32BE(${at})`, q.readUInt32BE(at), model.readUInt32BE(at));
      }
    } else if (op < 9) {
      const n = random(Math.min(model.length, 20) + 1);
      check(`take(${n})`, q.take(n).toString(), model.subarray(0, n).toString());
      model = model.subarray(n);
    } else {
      const n = random(Math.min(model.length, 20) + 1);
      q.skip(n);
      model = model.subarray(n);
    }
    check('length', q.length, model.length);
  }
  t.equal(mismatches, 0);
});

t.test('a line trickling in one byte per chunk is scanned in linear time', async (t) => {
  const decoder = new LineDecoder({ maxLineLength: 1 << 20 });
  const byte = Buffer.from('x');
  let calls = 0;
  const counts = instrument(() => {
    for (let i = 0; i < 50_000; i++) {
      decoder.push(byte);
      calls++;
    }
  });
  t.equal(decoder.pending, 50_000);
  t.ok(counts.searched <= calls, `searched ${counts.searched} bytes for ${calls} one-byte pushes`);
  t.same(
    decoder.push(Buffer.from('\n')).map((l) => l.length),
    [50_000],
  );
});
