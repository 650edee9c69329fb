import { execFile, spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { requireTool, tempDir } from '@strata/common/testing';
import t from 'tap';
import { freePort, startStrata } from './fixtures/diff-client.js';

const run = promisify(execFile);
type TestLike = Parameters<typeof requireTool>[0];

function cliPath(test: object): string | undefined {
  return requireTool(test as TestLike, 'redis-cli');
}

function pipeInto(
  cli: string,
  args: string[],
  input: string | Buffer,
): Promise<{ stdout: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cli, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout, code }));
    child.stdin.end(input);
  });
}

t.test('redis-cli commands, raw output and errors', async (t) => {
  const cli = cliPath(t);
  if (!cli) return;
  const server = await startStrata();
  t.teardown(server.stop);
  const p = ['-p', String(server.port)];
  t.equal((await run(cli, [...p, 'SET', 'greeting', 'hello world'])).stdout, 'OK\n');
  t.equal((await run(cli, [...p, 'GET', 'greeting'])).stdout, 'hello world\n');
  t.equal((await run(cli, [...p, '--no-raw', 'RPUSH', 'l', 'a', 'b'])).stdout, '(integer) 2\n');
  t.equal(
    (await run(cli, [...p, '--no-raw', 'LRANGE', 'l', '0', '-1'])).stdout,
    '1) "a"\n2) "b"\n',
  );
  t.equal((await run(cli, [...p, '--raw', 'LRANGE', 'l', '0', '-1'])).stdout, 'a\nb\n');
  t.equal(
    (await run(cli, [...p, '--no-raw', 'NOSUCH', 'x'])).stdout,
    "(error) ERR unknown command 'NOSUCH', with args beginning with: 'x' \n",
  );
  t.equal((await run(cli, [...p, '--no-raw', '-3', 'HGETALL', 'nokey'])).stdout, '(empty hash)\n');
  t.match((await run(cli, [...p, 'INFO', 'server'])).stdout, /redis_version:7\.0\.\d+/);
  // Commands read from stdin, one per line, as an interactive session would send them.
  const session = await pipeInto(cli, p, 'SET a 1\nINCR a\nGET a\n');
  t.equal(session.stdout, 'OK\n2\n2\n');
});

t.test('redis-cli --pipe mass insertion', async (t) => {
  const cli = cliPath(t);
  if (!cli) return;
  const server = await startStrata();
  t.teardown(server.stop);
  const count = 50_000;
  let protocol = '';
  for (let i = 0; i < count; i++) {
    const key = `key:${i}`;
    const value = `value:${i}`;
    protocol += `*3\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n$${value.length}\r\n${value}\r\n`;
  }
  const result = await pipeInto(cli, ['-p', String(server.port), '--pipe'], protocol);
  t.equal(result.code, 0);
  t.match(result.stdout, new RegExp(`errors: 0, replies: ${count}`));
  t.equal((await run(cli, ['-p', String(server.port), 'DBSIZE'])).stdout, `${count}\n`);
  t.equal(
    (await run(cli, ['-p', String(server.port), 'GET', 'key:49999'])).stdout,
    'value:49999\n',
  );
});

t.test('redis-cli -s over the UNIX socket with unixsocketperm', async (t) => {
  const cli = cliPath(t);
  if (!cli) return;
  const socketPath = join(tempDir(t as unknown as TestLike), 'kv.sock');
  // As in Redis, port 0 with a socket means no TCP at all: give TCP a real port too.
  const port = String(await freePort());
  const server = await startStrata({ port, unixsocket: socketPath, unixsocketperm: '700' });
  t.teardown(server.stop);
  t.equal(statSync(socketPath).mode & 0o777, 0o700);
  t.equal((await run(cli, ['-s', socketPath, 'PING'])).stdout, 'PONG\n');
  t.equal((await run(cli, ['-s', socketPath, 'SET', 'over', 'unix'])).stdout, 'OK\n');
  t.equal((await run(cli, ['-p', String(server.port), 'GET', 'over'])).stdout, 'unix\n');
  t.match((await run(cli, ['-s', socketPath, 'CLIENT', 'INFO'])).stdout, /addr=\/unixsocket:0/);
});
