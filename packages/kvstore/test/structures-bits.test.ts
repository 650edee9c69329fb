import t from 'tap';
import {
  addInField,
  bitCount,
  bitOp,
  bitPos,
  getField,
  parseBitfieldType,
  resolveRange,
  setField,
} from '../src/structures/bits.js';

function bitsOf(value: Uint8Array): number[] {
  const out: number[] = [];
  for (const byte of value) for (let j = 7; j >= 0; j--) out.push((byte >> j) & 1);
  return out;
}

t.test('BITCOUNT and BITPOS against a bit-by-bit model', async (t) => {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000;
  for (let round = 0; round < 400; round++) {
    const length = Math.floor(random() * 6);
    const value = Uint8Array.from(
      { length },
      () => [0, 0xff, Math.floor(random() * 256)][Math.floor(random() * 3)],
    );
    const bits = bitsOf(value);
    const bitUnits = random() < 0.5;
    const total = bitUnits ? length * 8 : length;
    const start = Math.floor(random() * 2 * (total + 2)) - total - 2;
    const end = Math.floor(random() * 2 * (total + 2)) - total - 2;
    const r = resolveRange(length, start, end, bitUnits);
    // The model: the bit interval the range covers.
    let s = start < 0 ? total + start : start;
    let e = end < 0 ? total + end : end;
    s = Math.max(s, 0);
    e = Math.min(Math.max(e, 0), total - 1);
    const [lo, hi] = bitUnits ? [s, e] : [s * 8, e * 8 + 7];
    const slice = s <= e ? bits.slice(lo, hi + 1) : [];
    t.equal(
      bitCount(value, r),
      slice.reduce((a, b) => a + b, 0),
      `count ${length} ${start} ${end} ${bitUnits}`,
    );
    for (const bit of [0, 1]) {
      const at = slice.indexOf(bit);
      const expected = s > e ? -1 : at >= 0 ? lo + at : -1;
      t.equal(
        bitPos(value, bit, r, true),
        expected,
        `pos ${bit} ${length} ${start} ${end} ${bitUnits}`,
      );
    }
  }
  t.equal(
    bitPos(Uint8Array.of(0xff), 0, resolveRange(1, 0, -1, false), false),
    8,
    'clear bit past the end',
  );
});

t.test('BITOP pads with zeros', async (t) => {
  const a = Uint8Array.of(0xf0, 0x0f);
  const b = Uint8Array.of(0xff);
  t.same([...bitOp('AND', [a, b])], [0xf0, 0x00]);
  t.same([...bitOp('OR', [a, b])], [0xff, 0x0f]);
  t.same([...bitOp('XOR', [a, b])], [0x0f, 0x0f]);
  t.same([...bitOp('NOT', [a])], [0x0f, 0xf0]);
  t.equal(bitOp('OR', [new Uint8Array(0)]).length, 0);
});

t.test('BITFIELD types, fields and overflow', async (t) => {
  t.same(parseBitfieldType('i64'), { signed: true, bits: 64 });
  t.equal(parseBitfieldType('u64'), undefined);
  t.equal(parseBitfieldType('i0'), undefined);
  t.equal(parseBitfieldType('x8'), undefined);
  const buf = new Uint8Array(4);
  const i8 = parseBitfieldType('i8')!;
  const u4 = parseBitfieldType('u4')!;
  setField(buf, 3, i8, -2n);
  t.equal(getField(buf, 3, i8), -2n);
  t.equal(getField(buf, 3, parseBitfieldType('u8')!), 254n);
  setField(buf, 20, u4, 9n);
  t.equal(getField(buf, 20, u4), 9n);
  t.equal(addInField(120n, 10n, i8, 'WRAP'), -126n);
  t.equal(addInField(120n, 10n, i8, 'SAT'), 127n);
  t.equal(addInField(-120n, -10n, i8, 'SAT'), -128n);
  t.equal(addInField(120n, 10n, i8, 'FAIL'), undefined);
  t.equal(addInField(0n, (1n << 64n) - 1n, u4, 'SAT'), 15n, 'SET u4 -1 saturates high');
  t.equal(addInField(3n, -5n, u4, 'WRAP'), 14n);
  t.equal(addInField(3n, -5n, u4, 'SAT'), 0n);
});
