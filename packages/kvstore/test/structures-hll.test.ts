import t from 'tap';
import {
  HyperLogLog,
  countRegisters,
  emptyRegisters,
  murmurHash64A,
} from '../src/structures/hyperloglog.js';
import { RawClient, redisServerPath, startRedis } from './fixtures/diff-client.js';

/** MurmurHash64A with BigInt, written straight from the algorithm, to check the 32-bit version. */
function referenceMurmur(data: Uint8Array, seed: number): bigint {
  const mask = (1n << 64n) - 1n;
  const m = 0xc6a4a7935bd1e995n;
  let h = (BigInt(seed) ^ (BigInt(data.length) * m)) & mask;
  const blocks = data.length - (data.length & 7);
  for (let i = 0; i < blocks; i += 8) {
    let k = 0n;
    for (let j = 7; j >= 0; j--) k = (k << 8n) | BigInt(data[i + j]);
    k = (k * m) & mask;
    k ^= k >> 47n;
    k = (k * m) & mask;
    h ^= k;
    h = (h * m) & mask;
  }
  const rest = data.length & 7;
  if (rest) {
    for (let j = rest - 1; j >= 0; j--) h ^= BigInt(data[blocks + j]) << BigInt(8 * j);
    h = (h * m) & mask;
  }
  h ^= h >> 47n;
  h = (h * m) & mask;
  h ^= h >> 47n;
  return h;
}

t.test('murmur64a matches a BigInt reference', async (t) => {
  for (let len = 0; len < 40; len++) {
    const data = Buffer.alloc(len);
    for (let i = 0; i < len; i++) data[i] = (i * 89 + len * 7) & 0xff;
    t.equal(murmurHash64A(data, 0xadc83b19), referenceMurmur(data, 0xadc83b19), `len ${len}`);
  }
});

t.test('validity checks', async (t) => {
  t.equal(HyperLogLog.from(Buffer.from('hello')), undefined);
  t.equal(
    HyperLogLog.from(Buffer.from('HYLL\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00', 'latin1')),
    undefined,
  );
  t.equal(
    HyperLogLog.from(Buffer.from('HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00', 'latin1')),
    undefined,
    'short dense',
  );
  const empty = HyperLogLog.create();
  t.ok(HyperLogLog.from(empty.bytes));
  t.same(empty.count(), { cardinality: 0, cacheUpdated: false }, 'fresh cache is valid');
  const corrupt = Buffer.concat([empty.bytes.subarray(0, 16), Buffer.from([0x00])]);
  const h = HyperLogLog.from(corrupt)!;
  h.invalidateCache();
  t.equal(h.count(), undefined, 'sparse opcodes not covering all registers');
  t.equal(h.add(Buffer.from('x')), -1);
});

t.test('merging registers and dense conversion keep the estimate', async (t) => {
  const a = HyperLogLog.create();
  const b = HyperLogLog.create();
  for (let i = 0; i < 500; i++) a.add(Buffer.from(`a${i}`));
  for (let i = 0; i < 500; i++) b.add(Buffer.from(`b${i}`));
  const max = emptyRegisters();
  t.ok(a.mergeInto(max));
  t.ok(b.mergeInto(max));
  const union = countRegisters(max);
  t.ok(Math.abs(union - 1000) < 30, `estimate ${union}`);
  const dest = HyperLogLog.create();
  t.ok(dest.raiseTo(max, true));
  t.equal(dest.isSparse, false);
  t.equal(dest.count()?.cardinality, union);
  t.same(dest.registers(), max);
});

t.test('bytes and counts equal redis-server after every PFADD', async (t) => {
  const redis = redisServerPath(t);
  if (!redis) return;
  const server = await startRedis(redis);
  t.teardown(server.stop);
  const c = await RawClient.connect(server.port);
  t.teardown(() => c.close());
  const h = HyperLogLog.create();
  let mismatches = 0;
  for (let i = 0; i < 2500; i++) {
    const element = `el-${i}-${'x'.repeat(i % 13)}`;
    const reply = await c.send('PFADD', 'k', element);
    const changed = h.add(Buffer.from(element));
    if (reply.t !== 'int' || Number(reply.v) !== changed) mismatches++;
    const stored = await c.send('GET', 'k');
    if (stored.t !== 'bulk' || stored.v !== h.bytes.toString('latin1')) mismatches++;
    if (i % 101 === 0) {
      const count = await c.send('PFCOUNT', 'k');
      t.same(count, { t: 'int', v: String(h.count()?.cardinality) }, `count after ${i + 1}`);
    }
  }
  t.equal(mismatches, 0, 'identical PFADD replies and string bytes (sparse, then dense)');
  t.equal(h.isSparse, false);
  t.ok(HyperLogLog.from(h.bytes), 'a dense value is recognised as an HLL');
});
