import t from 'tap';
import { differences, redisServerPath, startPair } from './fixtures/diff-client.js';
import { Random } from './fixtures/random.js';

const SCRIPT: string[][] = [
  ['SETBIT', 'b', '7', '1'],
  ['SETBIT', 'b', '7', '1'],
  ['SETBIT', 'b', '100', '1'],
  ['GET', 'b'],
  ['GETBIT', 'b', '100'],
  ['OBJECT', 'ENCODING', 'b'],
  ['STRLEN', 'b'],
  ['APPEND', 'b', 'xyz'],
  ['GETBIT', 'b', '100'],
  ['GETBIT', 'b', '99999'],
  ['GETBIT', 'nokey', '3'],
  ['SETBIT', 'b', '1', '2'],
  ['SETBIT', 'b', '-1', '1'],
  ['SETBIT', 'b', '4294967296', '1'],
  ['SETBIT', 'b', 'x', '1'],
  ['SETBIT', 'b', '1', 'x'],
  ['GETBIT', 'b', 'x'],
  ['GETBIT', 'nokey', '-1'],
  ['SET', 's', 'foobar'],
  ['BITCOUNT', 's'],
  ['BITCOUNT', 's', '1', '1'],
  ['BITCOUNT', 's', '-2', '-1'],
  ['BITCOUNT', 's', '5', '30', 'BIT'],
  ['BITCOUNT', 's', '-1', '-5'],
  ['BITCOUNT', 's', '0'],
  ['BITCOUNT', 's', 'a', 'b'],
  ['BITCOUNT', 's', '0', '1', 'bits'],
  ['BITCOUNT', 'nokey', 'a', 'b'],
  ['BITCOUNT', 's', '0', '1', 'BIT', 'x'],
  ['BITPOS', 's', '1'],
  ['BITPOS', 's', '0'],
  ['BITPOS', 's', '1', '2'],
  ['BITPOS', 's', '0', '2', '-1'],
  ['BITPOS', 's', '1', '7', '15', 'BIT'],
  ['BITPOS', 's', '1', '7', '-3', 'BIT'],
  ['BITPOS', 's', '0', '3', 'BIT'],
  ['BITPOS', 's', '2'],
  ['BITPOS', 'nokey', '0'],
  ['BITPOS', 'nokey', '1'],
  ['BITPOS', 'nokey', '2'],
  ['BITPOS', 's', '1', 'a'],
  ['BITPOS', 's', '1', '0', '1', 'foo'],
  ['BITPOS', 's', '1', '0', '1', 'BIT', 'x'],
  ['SET', 'ones', '\xff\xff\xff'],
  ['BITPOS', 'ones', '0'],
  ['BITPOS', 'ones', '0', '0'],
  ['BITPOS', 'ones', '0', '0', '-1'],
  ['BITPOS', 'ones', '0', '1', '-1', 'BIT'],
  ['SET', 'k1', 'abc'],
  ['SET', 'k2', 'a\xffcdef'],
  ['BITOP', 'AND', 'dst', 'k1', 'k2'],
  ['GET', 'dst'],
  ['BITOP', 'or', 'dst', 'k1', 'k2', 'nokey'],
  ['GET', 'dst'],
  ['BITOP', 'XOR', 'dst', 'k1', 'k2'],
  ['GET', 'dst'],
  ['BITOP', 'NOT', 'dst', 'k2'],
  ['GET', 'dst'],
  ['BITOP', 'NOT', 'dst', 'k1', 'k2'],
  ['BITOP', 'NAND', 'dst', 'k1'],
  ['BITOP', 'AND', 'dst', 'nokey'],
  ['EXISTS', 'dst'],
  ['LPUSH', 'list', 'x'],
  ['BITOP', 'AND', 'dst', 'k1', 'list'],
  ['SETBIT', 'list', '1', '1'],
  ['GETBIT', 'list', '1'],
  ['BITCOUNT', 'list'],
  ['BITPOS', 'list', '1'],
  ['BITFIELD', 'list', 'GET', 'u8', '0'],
  ['SET', 'int', '12345'],
  ['GETBIT', 'int', '3'],
  ['SETBIT', 'int', '3', '1'],
  ['GET', 'int'],
  ['OBJECT', 'ENCODING', 'int'],
  ['SETRANGE', 'int', '1', 'ab'],
  ['BITCOUNT', 'int'],
  ['BITFIELD', 'bf', 'SET', 'i8', '0', '-100', 'GET', 'u8', '0', 'GET', 'i4', '4'],
  ['BITFIELD', 'bf', 'INCRBY', 'i8', '0', '-100', 'OVERFLOW', 'SAT', 'INCRBY', 'i8', '0', '-100'],
  ['BITFIELD', 'bf', 'OVERFLOW', 'FAIL', 'INCRBY', 'u4', '#3', '20', 'INCRBY', 'u4', '#3', '5'],
  [
    'BITFIELD',
    'bf',
    'SET',
    'u8',
    '#1',
    '-1',
    'OVERFLOW',
    'SAT',
    'SET',
    'u8',
    '#2',
    '-1',
    'OVERFLOW',
    'FAIL',
    'SET',
    'u8',
    '#3',
    '-1',
  ],
  ['BITFIELD', 'bf', 'SET', 'i64', '0', '-9223372036854775808', 'INCRBY', 'i64', '0', '-1'],
  ['BITFIELD', 'bf', 'OVERFLOW', 'SAT', 'INCRBY', 'i64', '0', '-1', 'INCRBY', 'u63', '64', '-5'],
  ['BITFIELD', 'bf', 'GET', 'u63', '1', 'GET', 'i64', '3'],
  ['GET', 'bf'],
  ['BITFIELD', 'bf', 'GET', 'u64', '0'],
  ['BITFIELD', 'bf', 'GET', 'i65', '0'],
  ['BITFIELD', 'bf', 'GET', 'i0', '0'],
  ['BITFIELD', 'bf', 'GET', 'i8', '-1'],
  ['BITFIELD', 'bf', 'GET', 'i8', '#-1'],
  ['BITFIELD', 'bf', 'GET', 'i8'],
  ['BITFIELD', 'bf', 'SET', 'i8', '0', 'x'],
  ['BITFIELD', 'bf', 'OVERFLOW', 'MAYBE'],
  ['BITFIELD', 'bf', 'FOO'],
  ['BITFIELD', 'bf'],
  ['BITFIELD', 'nokey'],
  ['BITFIELD', 'nokey2', 'GET', 'u8', '0'],
  ['EXISTS', 'nokey2'],
  ['BITFIELD', 'failgrow', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', '100', '10'],
  ['GET', 'failgrow'],
  ['BITFIELD_RO', 'bf', 'GET', 'u8', '0', 'GET', 'i3', '#2'],
  ['BITFIELD_RO', 'bf', 'SET', 'u8', '0', '1'],
  ['BITFIELD_RO', 'bf', 'OVERFLOW', 'SAT', 'GET', 'u8', '0'],
  ['BITFIELD_RO', 'nokey', 'GET', 'u8', '0'],
  ['SET', 'ttl', 'x', 'EX', '1000'],
  ['SETBIT', 'ttl', '100', '1'],
  ['TTL', 'ttl'],
  ['BITFIELD', 'ttl', 'SET', 'u8', '200', '5'],
  ['TTL', 'ttl'],
  ['BITOP', 'NOT', 'ttl', 'ttl'],
  ['TTL', 'ttl'],
  ['PFADD', 'hllttl', 'a'],
  ['EXPIRE', 'hllttl', '1000'],
  ['PFADD', 'hllttl', 'b'],
  ['PFCOUNT', 'hllttl'],
  ['TTL', 'hllttl'],
  ['PFMERGE', 'hllttl', 'hllttl'],
  ['TTL', 'hllttl'],
  ['SETBIT'],
];

t.test('hand-written bitmap script, RESP2 and RESP3', async (t) => {
  const redisPath = redisServerPath(t);
  if (!redisPath) return;
  for (const resp of [2, 3] as const) {
    const pair = await startPair(t, redisPath, resp);
    t.same(await differences(pair, SCRIPT), [], `RESP${resp}`);
  }
});

t.test('generated bitmap sequences match redis-server', async (t) => {
  const redisPath = redisServerPath(t);
  if (!redisPath) return;
  const pair = await startPair(t, redisPath);
  const random = new Random(77);
  const keys = ['b0', 'b1', 'b2'];
  const commands: string[][] = [];
  const types = ['u1', 'u3', 'u8', 'i5', 'i8', 'u16', 'i17', 'i32', 'u40', 'i64', 'u63'];
  for (let i = 0; i < 1500; i++) {
    const key = random.pick(keys);
    const n = () => String(random.int(-40, 40));
    switch (random.int(0, 7)) {
      case 0:
        commands.push(['SETBIT', key, String(random.int(0, 120)), String(random.int(0, 1))]);
        break;
      case 1:
        commands.push(['GETBIT', key, String(random.int(0, 130))]);
        break;
      case 2:
        commands.push(['BITCOUNT', key, n(), n(), random.pick(['BIT', 'BYTE'])]);
        commands.push(['BITCOUNT', key, n(), n()]);
        break;
      case 3: {
        const extra = random.chance(0.3)
          ? []
          : random.chance(0.5)
            ? [n()]
            : [n(), n(), random.pick(['BIT', 'BYTE'])];
        commands.push(['BITPOS', key, String(random.int(0, 1)), ...extra]);
        break;
      }
      case 4:
        commands.push([
          'BITOP',
          random.pick(['AND', 'OR', 'XOR']),
          random.pick(keys),
          key,
          random.pick(keys),
        ]);
        break;
      case 5: {
        const ops: string[] = [];
        for (let j = random.int(1, 4); j > 0; j--) {
          if (random.chance(0.3)) ops.push('OVERFLOW', random.pick(['WRAP', 'SAT', 'FAIL']));
          const sub = random.pick(['GET', 'SET', 'INCRBY']);
          const offset = random.chance(0.3) ? `#${random.int(0, 5)}` : String(random.int(0, 100));
          ops.push(sub, random.pick(types), offset);
          if (sub !== 'GET')
            ops.push(String(random.int(-300, 300) * (random.chance(0.1) ? 2 ** 40 : 1)));
        }
        commands.push(['BITFIELD', key, ...ops]);
        break;
      }
      case 6:
        commands.push(['BITOP', 'NOT', random.pick(keys), key]);
        break;
      default:
        commands.push(['GET', key]);
    }
  }
  for (const key of keys) commands.push(['GET', key]);
  t.same((await differences(pair, commands)).slice(0, 5), []);
});
