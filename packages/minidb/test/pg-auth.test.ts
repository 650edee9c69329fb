import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@strata/common/testing';
import pg from 'pg';
import t from 'tap';
import { type AuthMethod, Credentials } from '../src/protocol/auth.js';
import { scramVerifier } from '../src/protocol/scram.js';
import { MinidbServer } from '../src/server/minidb-server.js';
import { scriptedEngine } from './helpers/scripted-engine.js';

/** Password authentication as node-postgres negotiates it (SCRAM-SHA-256, MD5, cleartext). */

async function serverWith(t: { teardown(fn: () => unknown): void }, credentials: Credentials) {
  const server = new MinidbServer({ engine: scriptedEngine(), port: 0, credentials });
  await server.start();
  t.teardown(() => server.close());
  return server;
}

async function login(port: number, user: string, password: string): Promise<string> {
  const client = new pg.Client({ host: '127.0.0.1', port, user, password, database: 'postgres' });
  try {
    await client.connect();
    const result = await client.query('rows 1');
    return `ok ${result.rowCount}`;
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  } finally {
    await client.end().catch(() => {});
  }
}

for (const method of ['scram-sha-256', 'md5', 'password'] as AuthMethod[]) {
  t.test(`${method}: the right password logs in, a wrong one gets 28P01`, async (t) => {
    const server = await serverWith(t, Credentials.load({ method, password: 's3cret' })!);
    t.equal(await login(server.port, 'alice', 's3cret'), 'ok 1');
    t.equal(await login(server.port, 'alice', 'wrong'), '28P01');
    t.equal(server.sessionCount, 0, 'failed logins release their slot');
  });
}

t.test('--auth-file: per-user passwords and stored SCRAM verifiers', async (t) => {
  const dir = tempDir(t);
  const v = scramVerifier('bobpw');
  const stored = `SCRAM-SHA-256$${v.iterations}:${v.salt.toString('base64')}$${v.storedKey.toString('base64')}:${v.serverKey.toString('base64')}`;
  const file = join(dir, 'users');
  writeFileSync(file, `# users\nalice:alicepw\nbob:${stored}\n`);
  const server = await serverWith(t, Credentials.load({ method: 'md5', authFile: file })!);
  t.equal(await login(server.port, 'alice', 'alicepw'), 'ok 1', 'md5');
  t.equal(await login(server.port, 'bob', 'bobpw'), 'ok 1', 'a verifier answers md5 with SCRAM');
  t.equal(await login(server.port, 'bob', 'alicepw'), '28P01');
  t.equal(await login(server.port, 'carol', 'alicepw'), '28P01', 'unknown user');
  writeFileSync(file, 'no colon here\n');
  t.throws(() => Credentials.load({ method: 'md5', authFile: file }), /expected user:password/);
  t.throws(
    () => Credentials.load({ method: 'md5', authFile: join(dir, 'missing') }),
    /cannot read/,
  );
});
