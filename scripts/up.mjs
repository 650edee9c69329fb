#!/usr/bin/env node
// `npm run up`: installs and builds only when needed, starts every finished daemon on its
// default port (or STRATA_<NAME>_PORT) with data under ./data, says where each listens once it
// answers its protocol, and stops them all on Ctrl+C (a second Ctrl+C kills them).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { daemons } from './daemons.mjs';
import { portIsFree, probe } from './net.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const pnpmVersion = JSON.parse(readFileSync('package.json', 'utf8')).packageManager.split('@')[1];

/** pnpm as installed here when it is the pinned version, else fetched once through npx. */
function pnpm(args) {
  let local = '';
  try {
    local = execFileSync('pnpm', ['--version'], { encoding: 'utf8', stdio: 'pipe' }).trim();
  } catch {
    // Not installed: npx fetches it.
  }
  const [file, prefix] =
    local === pnpmVersion ? ['pnpm', []] : ['npx', ['-y', `pnpm@${pnpmVersion}`]];
  execFileSync(file, [...prefix, ...args], { stdio: 'inherit' });
}

/** pnpm keeps a copy of the lockfile it installed: equal to ours, nothing is left to install. */
function installed() {
  const copy = 'node_modules/.pnpm/lock.yaml';
  return (
    existsSync(copy) &&
    readFileSync(copy, 'utf8') === readFileSync('pnpm-lock.yaml', 'utf8') &&
    readdirSync('packages').every((name) => existsSync(join('packages', name, 'node_modules')))
  );
}

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Every package's dist is newer than its sources (tsup rewrites dist/ on each build). */
function built() {
  return readdirSync('packages').every((name) => {
    const dir = join('packages', name);
    const output = join(dir, 'dist', 'index.js');
    if (!existsSync(output)) return false;
    const inputs = ['src', 'package.json', 'tsup.config.ts', 'tsconfig.json']
      .map((file) => join(dir, file))
      .filter((file) => existsSync(file));
    return Math.max(...inputs.map(newestMtime)) < statSync(output).mtimeMs;
  });
}

if (!installed()) pnpm(['install', '--frozen-lockfile']);
if (!built()) pnpm(['exec', 'turbo', 'run', 'build', '--output-logs=errors-only']);

// Every port is checked before anything starts: a taken one is named with the variable that
// moves it, and nothing is left half started.
const plan = daemons.map((daemon) => {
  const variable = `STRATA_${daemon.name.toUpperCase()}_PORT`;
  return { daemon, variable, port: Number(process.env[variable] ?? daemon.port) };
});
let taken = false;
for (const { daemon, variable, port } of plan) {
  if (await portIsFree(port)) continue;
  taken = true;
  console.error(
    `${daemon.bin}: port ${port} on 127.0.0.1 is already in use (stop what listens there, or ` +
      `choose another port: ${variable}=${port + 1} npm run up)`,
  );
}
if (taken) process.exit(1);

mkdirSync('data/kvstore', { recursive: true });
if (!existsSync('public')) {
  mkdirSync('public');
  writeFileSync(
    'public/index.html',
    '<!doctype html>\n<title>Strata</title>\n<h1>strata-httpd is serving ./public</h1>\n',
  );
}

let stopping = false;
const children = plan.map(({ daemon, variable, port }) => {
  const bin = join('packages', daemon.name, 'dist', 'bin.js');
  const child = spawn(process.execPath, [bin, '--port', String(port), ...daemon.args], {
    stdio: ['ignore', 'inherit', 'inherit'],
    // Own process group: the terminal's Ctrl+C reaches this script only, which then stops each
    // daemon once with SIGTERM (a daemon treats a second signal as "exit now").
    detached: true,
  });
  child.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(
      `${daemon.bin} exited (${signal ?? code}); stopping the others` +
        (code === 1 ? ` (a port in use moves with ${variable})` : ''),
    );
    stopAll(1);
  });
  // Said only once the daemon answers its own protocol on that port.
  probe(port, daemon.probe.send, Date.now() + 30_000, () => child.exitCode !== null)
    .then((reply) => {
      if (!reply.startsWith(daemon.probe.expect)) throw new Error(`unexpected reply ${reply}`);
      console.log(
        `${daemon.bin.padEnd(16)} listening on 127.0.0.1:${port}   (${daemon.client(port)})`,
      );
    })
    .catch((err) => {
      if (stopping || child.exitCode !== null) return;
      console.error(`${daemon.bin} does not answer on 127.0.0.1:${port}: ${err.message}`);
      stopAll(1);
    });
  return child;
});

function stopAll(code) {
  if (stopping) {
    for (const child of children) child.kill('SIGKILL');
    process.exit(code);
  }
  stopping = true;
  let left = children.filter((child) => child.exitCode === null && child.signalCode === null);
  if (left.length === 0) process.exit(code);
  if (code === 0) console.log('stopping every daemon (Ctrl+C again to kill them)');
  for (const child of left) {
    child.on('exit', () => {
      left = left.filter((c) => c !== child);
      if (left.length === 0) process.exit(code);
    });
    child.kill('SIGTERM');
  }
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));
// Never leave a daemon behind if this script dies some other way.
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});
