import t from 'tap';
import { type Reply, differences, redisServerPath, startPair } from './fixtures/diff-client.js';
import { fuzzCommands } from './fixtures/fuzz.js';
import { Random } from './fixtures/random.js';

const TIME_KEYS = new Set(['idle', 'seen-time', 'radix-tree-nodes']);

/** Masks what depends on the clock or on rax internals: idle times, timestamps, tree nodes. */
function maskTimes(command: string[], reply: Reply): Reply {
  const name = command[0].toUpperCase();
  if (name !== 'XPENDING' && name !== 'XINFO') return reply;
  const walk = (r: Reply): Reply => {
    if (!('v' in r) || !Array.isArray(r.v)) {
      return r.t === 'int' && Number(r.v) > 1e12 ? { t: 'int', v: 'TIME' } : r;
    }
    const items = r.v.map(walk);
    for (let i = 0; i + 1 < items.length; i++) {
      const k = items[i];
      if (k.t === 'bulk' && TIME_KEYS.has(k.v)) items[i + 1] = { t: 'int', v: 'MASKED' };
    }
    // XPENDING rows: [id, consumer, idle, deliveries].
    if (
      name === 'XPENDING' &&
      items.length === 4 &&
      items[2].t === 'int' &&
      items[1].t === 'bulk'
    ) {
      items[2] = { t: 'int', v: 'IDLE' };
    }
    return { ...r, v: items } as Reply;
  };
  return walk(reply);
}

const SCRIPT: string[][] = [
  ['XADD', 's', '1-1', 'f', 'v'],
  ['XADD', 's', '1-1', 'f', 'v'],
  ['XADD', 's', '1-*', 'a', '1', 'b', '2'],
  ['XADD', 's', '2', 'f', 'v2'],
  ['XADD', 's', '0-*', 'x', 'y'],
  ['XADD', 's', '0-0', 'x', 'y'],
  ['XADD', 's', '5-3', 'f'],
  ['XADD', 's', 'MAXLEN', '5-3', 'f', 'v'],
  ['XADD', 's', 'abc', 'f', 'v'],
  ['XADD', 's', '-', 'f', 'v'],
  ['XADD', 's', '3-18446744073709551615', 'f', 'v'],
  ['XADD', 's', '3-*', 'f', 'v'],
  ['XADD', 's', '18446744073709551616-1', 'f', 'v'],
  ['XADD', 's', '007-1', 'f', 'v'],
  ['XADD', 'nos', 'NOMKSTREAM', '1-1', 'f', 'v'],
  ['EXISTS', 'nos'],
  ['XLEN', 's'],
  ['XLEN', 'nokey'],
  ['XRANGE', 's', '-', '+'],
  ['XRANGE', 's', '-', '+', 'COUNT', '2'],
  ['XRANGE', 's', '-', '+', 'COUNT', '0'],
  ['XRANGE', 's', '-', '+', 'COUNT', '-1'],
  ['XRANGE', 's', '(1-1', '(3'],
  ['XRANGE', 's', '1', '1'],
  ['XRANGE', 's', '(18446744073709551615-18446744073709551615', '+'],
  ['XRANGE', 's', '-', '(0-0'],
  ['XRANGE', 's', '-', '+', 'LIMIT', '1'],
  ['XRANGE', 's', 'x', '+'],
  ['XRANGE', 'nokey', '-', '+'],
  ['XREVRANGE', 's', '+', '-'],
  ['XREVRANGE', 's', '+', '-', 'COUNT', '1'],
  ['XREVRANGE', 's', '(3', '1-2'],
  ['XDEL', 's', '1-2', '9-9'],
  ['XDEL', 's', 'bad'],
  ['XDEL', 'nokey', '1-1'],
  ['XINFO', 'STREAM', 's'],
  ['XADD', 't', 'MAXLEN', '2', '1-1', 'a', 'b'],
  ['XADD', 't', 'MAXLEN', '=', '2', '2-1', 'a', 'b'],
  ['XADD', 't', 'MAXLEN', '2', '3-1', 'a', 'b'],
  ['XRANGE', 't', '-', '+'],
  ['XADD', 't', 'MINID', '3', '4-1', 'a', 'b'],
  ['XADD', 't', 'MINID', '~', '4', 'LIMIT', '10', '5-1', 'a', 'b'],
  ['XADD', 't', 'MAXLEN', '1', 'MINID', '1', '6-1', 'a', 'b'],
  ['XADD', 't', 'MAXLEN', '-1', '6-1', 'a', 'b'],
  ['XADD', 't', 'LIMIT', '5', '6-1', 'a', 'b'],
  ['XADD', 't', 'MAXLEN', '1', 'LIMIT', '5', '6-1', 'a', 'b'],
  ['XADD', 't', 'MAXLEN', '~', '1', 'LIMIT', '-5', '6-1', 'a', 'b'],
  ['XADD', 't', 'MAXLEN', '1'],
  ['XTRIM', 't', 'MAXLEN', '1'],
  ['XTRIM', 't', 'MAXLEN', '1'],
  ['XTRIM', 't'],
  ['XTRIM', 't', 'FOO', '1'],
  ['XTRIM', 't', 'LIMIT', '1'],
  ['XTRIM', 'nokey', 'MAXLEN', '1'],
  ['XTRIM', 't', 'MINID', 'bad'],
  ['XINFO', 'STREAM', 't'],
  ['XSETID', 't', '10-10'],
  ['XSETID', 't', '1-1'],
  ['XSETID', 't', '20-0', 'ENTRIESADDED', '100', 'MAXDELETEDID', '15-0'],
  ['XSETID', 't', '20-0', 'ENTRIESADDED', '0'],
  ['XSETID', 't', '20-0', 'MAXDELETEDID', '30-0'],
  ['XSETID', 't', '20-0', 'ENTRIESADDED', '-1'],
  ['XSETID', 'nokey', '1-1'],
  ['XSETID', 't', '25-0', 'FOO'],
  ['XINFO', 'STREAM', 't'],
  ['XADD', 't', '30-*', 'late', 'entry'],
  ['XADD', 't', '30-*', 'later', 'entry'],
  ['XLEN', 't'],
  ['XREAD', 'STREAMS', 's', '0'],
  ['XREAD', 'COUNT', '1', 'STREAMS', 's', 't', '0', '0'],
  ['XREAD', 'STREAMS', 's', '$'],
  ['XREAD', 'STREAMS', 's', 'nokey', '2', '0'],
  ['XREAD', 'STREAMS', 's'],
  ['XREAD', 'STREAMS', 's', '>'],
  ['XREAD', 'GROUP', 'g', 'c', 'STREAMS', 's', '0'],
  ['XREAD', 'NOACK', 'STREAMS', 's', '0'],
  ['XREAD', 'BLOCK', '10', 'STREAMS', 's', '$'],
  ['XREAD', 'BLOCK', '-1', 'STREAMS', 's', '$'],
  ['XREAD', 'COUNT', 'x', 'STREAMS', 's', '$'],
  ['XREAD', 'FOO', 'STREAMS', 's', '$'],
  ['XGROUP', 'CREATE', 's', 'g', '0'],
  ['XGROUP', 'CREATE', 's', 'g', '0'],
  ['XGROUP', 'CREATE', 'nokey', 'g', '0'],
  ['XGROUP', 'CREATE', 'mk', 'g', '$', 'MKSTREAM'],
  ['XGROUP', 'CREATE', 's', 'g2', '$', 'ENTRIESREAD', '3'],
  ['XGROUP', 'CREATE', 's', 'g3', '1-1', 'ENTRIESREAD', '-2'],
  ['XGROUP', 'CREATE', 's', 'g3', 'bad'],
  ['XGROUP', 'CREATE', 's', 'g3', '0', 'FOO'],
  ['XGROUP', 'CREATECONSUMER', 's', 'g', 'alice'],
  ['XGROUP', 'CREATECONSUMER', 's', 'g', 'alice'],
  ['XGROUP', 'CREATECONSUMER', 's', 'nogroup', 'alice'],
  ['XGROUP', 'FOO', 's', 'g'],
  ['XGROUP', 'CREATE', 's'],
  ['XGROUP', 'HELP'],
  ['XINFO', 'GROUPS', 's'],
  ['XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '2', 'STREAMS', 's', '>'],
  ['XREADGROUP', 'GROUP', 'g', 'bob', 'STREAMS', 's', '>'],
  ['XREADGROUP', 'GROUP', 'g', 'bob', 'STREAMS', 's', '>'],
  ['XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '0'],
  ['XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '1', 'STREAMS', 's', '1-1'],
  ['XREADGROUP', 'GROUP', 'g', 'carol', 'STREAMS', 's', '0'],
  ['XREADGROUP', 'GROUP', 'nogroup', 'x', 'STREAMS', 's', '>'],
  ['XREADGROUP', 'GROUP', 'g', 'x', 'STREAMS', 'nokey', '>'],
  ['XREADGROUP', 'GROUP', 'g', 'x', 'STREAMS', 's', '$'],
  ['XREADGROUP', 'STREAMS', 's', '>'],
  ['XREADGROUP', 'GROUP', 'g2', 'dan', 'NOACK', 'STREAMS', 's', '>'],
  ['XINFO', 'GROUPS', 's'],
  ['XINFO', 'CONSUMERS', 's', 'g'],
  ['XINFO', 'CONSUMERS', 's', 'nogroup'],
  ['XINFO', 'CONSUMERS', 'nokey', 'g'],
  ['XPENDING', 's', 'g'],
  ['XPENDING', 's', 'g', '-', '+', '10'],
  ['XPENDING', 's', 'g', '-', '+', '10', 'bob'],
  ['XPENDING', 's', 'g', '-', '+', '10', 'nobody'],
  ['XPENDING', 's', 'g', 'IDLE', '0', '-', '+', '1'],
  ['XPENDING', 's', 'g', 'IDLE', '100000', '-', '+', '10'],
  ['XPENDING', 's', 'g', '(1-1', '+', '10'],
  ['XPENDING', 's', 'g', '-', '+'],
  ['XPENDING', 's', 'g', '-', '+', 'x'],
  ['XPENDING', 's', 'nogroup'],
  ['XPENDING', 's', 'g2'],
  ['XCLAIM', 's', 'g', 'carol', '0', '1-1', '2-0'],
  ['XCLAIM', 's', 'g', 'carol', '0', '1-1', 'JUSTID'],
  ['XCLAIM', 's', 'g', 'carol', '3600000', '3-0'],
  ['XCLAIM', 's', 'g', 'carol', '0', '5-3', 'FORCE', 'RETRYCOUNT', '7'],
  ['XCLAIM', 's', 'g', 'carol', '0', '9-9', 'FORCE'],
  ['XCLAIM', 's', 'g', 'carol', '0', '1-1', 'BOGUS'],
  ['XCLAIM', 's', 'g', 'carol', 'x', '1-1'],
  ['XCLAIM', 's', 'g', 'carol', '0', '1-1', 'IDLE', 'x'],
  ['XCLAIM', 's', 'nogroup', 'carol', '0', '1-1'],
  ['XCLAIM', 's', 'g', 'dave', '0', '1-1', 'LASTID', '9-0', 'TIME', '1'],
  ['XPENDING', 's', 'g', '-', '+', '10'],
  ['XINFO', 'GROUPS', 's'],
  ['XDEL', 's', '2-0'],
  ['XAUTOCLAIM', 's', 'g', 'erin', '0', '0'],
  ['XAUTOCLAIM', 's', 'g', 'erin', '0', '0', 'COUNT', '1'],
  ['XAUTOCLAIM', 's', 'g', 'erin', '0', '(1-1', 'COUNT', '1', 'JUSTID'],
  ['XAUTOCLAIM', 's', 'g', 'erin', '0', '0', 'COUNT', '0'],
  ['XAUTOCLAIM', 's', 'g', 'erin', '0', '0', 'FOO'],
  ['XAUTOCLAIM', 's', 'nogroup', 'erin', '0', '0'],
  ['XPENDING', 's', 'g'],
  ['XACK', 's', 'g', '1-1', '1-1', '3-0'],
  ['XACK', 's', 'g', 'bad'],
  ['XACK', 's', 'nogroup', '1-1'],
  ['XACK', 'nokey', 'g', '1-1'],
  ['XGROUP', 'DELCONSUMER', 's', 'g', 'erin'],
  ['XGROUP', 'DELCONSUMER', 's', 'g', 'nobody'],
  ['XGROUP', 'SETID', 's', 'g', '0'],
  ['XGROUP', 'SETID', 's', 'g', '$', 'ENTRIESREAD', '2'],
  ['XGROUP', 'SETID', 's', 'nogroup', '0'],
  ['XINFO', 'GROUPS', 's'],
  ['XGROUP', 'DESTROY', 's', 'g3'],
  ['XGROUP', 'DESTROY', 's', 'g2'],
  ['XINFO', 'STREAM', 's', 'FULL'],
  ['XINFO', 'STREAM', 's', 'FULL', 'COUNT', '1'],
  ['XINFO', 'STREAM', 's', 'PARTIAL'],
  ['XINFO', 'STREAM', 'nokey'],
  ['XINFO', 'STREAM', 'mk'],
  ['XINFO', 'FOO'],
  ['TYPE', 's'],
  ['OBJECT', 'ENCODING', 's'],
  ['EXPIRE', 's', '1000'],
  ['XADD', 's', '99-1', 'f', 'v'],
  ['XTRIM', 's', 'MAXLEN', '1'],
  ['XGROUP', 'CREATE', 's', 'gt', '0'],
  ['TTL', 's'],
  ['SET', 'str', 'x'],
  ['XADD', 'str', '*', 'f', 'v'],
  ['XRANGE', 'str', '-', '+'],
  ['XREAD', 'STREAMS', 'str', '0'],
  ['XGROUP', 'CREATE', 'str', 'g', '0'],
  ['XINFO', 'STREAM', 'str'],
  ['XLEN', 'str'],
];

t.test('hand-written stream script, RESP2 and RESP3', async (t) => {
  const redisPath = redisServerPath(t);
  if (!redisPath) return;
  for (const resp of [2, 3] as const) {
    const pair = await startPair(t, redisPath, resp);
    t.same(await differences(pair, SCRIPT, maskTimes), [], `RESP${resp}`);
  }
});

/** Random sequences with explicit IDs (and `ms-*`), so replies are deterministic. */
function generate(random: Random, length: number): string[][] {
  const keys = ['r0', 'r1'];
  const groups = ['ga', 'gb'];
  const consumers = ['c1', 'c2', 'c3'];
  const nextMs = new Map<string, number>();
  const commands: string[][] = [];
  const someId = () => `${random.int(0, 60)}-${random.int(0, 3)}`;
  const bound = () => random.pick(['-', '+', someId(), `(${someId()}`, String(random.int(0, 60))]);
  for (let i = 0; i < length; i++) {
    const key = random.pick(keys);
    const group = random.pick(groups);
    const consumer = random.pick(consumers);
    switch (random.int(0, 15)) {
      case 0:
      case 1:
      case 2:
      case 3: {
        const ms = (nextMs.get(key) ?? 1) + random.int(0, 2);
        nextMs.set(key, ms);
        const id = random.chance(0.5) ? `${ms}-*` : `${ms}-${random.int(0, 2)}`;
        const trim = random.chance(0.15)
          ? [
              random.pick(['MAXLEN', 'MINID']),
              random.pick(['=', '~']),
              random.chance(0.5) ? String(random.int(0, 8)) : someId(),
            ]
          : [];
        const fields = Array.from({ length: random.int(1, 3) }, (_, j) => [
          `f${j}`,
          `v${random.int(0, 99)}`,
        ]).flat();
        commands.push(['XADD', key, ...trim, id, ...fields]);
        break;
      }
      case 4:
        commands.push([
          random.pick(['XRANGE', 'XREVRANGE']),
          key,
          bound(),
          bound(),
          'COUNT',
          String(random.int(1, 5)),
        ]);
        break;
      case 5:
        commands.push(['XDEL', key, someId(), someId()]);
        break;
      case 6:
        commands.push([
          'XTRIM',
          key,
          random.pick(['MAXLEN', 'MINID']),
          random.chance(0.5) ? String(random.int(0, 10)) : someId(),
        ]);
        break;
      case 7:
        commands.push([
          'XGROUP',
          'CREATE',
          key,
          group,
          random.pick(['0', '$', someId()]),
          'MKSTREAM',
        ]);
        break;
      case 8:
      case 9:
        commands.push([
          'XREADGROUP',
          'GROUP',
          group,
          consumer,
          'COUNT',
          String(random.int(1, 4)),
          ...(random.chance(0.2) ? ['NOACK'] : []),
          'STREAMS',
          key,
          random.chance(0.8) ? '>' : '0',
        ]);
        break;
      case 10:
        commands.push(['XACK', key, group, someId(), someId()]);
        break;
      case 11:
        commands.push(['XCLAIM', key, group, consumer, '0', someId(), someId(), 'JUSTID']);
        commands.push([
          'XAUTOCLAIM',
          key,
          group,
          consumer,
          '0',
          '0',
          'COUNT',
          String(random.int(1, 3)),
          'JUSTID',
        ]);
        break;
      case 12:
        commands.push(['XPENDING', key, group]);
        commands.push(['XPENDING', key, group, '-', '+', '10', consumer]);
        break;
      case 13:
        commands.push(['XREAD', 'COUNT', String(random.int(1, 4)), 'STREAMS', key, someId()]);
        break;
      case 14:
        commands.push(['XINFO', 'GROUPS', key], ['XINFO', 'STREAM', key]);
        break;
      default:
        commands.push([
          'XGROUP',
          random.pick(['SETID', 'DELCONSUMER', 'CREATECONSUMER']),
          key,
          group,
          random.pick([someId(), consumer]),
        ]);
    }
  }
  for (const key of keys)
    commands.push(['XINFO', 'STREAM', key, 'FULL'], ['XRANGE', key, '-', '+']);
  return commands;
}

t.test('generated stream sequences (fixed seeds) match redis-server', async (t) => {
  const redisPath = redisServerPath(t);
  if (!redisPath) return;
  for (const resp of [2, 3] as const) {
    const pair = await startPair(t, redisPath, resp);
    for (let seed = 1; seed <= 3; seed++) {
      const commands = generate(new Random(seed * 104729 + resp), 500);
      t.same(
        (await differences(pair, commands, maskTimes)).slice(0, 5),
        [],
        `RESP${resp} seed ${seed}`,
      );
    }
  }
});

t.test('approximate trimming removes the same whole nodes as redis-server', async (t) => {
  const redisPath = redisServerPath(t);
  if (!redisPath) return;
  const settings = { 'stream-node-max-entries': '10' };
  const pair = await startPair(t, redisPath, 2, settings);
  const random = new Random(5);
  const commands: string[][] = [];
  for (let i = 1; i <= 400; i++) {
    // Values of varied sizes so that the byte budget (4096) also cuts nodes.
    const value = 'x'.repeat(random.chance(0.1) ? random.int(200, 900) : random.int(1, 30));
    const number = String(random.int(-100000, 100000));
    commands.push(['XADD', 'big', `${i}-${random.int(0, 3)}`, 'field', value, 'n', number]);
    if (i % 37 === 0)
      commands.push([
        'XADD',
        'big',
        'MAXLEN',
        '~',
        String(random.int(50, 300)),
        `${i}-9`,
        'f',
        'v',
      ]);
    if (i % 53 === 0) commands.push(['XTRIM', 'big', 'MINID', '~', `${i - random.int(20, 150)}-0`]);
    if (i % 41 === 0) commands.push(['XDEL', 'big', `${i - 5}-0`, `${i - 6}-1`]);
  }
  commands.push(['XLEN', 'big'], ['XINFO', 'STREAM', 'big']);
  commands.push(['XTRIM', 'big', 'MAXLEN', '~', '10', 'LIMIT', '25'], ['XLEN', 'big']);
  t.same((await differences(pair, commands, maskTimes)).slice(0, 5), []);
});

// Random argument shapes of the stream, bitmap and HLL commands.

const STREAM_COMMANDS = [
  'XADD',
  'XLEN',
  'XRANGE',
  'XREVRANGE',
  'XDEL',
  'XTRIM',
  'XREAD',
  'XREADGROUP',
  'XACK',
  'XPENDING',
  'XCLAIM',
  'XAUTOCLAIM',
  'XSETID',
  'XGROUP',
  'XINFO',
];
/** No `*` ID: generated IDs come from the clock. */
const STREAM_TOKENS = [
  's',
  's',
  'g',
  'str',
  'nokey',
  'alice',
  'CREATE',
  'SETID',
  'DESTROY',
  'CREATECONSUMER',
  'DELCONSUMER',
  'STREAM',
  'GROUPS',
  'CONSUMERS',
  'FULL',
  'MKSTREAM',
  'ENTRIESREAD',
  '$',
  '>',
  '0',
  '1',
  '-1',
  '5',
  '1-1',
  '2-*',
  '3-0',
  '(1-1',
  '-',
  '+',
  'MAXLEN',
  'MINID',
  '~',
  '=',
  'LIMIT',
  'NOMKSTREAM',
  'COUNT',
  'STREAMS',
  'GROUP',
  'NOACK',
  'IDLE',
  'TIME',
  'RETRYCOUNT',
  'FORCE',
  'JUSTID',
  'LASTID',
  'ENTRIESADDED',
  'MAXDELETEDID',
  'f',
  'v',
  '',
  '18446744073709551615-18446744073709551615',
];
const STREAM_SETUP: string[][] = [
  ['DEL', 's'],
  ['XADD', 's', '1-1', 'f', 'v'],
  ['XADD', 's', '2-0', 'f', 'v', 'g', 'w'],
  ['XADD', 's', '3-0', 'f', 'x'],
  ['XGROUP', 'CREATE', 's', 'g', '0'],
  ['XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '1', 'STREAMS', 's', '>'],
  ['SET', 'str', 'text'],
];

/**
 * Bit commands and HLL commands fuzz separately: BITOP over HLL strings can forge a corrupted
 * "HYLL" value, on which what Redis's sparse code does is undefined.
 */
const BIT_COMMANDS = ['SETBIT', 'GETBIT', 'BITCOUNT', 'BITPOS', 'BITOP', 'BITFIELD', 'BITFIELD_RO'];
const BIT_TOKENS = [
  'b',
  'b',
  'str',
  'list',
  'nokey',
  '0',
  '1',
  '2',
  '7',
  '-1',
  '-8',
  '100',
  '4294967295',
  '4294967296',
  'BIT',
  'BYTE',
  'AND',
  'OR',
  'XOR',
  'NOT',
  'GET',
  'SET',
  'INCRBY',
  'OVERFLOW',
  'WRAP',
  'SAT',
  'FAIL',
  'u8',
  'i8',
  'i64',
  'u63',
  'u64',
  'i0',
  '#1',
  '#-1',
  'x',
  '',
];
const HLL_COMMANDS = ['PFADD', 'PFCOUNT', 'PFMERGE'];
const HLL_TOKENS = ['h', 'h', 'h2', 'str', 'list', 'nokey', 'a', 'b', 'c', 'x', '', '0'];
const BIT_SETUP: string[][] = [
  ['SET', 'b', 'foobar'],
  ['PFADD', 'h', 'a', 'b'],
  ['DEL', 'a', 'c', 'x', '0', 'h2'],
  ['SET', 'str', 'text'],
  ['DEL', 'list'],
  ['LPUSH', 'list', 'x'],
];

function withSetup(fuzzed: string[][], setup: string[][]): string[][] {
  const out = [...setup];
  fuzzed.forEach((command, i) => {
    out.push(command);
    if (i % 40 === 39) out.push(...setup);
  });
  return out;
}

t.test('random argument shapes of the stream commands', async (t) => {
  const redisPath = redisServerPath(t);
  if (!redisPath) return;
  for (const resp of [2, 3] as const) {
    const pair = await startPair(t, redisPath, resp);
    const commands = withSetup(
      fuzzCommands(31 + resp, 2000, STREAM_COMMANDS, STREAM_TOKENS),
      STREAM_SETUP,
    );
    t.same((await differences(pair, commands, maskTimes)).slice(0, 8), [], `RESP${resp}`);
  }
});

t.test('random argument shapes of the bitmap and HLL commands', async (t) => {
  const redisPath = redisServerPath(t);
  if (!redisPath) return;
  const pair = await startPair(t, redisPath, 2);
  const bits = withSetup(fuzzCommands(7, 1500, BIT_COMMANDS, BIT_TOKENS), BIT_SETUP);
  const hll = withSetup(fuzzCommands(8, 1500, HLL_COMMANDS, HLL_TOKENS), BIT_SETUP);
  t.same((await differences(pair, [...bits, ...hll])).slice(0, 8), []);
});
