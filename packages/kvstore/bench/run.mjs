#!/usr/bin/env node
/**
 * redis-server vs strata-kvstore, side by side on the same CPU.
 *
 * Both servers are pinned to one CPU with taskset and redis-benchmark to another, so each server
 * gets the same single core (as Redis's single-threaded design expects). Rounds alternate between
 * the servers to spread out noise; the figure per test is the median over rounds.
 *
 *   node bench/run.mjs                  # 6 rounds, -n 100000 -c 50, -P 1 and -P 16
 *   ROUNDS=2 REQUESTS=20000 PIPELINES=16 node bench/run.mjs
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROUNDS = Number(process.env.ROUNDS ?? 6);
const REQUESTS = Number(process.env.REQUESTS ?? 100000);
const CLIENTS = 50;
const TESTS = 'set,get,incr,lpush,lpop,sadd,hset,zadd,lrange_100,mset';
const PIPELINES = (process.env.PIPELINES ?? '1,16').split(',').map(Number);
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(packageDir, 'dist', 'bin.js');

function which(tool) {
  try {
    return (
      execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim() || undefined
    );
  } catch {
    return undefined;
  }
}

for (const tool of ['redis-server', 'redis-benchmark', 'taskset']) {
  if (!which(tool)) {
    console.error(`bench: ${tool} is required (apt-get install redis-server util-linux)`);
    process.exit(1);
  }
}
if (!existsSync(bin)) execFileSync('npx', ['tsup'], { cwd: packageDir, stdio: 'inherit' });

const serverCpu = '0';
const clientCpu = cpus().length > 1 ? '1' : '0';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitReady(port) {
  for (let i = 0; i < 100; i++) {
    try {
      execFileSync('redis-cli', ['-p', String(port), 'PING'], { stdio: 'pipe' });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`server on port ${port} did not start`);
}

async function startServers() {
  const dir = mkdtempSync(join(tmpdir(), 'strata-bench-'));
  const redisPort = await freePort();
  const oursPort = await freePort();
  const common = ['--save', '', '--appendonly', 'no', '--dir', dir];
  const redis = spawn(
    'taskset',
    ['-c', serverCpu, 'redis-server', '--port', String(redisPort), ...common],
    { stdio: 'ignore' },
  );
  const ours = spawn(
    'taskset',
    ['-c', serverCpu, process.execPath, bin, '--port', String(oursPort), ...common],
    {
      stdio: 'ignore',
      env: { ...process.env, LOG_LEVEL: 'warn' },
    },
  );
  await Promise.all([waitReady(redisPort), waitReady(oursPort)]);
  const stop = () => {
    redis.kill('SIGKILL');
    ours.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', stop);
  return { servers: { 'redis-server': redisPort, 'strata-kvstore': oursPort }, stop };
}

/** Runs one redis-benchmark pass; returns {test: ops/s}. */
function benchmark(port, pipeline) {
  const csv = execFileSync(
    'taskset',
    [
      '-c',
      clientCpu,
      'redis-benchmark',
      '-p',
      String(port),
      '-n',
      String(REQUESTS),
      '-c',
      String(CLIENTS),
      '-P',
      String(pipeline),
      '-t',
      TESTS,
      '--csv',
    ],
    { encoding: 'utf8', maxBuffer: 8 * 1024 * 1024 },
  );
  const results = {};
  for (const line of csv.trim().split('\n').slice(1)) {
    const [name, rps] = line.split(',').map((cell) => cell.replace(/"/g, ''));
    results[name] = Number(rps);
  }
  return results;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const { servers, stop } = await startServers();
console.log(
  `redis-benchmark -n ${REQUESTS} -c ${CLIENTS} -t ${TESTS}; ${ROUNDS} alternating rounds; servers on CPU ${serverCpu}, client on CPU ${clientCpu}`,
);
for (const pipeline of PIPELINES) {
  const samples = { 'redis-server': {}, 'strata-kvstore': {} };
  for (let round = 0; round < ROUNDS; round++) {
    const order =
      round % 2 === 0 ? ['redis-server', 'strata-kvstore'] : ['strata-kvstore', 'redis-server'];
    for (const name of order) {
      // Each round starts from an empty dataset so LPOP/LRANGE see the same list sizes.
      execFileSync('redis-cli', ['-p', String(servers[name]), 'FLUSHALL'], { stdio: 'pipe' });
      for (const [test, rps] of Object.entries(benchmark(servers[name], pipeline))) {
        (samples[name][test] ??= []).push(rps);
      }
    }
    process.stderr.write(`  -P ${pipeline}: round ${round + 1}/${ROUNDS} done\n`);
  }
  console.log(`\n-P ${pipeline}`);
  console.log(`| test | redis-server ops/s | strata-kvstore ops/s | ratio |`);
  console.log('|---|---:|---:|---:|');
  let logSum = 0;
  let count = 0;
  for (const test of Object.keys(samples['redis-server'])) {
    const theirs = median(samples['redis-server'][test]);
    const ours = median(samples['strata-kvstore'][test] ?? [0]);
    const ratio = ours / theirs;
    logSum += Math.log(ratio);
    count++;
    console.log(`| ${test} | ${Math.round(theirs)} | ${Math.round(ours)} | ${ratio.toFixed(2)} |`);
  }
  console.log(`| **geometric mean** | | | **${Math.exp(logSum / count).toFixed(2)}** |`);
}
stop();
