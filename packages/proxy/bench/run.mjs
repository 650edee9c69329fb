#!/usr/bin/env node
// strata-proxy against Squid in front of the same origin: nginx (one worker) serving a 1 KiB
// file with `Cache-Control: max-age=3600` (HIT) and the same file with `no-store` (MISS).
// Proxies: Squid (one worker, memory cache and a ufs disk cache), strata-proxy with one
// process (--workers 0) and with --workers 2. wrk -t1 -c50 -d5s per run, in rounds rotated so
// that no proxy always goes first. Prints medians of req/s, p99 latency and the proxy's CPU
// time per request (utime+stime from /proc, its whole process tree), with ratios to Squid,
// and the error count of each run.
//
//   pnpm --filter @strata/proxy bench        (ROUNDS=5 DURATION=5s by default)
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = resolve(here, '../dist/bin.js');
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const DURATION = process.env.DURATION ?? '5s';
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

function which(name) {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

const tools = { wrk: which('wrk'), nginx: which('nginx'), squid: which('squid') };
for (const [name, path] of Object.entries(tools)) {
  if (!path) {
    console.error(`${name} is not installed (apt-get install ${name})`);
    process.exit(1);
  }
}

const work = mkdtempSync(join(tmpdir(), 'proxy-bench-'));
chmodSync(work, 0o777); // squid drops root for its own user
const children = [];
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

function freePort() {
  return new Promise((r) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => r(port));
    });
  });
}

async function waitForPort(port) {
  for (let k = 0; k < 300; k++) {
    const up = await new Promise((r) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        r(true);
      });
      s.once('error', () => r(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on ${port}`);
}

function start(command, args) {
  const child = spawn(command, args, {
    stdio: 'ignore',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  children.push(child);
  return child;
}

async function startNginx() {
  const dir = join(work, 'nginx');
  const root = join(dir, 'root');
  for (const sub of ['root', 'body', 'proxy', 'fastcgi', 'uwsgi', 'scgi', 'logs']) {
    mkdirSync(join(dir, sub), { recursive: true });
  }
  writeFileSync(join(root, '1k.bin'), randomBytes(1024));
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `worker_processes 1;
daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log error;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    root ${root};
    location = /hit.bin { try_files /1k.bin =404; add_header Cache-Control "max-age=3600"; }
    location = /miss.bin { try_files /1k.bin =404; add_header Cache-Control "no-store"; }
  }
}
`,
  );
  start(tools.nginx, ['-p', dir, '-c', conf, '-e', `${dir}/logs/error.log`]);
  await waitForPort(port);
  return port;
}

async function startSquid() {
  const dir = join(work, 'squid');
  mkdirSync(join(dir, 'cache'), { recursive: true });
  chmodSync(dir, 0o777);
  chmodSync(join(dir, 'cache'), 0o777);
  const port = await freePort();
  const conf = join(dir, 'squid.conf');
  writeFileSync(
    conf,
    [
      `http_port 127.0.0.1:${port}`,
      'visible_hostname squid-bench',
      `pid_filename ${dir}/squid.pid`,
      'access_log none',
      `cache_log ${dir}/cache.log`,
      'cache_store_log none',
      `coredump_dir ${dir}`,
      'cache_mem 64 MB',
      `cache_dir ufs ${dir}/cache 256 16 256`,
      'http_access allow all',
      'shutdown_lifetime 0 seconds',
      'max_filedescriptors 8192',
      '',
    ].join('\n'),
  );
  execFileSync(tools.squid, ['-N', '-z', '-f', conf], { stdio: 'ignore' });
  const child = start(tools.squid, ['-N', '-f', conf]);
  await waitForPort(port);
  return { port, pid: child.pid };
}

async function startStrata(workers) {
  const port = await freePort();
  const child = start(process.execPath, [
    BIN,
    '--port',
    String(port),
    '--workers',
    String(workers),
    '--allow-private',
    '--log-level',
    'warn',
  ]);
  await waitForPort(port);
  return { port, pid: child.pid };
}

/** utime+stime in seconds of a process and all its descendants. */
function cpuSeconds(rootPid) {
  const parents = new Map();
  const times = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), Number(fields[1]));
      times.set(Number(entry), (Number(fields[11]) + Number(fields[12])) / CLK_TCK);
    } catch {}
  }
  let total = 0;
  for (const [pid, time] of times) {
    for (let p = pid; p > 1; p = parents.get(p) ?? 0) {
      if (p === rootPid) {
        total += time;
        break;
      }
    }
  }
  return total;
}

function wrkRun(proxyPort, url) {
  const script = join(work, `absolute-${proxyPort}.lua`);
  writeFileSync(script, `wrk.path = "${url}"\n`);
  const out = execFileSync(
    tools.wrk,
    ['-t1', '-c50', `-d${DURATION}`, '--latency', '-s', script, `http://127.0.0.1:${proxyPort}`],
    { encoding: 'utf8' },
  );
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1]);
  const total = Number(/(\d+) requests in/.exec(out)[1]);
  const p99Text = /99%\s+([\d.]+)(us|ms|s)/.exec(out);
  const p99 = Number(p99Text[1]) * { us: 0.001, ms: 1, s: 1000 }[p99Text[2]];
  const errorMatch = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(
    out,
  );
  const errors =
    (errorMatch ? Number(errorMatch[1]) : 0) +
    (socketErrors ? socketErrors.slice(1).reduce((n, v) => n + Number(v), 0) : 0);
  return { rps, p99, total, errors };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

const originPort = await startNginx();
const proxies = [
  { name: 'squid', ...(await startSquid()) },
  { name: 'strata', ...(await startStrata(0)) },
  { name: 'strata --workers 2', ...(await startStrata(2)) },
];
const cases = [
  { name: 'HIT', url: `http://127.0.0.1:${originPort}/hit.bin` },
  { name: 'MISS', url: `http://127.0.0.1:${originPort}/miss.bin` },
];
const results = new Map();
for (let round = 0; round < ROUNDS; round++) {
  const order = proxies.map((_, k) => proxies[(k + round) % proxies.length]);
  for (const testCase of cases) {
    for (const proxy of order) {
      const before = cpuSeconds(proxy.pid);
      const run = wrkRun(proxy.port, testCase.url);
      const cpu = cpuSeconds(proxy.pid) - before;
      const key = `${testCase.name} ${proxy.name}`;
      if (!results.has(key)) results.set(key, []);
      results.get(key).push({ ...run, cpuUsPerRequest: (cpu / Math.max(run.total, 1)) * 1e6 });
    }
  }
  process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`);
}

const rows = [];
for (const testCase of cases) {
  const squid = results.get(`${testCase.name} squid`);
  const base = {
    rps: median(squid.map((r) => r.rps)),
    p99: median(squid.map((r) => r.p99)),
    cpu: median(squid.map((r) => r.cpuUsPerRequest)),
  };
  for (const proxy of proxies) {
    const runs = results.get(`${testCase.name} ${proxy.name}`);
    const rps = median(runs.map((r) => r.rps));
    const p99 = median(runs.map((r) => r.p99));
    const cpu = median(runs.map((r) => r.cpuUsPerRequest));
    const errors = runs.reduce((n, r) => n + r.errors, 0);
    rows.push(
      `| ${testCase.name} | ${proxy.name} | ${rps.toFixed(0)} (${(rps / base.rps).toFixed(2)}x) | ${p99.toFixed(2)} ms (${(p99 / base.p99).toFixed(2)}x) | ${cpu.toFixed(0)} us (${(cpu / base.cpu).toFixed(2)}x) | ${errors} |`,
    );
  }
}
console.log(`wrk -t1 -c50 -d${DURATION}, ${ROUNDS} rounds, medians; ratios to Squid`);
console.log('| case | proxy | req/s | p99 | CPU/request | errors |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const row of rows) console.log(row);
process.exit(0);
