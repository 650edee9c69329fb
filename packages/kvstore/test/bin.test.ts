import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { RawClient, freePort } from './fixtures/diff-client.js';
import { spawnKv } from './helpers/spawn.js';

const source = (file: string) => fileURLToPath(new URL(`../src/${file}`, import.meta.url));
const runNode = (file: string, args: string[]) =>
  spawnSync(process.execPath, [...process.execArgv, source(file), ...args], {
    encoding: 'utf8',
    timeout: 30_000,
  });

t.test('--help, --version and bad flags', async (t) => {
  const { parseCli } = await import('@strata/common');
  const { CLI_INFO, buildOptionTable } = await import('../src/cli.js');
  const { configFromOptions } = await import('../src/main.js');
  const parse = (argv: string[]) => parseCli(buildOptionTable(), CLI_INFO, argv, {});
  const help = parse(['--help']);
  t.match(help, { kind: 'exit', code: 0 });
  const text = help.kind === 'exit' ? help.output : '';
  t.match(text, /--appendonly <string>/);
  t.match(text, /--maxmemory-policy <string>/);
  t.match(text, /strata-kvstore \[config-file\] \[options\]/);
  t.match(parse(['--version']), { kind: 'exit', code: 0 });
  t.match(parse(['--no-such-flag']), { kind: 'exit', code: 2 });
  const parsed = parse(['--port', '7000', '--appendfsync', 'sometimes']);
  t.throws(
    () => configFromOptions(parsed.kind === 'run' ? parsed.config : {}),
    /invalid value for 'appendfsync'/,
  );
  const good = parse([
    '--port',
    '7000',
    '--save',
    '900 1',
    '--save',
    '60 100',
    '--maxmemory',
    '1gb',
  ]);
  const config = configFromOptions(good.kind === 'run' ? good.config : {});
  t.equal(config.get('save'), '900 1 60 100');
  t.equal(config.get('maxmemory'), String(1024 ** 3));
  t.equal(config.get('port'), '7000');
});

t.test('Prometheus metrics and the container health check', async (t) => {
  const metricsPort = await freePort();
  const server = await spawnKv(t, ['--save', '', '--metrics-port', String(metricsPort)]);
  const client = await RawClient.connect(server.port);
  t.teardown(() => client.close());
  await client.send('SET', 'a', '1');
  await client.send('GET', 'a');
  // The exporter starts listening just after the server: retry briefly.
  let text = '';
  for (let attempt = 0; attempt < 50 && text === ''; attempt++) {
    text = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then(
      (response) => response.text(),
      () => new Promise<string>((r) => setTimeout(() => r(''), 100)),
    );
  }
  t.match(text, /kvstore_commands_processed_total \d+/);
  t.match(text, /kvstore_commands_total\{command="set"\} 1/);
  t.match(text, /kvstore_keys\{db="0"\} 1/);
  t.match(text, /kvstore_used_memory_bytes \d+/);
  t.equal(runNode('healthcheck.ts', [String(server.port)]).status, 0, 'healthy');
  t.equal(
    runNode('healthcheck.ts', [String(await freePort())]).status,
    1,
    'unhealthy without a server',
  );
});

t.test('SIGTERM shuts down gracefully and saves when save rules are set', async (t) => {
  const server = await spawnKv(t, [
    '--save',
    '3600 1',
    '--dir',
    '/tmp',
    '--dbfilename',
    `strata-test-${process.pid}.snapshot`,
  ]);
  const client = await RawClient.connect(server.port);
  await client.send('SET', 'k', 'v');
  client.close();
  server.child.kill('SIGTERM');
  t.equal(await server.exited, 0);
  const again = await spawnKv(t, [
    '--save',
    '',
    '--dir',
    '/tmp',
    '--dbfilename',
    `strata-test-${process.pid}.snapshot`,
  ]);
  const reader = await RawClient.connect(again.port);
  t.teardown(() => reader.close());
  t.same(await reader.send('GET', 'k'), { t: 'bulk', v: 'v' });
  await reader.send('FLUSHALL');
  await reader.send('SAVE');
});
