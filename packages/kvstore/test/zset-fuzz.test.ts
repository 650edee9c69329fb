import t from 'tap';
import { differences, redisServerPath, startPair } from './fixtures/diff-client.js';
import { fuzzCommands } from './fixtures/fuzz.js';

const COMMANDS = [
  'ZADD',
  'ZINCRBY',
  'ZREM',
  'ZSCORE',
  'ZMSCORE',
  'ZCARD',
  'ZCOUNT',
  'ZLEXCOUNT',
  'ZRANGE',
  'ZRANGESTORE',
  'ZRANGEBYSCORE',
  'ZREVRANGEBYSCORE',
  'ZRANGEBYLEX',
  'ZREVRANGEBYLEX',
  'ZREVRANGE',
  'ZRANK',
  'ZREVRANK',
  'ZREMRANGEBYRANK',
  'ZREMRANGEBYSCORE',
  'ZREMRANGEBYLEX',
  'ZPOPMIN',
  'ZPOPMAX',
  'ZMPOP',
  'ZUNION',
  'ZINTER',
  'ZDIFF',
  'ZUNIONSTORE',
  'ZINTERSTORE',
  'ZDIFFSTORE',
  'ZINTERCARD',
  'ZSCAN',
];

const TOKENS = [
  'z',
  'z',
  'z2',
  'str',
  'set',
  'nokey',
  '0',
  '1',
  '2',
  '-1',
  '3',
  '1.5',
  '-inf',
  '+inf',
  '(1',
  '[a',
  '(b',
  '-',
  '+',
  'a',
  'b',
  'c',
  'x',
  'NX',
  'XX',
  'GT',
  'LT',
  'CH',
  'INCR',
  'WITHSCORES',
  'LIMIT',
  'BYSCORE',
  'BYLEX',
  'REV',
  'MIN',
  'MAX',
  'COUNT',
  'WEIGHTS',
  'AGGREGATE',
  'SUM',
  'MATCH',
  '*',
  'nan',
  '',
  '9223372036854775808',
];

const SETUP: string[][] = [
  ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'],
  ['ZADD', 'z2', '0', 'a', '0', 'x'],
  ['SET', 'str', 'text'],
  ['SADD', 'set', 'a', 'x'],
];

t.test('random argument shapes of the sorted-set commands', async (t) => {
  const redisPath = redisServerPath(t);
  if (!redisPath) return;
  for (const resp of [2, 3] as const) {
    const pair = await startPair(t, redisPath, resp);
    const commands = [...SETUP];
    for (const command of fuzzCommands(11 + resp, 3000, COMMANDS, TOKENS)) {
      commands.push(command);
      // Keep the fixtures alive whatever the fuzz deleted.
      if (commands.length % 50 === 0) commands.push(...SETUP);
    }
    t.same((await differences(pair, commands)).slice(0, 8), [], `RESP${resp}`);
  }
});
