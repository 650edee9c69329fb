import t from 'tap';
import {
  type LexBound,
  type LexRange,
  type ScoreRange,
  type ScoredMember,
  SortedSet,
} from '../src/structures/sorted-set.js';

/** A deterministic PRNG (mulberry32) so failures reproduce. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** The model: a plain array kept sorted by (score, member). */
class NaiveZset {
  items: ScoredMember[] = [];
  set(member: string, score: number): void {
    this.items = this.items.filter((e) => e.member !== member);
    this.items.push({ member, score });
    this.items.sort((a, b) =>
      a.score !== b.score
        ? a.score - b.score
        : a.member < b.member
          ? -1
          : a.member > b.member
            ? 1
            : 0,
    );
  }
  delete(member: string): void {
    this.items = this.items.filter((e) => e.member !== member);
  }
  inScore(e: ScoredMember, r: ScoreRange): boolean {
    return (
      (r.minExclusive ? e.score > r.min : e.score >= r.min) &&
      (r.maxExclusive ? e.score < r.max : e.score <= r.max)
    );
  }
  inLex(e: ScoredMember, r: LexRange): boolean {
    const gte =
      r.min.kind === 'min' ||
      (r.min.kind === 'value' &&
        (r.min.exclusive ? e.member > r.min.value : e.member >= r.min.value));
    const lte =
      r.max.kind === 'max' ||
      (r.max.kind === 'value' &&
        (r.max.exclusive ? e.member < r.max.value : e.member <= r.max.value));
    return gte && lte;
  }
}

function slice<T>(items: T[], offset: number, limit: number): T[] {
  return items.slice(offset, limit < 0 ? undefined : offset + limit);
}

t.test('basic ordering, ranks and scores', async (t) => {
  const z = new SortedSet();
  t.equal(z.set('b', 1), true);
  t.equal(z.set('a', 1), true);
  t.equal(z.set('c', 0.5), true);
  t.equal(z.set('a', 1), false, 'existing member');
  t.same(
    [...z.entries()].map((e) => e.member),
    ['c', 'a', 'b'],
    'score then member bytes',
  );
  t.equal(z.rank('c'), 0);
  t.equal(z.rank('b'), 2);
  t.equal(z.rank('b', true), 0);
  t.equal(z.rank('zz'), undefined);
  t.same(z.at(1), { member: 'a', score: 1 });
  t.equal(z.score('c'), 0.5);
  z.set('c', 7);
  t.equal(z.rank('c'), 2, 'moved by a score update');
  t.equal(z.delete('a'), true);
  t.equal(z.delete('a'), false);
  t.equal(z.size, 2);
  t.same(z.pop(1, true), [{ member: 'c', score: 7 }]);
  t.same(z.pop(5), [{ member: 'b', score: 1 }]);
  t.equal(z.size, 0);
});

t.test('binary members order bytewise (shorter prefix first)', async (t) => {
  const z = new SortedSet();
  for (const m of ['\xff', 'a', 'a\x00', '', 'A', '\x80b']) z.set(m, 0);
  t.same(
    [...z.entries()].map((e) => e.member),
    ['', 'A', 'a', 'a\x00', '\x80b', '\xff'],
  );
});

t.test('encoding follows the listpack limits and never goes back', async (t) => {
  const z = new SortedSet(4, 8);
  for (let i = 0; i < 4; i++) z.set(`m${i}`, i);
  t.equal(z.encoding(), 'listpack');
  z.set('m4', 4);
  t.equal(z.encoding(), 'skiplist');
  z.pop(3);
  t.equal(z.encoding(), 'skiplist');
  const y = new SortedSet(4, 8);
  y.set('123456789', 1);
  t.equal(y.encoding(), 'skiplist', 'long member');
});

t.test('toCommands recreates the set exactly', async (t) => {
  const z = new SortedSet();
  const scores = [0.1, -0, 1e300, -Infinity, Infinity, 1 / 3, 123456789.123];
  scores.forEach((s, i) => {
    z.set(`m${i}`, s);
  });
  for (let i = 0; i < 300; i++) z.set(`bulk${i}`, i);
  const commands = z.toCommands('k');
  t.ok(commands.length > 1, 'batched');
  const copy = new SortedSet();
  for (const c of commands) {
    t.equal(c[0], 'ZADD');
    t.equal(c[1], 'k');
    for (let i = 2; i < c.length; i += 2)
      copy.set(c[i + 1], Number(c[i].replace('inf', 'Infinity')));
  }
  t.same([...copy.entries()], [...z.entries()]);
  t.ok(z.memoryUsage() > 300 * 100);
});

t.test('randomized against a naive sorted array', async (t) => {
  const random = prng(42);
  const z = new SortedSet(16, 64);
  const model = new NaiveZset();
  const members = Array.from(
    { length: 60 },
    (_, i) => String.fromCharCode(97 + (i % 26)).repeat(1 + (i % 3)) + (i > 30 ? '\xe9' : ''),
  );
  const pickScore = () => [0, 1, 2, 2.5, -1, Infinity, -Infinity][Math.floor(random() * 7)];
  const pickBound = (): LexBound => {
    const r = random();
    if (r < 0.1) return { kind: 'min' };
    if (r < 0.2) return { kind: 'max' };
    return {
      kind: 'value',
      value: members[Math.floor(random() * members.length)],
      exclusive: random() < 0.5,
    };
  };
  let checks = 0;
  for (let step = 0; step < 4000; step++) {
    const op = random();
    const member = members[Math.floor(random() * members.length)];
    if (op < 0.45) {
      const score = pickScore();
      z.set(member, score);
      model.set(member, score);
    } else if (op < 0.6) {
      z.delete(member);
      model.delete(member);
    } else if (op < 0.65) {
      const count = Math.floor(random() * 3);
      const max = random() < 0.5;
      const popped = z.pop(count, max);
      const expected = max
        ? model.items.slice(-count || model.items.length).reverse()
        : model.items.slice(0, count);
      if (count === 0) expected.length = 0;
      for (const e of expected) model.delete(e.member);
      t.same(popped, expected, `pop ${count} ${max}`);
    } else if (op < 0.75) {
      const a = Math.floor(random() * 70);
      const b = Math.floor(random() * 70);
      const [start, stop] = [Math.min(a, b), Math.min(Math.max(a, b), model.items.length - 1)];
      const reverse = random() < 0.5;
      const source = reverse ? [...model.items].reverse() : model.items;
      t.same(
        z.rangeByRank(start, stop, reverse),
        start > stop ? [] : source.slice(start, stop + 1),
      );
    } else if (op < 0.88) {
      const x = pickScore();
      const y = pickScore();
      const range: ScoreRange = {
        min: Math.min(x, y),
        max: random() < 0.1 ? Math.min(x, y) - 1 : Math.max(x, y),
        minExclusive: random() < 0.3,
        maxExclusive: random() < 0.3,
      };
      const reverse = random() < 0.5;
      const offset = Math.floor(random() * 4);
      const limit = Math.floor(random() * 6) - 1;
      const matching = model.items.filter((e) => model.inScore(e, range));
      if (reverse) matching.reverse();
      t.same(z.rangeByScore(range, reverse, offset, limit), slice(matching, offset, limit));
      t.equal(z.countByScore(range), matching.length);
    } else if (op < 0.97) {
      const range: LexRange = { min: pickBound(), max: pickBound() };
      const reverse = random() < 0.5;
      const offset = Math.floor(random() * 3);
      const limit = Math.floor(random() * 5) - 1;
      // Lex ranges are only meaningful when all scores are equal; use a same-score copy.
      const flat = new SortedSet();
      const flatModel = new NaiveZset();
      for (const e of model.items) {
        flat.set(e.member, 0);
        flatModel.set(e.member, 0);
      }
      const matching = flatModel.items.filter((e) => flatModel.inLex(e, range));
      if (reverse) matching.reverse();
      t.same(flat.rangeByLex(range, reverse, offset, limit), slice(matching, offset, limit));
      t.equal(flat.countByLex(range), matching.length);
      if (random() < 0.3) {
        t.equal(flat.deleteRangeByLex(range), matching.length);
        t.equal(flat.size, flatModel.items.length - matching.length);
      }
    } else {
      const start = Math.floor(random() * 5);
      const stop = Math.min(start + Math.floor(random() * 5), model.items.length - 1);
      const removed = start <= stop ? model.items.slice(start, stop + 1) : [];
      t.equal(z.deleteRangeByRank(start, stop), removed.length);
      for (const e of removed) model.delete(e.member);
    }
    if (step % 50 === 0 || step === 3999) {
      checks++;
      t.same([...z.entries()], model.items, `contents at step ${step}`);
      model.items.forEach((e, i) => {
        if (z.rank(e.member) !== i || z.rank(e.member, true) !== model.items.length - 1 - i) {
          t.fail(`rank of ${e.member}`);
        }
      });
    }
  }
  t.equal(z.size, model.items.length);
  t.ok(checks > 50);
});

t.test('random picks', async (t) => {
  const z = new SortedSet();
  for (let i = 0; i < 10; i++) z.set(`m${i}`, i);
  const distinct = z.randomDistinct(5);
  t.equal(new Set(distinct.map((e) => e.member)).size, 5);
  t.equal(z.randomDistinct(50).length, 10);
  const repeated = z.randomWithRepetition(40);
  t.equal(repeated.length, 40);
  for (const e of repeated) t.equal(z.score(e.member), e.score);
  const seen = new Set<string>();
  z.scan(0, (m) => seen.add(m));
  let cursor = 0;
  do cursor = z.scan(cursor, (m) => seen.add(m));
  while (cursor !== 0);
  t.equal(seen.size, 10, 'scan visits every member');
});
