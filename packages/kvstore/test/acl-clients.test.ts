import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { requireTool } from '@strata/common/testing';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import t from 'tap';
import { RawClient, startStrata } from './fixtures/diff-client.js';

/** Real clients logging in as a named ACL user: node-redis, ioredis and redis-cli --user. */

const run = promisify(execFile);

async function serverWithUser(t: { teardown(fn: () => unknown): void }): Promise<number> {
  const server = await startStrata({ requirepass: 'adminpw' });
  t.teardown(server.stop);
  const admin = await RawClient.connect(server.port);
  t.teardown(() => admin.close());
  await admin.send('AUTH', 'adminpw');
  const reply = await admin.send(
    'ACL',
    'SETUSER',
    'app',
    'on',
    '>apppw',
    '~app:*',
    '&app:*',
    '-@all',
    '+@read',
    '+@write',
    '+@connection',
    '+@pubsub',
    '-@dangerous',
  );
  if (reply.t !== 'simple') throw new Error(`SETUSER failed: ${JSON.stringify(reply)}`);
  return server.port;
}

for (const resp of [2, 3] as const) {
  t.test(`node-redis as a named user (RESP${resp})`, async (t) => {
    const port = await serverWithUser(t);
    const client = createClient({
      url: `redis://127.0.0.1:${port}`,
      username: 'app',
      password: 'apppw',
      RESP: resp,
    });
    client.on('error', () => {});
    await client.connect();
    t.teardown(() => client.quit().catch(() => {}));
    t.equal(
      await client.sendCommand(['ACL', 'WHOAMI']).catch((e: Error) => e.message),
      "NOPERM this user has no permissions to run the 'acl|whoami' command",
    );
    t.equal(await client.set('app:k', 'v'), 'OK');
    t.equal(await client.get('app:k'), 'v');
    await t.rejects(client.get('other'), {
      message: 'NOPERM this user has no permissions to access one of the keys used as arguments',
    });
    await t.rejects(client.flushAll(), {
      message: "NOPERM this user has no permissions to run the 'flushall' command",
    });
    const wrong = createClient({
      url: `redis://127.0.0.1:${port}`,
      username: 'app',
      password: 'nope',
      RESP: resp,
      socket: { reconnectStrategy: false },
    });
    wrong.on('error', () => {});
    await t.rejects(wrong.connect(), { message: /WRONGPASS/ });
    await wrong.disconnect().catch(() => {});
  });
}

t.test('ioredis as a named user', async (t) => {
  const port = await serverWithUser(t);
  const client = new Redis({ port, host: '127.0.0.1', username: 'app', password: 'apppw' });
  t.teardown(() => client.disconnect());
  t.equal(await client.set('app:x', '1'), 'OK');
  t.equal(await client.incr('app:x'), 2);
  await t.rejects(client.set('x', '1'), { message: /NOPERM/ });
  const info = await client.client('INFO');
  t.match(info, / user=app /);
  const subscriber = new Redis({ port, host: '127.0.0.1', username: 'app', password: 'apppw' });
  t.teardown(() => subscriber.disconnect());
  t.equal(await subscriber.subscribe('app:news'), 1);
  await t.rejects(subscriber.subscribe('other'), { message: /NOPERM/ });
});

t.test('redis-cli --user --pass', async (t) => {
  const cli = requireTool(t as Parameters<typeof requireTool>[0], 'redis-cli');
  if (!cli) return;
  const port = await serverWithUser(t);
  const base = ['-p', String(port), '--user', 'app', '--pass', 'apppw', '--no-auth-warning'];
  t.equal((await run(cli, [...base, 'SET', 'app:c', 'hello'])).stdout, 'OK\n');
  t.equal((await run(cli, [...base, 'GET', 'app:c'])).stdout, 'hello\n');
  t.match((await run(cli, [...base, 'GET', 'nope'])).stdout, /NOPERM this user has no permissions/);
  const wrong = await run(cli, [
    '-p',
    String(port),
    '--user',
    'app',
    '--pass',
    'x',
    '--no-auth-warning',
    'PING',
  ]);
  t.match(wrong.stdout + wrong.stderr, /WRONGPASS|NOAUTH/);
  const admin = await run(cli, [
    '-p',
    String(port),
    '--user',
    'default',
    '--pass',
    'adminpw',
    '--no-auth-warning',
    'ACL',
    'WHOAMI',
  ]);
  t.equal(admin.stdout, 'default\n');
});
