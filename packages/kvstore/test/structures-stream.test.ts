import t from 'tap';
import {
  compareIds,
  decrementId,
  formatId,
  IdMap,
  incrementId,
  MAX_ID,
  MIN_ID,
  Stream,
  type StreamId,
} from '../src/structures/stream.js';

const id = (ms: number, seq = 0): StreamId => ({ ms: BigInt(ms), seq: BigInt(seq) });
const ids = (entries: { id: StreamId }[]) => entries.map((e) => formatId(e.id));

t.test('ID arithmetic', async (t) => {
  t.equal(compareIds(id(1, 2), id(1, 3)), -1);
  t.equal(compareIds(id(2, 0), id(1, 9)), 1);
  t.same(incrementId(id(1, 2)), id(1, 3));
  t.same(incrementId({ ms: 5n, seq: (1n << 64n) - 1n }), id(6, 0));
  t.equal(incrementId(MAX_ID), undefined);
  t.same(decrementId(id(6, 0)), { ms: 5n, seq: (1n << 64n) - 1n });
  t.equal(decrementId(MIN_ID), undefined);
  t.equal(formatId(MAX_ID), '18446744073709551615-18446744073709551615');
});

t.test('append, get, ranges in both directions, delete', async (t) => {
  const s = new Stream({ nodeMaxEntries: 3, nodeMaxBytes: 4096 });
  for (let i = 1; i <= 10; i++) s.append(id(i), ['f', String(i)]);
  t.equal(s.size, 10);
  t.equal(s.nodeCount, 4, 'nodes of 3 entries');
  t.same(s.get(id(4))?.fields, ['f', '4']);
  t.equal(s.get(id(4, 1)), undefined);
  t.same(ids(s.range(id(3), id(7))), ['3-0', '4-0', '5-0', '6-0', '7-0']);
  t.same(ids(s.range(id(3), id(7), true, 2)), ['7-0', '6-0']);
  t.same(ids(s.range(MIN_ID, MAX_ID, true)).length, 10);
  t.same(ids(s.range(id(8), id(2))), []);
  t.equal(s.delete(id(5)), true);
  t.equal(s.delete(id(5)), false);
  t.same(s.maxDeletedId, id(5));
  t.same(ids(s.range(id(4), id(6))), ['4-0', '6-0']);
  s.delete(id(4));
  s.delete(id(6));
  t.equal(s.nodeCount, 3, 'an emptied node is removed');
  t.same(s.nextId(3), id(10, 1), 'clock behind the last ID');
  t.same(s.nextId(20), id(20, 0));
  t.equal(s.entriesAdded, 10);
});

t.test('trimming: exact, approximate (whole nodes), MINID and LIMIT', async (t) => {
  const make = () => {
    const s = new Stream({ nodeMaxEntries: 10, nodeMaxBytes: 4096 });
    for (let i = 1; i <= 35; i++) s.append(id(i), ['f', 'v']);
    return s;
  };
  let s = make();
  t.equal(s.trim({ kind: 'maxlen', maxLen: 12, approx: false, limit: 0 }), 23);
  t.same(ids([s.firstEntry!]), ['24-0']);
  s = make();
  t.equal(s.trim({ kind: 'maxlen', maxLen: 12, approx: true, limit: 0 }), 20, 'two whole nodes');
  t.equal(s.size, 15);
  s = make();
  t.equal(
    s.trim({ kind: 'maxlen', maxLen: 0, approx: true, limit: 15 }),
    10,
    'limit stops at a node',
  );
  s = make();
  t.equal(s.trim({ kind: 'minid', minId: id(15), approx: false, limit: 0 }), 14);
  t.same(ids([s.firstEntry!]), ['15-0']);
  s = make();
  t.equal(s.trim({ kind: 'minid', minId: id(15), approx: true, limit: 0 }), 10);
  // A node partly trimmed keeps its capacity used by the deleted entries.
  s = make();
  s.trim({ kind: 'maxlen', maxLen: 30, approx: false, limit: 0 });
  t.equal(s.nodeCount, 4);
});

t.test('node boundaries follow the listpack byte budget', async (t) => {
  const s = new Stream({ nodeMaxEntries: 100, nodeMaxBytes: 4096 });
  for (let i = 1; i <= 100; i++) s.append(id(i), ['field', 'x'.repeat(100)]);
  t.ok(s.nodeCount > 2, `big values split nodes earlier (${s.nodeCount})`);
});

t.test('IdMap keeps order and supports ranges', async (t) => {
  const m = new IdMap<string>();
  for (const n of [5, 1, 3, 9, 7]) m.set(id(n), `v${n}`);
  t.same(
    [...m].map(([k]) => Number(k.ms)),
    [1, 3, 5, 7, 9],
  );
  t.same(
    [...m.range(id(3), id(7))].map(([, v]) => v),
    ['v3', 'v5', 'v7'],
  );
  t.same(
    [...m.range(id(2), id(8), true)].map(([, v]) => v),
    ['v7', 'v5', 'v3'],
  );
  t.equal(m.delete(id(5)), 'v5');
  t.equal(m.get(id(5)), undefined);
  t.same(m.first()?.[1], 'v1');
  t.same(m.last()?.[1], 'v9');
});

t.test('consumer groups: delivery, claim, ack, lag', async (t) => {
  const s = new Stream();
  for (let i = 1; i <= 5; i++) s.append(id(i), ['f', 'v']);
  const g = { name: 'g' };
  const { ConsumerGroup } = await import('../src/structures/stream.js');
  const group = new ConsumerGroup(g.name, MIN_ID, 0);
  s.groups.set('g', group);
  const alice = group.consumer('alice', 1000).consumer;
  const bob = group.consumer('bob', 1000).consumer;
  for (const e of s.range(MIN_ID, id(3))) {
    group.deliver(e.id, alice, 1000, true);
    s.advanceGroup(group, e.id);
  }
  t.equal(group.entriesRead, 3);
  t.equal(s.groupLag(group), 2);
  t.equal(group.pending.size, 3);
  const moved = group.deliver(id(2), bob, 2000, true);
  t.equal(moved.deliveryCount, 2);
  t.equal(alice.pending.size, 2);
  t.equal(bob.pending.size, 1);
  t.equal(group.ack(id(1)), true);
  t.equal(group.ack(id(1)), false);
  t.equal(group.deleteConsumer('bob'), 1);
  t.equal(group.pending.size, 1);
  s.delete(id(4));
  t.equal(s.groupLag(group), undefined, 'a tombstone after the group makes the lag unknown');
  const commands = s.toCommands('k');
  t.same(commands[0], ['XADD', 'k', '1-0', 'f', 'v']);
  t.ok(commands.some((c) => c[0] === 'XSETID' && c.includes('MAXDELETEDID') && c.includes('4-0')));
  t.ok(commands.some((c) => c[0] === 'XCLAIM' && c.includes('alice') && c.includes('3-0')));
});
