import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parseCli } from '@strata/common';
import { requireTool, tempDir } from '@strata/common/testing';
import t from 'tap';
import { CLI_INFO, OPTIONS } from '../src/cli.js';
import { psqlArgs, runPsql } from './helpers/psql.js';
import { runSource, spawnMinidb, watch } from './helpers/spawn.js';

t.test('--help, --version and bad flags', async (t) => {
  const parse = (argv: string[]) => parseCli(OPTIONS, CLI_INFO, argv, {});
  const help = parse(['--help']);
  t.match(help, { kind: 'exit', code: 0 });
  const text = help.kind === 'exit' ? help.output : '';
  for (const flag of [
    '--data',
    '--in-memory',
    '--unix-dir',
    '--max-connections',
    '--max-message-size',
    '--statement-timeout',
    '--password',
    '--auth-file',
    '--auth-method',
  ]) {
    t.match(text, flag);
  }
  t.match(parse(['--version']), { kind: 'exit', code: 0 });
  t.match(parse(['--no-such-flag']), { kind: 'exit', code: 2 });
  t.match(parse(['--auth-method', 'kerberos']), { kind: 'exit', code: 2 });
  const good = parse(['--statement-timeout', '2s', '--max-message-size', '1mb']);
  t.match(good, {
    kind: 'run',
    config: { statementTimeout: 2000, maxMessageSize: 1024 * 1024, port: 5433 },
  });
});

t.test('start-up failures are one plain line and a non-zero exit', async (t) => {
  const blocker = createServer();
  blocker.listen(0, '127.0.0.1');
  await once(blocker, 'listening');
  t.teardown(() => blocker.close());
  const port = (blocker.address() as { port: number }).port;
  const busy = watch(runSource('bin.ts', ['--in-memory', '--port', String(port)]));
  t.equal(await busy.exited, 1);
  t.match(busy.stderr(), /^strata-minidb: cannot listen: [^\n]*EADDRINUSE[^\n]*\n$/);
  const auth = watch(runSource('bin.ts', ['--in-memory', '--auth-file', '/nonexistent/users']));
  t.equal(await auth.exited, 2);
  t.match(auth.stderr(), /^strata-minidb: cannot read auth file \/nonexistent\/users/);
});

t.test('psql over TCP and the UNIX socket in --unix-dir; health check; SIGTERM', async (t) => {
  const psql = requireTool(t, 'psql');
  if (!psql) return;
  const dir = tempDir(t, 'minidb-sock-');
  const server = await spawnMinidb(t, ['--in-memory', '--unix-dir', dir]);
  t.equal(server.unixSocket, join(dir, `.s.PGSQL.${server.port}`));
  const run = async (host: string) =>
    (await runPsql(psql, psqlArgs({ port: server.port, host }, '-At', '-c', 'select 40 + 2')))
      .stdout;
  t.equal(await run(dir), '42\n', 'psql -h <dir>');
  t.equal(await run('127.0.0.1'), '42\n');
  const healthy = watch(runSource('healthcheck.ts', [String(server.port)]));
  t.equal(await healthy.exited, 0, 'healthy');
  server.child.kill('SIGTERM');
  t.equal(await server.exited, 0, 'SIGTERM exits 0');
  const unhealthy = watch(runSource('healthcheck.ts', [String(server.port)]));
  t.equal(await unhealthy.exited, 1, 'unhealthy without a server');
});

t.test('--password enables SCRAM for psql', async (t) => {
  const psql = requireTool(t, 'psql');
  if (!psql) return;
  const server = await spawnMinidb(t, ['--in-memory', '--password', 'pw']);
  const run = async (password: string) => {
    const args = psqlArgs({ port: server.port, user: 'alice' }, '-At', '-c', 'select 1');
    const result = await runPsql(psql, args, { ...process.env, PGPASSWORD: password });
    return result.stdout + result.stderr;
  };
  t.equal(await run('pw'), '1\n');
  t.match(await run('nope'), /password authentication failed for user "alice"/);
});
