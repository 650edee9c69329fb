#!/usr/bin/env node
// strata-httpd against a plain node:http static server and nginx (one worker), and strata-httpd
// with 2 workers against 1. wrk -t1 -c50 -d5s per run, rounds rotated so that no server always
// goes first; a 1 KiB and a 1 MiB file, and the 1 KiB file with requests pipelined 16 deep
// (pipeline.lua), where one wrk thread costs less per request than the server and so can load
// more than one server core. Prints medians of req/s, p99 latency and the server's CPU time per
// request (utime+stime from /proc, children included), with ratios. The 1 MiB file is also
// measured streamed from disk (strata-httpd --cache-max-file 64kb) rather than from the cache.
//
//   pnpm --filter @strata/httpd bench            (ROUNDS=5 DURATION=5s by default)
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startNginx } from './nginx.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = resolve(here, '../dist/bin.js');
const PLAIN = resolve(here, 'plain-node-server.mjs');
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

const wrk = which('wrk');
const nginxPath = which('nginx');
if (!wrk) {
  console.error('wrk is not installed (apt-get install wrk)');
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'httpd-bench-'));
const root = join(work, 'root');
execFileSync('mkdir', ['-p', root]);
writeFileSync(join(root, '1k.bin'), randomBytes(1024));
writeFileSync(join(root, '1m.bin'), randomBytes(1024 * 1024));
const PIPELINE_SCRIPT = resolve(here, 'pipeline.lua');
/** What each wrk run fetches; `pipeline` sends that many requests per write. */
const CASES = [
  { name: '1k.bin', file: '1k.bin' },
  { name: '1m.bin', file: '1m.bin' },
  { name: '1k.bin -P16', file: '1k.bin', pipeline: 16 },
];
const FILES = CASES.map((c) => c.name);

async function waitForPort(port) {
  const { connect } = await import('node:net');
  for (let k = 0; k < 200; k++) {
    const up = await new Promise((r) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        r(true);
      });
      s.once('error', () => r(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on ${port}`);
}

async function startProcess(command, args) {
  const child = spawn(command, args, {
    stdio: 'ignore',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const exited = new Promise((r) => child.once('exit', r));
  return {
    pid: child.pid,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

const strataHttpd =
  (workers, extra = []) =>
  async (port) =>
    startProcess(process.execPath, [
      BIN,
      ...['--port', String(port), '--root', root, '--workers', String(workers)],
      ...['--log-level', 'error', ...extra],
    ]);

const SERVERS = {
  'strata-httpd': strataHttpd(0),
  'node:http': async (port) => startProcess(process.execPath, [PLAIN, String(port), root]),
  nginx: async (port) =>
    startNginx({ nginx: nginxPath, root, port, dir: join(work, `nginx-${port}`) }),
  'strata-httpd x2': strataHttpd(2),
  // Files above --cache-max-file are streamed from disk in --read-chunk pieces.
  'strata-httpd streamed': strataHttpd(0, ['--cache-max-file', '64kb']),
};
if (!nginxPath) delete SERVERS.nginx;
/** Servers measured on some cases only (the others would repeat another server's figures). */
const ONLY = { 'strata-httpd streamed': ['1m.bin'] };
const measures = (name, caseName) => ONLY[name]?.includes(caseName) ?? true;

/** CPU ticks of a process and all its descendants. */
function cpuTicks(pid) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ');
      const parent = Number(fields[1]);
      if (!children.has(parent)) children.set(parent, []);
      children.get(parent).push(Number(entry));
    } catch {}
  }
  let total = 0;
  const visit = (p) => {
    try {
      const fields = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ');
      total += Number(fields[11]) + Number(fields[12]); // utime, stime
    } catch {}
    for (const child of children.get(p) ?? []) visit(child);
  };
  visit(pid);
  return total;
}

function parseLatency(text) {
  const m = /^([\d.]+)(us|ms|s)$/.exec(text);
  if (!m) return Number.NaN;
  return Number(m[1]) * { us: 0.001, ms: 1, s: 1000 }[m[2]];
}

function runWrk(port, { file, pipeline }) {
  const script = pipeline ? ['-s', PIPELINE_SCRIPT] : [];
  const scriptArgs = pipeline ? ['--', String(pipeline)] : [];
  const out = execFileSync(
    wrk,
    [
      ...['-t1', '-c50', `-d${DURATION}`, '--latency', ...script],
      `http://127.0.0.1:${port}/${file}`,
      ...scriptArgs,
    ],
    { encoding: 'utf8' },
  );
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const requests = Number(/(\d+) requests in/.exec(out)?.[1]);
  // wrk times only the first response of a pipelined batch: no latency figure for those runs.
  const p99 = pipeline ? Number.NaN : parseLatency(/\s99%\s+(\S+)/.exec(out)?.[1] ?? '');
  const errors = /Non-2xx or 3xx responses: (\d+)|Socket errors: .*/.exec(out)?.[0];
  return { rps, requests, p99, errors };
}

const ms = (value) => (Number.isNaN(value) ? '-' : value.toFixed(2));
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const names = Object.keys(SERVERS);
const results = {}; // name -> file -> { rps: [], p99: [], cpu: [] }
for (const name of names)
  results[name] = Object.fromEntries(FILES.map((f) => [f, { rps: [], p99: [], cpu: [] }]));

const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`wrk -t1 -c50 -d${DURATION}, ${ROUNDS} rounds, servers: ${names.join(', ')}`);
console.log(`load average before: ${loadavg()} (other work on the machine skews the figures)`);
for (let round = 0; round < ROUNDS; round++) {
  const order = names.map((_, k) => names[(k + round) % names.length]);
  for (const name of order) {
    const port = await freePort();
    const server = await SERVERS[name](port);
    try {
      await waitForPort(port);
      for (const testCase of CASES) {
        const file = testCase.name;
        if (!measures(name, file)) continue;
        execFileSync(wrk, ['-t1', '-c10', '-d1s', `http://127.0.0.1:${port}/${testCase.file}`]); // warm-up
        const before = cpuTicks(server.pid);
        const run = runWrk(port, testCase);
        const ticks = cpuTicks(server.pid) - before;
        const cpuUs = (ticks * (1e6 / CLK_TCK)) / run.requests;
        const slot = results[name][file];
        slot.rps.push(run.rps);
        slot.p99.push(run.p99);
        slot.cpu.push(cpuUs);
        console.log(
          `round ${round + 1} ${name.padEnd(16)} ${file}: ${run.rps.toFixed(0)} req/s, p99 ${ms(run.p99)} ms, ${cpuUs.toFixed(1)} us CPU/req${run.errors ? ` (${run.errors})` : ''}`,
        );
      }
    } finally {
      await server.stop();
    }
  }
}

const summary = (name, file) => {
  const slot = results[name][file];
  return { rps: median(slot.rps), p99: median(slot.p99), cpu: median(slot.cpu) };
};
const ratio = (a, b) => (b ? `${(a / b).toFixed(2)}x` : '-');

console.log('\nMedians (ratios: strata-httpd / reference; for CPU lower is better)\n');
console.log(
  '| file | server | req/s | p99 ms | CPU us/req | req/s vs node:http | req/s vs nginx | CPU vs node:http | CPU vs nginx |',
);
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const file of FILES) {
  const node = summary('node:http', file);
  const nginx = SERVERS.nginx ? summary('nginx', file) : undefined;
  for (const name of names) {
    if (!measures(name, file)) continue;
    const s = summary(name, file);
    console.log(
      `| ${file} | ${name} | ${s.rps.toFixed(0)} | ${ms(s.p99)} | ${s.cpu.toFixed(1)} | ${ratio(s.rps, node.rps)} | ${nginx ? ratio(s.rps, nginx.rps) : '-'} | ${ratio(s.cpu, node.cpu)} | ${nginx ? ratio(s.cpu, nginx.cpu) : '-'} |`,
    );
  }
}
for (const file of FILES) {
  const one = summary('strata-httpd', file);
  const two = summary('strata-httpd x2', file);
  console.log(`\n${file}: 2 workers / 1 process = ${ratio(two.rps, one.rps)} req/s`);
}
console.log(`\nload average after: ${loadavg()}`);
rmSync(work, { recursive: true, force: true });
