import t from 'tap';
import {
  type Pair,
  RawClient,
  type Reply,
  redisServerPath,
  show,
  startRedis,
  startStrata,
} from './fixtures/diff-client.js';
import { Random } from './fixtures/random.js';

/**
 * ACL users differential against redis-server 7.0: SETUSER rules and their errors, ACL LIST /
 * GETUSER formats, enforcement (commands, read/write keys, channels, MULTI/EXEC), ACL LOG,
 * DRYRUN, DELUSER disconnecting the user's clients.
 */

/**
 * Redis lists single-command rules in its hash table's random order (it changes with every
 * process), so the single commands after the categories are compared sorted.
 */
function normalizeRules(text: string): string {
  const tokens = text.split(' ');
  const start = tokens.findIndex((x) => x === '+@all' || x === '-@all');
  if (start < 0) return text;
  const head = tokens.slice(0, start + 1);
  const rest = tokens.slice(start + 1);
  const categories = rest.filter((x) => x[1] === '@');
  const singles = rest.filter((x) => x[1] !== '@').sort();
  return [...head, ...categories, ...singles].join(' ');
}

function normalize(reply: Reply): Reply {
  if (reply.t === 'bulk' && (reply.v.startsWith('user ') || /^[+-]@all/.test(reply.v)))
    return { t: 'bulk', v: normalizeRules(reply.v) };
  if ('v' in reply && Array.isArray(reply.v))
    return { ...reply, v: reply.v.map(normalize) } as Reply;
  return reply;
}

async function compare(t: Test, pair: Pair, ...args: string[]): Promise<Reply> {
  const [redis, ours] = await Promise.all([pair.redis.send(...args), pair.ours.send(...args)]);
  t.same(normalize(ours), normalize(redis), `${args.join(' ')} -> ${show(redis)}`);
  return ours;
}

type Test = Parameters<typeof redisServerPath>[0];

/** A second connection to each server of the pair. */
async function connectPair(t: Test, pair: PairPorts): Promise<Pair> {
  const other = {
    redis: await RawClient.connect(pair.redisPort),
    ours: await RawClient.connect(pair.oursPort),
  };
  t.teardown(() => {
    other.redis.close();
    other.ours.close();
  });
  return other;
}

interface PairPorts {
  redisPort: number;
  oursPort: number;
  admin: Pair;
}

async function startServers(
  t: Test,
  settings: Record<string, string> = {},
): Promise<PairPorts | undefined> {
  const redisPath = redisServerPath(t);
  if (!redisPath) return undefined;
  const redis = await startRedis(
    redisPath,
    Object.entries(settings).flatMap(([k, v]) => [`--${k}`, v]),
  );
  t.teardown(redis.stop);
  const ours = await startStrata(settings);
  t.teardown(ours.stop);
  const ports = { redisPort: redis.port, oursPort: ours.port } as PairPorts;
  ports.admin = await connectPair(t, ports);
  return ports;
}

const HASH = 'f64551fcd6f07823cb87971cfb91446425da18286b3ab1ef935e0cbd7a69f68a';

t.test('SETUSER rules, their errors, ACL LIST and GETUSER', async (t) => {
  const servers = await startServers(t);
  if (!servers) return;
  const pair = servers.admin;
  const setusers: string[][] = [
    ['alice', 'on', '>p1', '~cached:*', '+get'],
    ['bob'],
    ['bob', '+@read', '+@read', '-@read', '+get', '+set', '-get', '+config|get', '+config'],
    ['bob', '-config|set', 'allkeys', 'allchannels', 'nopass', '>x', '<x', `#${HASH}`, 'on'],
    ['bob', '%R~foo'],
    ['bob', '&foo'],
    ['bob', '~*'],
    ['bob', '&*'],
    ['c', '%R~a*', '%W~b*', '%RW~c', '~d', '%rw~e', '&ch*', 'resetchannels', '&x', '&x'],
    ['c', '+@all', '-@string', '+@all', '-set', '%R~d', '%W~a*'],
    ['c', 'reset'],
    ['c', '#abc'],
    ['c', '!abc'],
    ['c', `!${HASH}`],
    ['c', '<nope'],
    ['c', '%X~a'],
    ['c', '%~a'],
    ['c', '%R'],
    ['c', 'skip-sanitize-payload'],
    ['c', 'sanitize-payload', 'nopass', 'resetpass', '>a', '>b', '>a', '<a'],
    ['c', '+foo'],
    ['c', '+@foo'],
    ['c', 'foo'],
    ['c', '+config|'],
    ['c', '+config|get|x'],
    ['c', '+config|nope'],
    ['c', '-config|nope'],
    ['c', '-select|0'],
    ['c', '+select|0', '+select|1', '+SELECT|2', '+debug|object', '+acl|whoami'],
    ['c', '+select'],
    ['d', 'on', 'nopass', '-@all', '+@read', '+@hash'],
    ['e', '+@all', '-@list', '-@hash', '+lpush', '-@string', '+get'],
    ['e2', '+@all', '-@list', '-@hash'],
    ['e3', '+@list', '+@hash'],
    ['f', 'allcommands', 'nocommands', 'allkeys', 'resetkeys', 'allchannels', 'resetchannels'],
    ['g', 'ON', 'NOPASS', 'AllKeys', '+GET', '+@STRING', '-@String'],
    ['h', '-@all', '+@list', '+@hash', '+@hash', '-lpush', '+xgroup|create'],
    ['a b'],
    ['default', 'resetpass', 'nopass'],
    ['u1', '>secret', 'off', 'on'],
    ['u1', 'clearselectors'],
  ];
  for (const args of setusers) await compare(t, pair, 'ACL', 'SETUSER', ...args);
  await compare(t, pair, 'ACL', 'LIST');
  await compare(t, pair, 'ACL', 'USERS');
  for (const name of ['alice', 'bob', 'c', 'd', 'e', 'f', 'g', 'h', 'u1', 'default', 'nope'])
    await compare(t, pair, 'ACL', 'GETUSER', name);
  await pair.redis.send('HELLO', '3');
  await pair.ours.send('HELLO', '3');
  await compare(t, pair, 'ACL', 'GETUSER', 'c');
  await compare(t, pair, 'ACL', 'DELUSER', 'default');
  await compare(t, pair, 'ACL', 'DELUSER', 'nope', 'c', 'd', 'c');
  await compare(t, pair, 'ACL', 'USERS');
  await compare(t, pair, 'ACL', 'GETUSER');
  await compare(t, pair, 'ACL', 'SETUSER');
});

t.test('requirepass is the default user password', async (t) => {
  const servers = await startServers(t, { requirepass: 'sesame' });
  if (!servers) return;
  const pair = servers.admin;
  await compare(t, pair, 'ACL', 'WHOAMI');
  await compare(t, pair, 'AUTH', 'wrong');
  await compare(t, pair, 'AUTH', 'default', 'sesame');
  await compare(t, pair, 'ACL', 'LIST');
  await compare(t, pair, 'CONFIG', 'SET', 'requirepass', 'other');
  await compare(t, pair, 'ACL', 'LIST');
  await compare(t, pair, 'CONFIG', 'SET', 'requirepass', '');
  await compare(t, pair, 'ACL', 'LIST');
  await compare(t, pair, 'AUTH', 'x');
  await compare(t, pair, 'ACL', 'SETUSER', 'default', '>p2');
  await compare(t, pair, 'CONFIG', 'GET', 'requirepass');
  const fresh = await connectPair(t, servers);
  await compare(t, fresh, 'PING');
  await compare(t, fresh, 'AUTH', 'p2');
  await compare(t, fresh, 'PING');
  await compare(t, pair, 'ACL', 'SETUSER', 'default', 'off');
  const disabled = await connectPair(t, servers);
  await compare(t, disabled, 'PING');
  await compare(t, disabled, 'AUTH', 'p2');
  await compare(t, disabled, 'HELLO', '3');
});

t.test('enforcement: commands, read/write keys, channels, MULTI/EXEC', async (t) => {
  const servers = await startServers(t);
  if (!servers) return;
  const admin = servers.admin;
  await compare(
    t,
    admin,
    'ACL',
    'SETUSER',
    'e',
    'on',
    '>pw',
    '%R~r*',
    '%W~w*',
    '~b*',
    '&ch*',
    '-@all',
    '+get',
    '+set',
    '+lpush',
    '+lmove',
    '+copy',
    '+publish',
    '+subscribe',
    '+psubscribe',
    '+multi',
    '+exec',
    '+config|get',
    '+ping',
    '+incr',
    '+exists',
    '+mset',
    '+mget',
    '+zunionstore',
    '+sort',
    '+bitfield',
    '+select|0',
    '+getdel',
    '+object|encoding',
  );
  const user = await connectPair(t, servers);
  const script: string[][] = [
    ['AUTH', 'e', 'wrong'],
    ['AUTH', 'nobody', 'pw'],
    ['auth', 'e', 'pw'],
    ['ACL', 'WHOAMI'],
    ['GET', 'r1'],
    ['GET', 'w1'],
    ['SET', 'w1', 'x'],
    ['SET', 'r1', 'x'],
    ['SET', 'w1', 'x', 'GET'],
    ['SET', 'b1', 'x', 'get'],
    ['INCR', 'b1'],
    ['GETDEL', 'w1'],
    ['DEL', 'b1'],
    ['EXISTS', 'r1', 'w1', 'b1', 'zz'],
    ['EXISTS', 'r1', 'w1', 'b1'],
    ['OBJECT', 'ENCODING', 'w1'],
    ['CONFIG', 'SET', 'maxmemory', '1'],
    ['CONFIG', 'GET', 'maxmemory'],
    ['LMOVE', 'r1', 'w1', 'LEFT', 'RIGHT'],
    ['LMOVE', 'w1', 'r1', 'LEFT', 'RIGHT'],
    ['LMOVE', 'b1', 'w1', 'LEFT', 'RIGHT'],
    ['COPY', 'r1', 'w2'],
    ['COPY', 'w1', 'w2'],
    ['MSET', 'w1', 'a', 'w2', 'b'],
    ['MSET', 'w1', 'a', 'r2', 'b'],
    ['MGET', 'r1', 'b1'],
    ['MGET', 'r1', 'w1'],
    ['ZUNIONSTORE', 'w3', '2', 'r1', 'b2'],
    ['ZUNIONSTORE', 'r3', '2', 'r1', 'b2'],
    ['ZUNIONSTORE', 'w3', '2', 'r1', 'w2'],
    ['SORT', 'r1', 'STORE', 'w9'],
    ['SORT', 'r1', 'STORE', 'r9'],
    ['BITFIELD', 'r1', 'GET', 'u8', '0'],
    ['BITFIELD', 'r1', 'SET', 'u8', '0', '1'],
    ['BITFIELD', 'w1', 'SET', 'u8', '0', '1'],
    ['SORT', 'b1', 'BY', 'nosort'],
    ['SORT', 'b1', 'BY', 'w*'],
    ['SORT', 'b1', 'GET', '#'],
    ['SELECT', '0'],
    ['SELECT', '1'],
    ['PUBLISH', 'ch1', 'x'],
    ['PUBLISH', 'x', 'x'],
    ['GET'],
    ['NOSUCH', 'x'],
    ['MULTI'],
    ['GET', 'w1'],
    ['DEL', 'x'],
    ['EXEC'],
    ['MULTI'],
    ['GET', 'r1'],
    ['SET', 'w1', 'v'],
    ['PUBLISH', 'ch1', 'm'],
  ];
  for (const args of script) await compare(t, user, ...args);
  const subscriber = await connectPair(t, servers);
  for (const args of [
    ['AUTH', 'e', 'pw'],
    ['PSUBSCRIBE', 'ch1*'],
    ['SUBSCRIBE', 'ch2', 'zz'],
    ['PSUBSCRIBE', 'ch*'],
  ])
    await compare(t, subscriber, ...args);
  // Permissions change between queueing and EXEC: Redis rechecks each queued command.
  await compare(t, admin, 'ACL', 'SETUSER', 'e', 'resetkeys', '~w*', 'resetchannels', '-publish');
  await compare(t, user, 'EXEC');
  await compare(t, user, 'EXEC');
  await compare(t, user, 'HELLO', '3', 'AUTH', 'e', 'bad');
  const hello = await Promise.all([
    user.redis.send('HELLO', '3', 'AUTH', 'e', 'pw'),
    user.ours.send('HELLO', '3', 'AUTH', 'e', 'pw'),
  ]);
  t.same(
    hello.map((r) => r.t),
    ['map', 'map'],
    'HELLO 3 AUTH logs in',
  );
  await compare(t, user, 'CLIENT', 'INFO');
  await compare(t, admin, 'ACL', 'SETUSER', 'e', '+client');
  const info = await user.ours.send('CLIENT', 'INFO');
  t.match(info, { v: / user=e / }, 'CLIENT INFO names the user');
  await compare(t, admin, 'ACL', 'SETUSER', 'e', 'off');
  await compare(t, user, 'PING');
  await compare(t, user, 'AUTH', 'e', 'pw');
  await compare(t, user, 'RESET');
  await compare(t, user, 'ACL', 'WHOAMI');
});

/** ACL LOG entries with the fields that vary (age, client-info) checked loosely. */
function logShape(reply: Reply): Reply {
  if (reply.t !== 'array') return reply;
  return {
    t: 'array',
    v: reply.v.map((entry) => {
      if (entry.t !== 'array' && entry.t !== 'map') return entry;
      const fields = [...entry.v];
      const at = (name: string) => fields.findIndex((f) => f.t === 'bulk' && f.v === name) + 1;
      fields[at('age-seconds')] = { t: 'bulk', v: 'age' };
      const info = fields[at('client-info')]!;
      const user = info.t === 'bulk' ? / user=(\S+) /.exec(info.v)?.[1] : undefined;
      const cmd = info.t === 'bulk' ? / cmd=(\S+) /.exec(info.v)?.[1] : undefined;
      fields[at('client-info')] = { t: 'bulk', v: `user=${user} cmd=${cmd}` };
      return { ...entry, v: fields } as Reply;
    }),
  };
}

t.test('ACL LOG entries, grouping, count and RESET', async (t) => {
  const servers = await startServers(t, { 'acllog-max-len': '5' });
  if (!servers) return;
  const admin = servers.admin;
  await compare(
    t,
    admin,
    'ACL',
    'SETUSER',
    'l',
    'on',
    'nopass',
    '~k*',
    '&c*',
    '-@all',
    '+get',
    '+set',
    '+publish',
    '+multi',
  );
  const user = await connectPair(t, servers);
  for (const args of [
    ['AUTH', 'l', 'x'],
    ['AUTH', 'ghost', 'x'],
    ['AUTH', 'default', 'x'],
    ['AUTH', 'l', 'x'],
    ['DEL', 'k'],
    ['DEL', 'k'],
    ['GET', 'z'],
    ['PUBLISH', 'z', 'm'],
    ['MULTI'],
    ['DEL', 'k'],
    ['GET', 'other'],
  ])
    await compare(t, user, ...args);
  const both = async (...args: string[]) => {
    const [redis, ours] = await Promise.all([admin.redis.send(...args), admin.ours.send(...args)]);
    t.same(logShape(ours), logShape(redis), args.join(' '));
  };
  await both('ACL', 'LOG');
  await both('ACL', 'LOG', '2');
  await both('ACL', 'LOG', '0');
  await both('ACL', 'LOG', '-1');
  await compare(t, admin, 'ACL', 'LOG', 'x');
  await compare(t, admin, 'ACL', 'LOG', '1', '2');
  await compare(t, admin, 'ACL', 'LOG', 'RESET');
  await both('ACL', 'LOG');
  await admin.redis.send('HELLO', '3');
  await admin.ours.send('HELLO', '3');
  await user.redis.send('GET', 'zz');
  await user.ours.send('GET', 'zz');
  await both('ACL', 'LOG');
});

t.test('DRYRUN, CAT, GENPASS, HELP, WHOAMI', async (t) => {
  const servers = await startServers(t);
  if (!servers) return;
  const pair = servers.admin;
  await compare(
    t,
    pair,
    'ACL',
    'SETUSER',
    'e',
    '%R~r*',
    '%W~w*',
    '&ch*',
    '-@all',
    '+get',
    '+publish',
    '+config|get',
  );
  for (const args of [
    ['nope', 'get', 'x'],
    ['e', 'nosuch', 'x'],
    ['e', 'get'],
    ['e', 'get', 'r1'],
    ['e', 'get', 'w1'],
    ['e', 'del', 'w1'],
    ['e', 'publish', 'zz', 'x'],
    ['e', 'publish', 'ch1', 'x'],
    ['e', 'config', 'get', 'x'],
    ['e', 'config', 'set', 'x', 'y'],
    ['e', 'config', 'nope'],
    ['e', 'config'],
    ['default', 'flushall'],
  ])
    await compare(t, pair, 'ACL', 'DRYRUN', ...args);
  await compare(t, pair, 'ACL', 'DRYRUN', 'e');
  await compare(t, pair, 'ACL', 'CAT');
  await compare(t, pair, 'ACL', 'CAT', 'nosuch');
  await compare(t, pair, 'ACL', 'CAT', 'a', 'b');
  await compare(t, pair, 'ACL', 'HELP');
  await compare(t, pair, 'ACL', 'WHOAMI');
  await compare(t, pair, 'ACL', 'WHOAMI', 'x');
  for (const bits of ['0', '4097', 'x', '-1']) await compare(t, pair, 'ACL', 'GENPASS', bits);
  for (const [bits, length] of [
    [undefined, 64],
    ['1', 1],
    ['5', 2],
    ['4096', 1024],
  ] as const) {
    const reply = await pair.ours.send('ACL', 'GENPASS', ...(bits ? [bits] : []));
    t.match(reply, { t: 'bulk', v: new RegExp(`^[0-9a-f]{${length}}$`) }, `GENPASS ${bits}`);
  }
});

t.test('DELUSER and lost channel permissions disconnect the user', async (t) => {
  const servers = await startServers(t);
  if (!servers) return;
  const admin = servers.admin;
  await compare(t, admin, 'ACL', 'SETUSER', 'gone', 'on', 'nopass', '+@all', '&news*');
  const victim = await connectPair(t, servers);
  const subscriber = await connectPair(t, servers);
  await compare(t, victim, 'AUTH', 'gone', 'x');
  await compare(t, subscriber, 'AUTH', 'gone', 'x');
  await compare(t, subscriber, 'SUBSCRIBE', 'news1');
  await compare(t, admin, 'ACL', 'SETUSER', 'gone', 'resetchannels', '&news1');
  await compare(t, subscriber, 'PING');
  await compare(t, admin, 'ACL', 'SETUSER', 'gone', 'resetchannels', '&other');
  const closed = async (c: RawClient) =>
    Promise.race([
      c.send('PING').then(() => false),
      new Promise<boolean>((r) => setTimeout(() => r(true), 500)),
    ]);
  t.same(
    [await closed(subscriber.redis), await closed(subscriber.ours)],
    [true, true],
    'subscriber dropped',
  );
  await compare(t, victim, 'PING');
  await compare(t, admin, 'ACL', 'DELUSER', 'gone');
  t.same([await closed(victim.redis), await closed(victim.ours)], [true, true], 'user dropped');
  await compare(t, admin, 'ACL', 'SETUSER', 'self', 'on', 'nopass', '+@all');
  const self = await connectPair(t, servers);
  await compare(t, self, 'AUTH', 'self', 'x');
  await compare(t, self, 'ACL', 'DELUSER', 'self');
  t.same(
    [await closed(self.redis), await closed(self.ours)],
    [true, true],
    'caller dropped after the reply',
  );
});

const RULES = [
  '~k*',
  '%R~r*',
  '%W~w*',
  '%RW~b?',
  '~*',
  'allkeys',
  'resetkeys',
  '&c*',
  '&news',
  'allchannels',
  'resetchannels',
  '+@read',
  '-@read',
  '+@write',
  '-@write',
  '+@string',
  '-@list',
  '+@list',
  '+@hash',
  '-@hash',
  '+@keyspace',
  '-@dangerous',
  '+@fast',
  '-@slow',
  '+@pubsub',
  '+@all',
  '-@all',
  '+get',
  '-get',
  '+set',
  '+lpush',
  '+lmove',
  '+config|get',
  '-config|set',
  '+config',
  '+select|0',
  '+del',
  '+zunionstore',
  '+copy',
  '+publish',
  '-publish',
  '+mget',
  '+exists',
];

const KEYS = ['k1', 'r1', 'w1', 'b1', 'x'];
const CHANNELS = ['c1', 'news', 'x', 'c*'];

function randomCommand(random: Random): string[] {
  const key = () => random.pick(KEYS);
  const channel = () => random.pick(CHANNELS);
  switch (random.int(0, 21)) {
    case 0:
      return ['GET', key()];
    case 1:
      return ['SET', key(), 'v'];
    case 2:
      return ['SET', key(), 'v', 'GET'];
    case 3:
      return ['DEL', key(), key()];
    case 4:
      return ['LPUSH', key(), 'a'];
    case 5:
      return ['LMOVE', key(), key(), 'LEFT', 'RIGHT'];
    case 6:
      return ['COPY', key(), key(), 'REPLACE'];
    case 7:
      return ['ZUNIONSTORE', key(), '2', key(), key()];
    case 8:
      return ['MGET', key(), key()];
    case 9:
      return ['MSET', key(), '1', key(), '2'];
    case 10:
      return ['EXISTS', key(), key()];
    case 11:
      return ['PUBLISH', channel(), 'm'];
    case 12:
      return ['CONFIG', 'GET', 'maxmemory'];
    case 13:
      return ['SELECT', random.pick(['0', '1'])];
    case 14:
      return ['HSET', key(), 'f', 'v'];
    case 15:
      return ['HGET', key(), 'f'];
    case 16:
      return ['INCR', key()];
    case 17:
      return ['TYPE', key()];
    case 18:
      return ['EXPIRE', key(), '100'];
    case 19:
      return ['PING'];
    case 20:
      return ['GETDEL', key()];
    default:
      return ['LRANGE', key(), '0', '-1'];
  }
}

/** Commands only asked through DRYRUN: they would subscribe the connection or change the server. */
function randomDryRun(random: Random): string[] {
  const channel = () => random.pick(CHANNELS);
  switch (random.int(0, 4)) {
    case 0:
      return ['SUBSCRIBE', channel(), channel()];
    case 1:
      return ['PSUBSCRIBE', channel()];
    case 2:
      return ['CONFIG', 'SET', 'maxmemory', '0'];
    case 3:
      return ['FLUSHALL'];
    default:
      return ['SORT', random.pick(KEYS), 'STORE', random.pick(KEYS)];
  }
}

t.test('seeded random rule sets, then commands as that user', async (t) => {
  const servers = await startServers(t);
  if (!servers) return;
  const admin = servers.admin;
  const user = await connectPair(t, servers);
  const seed = Number(process.env.ACL_SEED ?? 20261126);
  const random = new Random(seed);
  let compared = 0;
  let mismatches = 0;
  const check = async (pair: Pair, args: string[]) => {
    const [redis, ours] = await Promise.all([pair.redis.send(...args), pair.ours.send(...args)]);
    compared++;
    if (JSON.stringify(normalize(redis)) !== JSON.stringify(normalize(ours))) {
      mismatches++;
      if (mismatches <= 10) t.same(ours, redis, `seed ${seed}: ${args.join(' ')} (${show(redis)})`);
    }
  };
  for (let round = 0; round < 60; round++) {
    const rules = Array.from({ length: random.int(1, 6) }, () => random.pick(RULES));
    await check(admin, ['ACL', 'SETUSER', 'u', 'reset', 'on', 'nopass', ...rules]);
    // Which categories ACL GETUSER names depends on the command table; compare the rest.
    const described = await Promise.all([
      admin.redis.send('ACL', 'GETUSER', 'u'),
      admin.ours.send('ACL', 'GETUSER', 'u'),
    ]);
    const withoutCommands = (r: Reply) =>
      r.t === 'array' ? [...r.v.slice(0, 4), ...r.v.slice(6)] : r;
    t.same(
      withoutCommands(described[1]),
      withoutCommands(described[0]),
      `GETUSER ${rules.join(' ')}`,
    );
    // Our ACL LIST line, applied to another user, must describe the same user (ACL SAVE/LOAD).
    const line = (await admin.ours.send('ACL', 'LIST')) as Reply;
    const own =
      line.t === 'array'
        ? line.v.find((l) => l.t === 'bulk' && l.v.startsWith('user u '))
        : undefined;
    const ownRules = own?.t === 'bulk' ? own.v.split(' ').slice(2) : [];
    await admin.ours.send('ACL', 'SETUSER', 'copy', 'reset', ...ownRules);
    t.same(
      await admin.ours.send('ACL', 'GETUSER', 'copy'),
      await admin.ours.send('ACL', 'GETUSER', 'u'),
      `ACL LIST round trip: ${ownRules.join(' ')}`,
    );
    await check(user, ['AUTH', 'u', 'x']);
    for (let i = 0; i < 12; i++) {
      const command = randomCommand(random);
      await check(user, command);
      await check(admin, ['ACL', 'DRYRUN', 'u', ...command]);
    }
    for (let i = 0; i < 3; i++) await check(admin, ['ACL', 'DRYRUN', 'u', ...randomDryRun(random)]);
    await check(user, ['SELECT', '0']);
  }
  t.equal(mismatches, 0, `${compared} replies compared (seed ${seed})`);
});

t.test('acl-pubsub-default allchannels', async (t) => {
  const servers = await startServers(t, { 'acl-pubsub-default': 'allchannels' });
  if (!servers) return;
  const pair = servers.admin;
  await compare(t, pair, 'ACL', 'SETUSER', 'n', 'on');
  await compare(t, pair, 'ACL', 'SETUSER', 'm', '&x', 'reset', '+get');
  await compare(t, pair, 'ACL', 'SETUSER', 'o', '&x');
  await compare(t, pair, 'ACL', 'LIST');
  await compare(t, pair, 'CONFIG', 'SET', 'acl-pubsub-default', 'resetchannels');
  await compare(t, pair, 'ACL', 'SETUSER', 'p', 'reset');
  await compare(t, pair, 'ACL', 'LIST');
});
