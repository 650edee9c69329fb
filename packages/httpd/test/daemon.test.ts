/**
 * The strata-httpd binary: flags, curl over TCP and a UNIX socket, the access log, SIGHUP
 * reload, --workers (a crashed worker is replaced) and graceful shutdown under load.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { requireTool, tempDir } from '@strata/common/testing';
import t from 'tap';
import {
  BIN,
  type CommonTestLike,
  exchange,
  get,
  makeRoot,
  parseResponses,
  request,
  spawnHttpd,
} from './helpers.js';

const run = promisify(execFile);

t.test('--help, --version and bad flags', async (t) => {
  const help = await run(process.execPath, [BIN, '--help']);
  t.match(help.stdout, '--max-requests');
  t.match(help.stdout, '--header-timeout');
  t.match(help.stdout, '(default ./public)');
  const bad = await run(process.execPath, [BIN, '--max-requests', 'many']).catch((err) => err);
  t.equal(bad.code, 2);
  t.match(bad.stderr, '--max-requests');
  // A root that does not exist is fatal, also under --workers (no restart loop).
  for (const workers of ['0', '2']) {
    const missing = await run(process.execPath, [
      BIN,
      '--root',
      '/nonexistent/strata',
      '--port',
      '0',
      '--workers',
      workers,
    ]).catch((err) => err);
    t.equal(missing.code, 1, `missing root with --workers ${workers}`);
  }
});

t.test('curl over TCP and over a UNIX socket', async (t) => {
  const curl = requireTool(t as CommonTestLike, 'curl');
  if (!curl) return;
  const root = makeRoot(t, { 'a.txt': 'hello\n', 'sub/b.txt': 'b' });
  const socketPath = join(tempDir(t as CommonTestLike, 'httpd-sock-'), 'httpd.sock');
  const daemon = await spawnHttpd(t, ['--root', root, '--workers', '0', '--unix', socketPath]);
  const tcp = await run(curl, ['-s', '-i', `http://127.0.0.1:${daemon.port}/a.txt`]);
  t.match(tcp.stdout, /^HTTP\/1\.1 200 OK\r\n/);
  t.match(tcp.stdout, /\r\n\r\nhello\n$/);
  const unix = await run(curl, ['-s', '--unix-socket', socketPath, 'http://localhost/sub/b.txt']);
  t.equal(unix.stdout, 'b');
  const follow = await run(curl, ['-s', '-L', `http://127.0.0.1:${daemon.port}/sub`]);
  t.match(follow.stdout, /403 Forbidden/, 'curl follows the 301 to the directory');
  const ranged = await run(curl, ['-s', '-r', '1-3', `http://127.0.0.1:${daemon.port}/a.txt`]);
  t.equal(ranged.stdout, 'ell');
  daemon.child.kill('SIGTERM');
  t.equal(await daemon.exited, 0);
});

t.test(
  '--workers 2 --unix: every worker serves the socket; the file goes with the primary',
  async (t) => {
    const curl = requireTool(t as CommonTestLike, 'curl');
    if (!curl) return;
    const root = makeRoot(t, { 'a.txt': 'hello\n' });
    const socketPath = join(tempDir(t as CommonTestLike, 'httpd-sock-'), 'httpd.sock');
    const daemon = await spawnHttpd(t, [
      '--root',
      root,
      '--workers',
      '2',
      '--unix',
      socketPath,
      '--access-log',
      '-',
      '--access-log-format',
      'json',
    ]);
    const listening = await daemon.waitForLogs(/strata-httpd listening/, 2);
    for (const line of listening) t.equal((JSON.parse(line) as { unix?: string }).unix, socketPath);
    for (let k = 0; k < 8; k++) {
      const reply = await run(curl, ['-s', '--unix-socket', socketPath, 'http://localhost/a.txt']);
      t.equal(reply.stdout, 'hello\n', `request ${k + 1} over the UNIX socket`);
    }
    // The primary hands connections to the workers in turn: both answered.
    const served = await daemon.waitForLogs(/"msg":"request"/, 8);
    const pids = new Set(served.map((l) => (JSON.parse(l) as { pid: number }).pid));
    t.equal(pids.size, 2, 'both workers served UNIX socket clients');
    daemon.child.kill('SIGTERM');
    t.equal(await daemon.exited, 0);
    t.notOk(existsSync(socketPath), 'the socket file is removed on shutdown');
  },
);

t.test('Prometheus metrics with --metrics-port', async (t) => {
  const root = makeRoot(t, { 'a.txt': 'hello\n' });
  const daemon = await spawnHttpd(t, ['--root', root, '--workers', '0', '--metrics-port', '0']);
  const line = await daemon.waitForLog(/serving Prometheus metrics/);
  const metricsPort = (JSON.parse(line) as { port: number }).port;
  await request(daemon.port, '/a.txt');
  await request(daemon.port, '/missing');
  const scrape = await request(metricsPort, '/metrics');
  const text = scrape.body.toString();
  t.match(text, /^httpd_requests_total 2$/m);
  t.match(text, /^httpd_responses_total\{status="2xx"\} 1$/m);
  t.match(text, /^httpd_responses_total\{status="4xx"\} 1$/m);
  t.match(text, /^httpd_sent_bytes_total \d+$/m);
  daemon.child.kill('SIGTERM');
  t.equal(await daemon.exited, 0);
});

t.test('access log: combined and JSON', async (t) => {
  const root = makeRoot(t, { 'a.txt': 'hello\n' });
  const logDir = tempDir(t as CommonTestLike, 'httpd-log-');
  const combinedPath = join(logDir, 'access.log');
  const daemon = await spawnHttpd(t, [
    '--root',
    root,
    '--workers',
    '0',
    '--access-log',
    combinedPath,
  ]);
  await request(daemon.port, '/a.txt', { 'User-Agent': 'tester/1.0', Referer: 'http://r/"x"' });
  await request(daemon.port, '/nope');
  daemon.child.kill('SIGTERM');
  await daemon.exited;
  const lines = readFileSync(combinedPath, 'utf8').trim().split('\n');
  t.equal(lines.length, 2);
  t.match(
    lines[0],
    /^127\.0\.0\.1 - - \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d \+0000\] "GET \/a\.txt HTTP\/1\.1" 200 6 "http:\/\/r\/\\x22x\\x22" "tester\/1\.0"$/,
  );
  t.match(lines[1], /"GET \/nope HTTP\/1\.1" 404 \d+ "-" "-"$/);

  const jsonPath = join(logDir, 'access.json');
  const json = await spawnHttpd(t, [
    '--root',
    root,
    '--workers',
    '0',
    '--access-log',
    jsonPath,
    '--access-log-format',
    'json',
  ]);
  await request(json.port, '/a.txt', { 'User-Agent': 'tester/1.0' });
  json.child.kill('SIGTERM');
  await json.exited;
  const entry = JSON.parse(readFileSync(jsonPath, 'utf8').trim());
  t.match(entry, {
    level: 30,
    msg: 'request',
    method: 'GET',
    target: '/a.txt',
    status: 200,
    bytes: 6,
    userAgent: 'tester/1.0',
  });
});

t.test('SIGHUP reloads the configuration; a broken file is refused', async (t) => {
  const one = makeRoot(t, { 'a.txt': 'one' });
  const two = makeRoot(t, { 'a.txt': 'two' });
  const configPath = join(tempDir(t as CommonTestLike, 'httpd-conf-'), 'httpd.conf');
  writeFileSync(configPath, `root ${one}\nworkers 0\n`);
  const daemon = await spawnHttpd(t, ['--config', configPath]);
  t.equal((await request(daemon.port, '/a.txt')).body.toString(), 'one');
  writeFileSync(configPath, `root ${two}\nworkers 0\nmax-age 60\n`);
  daemon.child.kill('SIGHUP');
  await daemon.waitForLog(/configuration reloaded/);
  const after = await request(daemon.port, '/a.txt');
  t.equal(after.body.toString(), 'two');
  t.equal(after.headers['cache-control'], 'max-age=60');
  writeFileSync(configPath, 'root\nno-such-option 1\n');
  daemon.child.kill('SIGHUP');
  await daemon.waitForLog(/reload refused/);
  t.equal((await request(daemon.port, '/a.txt')).body.toString(), 'two', 'still serving');
  daemon.child.kill('SIGTERM');
  t.equal(await daemon.exited, 0);
});

t.test('--workers: SIGHUP to the primary reloads every worker', async (t) => {
  const one = makeRoot(t, { 'a.txt': 'one' });
  const two = makeRoot(t, { 'a.txt': 'two' });
  const configPath = join(tempDir(t as CommonTestLike, 'httpd-conf-'), 'httpd.conf');
  writeFileSync(configPath, `root ${one}\nworkers 2\n`);
  const daemon = await spawnHttpd(t, ['--config', configPath]);
  await daemon.waitForLogs(/strata-httpd listening/, 2);
  writeFileSync(configPath, `root ${two}\nworkers 2\n`);
  daemon.child.kill('SIGHUP');
  await daemon.waitForLogs(/configuration reloaded/, 2);
  t.pass('both workers reloaded');
  for (let k = 0; k < 4; k++) {
    t.equal((await request(daemon.port, '/a.txt')).body.toString(), 'two');
  }
  daemon.child.kill('SIGTERM');
  t.equal(await daemon.exited, 0);
});

t.test('--workers: a crashed worker is replaced', async (t) => {
  const root = makeRoot(t, { 'a.txt': 'hello\n' });
  const daemon = await spawnHttpd(t, ['--root', root, '--workers', '2']);
  const listening = /strata-httpd listening/;
  const pids = (await daemon.waitForLogs(listening, 2)).map(
    (l) => (JSON.parse(l) as { pid: number }).pid,
  );
  t.equal(new Set(pids).size, 2, 'two workers');
  for (let k = 0; k < 6; k++) t.equal((await request(daemon.port, '/a.txt')).status, 200);
  process.kill(pids[0]!, 'SIGKILL');
  await daemon.waitForLog(/worker died/);
  const [replacement] = (await daemon.waitForLogs(listening, 3)).slice(2);
  t.notOk(pids.includes((JSON.parse(replacement!) as { pid: number }).pid), 'a new worker started');
  for (let k = 0; k < 6; k++) t.equal((await request(daemon.port, '/a.txt')).status, 200);
  daemon.child.kill('SIGTERM');
  t.equal(await daemon.exited, 0, 'the primary drains its workers and exits 0');
});

for (const workers of ['0', '1']) {
  t.test(`graceful shutdown under load (--workers ${workers})`, async (t) => {
    const big = randomBytes(32 * 1024 * 1024);
    const root = makeRoot(t, { 'big.bin': big, 'a.txt': 'hello\n' });
    const daemon = await spawnHttpd(t, [
      '--root',
      root,
      '--workers',
      workers,
      '--max-open-files',
      '1',
      '--cache-max-file',
      '64kb',
    ]);
    // The small file is read once now; later it is served from memory, needing no descriptor.
    t.equal((await request(daemon.port, '/a.txt')).status, 200);
    // A: a download read slowly, holding the only file descriptor.
    const slow = connect(daemon.port, '127.0.0.1');
    const slowChunks: Buffer[] = [];
    slow.on('error', (err) => t.fail(`download A: ${err.message}`));
    slow.on('data', (chunk) => {
      if (slowChunks.length === 0) slow.pause();
      slowChunks.push(chunk);
    });
    const slowClosed = new Promise((r) => slow.once('close', r));
    const slowStarted = new Promise((r) => slow.once('data', r));
    slow.write(get('/big.bin'));
    // Its first bytes mean the server has opened the file and holds the descriptor.
    await slowStarted;
    // B: a second download waits for that descriptor: in flight when SIGTERM arrives.
    const queued = exchange(daemon.port, get('/big.bin'), { timeoutMs: 120_000 });
    // C: an idle keep-alive connection, and a stream of small requests.
    const idle = await exchange(daemon.port, get('/a.txt'), { expect: 1 });
    t.equal(idle.responses[0]?.status, 200);
    // Connections reaching a draining server may be refused; that is not a failure.
    const load = Array.from({ length: 20 }, () =>
      exchange(daemon.port, get('/a.txt').repeat(20), { expect: 20, timeoutMs: 120_000 }).catch(
        () => undefined,
      ),
    );
    await new Promise((r) => setTimeout(r, 100));
    daemon.child.kill('SIGTERM');
    // A resumes only once the serving process drains, so that B is still waiting then.
    await daemon.waitForLog(/draining connections/);
    slow.resume();
    await slowClosed;
    const [slowResponse] = parseResponses(Buffer.concat(slowChunks));
    const sha = (data: Buffer | undefined) =>
      createHash('sha256')
        .update(data ?? '')
        .digest('hex');
    t.equal(sha(slowResponse?.body), sha(big), 'the download in progress completed');
    const queuedResult = await queued;
    t.equal(queuedResult.responses[0]?.status, 200);
    t.equal(
      queuedResult.responses[0]?.headers.connection,
      'close',
      'answered with Connection: close',
    );
    t.equal(sha(queuedResult.responses[0]?.body), sha(big));
    t.equal(queuedResult.closed, true);
    for (const result of await Promise.all(load)) {
      if (!result) continue;
      // Every response that started arrived whole; the connection then closed.
      const heads = (result.data.toString('latin1').match(/HTTP\/1\.1 /g) ?? []).length;
      t.equal(result.responses.length, heads, 'no truncated response');
    }
    t.equal(await daemon.exited, 0, 'exits 0 once drained');
  });
}
