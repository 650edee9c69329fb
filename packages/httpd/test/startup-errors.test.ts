/**
 * Start-up failures of the real bin: one plain line on stderr naming what failed and the flag
 * that changes it, nothing on stdout, exit status 1, with and without workers (the primary
 * prints the first worker's reason once); the stack only at --log-level debug.
 */
import { join } from 'node:path';
import { type BinRun, runBin, takenPort, tempDir } from '@strata/common/testing';
import t, { type Test } from 'tap';
import { BIN } from './helpers.js';

function oneLine(t: Test, r: BinRun, line: RegExp, status = 1) {
  t.equal(r.status, status, 'exit status');
  t.equal(r.stdout, '', 'nothing on stdout');
  t.match(r.stderr, line);
  t.equal(r.stderr.split('\n').length, 2, `one line: ${JSON.stringify(r.stderr)}`);
}

for (const workers of ['0', '2']) {
  t.test(`--workers ${workers}: a taken port, metrics port, a missing --root`, async (t) => {
    const port = await takenPort(t);
    const root = tempDir(t);
    const flags = ['--workers', workers, '--root', root];
    oneLine(
      t,
      runBin(BIN, ['--port', String(port), ...flags]),
      new RegExp(
        `^strata-httpd: cannot listen on 127\\.0\\.0\\.1:${port}: address already in use \\(use --port\\)\\n$`,
      ),
    );
    oneLine(
      t,
      runBin(BIN, ['--port', '0', ...flags, '--metrics-port', String(port)]),
      /: address already in use \(use --metrics-port\)\n$/,
    );
    oneLine(
      t,
      runBin(BIN, ['--port', '0', '--workers', workers, '--root', join(root, 'missing')]),
      /^strata-httpd: cannot find \S+\/missing: no such file or directory \(use --root\)\n$/,
    );
  });
}

t.test('the stack only at --log-level debug', async (t) => {
  const port = await takenPort(t);
  const r = runBin(BIN, [
    '--port',
    String(port),
    '--workers',
    '0',
    '--root',
    tempDir(t),
    '--log-level',
    'debug',
  ]);
  t.equal(r.status, 1);
  const [first, ...rest] = r.stderr.split('\n');
  t.match(first, /^strata-httpd: cannot listen on .*\(use --port\)$/);
  t.match(rest.join('\n'), /EADDRINUSE[\s\S]*\n\s+at /, 'then the error with its stack and cause');
});

t.test('an unknown long option is named on one line (status 2)', async (t) => {
  oneLine(
    t,
    runBin(BIN, ['--bogus']),
    /^strata-httpd: Unknown option '--bogus' \(see --help\)\n$/,
    2,
  );
});
