import { openSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import t from 'tap';
import { ErrorCode, StrataError } from '../src/errors.js';
import { describeStartupError } from '../src/startup.js';
import { takenPort, tempDir } from '../src/testing.js';

/** The error a real listen() gives. */
function listenError(where: { port: number; host: string } | { path: string }): Promise<Error> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', resolve);
    server.listen(where, () => server.close(() => reject(new Error('listened'))));
  });
}

t.test('a taken TCP port names the address and the flag, through causes', async (t) => {
  const port = await takenPort(t);
  const err = await listenError({ port, host: '127.0.0.1' });
  const wrapped = new StrataError(ErrorCode.LISTEN_FAILED, `cannot listen: ${err.message}`, {
    cause: err,
  });
  const hints = [
    { flag: '--metrics-port', port: port + 1 },
    { flag: '--port', port },
  ];
  t.equal(
    describeStartupError(wrapped, hints),
    `cannot listen on 127.0.0.1:${port}: address already in use (use --port)`,
  );
  t.equal(
    describeStartupError(err),
    `cannot listen on 127.0.0.1:${port}: address already in use`,
    'no hint, no parenthesis',
  );
});

t.test('a UNIX socket path and files name the flag of the path they are in', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'file');
  openSync(file, 'w');
  const socket = await listenError({ path: join(file, 'x.sock') });
  t.equal(
    describeStartupError(socket, [{ flag: '--unix', path: join(file, 'x.sock') }]),
    `cannot listen on ${join(file, 'x.sock')}: not a directory (use --unix)`,
  );
  let missing: unknown;
  try {
    openSync(join(dir, 'data', 'appendonly.aof'), 'r');
  } catch (err) {
    missing = err;
  }
  t.equal(
    describeStartupError(missing, [{ flag: '--dir', path: join(dir, 'data') }]),
    `cannot open ${join(dir, 'data', 'appendonly.aof')}: no such file or directory (use --dir)`,
  );
  t.equal(
    describeStartupError(missing, [{ flag: '--dir', path: join(dir, 'dat') }]),
    `cannot open ${join(dir, 'data', 'appendonly.aof')}: no such file or directory`,
    'a path only shares a prefix: no hint',
  );
});

t.test('other errors: their first line', async (t) => {
  t.equal(describeStartupError(new Error('dump.rdb is not ours\nmore')), 'dump.rdb is not ours');
  t.equal(describeStartupError('plain'), 'plain');
});
