/**
 * The strata-proxy binary: flags and start-up failures, curl -x, the access log formats,
 * Prometheus metrics, SIGHUP rereading the deny file, --workers 2 and graceful shutdown.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { requireTool, tempDir } from '@strata/common/testing';
import t from 'tap';
import { BIN, fetchVia, spawnProxy, startOrigin } from './helpers.js';

const run = promisify(execFile);

t.test('--help, bad flags and start-up failures are one plain line', async (t) => {
  const help = await run(process.execPath, [BIN, '--help']);
  t.match(help.stdout, '--connect-ports');
  t.match(help.stdout, '--upstream-timeout');
  const bad = await run(process.execPath, [BIN, '--bogus']).catch((err) => err);
  t.equal(bad.code, 2);
  t.match(bad.stderr, "Unknown option '--bogus'");
  const pattern = await run(process.execPath, [
    BIN,
    '--port',
    '0',
    '--workers',
    '0',
    '--deny',
    'regex:(a)\\1',
  ]).catch((err) => err);
  t.equal(pattern.code, 1);
  t.match(pattern.stderr, /^strata-proxy: regex pattern refused: .*linear time\n$/);
  const taken = createServer();
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => taken.close(() => r())));
  const port = String((taken.address() as { port: number }).port);
  const inUse = await run(process.execPath, [BIN, '--port', port, '--workers', '0']).catch(
    (err) => err,
  );
  t.equal(inUse.code, 1);
  t.equal(
    inUse.stderr,
    `strata-proxy: cannot listen on 127.0.0.1:${port}: address already in use (use --port)\n`,
  );
});

t.test('curl -x, the squid access log, metrics, SIGHUP and SIGTERM', async (t) => {
  const curl = requireTool(t, 'curl');
  if (!curl) return;
  const origin = await startOrigin(t, (_req, res) => {
    res.writeHead(200, { 'cache-control': 'max-age=600', 'content-type': 'text/plain' });
    res.end('cached body');
  });
  const dir = tempDir(t, 'proxy-daemon-');
  const log = join(dir, 'access.log');
  const denyFile = join(dir, 'deny');
  writeFileSync(denyFile, '');
  const metricsPort = await freePort();
  const daemon = await spawnProxy(t, [
    '--workers',
    '0',
    '--allow-private',
    '--access-log',
    log,
    '--deny-file',
    denyFile,
    '--metrics-port',
    String(metricsPort),
  ]);
  const proxyUrl = `http://127.0.0.1:${daemon.port}`;
  for (let k = 0; k < 2; k++) {
    const out = await run(curl, ['-s', '-x', proxyUrl, origin.url('/c')]);
    t.equal(out.stdout, 'cached body');
  }
  t.equal(origin.hits.get('/c'), 1, 'the second curl was a hit');
  writeFileSync(denyFile, 'domain:127.0.0.1\n');
  daemon.child.kill('SIGHUP');
  await daemon.waitForLog(/rules reloaded/);
  const denied = await run(curl, [
    '-s',
    '-o',
    '/dev/null',
    '-w',
    '%{http_code}',
    '-x',
    proxyUrl,
    origin.url('/c'),
  ]);
  t.equal(denied.stdout, '403');
  const metrics = await run(curl, ['-s', `http://127.0.0.1:${metricsPort}/metrics`]);
  t.match(metrics.stdout, /proxy_results_total\{result="TCP_MEM_HIT"\} 1/);
  t.match(metrics.stdout, /proxy_results_total\{result="TCP_MISS"\} 1/);
  t.match(metrics.stdout, /proxy_cache_hit_ratio /);
  t.match(metrics.stdout, /proxy_upstream_response_seconds_count 1/);
  daemon.child.kill('SIGTERM');
  t.equal(await daemon.exited, 0);
  const lines = readFileSync(log, 'utf8').trim().split('\n');
  t.equal(lines.length, 3);
  t.match(
    lines[0]!,
    new RegExp(
      `^\\d+\\.\\d{3} +\\d+ 127\\.0\\.0\\.1 TCP_MISS/200 11 GET ${origin.url('/c')} - HIER_DIRECT/127\\.0\\.0\\.1 text/plain$`,
    ),
  );
  t.match(lines[1]!, / TCP_MEM_HIT\/200 11 GET /);
  t.match(lines[2]!, / TCP_DENIED\/403 /);
});

t.test('--access-log-format combined and json', async (t) => {
  const origin = await startOrigin(t, (_req, res) => res.end('x'));
  const dir = tempDir(t, 'proxy-log-');
  for (const format of ['combined', 'json']) {
    const log = join(dir, `${format}.log`);
    const daemon = await spawnProxy(t, [
      '--workers',
      '0',
      '--allow-private',
      '--access-log',
      log,
      '--access-log-format',
      format,
    ]);
    await fetchVia(daemon.port, 'GET', origin.url('/f'), { 'User-Agent': 'test-agent' });
    daemon.child.kill('SIGTERM');
    await daemon.exited;
    const line = readFileSync(log, 'utf8').trim();
    if (format === 'combined') {
      t.match(
        line,
        new RegExp(
          `^127\\.0\\.0\\.1 - - \\[[^\\]]+\\] "GET ${origin.url('/f')} HTTP/1\\.1" 200 1 "-" "test-agent" TCP_MISS$`,
        ),
      );
    } else {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      t.match(parsed, { method: 'GET', status: 200, result: 'TCP_MISS', bytes: 1 });
    }
  }
});

t.test('--workers 2 serves through both workers and drains on SIGTERM', async (t) => {
  const origin = await startOrigin(t, (_req, res) => {
    res.writeHead(200, { 'cache-control': 'max-age=600' });
    res.end('w');
  });
  const daemon = await spawnProxy(t, ['--workers', '2', '--allow-private']);
  await daemon.waitForLog(/primary started/);
  const responses = await Promise.all(
    Array.from({ length: 8 }, () => fetchVia(daemon.port, 'GET', origin.url('/w'))),
  );
  t.equal(
    responses.every((r) => r.status === 200 && r.body.toString() === 'w'),
    true,
  );
  t.ok(
    (origin.hits.get('/w') ?? 0) <= 2,
    'at most one miss per worker (each has its own memory cache)',
  );
  daemon.child.kill('SIGTERM');
  t.equal(await daemon.exited, 0);
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
