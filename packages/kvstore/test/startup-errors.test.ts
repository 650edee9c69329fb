/**
 * Start-up failures of the real bin, as a person sees them: one plain line on stderr naming what
 * failed and the flag that changes it, nothing on stdout, exit status 1; the stack only at
 * --log-level debug. Runs without tap's environment, so the logger is at its usual level.
 */
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BinRun, runBin, takenPort, tempDir } from '@strata/common/testing';
import t, { type Test } from 'tap';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../dist/bin.js');
/** Root writes anywhere: the unwritable case then runs as nobody, as the image's user would. */
const asRoot = process.getuid?.() === 0;
const start = (args: string[], user = false) =>
  runBin(BIN, args, user && asRoot ? { uid: 65534 } : {});

function oneLine(t: Test, r: BinRun, line: RegExp, status = 1) {
  t.equal(r.status, status, 'exit status');
  t.equal(r.stdout, '', 'nothing on stdout');
  t.match(r.stderr, line);
  t.equal(r.stderr.split('\n').length, 2, `one line: ${JSON.stringify(r.stderr)}`);
}

t.test('a taken port, and a taken metrics port', async (t) => {
  const port = await takenPort(t);
  const dir = tempDir(t);
  oneLine(
    t,
    start(['--port', String(port), '--dir', dir]),
    new RegExp(
      `^strata-kvstore: cannot listen on 127\\.0\\.0\\.1:${port}: address already in use \\(use --port\\)\\n$`,
    ),
  );
  oneLine(
    t,
    start(['--port', '0', '--dir', dir, '--metrics-port', String(port)]),
    /: address already in use \(use --metrics-port\)\n$/,
  );
});

t.test('the stack only at --log-level debug', async (t) => {
  const port = await takenPort(t);
  const r = start(['--port', String(port), '--dir', tempDir(t), '--log-level', 'debug']);
  t.equal(r.status, 1);
  const [first, ...rest] = r.stderr.split('\n');
  t.match(first, /^strata-kvstore: cannot listen on .*\(use --port\)$/);
  t.match(rest.join('\n'), /EADDRINUSE[\s\S]*\n\s+at /, 'then the error with its stack and cause');
});

t.test('--dir missing, not a directory, not writable', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'file');
  writeFileSync(file, 'x');
  oneLine(
    t,
    start(['--port', '0', '--dir', join(dir, 'missing')]),
    /^strata-kvstore: cannot find \S+\/missing: no such file or directory \(use --dir\)\n$/,
  );
  oneLine(
    t,
    start(['--port', '0', '--dir', file]),
    /^strata-kvstore: cannot enter \S+\/file: not a directory \(use --dir\)\n$/,
  );
  const readOnly = join(dir, 'read-only');
  mkdirSync(readOnly);
  chmodSync(dir, 0o755);
  chmodSync(readOnly, 0o555);
  if (asRoot) chownSync(readOnly, 65534, 65534);
  oneLine(
    t,
    start(['--port', '0', '--dir', readOnly], true),
    /^strata-kvstore: cannot write to \S+\/read-only: permission denied \(use --dir\)\n$/,
  );
});

t.test('a dump file that is not ours', async (t) => {
  const dir = tempDir(t);
  writeFileSync(
    join(dir, 'dump.rdb'),
    Buffer.from('REDIS0011\xfa\x09redis-ver\x057.0.15', 'latin1'),
  );
  oneLine(
    t,
    start(['--port', '0', '--dir', dir]),
    /^strata-kvstore: \S+\/dump\.rdb is a Redis RDB file; this server reads only its own snapshot format\n$/,
  );
  writeFileSync(join(dir, 'dump.rdb'), 'hello world\n');
  oneLine(
    t,
    start(['--port', '0', '--dir', dir]),
    /^strata-kvstore: \S+\/dump\.rdb is not a strata-kvstore snapshot or append-only file\n$/,
  );
});

t.test('an unknown long option is named on one line (status 2)', async (t) => {
  oneLine(t, start(['--bogus']), /^strata-kvstore: Unknown option '--bogus' \(see --help\)\n$/, 2);
});
