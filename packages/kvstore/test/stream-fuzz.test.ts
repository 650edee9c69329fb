import t from 'tap';
import { type Reply, differences, redisServerPath, startPair } from './fixtures/diff-client.js';
import { fuzzCommands } from './fixtures/fuzz.js';

/** Random argument shapes of the stream, HLL and bitmap commands, compared with redis-server. */

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

const BIT_COMMANDS = [
  'SETBIT',
  'GETBIT',
  'BITCOUNT',
  'BITPOS',
  'BITOP',
  'BITFIELD',
  'BITFIELD_RO',
  'PFADD',
  'PFCOUNT',
  'PFMERGE',
];
const BIT_TOKENS = [
  'b',
  'b',
  'h',
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
const BIT_SETUP: string[][] = [
  ['SET', 'b', 'foobar'],
  ['PFADD', 'h', 'a', 'b'],
  ['SET', 'str', 'text'],
  ['DEL', 'list'],
  ['LPUSH', 'list', 'x'],
];

/** Idle times and timestamps differ between any two runs. */
function maskTimes(command: string[], reply: Reply): Reply {
  const name = command[0].toUpperCase();
  if (name !== 'XPENDING' && name !== 'XINFO') return reply;
  const text = JSON.stringify(reply)
    .replace(/"v":"\d{13}"/g, '"v":"TIME"')
    .replace(/("v":"(?:idle|seen-time|radix-tree-nodes)"\},\{"t":"int",)"v":"\d+"/g, '$1"v":"X"');
  const masked = JSON.parse(text) as Reply;
  if (name === 'XPENDING' && masked.t === 'array') {
    for (const row of masked.v) {
      if (row.t === 'array' && row.v.length === 4 && row.v[2].t === 'int')
        row.v[2] = { t: 'int', v: 'IDLE' };
    }
  }
  return masked;
}

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
      fuzzCommands(31 + resp, 3000, STREAM_COMMANDS, STREAM_TOKENS),
      STREAM_SETUP,
    );
    t.same((await differences(pair, commands, maskTimes)).slice(0, 8), [], `RESP${resp}`);
  }
});

t.test('random argument shapes of the bitmap and HLL commands', async (t) => {
  const redisPath = redisServerPath(t);
  if (!redisPath) return;
  const pair = await startPair(t, redisPath, 2);
  const commands = withSetup(fuzzCommands(7, 3000, BIT_COMMANDS, BIT_TOKENS), BIT_SETUP);
  t.same((await differences(pair, commands)).slice(0, 8), []);
});
