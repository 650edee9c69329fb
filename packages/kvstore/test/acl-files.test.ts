import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

/** aclfile with ACL LOAD / ACL SAVE, and `user` lines in a redis.conf, against redis-server. */

type TestLike = Parameters<typeof tempDir>[0];

async function pairWithAclfile(
  t: TestLike & Parameters<typeof redisServerPath>[0],
  initial: string,
) {
  const redisPath = redisServerPath(t);
  if (!redisPath) return undefined;
  const dir = tempDir(t);
  const files = { redis: join(dir, 'redis.acl'), ours: join(dir, 'ours.acl') };
  writeFileSync(files.redis, initial);
  writeFileSync(files.ours, initial);
  const redis = await startRedis(redisPath, ['--aclfile', files.redis]);
  t.teardown(redis.stop);
  const ours = await spawnKv(t, ['--aclfile', files.ours, '--save', '', '--dir', dir]);
  const clients = {
    redis: await RawClient.connect(redis.port),
    ours: await RawClient.connect(ours.port),
  };
  t.teardown(() => {
    clients.redis.close();
    clients.ours.close();
  });
  const both = async (...args: string[]): Promise<Reply> => {
    const [r, o] = await Promise.all([clients.redis.send(...args), clients.ours.send(...args)]);
    // Error texts name the file: compare with our path put in Redis's place.
    const mine = JSON.stringify(o).split(files.ours).join(files.redis);
    t.same(JSON.parse(mine), r, `${args.join(' ')} -> ${show(r)}`);
    return o;
  };
  return { files, both, ports: { redis: redis.port, ours: ours.port } };
}

const HASH = '2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881';

t.test('aclfile loads at startup; ACL SAVE and ACL LOAD', async (t) => {
  const pair = await pairWithAclfile(
    t,
    `user default on nopass ~* &* +@all\nuser a on #${HASH} ~k* +get\n\n`,
  );
  if (!pair) return;
  const { files, both } = pair;
  await both('ACL', 'LIST');
  await both('ACL', 'SETUSER', 'z', 'on', '%R~r*', '&c', '+@hash');
  await both('ACL', 'SAVE');
  t.equal(readFileSync(files.ours, 'latin1'), readFileSync(files.redis, 'latin1'), 'saved files');
  const bad =
    'user default on nopass ~* &* +@all\n\n# comment\nuser b on bogus\nuser c +nosuch\nfoo bar\nuser\n';
  writeFileSync(files.redis, bad);
  writeFileSync(files.ours, bad);
  await both('ACL', 'LOAD');
  await both('ACL', 'LIST');
  for (const text of [
    'user a on >x\nuser a off\n',
    'user a on >x\r\nuser b on nopass -@all +ping\n',
  ]) {
    writeFileSync(files.redis, text);
    writeFileSync(files.ours, text);
    await both('ACL', 'LOAD');
    await both('ACL', 'LIST');
  }
  // Clients of the replaced users are disconnected by ACL LOAD.
  const user = {
    redis: await RawClient.connect(pair.ports.redis),
    ours: await RawClient.connect(pair.ports.ours),
  };
  t.teardown(() => {
    user.redis.close();
    user.ours.close();
  });
  t.same(await user.ours.send('AUTH', 'b', 'x'), await user.redis.send('AUTH', 'b', 'x'));
  await both('ACL', 'LOAD');
  const dropped = (c: RawClient) =>
    Promise.race([
      c.send('PING').then(() => false),
      new Promise<boolean>((r) => setTimeout(() => r(true), 500)),
    ]);
  t.same([await dropped(user.redis), await dropped(user.ours)], [true, true], 'user b dropped');
});

t.test('ACL LOAD and SAVE without an aclfile', async (t) => {
  const redisPath = redisServerPath(t);
  if (!redisPath) return;
  const redis = await startRedis(redisPath);
  t.teardown(redis.stop);
  const ours = await spawnKv(t, ['--save', '']);
  const r = await RawClient.connect(redis.port);
  const o = await RawClient.connect(ours.port);
  t.teardown(() => {
    r.close();
    o.close();
  });
  for (const sub of ['LOAD', 'SAVE']) t.same(await o.send('ACL', sub), await r.send('ACL', sub));
});

t.test('user lines in the config file', async (t) => {
  const dir = tempDir(t);
  const conf = join(dir, 'kv.conf');
  writeFileSync(
    conf,
    'save ""\nuser alice on >wonder ~cache:* +get +set\nuser default on nopass ~* &* +@all -flushall\n',
  );
  const server = await spawnKv(t, [conf, '--dir', dir]);
  const client = await RawClient.connect(server.port);
  t.teardown(() => client.close());
  t.same(await client.send('ACL', 'LIST'), {
    t: 'array',
    v: [
      {
        t: 'bulk',
        v: 'user alice on #36296059cca8b7c7c7a52ff12abe53eb374d509d480f69bb673ac2566ea0b53f ~cache:* resetchannels -@all +get +set',
      },
      { t: 'bulk', v: 'user default on nopass ~* &* +@all -flushall' },
    ],
  });
  t.same(await client.send('ACL', 'SETUSER', 'bob', 'on', 'nopass', '+ping'), {
    t: 'simple',
    v: 'OK',
  });
  t.same(await client.send('CONFIG', 'REWRITE'), { t: 'simple', v: 'OK' });
  t.same(
    readFileSync(conf, 'utf8').split('\n').slice(0, 4),
    [
      'save ""',
      'user alice on #36296059cca8b7c7c7a52ff12abe53eb374d509d480f69bb673ac2566ea0b53f ~cache:* resetchannels -@all +get +set',
      'user bob on nopass resetchannels -@all +ping',
      'user default on nopass ~* &* +@all -flushall',
    ],
    'CONFIG REWRITE writes every user in place of the user lines',
  );
  t.same(await client.send('CLIENT', 'KILL', 'USER', 'nosuch'), {
    t: 'error',
    v: "ERR No such user 'nosuch'",
  });
  t.same(await client.send('AUTH', 'alice', 'wonder'), { t: 'simple', v: 'OK' });
  t.same(await client.send('SET', 'cache:1', 'v'), { t: 'simple', v: 'OK' });
  const both = join(dir, 'both.conf');
  writeFileSync(both, `user bob on nopass\naclfile ${join(dir, 'x.acl')}\n`);
  const failed = await spawnKv(t, [both], { waitReady: false });
  t.not(await failed.exited, 0, 'users and aclfile together refuse to start');
  t.match(failed.output(), /users defined in redis.conf and at the same setting an ACL file/);
});
