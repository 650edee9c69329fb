import t from 'tap';
import { ScanDict, scanBatch } from '../src/keyspace/scan-dict.js';
import { Random } from './fixtures/random.js';

t.test(
  'SCAN never misses a key present for the whole scan, across grows and shrinks',
  async (t) => {
    for (const seed of [1, 2, 3]) {
      const random = new Random(seed);
      const dict = new ScanDict<number>();
      const stable = new Set<string>();
      for (let i = 0; i < 3000; i++) {
        dict.set(`stable:${i}`, i);
        stable.add(`stable:${i}`);
      }
      let churn = 0;
      const seen = new Set<string>();
      let cursor = 0;
      let calls = 0;
      do {
        const batch = scanBatch(dict, cursor, 1 + random.int(0, 30));
        cursor = batch.cursor;
        for (const key of batch.keys) seen.add(key);
        // Between calls the table grows (many inserts) or shrinks (mass deletes).
        if (calls % 20 < 10) {
          for (let i = 0; i < 400; i++) dict.set(`churn:${churn++}`, 0);
        } else {
          for (const key of [...dict.keys()])
            if (key.startsWith('churn:') && random.chance(0.9)) dict.delete(key);
        }
        calls++;
      } while (cursor !== 0 && calls < 100_000);
      const missed = [...stable].filter((key) => !seen.has(key));
      t.same(missed, [], `seed ${seed}: every stable key seen in ${calls} calls`);
    }
  },
);

t.test('random keys come from the whole dict, also while rehashing', async (t) => {
  const dict = new ScanDict<number>();
  for (let i = 0; i < 1000; i++) dict.set(`k${i}`, i);
  const seen = new Set<string>();
  let foreign = 0;
  for (let i = 0; i < 20_000; i++) {
    const key = dict.randomKey()!;
    if (!dict.has(key)) foreign++;
    seen.add(key);
  }
  t.equal(foreign, 0, 'every random key is in the dict');
  t.ok(seen.size > 950, `${seen.size} distinct keys drawn`);
  for (let i = 0; i < 1000; i++) dict.delete(`k${i}`);
  t.equal(dict.randomKey(), undefined);
  dict.set('', 1);
  t.equal(dict.randomKey(), '', 'the empty key is a key');
  t.same(scanBatch(dict, 0, 10).keys, ['']);
});
