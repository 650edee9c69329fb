import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { requireTool } from '@strata/common/testing';
import t from 'tap';
import {
  compareCommandInfo,
  differences,
  type Reply,
  redisServerPath,
  show,
  startPair,
  startStrata,
} from './fixtures/diff-client.js';

/**
 * MEMORY against redis-server 7.0: the same reply types, field names, nils and errors (the
 * byte figures are each server's own), and redis-cli's --memkeys / --bigkeys over our server.
 */
const run = promisify(execFile);

const SETUP: string[][] = [
  ['SET', 'str', 'x'.repeat(100)],
  ['RPUSH', 'list', 'a', 'b', 'c'],
  ['HSET', 'hash', 'f', 'v'],
  ['SADD', 'set', 'a', 'b'],
  ['ZADD', 'zset', '1', 'a'],
  ['XADD', 'stream', '1-1', 'f', 'v'],
  ['GEOADD', 'geo', '13.361389', '38.115556', 'Palermo'],
  ['SET', 'ttl', 'v', 'EX', '100'],
];

/** Exact replies: errors, nils and fixed texts. */
const EXACT: string[][] = [
  ['MEMORY', 'USAGE', 'nokey'],
  ['MEMORY', 'USAGE', 'nokey', 'SAMPLES', '5'],
  ['MEMORY', 'USAGE', 'str', 'SAMPLES'],
  ['MEMORY', 'USAGE', 'str', 'SAMPLES', 'x'],
  ['MEMORY', 'USAGE', 'str', 'SAMPLES', '-1'],
  ['MEMORY', 'USAGE', 'str', 'FOO', '1'],
  ['MEMORY', 'USAGE', 'str', 'SAMPLES', '1', 'SAMPLES'],
  ['MEMORY', 'USAGE', 'nokey', 'SAMPLES', 'x'],
  ['MEMORY', 'USAGE'],
  ['MEMORY'],
  ['MEMORY', 'FOO'],
  ['MEMORY', 'DOCTOR', 'x'],
  ['MEMORY', 'STATS', 'x'],
  ['MEMORY', 'MALLOC-STATS', 'x'],
  ['MEMORY', 'PURGE', 'x'],
  ['MEMORY', 'HELP', 'x'],
  ['MEMORY', 'PURGE'],
  ['MEMORY', 'HELP'],
  ['memory', 'help'],
  ['COMMAND', 'GETKEYS', 'MEMORY', 'USAGE', 'k'],
  ['COMMAND', 'GETKEYS', 'MEMORY', 'USAGE', 'k', 'SAMPLES', '0'],
];

/** The reply with every number, double and text replaced by its type: the shape clients see. */
function shape(reply: Reply): string {
  if (reply.t === 'null') return 'null';
  if (reply.t === 'map' || reply.t === 'array') {
    // Maps and flat RESP2 arrays of name/value pairs: names kept, values reduced to types.
    const items = reply.v.map((item, i) =>
      i % 2 === 0 && item.t === 'bulk' ? item.v : shape(item),
    );
    return `${reply.t}[${items.join(', ')}]`;
  }
  return reply.t;
}

t.test('MEMORY replies match redis-server', async (t) => {
  const redisPath = redisServerPath(t);
  if (!redisPath) return;
  for (const resp of [2, 3] as const) {
    const pair = await startPair(t, redisPath, resp);
    t.same(await differences(pair, SETUP), [], `setup RESP${resp}`);
    t.same(await differences(pair, EXACT), [], `errors, nils and texts RESP${resp}`);
    const shapes: string[][] = [
      ...SETUP.map(([, key]) => ['MEMORY', 'USAGE', key!]),
      ['MEMORY', 'USAGE', 'list', 'SAMPLES', '0'],
      ['MEMORY', 'STATS'],
      ['MEMORY', 'DOCTOR'],
      ['MEMORY', 'MALLOC-STATS'],
      ['SELECT', '3'],
      ['SET', 'k', 'v'],
      ['MEMORY', 'STATS'],
      ['FLUSHALL'],
      ['MEMORY', 'STATS'],
    ];
    for (const command of shapes) {
      const theirs = await pair.redis.send(...command);
      const ours = await pair.ours.send(...command);
      t.equal(shape(ours), shape(theirs), `${command.join(' ')} (RESP${resp})`);
    }
    await compareCommandInfo(t, pair, ['memory']);
  }
});

function integerOf(reply: Reply): number {
  if (reply.t !== 'int') throw new Error(`not an integer: ${show(reply)}`);
  return Number(reply.v);
}

t.test('MEMORY USAGE follows the value it measures', async (t) => {
  const redisPath = redisServerPath(t);
  if (!redisPath) return;
  const pair = await startPair(t, redisPath);
  const client = pair.ours;
  await client.send('SET', 'small', 'x');
  await client.send('SET', 'big', 'x'.repeat(10_000));
  const small = integerOf(await client.send('MEMORY', 'USAGE', 'small'));
  const big = integerOf(await client.send('MEMORY', 'USAGE', 'big'));
  t.ok(big >= 10_000 && big < 11_000, `a 10 kB string: ${big} bytes`);
  t.ok(small > 0 && small < 200, `a 1-byte string: ${small} bytes`);
  const members = Array.from({ length: 1000 }, (_, i) => `member-${i}`);
  await client.send('SADD', 'set', ...members.slice(0, 10));
  const tenMembers = integerOf(await client.send('MEMORY', 'USAGE', 'set'));
  await client.send('SADD', 'set', ...members);
  const thousand = integerOf(await client.send('MEMORY', 'USAGE', 'set', 'SAMPLES', '0'));
  t.ok(thousand > tenMembers * 20, `10 members ${tenMembers} bytes, 1000 members ${thousand}`);
  await client.send('EXPIRE', 'small', '100');
  const withTtl = integerOf(await client.send('MEMORY', 'USAGE', 'small'));
  t.ok(withTtl > small, `a TTL costs bytes too (${small} -> ${withTtl})`);
  // The sum over the keys is the dataset MEMORY STATS reports (plus the keyspace's own tables).
  const stats = await client.send('MEMORY', 'STATS');
  const fields = new Map<string, Reply>();
  if (stats.t === 'array') {
    for (let i = 0; i < stats.v.length; i += 2) fields.set(show(stats.v[i]!), stats.v[i + 1]!);
  }
  const dataset = integerOf(fields.get('bulk:"dataset.bytes"')!);
  t.ok(dataset >= big + thousand + withTtl, `dataset.bytes ${dataset}`);
  t.equal(integerOf(fields.get('bulk:"keys.count"')!), 3);
  const empty = await client.send('MEMORY', 'DOCTOR');
  t.match(show(empty), /too little for a memory diagnosis/);
  await client.send('SET', 'huge', 'x'.repeat(6 * 1024 * 1024));
  const doctor = await client.send('MEMORY', 'DOCTOR');
  t.match(show(doctor), /No memory issue found: .* in 4 keys|Peak memory|High RSS|client buffers/);
});

t.test('redis-cli --memkeys and --bigkeys run over our server', async (t) => {
  const cli = requireTool(t, 'redis-cli');
  if (!cli) return;
  const server = await startStrata();
  t.teardown(server.stop);
  const p = ['-p', String(server.port)];
  const script = [
    ...Array.from({ length: 30 }, (_, i) => `SET s${i} ${'x'.repeat(i * 10 + 1)}`),
    ...Array.from({ length: 10 }, (_, i) => `RPUSH l${i} ${'a '.repeat(i + 1)}`),
    'HSET h f1 v1 f2 v2',
    'SADD st a b c',
    'ZADD z 1 a 2 b',
    'XADD x * f v',
    'GEOADD g 13.361389 38.115556 Palermo',
  ];
  for (const line of script) await run(cli!, [...p, ...line.trim().split(' ')]);
  const memkeys = await run(cli!, [...p, '--memkeys'], { timeout: 30_000 });
  t.match(memkeys.stdout, /Biggest\s+string found '"s29"' has \d+ bytes/);
  t.match(memkeys.stdout, /Biggest\s+list found '"l9"' has \d+ bytes/);
  t.match(memkeys.stdout, /Biggest\s+zset found '"(z|g)"' has \d+ bytes/);
  t.match(memkeys.stdout, /Sampled 45 keys in the keyspace!/);
  const samples = await run(cli!, [...p, '--memkeys-samples', '0'], { timeout: 30_000 });
  t.match(samples.stdout, /Biggest\s+hash found '"h"' has \d+ bytes/);
  const bigkeys = await run(cli!, [...p, '--bigkeys'], { timeout: 30_000 });
  t.match(bigkeys.stdout, /Biggest\s+string found '"s29"' has 291 bytes/);
  t.match(bigkeys.stdout, /Biggest\s+list found '"l9"' has 10 items/);
  t.match(bigkeys.stdout, /Biggest\s+zset found '"(z|g)"' has 2 members/);
  t.match(bigkeys.stdout, /Biggest\s+stream found '"x"' has 1 entries/);
});
