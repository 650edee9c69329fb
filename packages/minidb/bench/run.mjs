#!/usr/bin/env node
/**
 * pgbench against PostgreSQL 15 and strata-minidb, side by side on the same machine.
 *
 * A throw-away PostgreSQL cluster (initdb as user postgres in a temp dir, a random port) and an
 * in-memory strata-minidb are each initialised with `pgbench -i -s SCALE`, then every workload
 * runs in alternating rounds (PostgreSQL, minidb, minidb, PostgreSQL, ...) with -c 4 -j 2 -T
 * SECONDS: select-only (-S) and the default TPC-B-like script, each with --protocol simple,
 * extended and prepared. Both servers are pinned to CPU 0 and pgbench to CPU 1 (taskset), so
 * each server gets one core. Figures are the median tps over rounds; the ratio is minidb's
 * over PostgreSQL's. Failed transactions are counted; the balances are checked afterwards.
 *
 *   node bench/run.mjs                       # scale 10, 10 s runs, 2 rounds
 *   SCALE=1 SECONDS=5 ROUNDS=1 node bench/run.mjs
 */
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SCALE = Number(process.env.SCALE ?? 10);
const SECONDS = Number(process.env.SECONDS ?? 10);
const ROUNDS = Number(process.env.ROUNDS ?? 2);
const PG_BIN = '/usr/lib/postgresql/15/bin';
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(packageDir, 'dist', 'bin.js');
const WORKLOADS = ['simple', 'extended', 'prepared'].flatMap((protocol) => [
  { name: `-S ${protocol}`, args: ['-S', `--protocol=${protocol}`] },
  { name: `tpcb ${protocol}`, args: [`--protocol=${protocol}`] },
]);

function which(tool) {
  try {
    return (
      execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim() || undefined
    );
  } catch {
    return undefined;
  }
}

for (const tool of ['initdb', 'postgres', 'pgbench']) {
  if (!existsSync(join(PG_BIN, tool))) {
    console.error(`bench: ${PG_BIN}/${tool} is required (apt-get install postgresql)`);
    process.exit(1);
  }
}
if (!which('psql')) {
  console.error('bench: psql is required (apt-get install postgresql-client)');
  process.exit(1);
}
if (!existsSync(bin)) execFileSync('npx', ['tsup'], { cwd: packageDir, stdio: 'inherit' });

const pin = which('taskset') && cpus().length > 1;
const pinned = (cpu, command, args) =>
  pin ? ['taskset', ['-c', cpu, command, ...args]] : [command, args];
/** PostgreSQL refuses to run as root: initdb and postgres run as the postgres user. */
const asRoot = userInfo().uid === 0;
const asPostgres = (command, args) =>
  asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];

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

/** Spawns and resolves once a line of its output matches `ready`. */
function startProcess(command, args, ready, name) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk) => {
      output += chunk;
      const match = ready.exec(output);
      if (match) resolve({ child, match });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${name} exited (${code}): ${output}`)));
  });
}

const cleanups = [];
function cleanup() {
  for (const fn of cleanups.splice(0).reverse()) {
    try {
      fn();
    } catch {
      /* best effort */
    }
  }
}
process.on('exit', cleanup);
process.on('SIGINT', () => process.exit(130));

async function startPostgres() {
  const dir = mkdtempSync(join(tmpdir(), 'strata-bench-pg-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  if (asRoot) {
    const id = (flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }));
    chownSync(dir, id('-u'), id('-g'));
  }
  const data = join(dir, 'data');
  const [initCmd, initArgs] = asPostgres(join(PG_BIN, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '-A',
    'trust',
    '--no-sync',
  ]);
  execFileSync(initCmd, initArgs, { stdio: 'ignore' });
  const port = await freePort();
  const [cmd, args] = pinned(
    '0',
    ...asPostgres(join(PG_BIN, 'postgres'), [
      '-D',
      data,
      '-p',
      String(port),
      '-k',
      dir,
      '-c',
      'listen_addresses=127.0.0.1',
    ]),
  );
  const { child } = await startProcess(cmd, args, /ready to accept connections/, 'postgres');
  cleanups.push(() => child.kill('SIGINT'));
  return { name: 'PostgreSQL 15', port };
}

async function startMinidb() {
  const [cmd, args] = pinned('0', process.execPath, [
    bin,
    '--port',
    '0',
    '--in-memory',
    '--log-level',
    'info',
  ]);
  const { child, match } = await startProcess(
    cmd,
    args,
    /"port":(\d+).*ready to accept connections/,
    'strata-minidb',
  );
  cleanups.push(() => child.kill('SIGKILL'));
  return { name: 'strata-minidb', port: Number(match[1]) };
}

function pgbench(server, args) {
  const [cmd, cmdArgs] = pinned('1', join(PG_BIN, 'pgbench'), [
    '-h',
    '127.0.0.1',
    '-p',
    String(server.port),
    '-U',
    'postgres',
    ...args,
    'postgres',
  ]);
  try {
    return { ok: true, output: execFileSync(cmd, cmdArgs, { encoding: 'utf8', stdio: 'pipe' }) };
  } catch (err) {
    return { ok: false, output: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

function psql(server, sql) {
  return execFileSync(
    'psql',
    [
      '-X',
      '-At',
      '-h',
      '127.0.0.1',
      '-p',
      String(server.port),
      '-U',
      'postgres',
      '-d',
      'postgres',
      '-c',
      sql,
    ],
    { encoding: 'utf8' },
  ).trim();
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length % 2
    ? sorted[(sorted.length - 1) / 2]
    : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
};

const servers = [await startPostgres(), await startMinidb()];
console.log(
  `pgbench -i -s ${SCALE}; runs of -c 4 -j 2 -T ${SECONDS}, ${ROUNDS} rounds${pin ? '; servers on CPU 0, pgbench on CPU 1' : ''}`,
);
const usable = [];
for (const server of servers) {
  const started = Date.now();
  const init = pgbench(server, ['-i', '-s', String(SCALE), '-q']);
  if (!init.ok) {
    console.log(
      `${server.name}: pgbench -i failed:\n${init.output.trim().split('\n').slice(-3).join('\n')}`,
    );
    continue;
  }
  console.log(
    `${server.name}: pgbench -i -s ${SCALE} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  usable.push(server);
}

const results = new Map(); // workload -> server -> { tps: [], failed }
for (let round = 0; round < ROUNDS; round++) {
  for (const workload of WORKLOADS) {
    // Alternate which server goes first, so drift over time (other load, thermal) is shared.
    const order = round % 2 === 0 ? usable : [...usable].reverse();
    for (const server of order) {
      const run = pgbench(server, ['-c', '4', '-j', '2', '-T', String(SECONDS), ...workload.args]);
      const tps = Number(
        /tps = ([\d.]+) \(without initial connection time\)/.exec(run.output)?.[1] ?? 0,
      );
      const failed = Number(
        /number of failed transactions: (\d+)/.exec(run.output)?.[1] ?? (run.ok ? 0 : -1),
      );
      const entry = results.get(workload.name) ?? new Map();
      const mine = entry.get(server.name) ?? { tps: [], failed: 0, errors: [] };
      mine.tps.push(tps);
      mine.failed = failed < 0 || mine.failed < 0 ? -1 : mine.failed + failed;
      if (!run.ok) mine.errors.push(run.output.trim().split('\n').slice(-2).join(' / '));
      entry.set(server.name, mine);
      results.set(workload.name, entry);
    }
  }
}

const [pg, ours] = servers;
const pad = (text, width) => String(text).padEnd(width);
console.log(
  `\n${pad('workload', 16)}${pad('PostgreSQL tps', 16)}${pad('minidb tps', 14)}${pad('ratio', 8)}failed (pg / minidb)`,
);
for (const workload of WORKLOADS) {
  const entry = results.get(workload.name);
  const a = entry?.get(pg.name);
  const b = entry?.get(ours.name);
  const ta = a ? median(a.tps) : 0;
  const tb = b ? median(b.tps) : 0;
  const ratio = ta > 0 && b ? (tb / ta).toFixed(2) : '-';
  const failed = `${a ? (a.failed < 0 ? 'error' : a.failed) : '-'} / ${b ? (b.failed < 0 ? 'error' : b.failed) : '-'}`;
  console.log(
    `${pad(workload.name, 16)}${pad(ta.toFixed(0), 16)}${pad(b ? tb.toFixed(0) : '-', 14)}${pad(ratio, 8)}${failed}`,
  );
  for (const error of b?.errors.slice(0, 1) ?? []) console.log(`  minidb: ${error}`);
}

for (const server of usable) {
  const sums = psql(
    server,
    'select (select sum(abalance) from pgbench_accounts), (select sum(bbalance) from pgbench_branches), (select sum(tbalance) from pgbench_tellers)',
  );
  const [accounts, branches, tellers] = sums.split('|');
  const consistent = accounts === branches && branches === tellers;
  console.log(
    `${server.name}: balances accounts=${accounts} branches=${branches} tellers=${tellers} ${consistent ? 'consistent' : 'INCONSISTENT'}`,
  );
}
cleanup();
