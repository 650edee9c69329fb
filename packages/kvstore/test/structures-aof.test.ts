import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { type Reply, RawClient, show, startStrata, untilBlocked } from './fixtures/diff-client.js';

/**
 * What the sorted-set, stream, HLL and bitmap commands propagate to the append-only file
 * rebuilds the same data on restart: served blocking pops, generated IDs, consumer-group
 * deliveries, claims and acknowledgements included.
 */

const SCRIPT: string[][] = [
  ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd'],
  ['ZINCRBY', 'z', '0.5', 'a'],
  ['ZPOPMIN', 'z'],
  ['ZMPOP', '1', 'z', 'MAX', 'COUNT', '1'],
  ['ZADD', 'z2', '5', 'x'],
  ['ZUNIONSTORE', 'u', '2', 'z', 'z2', 'WEIGHTS', '2', '3'],
  ['ZRANGESTORE', 'r', 'u', '0', '0'],
  ['ZREMRANGEBYSCORE', 'z2', '-inf', '+inf'],
  ['XADD', 's', '*', 'f', 'v'],
  ['XADD', 's', '*', 'f', 'w'],
  ['XADD', 's', 'MAXLEN', '~', '1', '*', 'f', 'x'],
  ['XADD', 's', '*', 'f', 'y'],
  ['XGROUP', 'CREATE', 's', 'g', '0'],
  ['XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '2', 'STREAMS', 's', '>'],
  ['XREADGROUP', 'GROUP', 'g', 'bob', 'STREAMS', 's', '>'],
  ['XGROUP', 'CREATECONSUMER', 's', 'g', 'carol'],
  ['XAUTOCLAIM', 's', 'g', 'carol', '0', '0', 'COUNT', '1'],
  ['XGROUP', 'CREATE', 's', 'g2', '$', 'ENTRIESREAD', '4'],
  ['XREADGROUP', 'GROUP', 'g2', 'dan', 'NOACK', 'STREAMS', 's', '>'],
  ['XTRIM', 's', 'MAXLEN', '3'],
  ['XSETID', 's', '99999999999999-1'],
  ['PFADD', 'h', 'a', 'b', 'c'],
  ['PFMERGE', 'h2', 'h'],
  ['SETBIT', 'bits', '9', '1'],
  ['BITFIELD', 'bits', 'INCRBY', 'u4', '#1', '7'],
  ['BITOP', 'NOT', 'nbits', 'bits'],
];

const VIEWS: string[][] = [
  ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
  ['ZRANGE', 'u', '0', '-1', 'WITHSCORES'],
  ['ZRANGE', 'r', '0', '-1', 'WITHSCORES'],
  ['EXISTS', 'z2'],
  ['XRANGE', 's', '-', '+'],
  ['XINFO', 'STREAM', 's', 'FULL'],
  ['XINFO', 'GROUPS', 's'],
  ['XPENDING', 's', 'g', '-', '+', '10'],
  ['GET', 'h'],
  ['GET', 'h2'],
  ['GET', 'bits'],
  ['GET', 'nbits'],
];

function mask(reply: Reply): string {
  return show(reply)
    .replace(/(bulk:"(?:radix-tree-keys|radix-tree-nodes|seen-time|idle)", )int:"\d+"/g, '$1int:X')
    .replace(/(bulk:"[^"]*", )int:"\d+", (int:"\d+"\])/g, '$1int:IDLE, $2');
}

async function views(port: number): Promise<string[]> {
  const c = await RawClient.connect(port);
  const out: string[] = [];
  for (const command of VIEWS)
    out.push(`${command.join(' ')} => ${mask(await c.send(...command))}`);
  c.close();
  return out;
}

t.test('the AOF rebuilds the same values on restart', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-aof-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const settings = { dir, appendonly: 'yes', appendfsync: 'always' };
  const first = await startStrata(settings);
  const c = await RawClient.connect(first.port);
  const blocked = await RawClient.connect(first.port);
  // A blocking pop served by a later ZADD is logged as the pop that happened.
  const served = blocked.send('BZPOPMIN', 'bz', '5');
  await untilBlocked(c);
  await c.send('ZADD', 'bz', '1', 'one', '2', 'two');
  t.same(await served, {
    t: 'array',
    v: [
      { t: 'bulk', v: 'bz' },
      { t: 'bulk', v: 'one' },
      { t: 'bulk', v: '1' },
    ],
  });
  for (const command of SCRIPT) {
    const reply = await c.send(...command);
    t.not(reply.t, 'error', `${command.join(' ')} => ${show(reply)}`);
  }
  VIEWS.push(['ZRANGE', 'bz', '0', '-1', 'WITHSCORES']);
  const before = await views(first.port);
  c.close();
  blocked.close();
  await first.stop();
  const second = await startStrata(settings);
  t.teardown(second.stop);
  t.same(await views(second.port), before);
});
