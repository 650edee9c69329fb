import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { requireTool } from '@strata/common/testing';
import t from 'tap';
import { startStrata } from './fixtures/diff-client.js';

const run = promisify(execFile);

t.test(
  'redis-benchmark -q -n 20000 with its default test list completes without errors',
  async (t) => {
    const benchmark = requireTool(
      t as unknown as Parameters<typeof requireTool>[0],
      'redis-benchmark',
    );
    if (!benchmark) return;
    const server = await startStrata();
    t.teardown(server.stop);
    const { stdout, stderr } = await run(
      benchmark,
      ['-p', String(server.port), '-q', '-n', '20000'],
      {
        maxBuffer: 16 * 1024 * 1024,
        timeout: 150_000,
      },
    );
    // -q prints progress lines separated by \r; the final figure of each test ends the line.
    const results = stdout
      .split('\n')
      .map((line) => line.split('\r').pop()!.trim())
      .filter((line) => line.includes('requests per second'));
    const names = results.map((line) => line.split(':')[0]);
    for (const expected of [
      'PING_INLINE',
      'PING_MBULK',
      'SET',
      'GET',
      'INCR',
      'LPUSH',
      'RPUSH',
      'LPOP',
      'RPOP',
      'SADD',
      'HSET',
      'SPOP',
      'ZADD',
      'ZPOPMIN',
      'LRANGE_100 (first 100 elements)',
      'LRANGE_600 (first 600 elements)',
      'MSET (10 keys)',
    ]) {
      t.ok(names.includes(expected), `${expected} ran`);
    }
    t.notMatch(stdout + stderr, /error|ERR|WRONGTYPE/i);
  },
);
