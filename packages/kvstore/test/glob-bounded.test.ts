import { tempDir } from '@strata/common/testing';
import t from 'tap';
import {
  RawClient,
  type Reply,
  redisServerPath,
  show,
  startRedis,
} from './fixtures/diff-client.js';
import { spawnKv } from './helpers/spawn.js';

/**
 * The glob matcher is bounded as in Redis 7.0.9+ (CVE-2022-36021): patterns that make a
 * backtracking matcher take minutes (`a*a*...*b` against a long run of `a`) are answered while
 * other clients keep being served. The server runs as its own process, so a hang here fails on
 * a bound instead of freezing the test; each call's budget is "a PING sent right behind it is
 * answered", with a bound generous enough for a loaded machine.
 */
const LONG = 'a'.repeat(20_000);
const patterns = [
  `${'a*'.repeat(21)}b`,
  `${'a*'.repeat(200)}b`,
  `${'*?'.repeat(60)}b`,
  `${'*[a]'.repeat(60)}b`,
  `${'*a'.repeat(900)}*b`,
  `${'*\\a'.repeat(60)}b`,
  `${'*[^b]'.repeat(60)}?b`,
];
/** Far beyond what any of the patterns needs once bounded; a backtracking matcher takes minutes. */
const BOUND_MS = 30_000;

/** Sends `command` and a PING right behind it on another connection; both replies, or a timeout. */
async function servedBehind(
  client: RawClient,
  other: RawClient,
  command: string[],
): Promise<Reply> {
  const reply = client.send(...command);
  const ping = other.send('PING');
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`PING not served behind ${command[0]} ${command[1]?.slice(0, 20)}`)),
      BOUND_MS,
    );
  });
  try {
    const pong = await Promise.race([ping, bound]);
    if (show(pong) !== 'simple:"PONG"') throw new Error(`PING answered ${show(pong)}`);
    return await Promise.race([reply, bound]);
  } finally {
    clearTimeout(timer);
  }
}

t.test('pathological glob patterns do not take the server hostage', async (t) => {
  const redisPath = redisServerPath(t);
  if (!redisPath) return;
  const redis = await startRedis(redisPath);
  t.teardown(redis.stop);
  const ours = await spawnKv(t, ['--save', '', '--dir', tempDir(t)]);
  const servers = await Promise.all(
    [redis.port, ours.port].map(async (port) => {
      const [client, other, subscriber] = await Promise.all(
        [0, 1, 2].map(() => RawClient.connect(port)),
      );
      t.teardown(() => {
        for (const c of [client!, other!, subscriber!]) c.close();
      });
      for (const key of [LONG, 'a'.repeat(90)]) await client!.send('SET', key, 'v');
      await client!.send('SADD', 'set', LONG, 'a'.repeat(90));
      await client!.send('ACL', 'SETUSER', 'limited', 'on', 'nopass', '+@all', `~${patterns[0]}`);
      return { client: client!, other: other!, subscriber: subscriber! };
    }),
  );
  const [theirs, ourClients] = servers as [(typeof servers)[0], (typeof servers)[0]];
  for (const pattern of patterns) {
    const commands = [
      ['KEYS', pattern],
      ['SCAN', '0', 'MATCH', pattern, 'COUNT', '1000'],
      ['SSCAN', 'set', '0', 'MATCH', pattern],
      ['CONFIG', 'GET', pattern],
      ['PUBSUB', 'CHANNELS', pattern],
      ['COMMAND', 'LIST', 'FILTERBY', 'PATTERN', pattern],
    ];
    for (const command of commands) {
      const expected = show(await servedBehind(theirs.client, theirs.other, command));
      const actual = show(await servedBehind(ourClients.client, ourClients.other, command));
      t.equal(actual, expected, `${command[0]} ${command[1]} ${pattern.slice(0, 12)}...`);
    }
  }
  // A subscribed pattern is matched against every published channel.
  for (const { subscriber } of servers) {
    await subscriber.send('PSUBSCRIBE', ...patterns);
  }
  for (const { client, other } of servers) {
    t.equal(show(await servedBehind(client, other, ['PUBLISH', LONG, 'm'])), 'int:"0"');
  }
  // ACL key patterns are matched against every key a command touches.
  for (const { client, other } of servers) {
    await client.send('AUTH', 'limited', 'any');
    t.match(
      show(await servedBehind(client, other, ['GET', LONG])),
      /NOPERM/,
      'a key outside the pattern is refused',
    );
  }
});
