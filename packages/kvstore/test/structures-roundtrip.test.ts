import t from 'tap';
import { type Reply, RawClient, show, startStrata } from './fixtures/diff-client.js';

/**
 * toCommands() of sorted sets and streams (and the HLL/bitmap strings) carry everything through
 * DEBUG RELOAD (snapshot), COPY and DUMP/RESTORE: the recreated values answer like the originals.
 */

const SETUP: string[][] = [
  ['ZADD', 'z', '1', 'a', '-inf', 'b', '2.5', 'c', '1e300', 'd', '-0', 'e'],
  ['ZADD', 'zbig', ...Array.from({ length: 200 }, (_, i) => [String(i / 3), `m${i}`]).flat()],
  ['XADD', 's', '1-1', 'f', 'v'],
  ['XADD', 's', '2-1', 'a', '1', 'b', '2'],
  ['XADD', 's', '3-1', 'f', 'w'],
  ['XADD', 's', '4-1', 'f', 'x'],
  ['XDEL', 's', '2-1'],
  ['XGROUP', 'CREATE', 's', 'g', '0'],
  ['XGROUP', 'CREATE', 's', 'idle', '$', 'ENTRIESREAD', '3'],
  ['XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '2', 'STREAMS', 's', '>'],
  ['XREADGROUP', 'GROUP', 'g', 'bob', 'STREAMS', 's', '>'],
  ['XCLAIM', 's', 'g', 'bob', '0', '1-1', 'RETRYCOUNT', '5'],
  ['XGROUP', 'CREATECONSUMER', 's', 'g', 'carol'],
  ['XSETID', 's', '9-9', 'ENTRIESADDED', '12', 'MAXDELETEDID', '2-1'],
  ['XGROUP', 'CREATE', 'empty', 'g', '$', 'MKSTREAM'],
  ['XADD', 'emptied', '5-5', 'f', 'v'],
  ['XDEL', 'emptied', '5-5'],
  ['PFADD', 'h', 'a', 'b', 'c'],
  ['SETBIT', 'bits', '100', '1'],
];

function views(key: string): string[][] {
  if (key.startsWith('z')) {
    return [
      ['ZRANGE', key, '0', '-1', 'WITHSCORES'],
      ['OBJECT', 'ENCODING', key],
      ['TYPE', key],
    ];
  }
  if (key === 'h' || key === 'bits')
    return [
      ['GET', key],
      ['TYPE', key],
    ];
  return [
    ['XINFO', 'STREAM', key, 'FULL'],
    ['XINFO', 'GROUPS', key],
    ['XPENDING', key, 'g', '-', '+', '100'],
    ['XRANGE', key, '-', '+'],
    ['TYPE', key],
  ];
}

/** Drops what a recreation may legitimately change: times, idle, node layout. */
function mask(reply: Reply): string {
  return show(reply)
    .replace(/int:"\d{13}"/g, 'int:TIME')
    .replace(/(bulk:"(?:radix-tree-keys|radix-tree-nodes|seen-time|idle)", )int:"\d+"/g, '$1int:X')
    .replace(/(bulk:"[^"]*", )int:"\d+", (int:"\d+"\])/g, '$1int:IDLE, $2');
}

const KEYS = ['z', 'zbig', 's', 'empty', 'emptied', 'h', 'bits'];

async function snapshot(c: RawClient, rename = (k: string) => k): Promise<string[]> {
  const out: string[] = [];
  for (const key of KEYS) {
    for (const command of views(key)) {
      const renamed = command.map((a, i) => (i > 0 && a === key ? rename(key) : a));
      const text = mask(await c.send(...renamed)).replaceAll(rename(key), key);
      out.push(`${command.join(' ')} => ${text}`);
    }
  }
  return out;
}

t.test('values survive DEBUG RELOAD, COPY and DUMP/RESTORE', async (t) => {
  const server = await startStrata({ 'enable-debug-command': 'yes' });
  t.teardown(server.stop);
  const c = await RawClient.connect(server.port);
  t.teardown(() => c.close());
  for (const command of SETUP) {
    const reply = await c.send(...command);
    t.not(reply.t, 'error', `${command.join(' ')}: ${show(reply)}`);
  }
  const before = await snapshot(c);
  t.same(await c.send('DEBUG', 'RELOAD'), { t: 'simple', v: 'OK' });
  t.same(await snapshot(c), before, 'after DEBUG RELOAD');
  for (const key of KEYS) {
    t.same(await c.send('COPY', key, `copy:${key}`), { t: 'int', v: '1' });
    const dump = await c.send('DUMP', key);
    t.equal(dump.t, 'bulk');
    if (dump.t === 'bulk') {
      const restored = await c.send(
        'RESTORE',
        `restored:${key}`,
        '0',
        Buffer.from(dump.v, 'latin1'),
      );
      t.same(restored, { t: 'simple', v: 'OK' }, `RESTORE ${key}`);
    }
  }
  t.same(await snapshot(c, (k) => `copy:${k}`), before, 'COPY');
  t.same(await snapshot(c, (k) => `restored:${k}`), before, 'DUMP/RESTORE');
});
