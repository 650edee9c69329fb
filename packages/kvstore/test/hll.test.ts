import t from 'tap';
import { differences, redisServerPath, startPair } from './fixtures/diff-client.js';
import { Random } from './fixtures/random.js';

/** PF* commands must agree with redis-server on replies, counts and the stored bytes (GET). */
const SCRIPT: string[][] = [
  ['PFADD', 'h1'],
  ['GET', 'h1'],
  ['PFADD', 'h1'],
  ['PFCOUNT', 'h1'],
  ['PFADD', 'h1', 'a', 'b', 'c', 'a'],
  ['PFADD', 'h1', 'a'],
  ['PFCOUNT', 'h1'],
  ['GET', 'h1'],
  ['PFCOUNT', 'h1', 'nokey'],
  ['OBJECT', 'ENCODING', 'h1'],
  ['STRLEN', 'h1'],
  ['TYPE', 'h1'],
  ['PFCOUNT', 'nokey'],
  ['PFADD', 'h2', 'c', 'd', 'e'],
  ['PFCOUNT', 'h1', 'h2'],
  ['PFMERGE', 'h3', 'h1', 'h2'],
  ['PFCOUNT', 'h3'],
  ['GET', 'h3'],
  ['PFMERGE', 'h4'],
  ['GET', 'h4'],
  ['PFMERGE', 'h1', 'nokey'],
  ['GET', 'h1'],
  ['SET', 'str', 'hello world, this is not an HLL'],
  ['PFADD', 'str', 'x'],
  ['PFCOUNT', 'str'],
  ['PFCOUNT', 'h1', 'str'],
  ['PFMERGE', 'h1', 'str'],
  ['PFMERGE', 'str', 'h1'],
  ['LPUSH', 'list', 'x'],
  ['PFADD', 'list', 'x'],
  ['PFCOUNT', 'list'],
  ['PFMERGE', 'list', 'h1'],
  ['SET', 'fake', 'HYLL\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'],
  ['PFADD', 'fake', 'x'],
  ['SET', 'corrupt', 'HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x00'],
  ['PFCOUNT', 'corrupt'],
  ['PFADD', 'corrupt', 'x'],
  ['PFCOUNT'],
  ['PFADD'],
];

t.test('hand-written PF* script, RESP2 and RESP3', async (t) => {
  const redisPath = redisServerPath(t);
  if (!redisPath) return;
  for (const resp of [2, 3] as const) {
    const pair = await startPair(t, redisPath, resp);
    t.same(await differences(pair, SCRIPT), [], `RESP${resp}`);
  }
});

t.test('generated PFADD/PFMERGE/PFCOUNT: exact counts and bytes, sparse and dense', async (t) => {
  const redisPath = redisServerPath(t);
  if (!redisPath) return;
  const pair = await startPair(t, redisPath);
  const random = new Random(2024);
  const commands: string[][] = [];
  const keys = ['p0', 'p1', 'p2', 'p3'];
  for (let i = 0; i < 400; i++) {
    const key = random.pick(keys);
    const r = random.int(0, 9);
    if (r < 6) {
      const n = random.int(1, random.chance(0.1) ? 400 : 20);
      const elements = Array.from({ length: n }, () => `e${random.int(0, 100000)}`);
      commands.push(['PFADD', key, ...elements]);
    } else if (r < 8) {
      commands.push(['PFCOUNT', key], ['PFCOUNT', key, random.pick(keys)]);
    } else {
      commands.push(['PFMERGE', key, random.pick(keys), random.pick(keys)]);
    }
    if (i % 25 === 0) commands.push(['GET', key]);
  }
  for (const key of keys) commands.push(['PFCOUNT', key], ['GET', key]);
  t.same((await differences(pair, commands)).slice(0, 5), []);
});

t.test('hll-sparse-max-bytes is honoured', async (t) => {
  const redisPath = redisServerPath(t);
  if (!redisPath) return;
  const pair = await startPair(t, redisPath, 2, { 'hll-sparse-max-bytes': '200' });
  const commands: string[][] = [];
  for (let i = 0; i < 60; i++) commands.push(['PFADD', 'small', `x${i}`], ['STRLEN', 'small']);
  commands.push(['GET', 'small'], ['PFCOUNT', 'small']);
  t.same(await differences(pair, commands), []);
});
