#!/usr/bin/env node
// Packaging check: `pnpm pack` every publishable package, install the tarballs with npm into an
// empty directory (as a user would from the registry), run each bin's --version, start each
// daemon and talk to it in its own protocol, and run a command through strata-sh.
// Prints a tap-style `# { total, pass, fail }` line that .ci/run adds to the test count.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { daemons } from './daemons.mjs';
import { freePort, probe } from './net.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'strata-pack-'));
let pass = 0;
let fail = 0;

function check(name, ok, detail = '') {
  if (ok) pass++;
  else fail++;
  console.log(`${ok ? 'ok' : 'not ok'} - ${name}${detail ? ` # ${detail}` : ''}`);
}

async function checkDaemon(daemon, binDir) {
  const port = await freePort();
  const dataDir = join(work, `data-${daemon.name}`);
  mkdirSync(dataDir);
  writeFileSync(join(dataDir, 'index.html'), '<h1>pack check</h1>\n');
  const args =
    daemon.name === 'httpd'
      ? ['--port', String(port), '--root', dataDir, '--workers', '1']
      : ['--port', String(port), '--dir', dataDir];
  const child = spawn(join(binDir, daemon.bin), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  try {
    const reply = await probe(port, daemon.probe.send, Date.now() + 10_000);
    check(
      `${daemon.bin} answers its protocol`,
      reply.startsWith(daemon.probe.expect),
      reply.slice(0, 40),
    );
  } catch (err) {
    check(`${daemon.bin} answers its protocol`, false, `${err.message} ${stderr.slice(0, 200)}`);
  }
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  const { code, signal } = await exited;
  clearTimeout(timer);
  check(`${daemon.bin} exits 0 on SIGTERM`, code === 0, `code ${code} signal ${signal}`);
}

try {
  const packages = readdirSync(join(root, 'packages')).filter((name) => {
    const manifest = JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8'));
    return manifest.private !== true;
  });
  for (const name of packages) {
    execFileSync('pnpm', ['pack', '--pack-destination', work], {
      cwd: join(root, 'packages', name),
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  const tarballs = readdirSync(work).filter((file) => file.endsWith('.tgz'));
  check('every package packs', tarballs.length === packages.length, tarballs.join(' '));

  const app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), '{"name":"pack-check","private":true}\n');
  execFileSync(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      ...tarballs.map((t) => join(work, t)),
    ],
    { cwd: app, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const binDir = join(app, 'node_modules', '.bin');

  const bins = [...daemons.map((d) => [d.bin, d.name]), ['strata-sh', 'shell']];
  for (const [bin, name] of bins) {
    const expected = JSON.parse(
      readFileSync(join(root, 'packages', name, 'package.json'), 'utf8'),
    ).version;
    let out = '';
    try {
      out = execFileSync(join(binDir, bin), ['--version'], { encoding: 'utf8' });
    } catch (err) {
      out = String(err.message);
    }
    check(`${bin} --version`, out.includes(expected), out.trim().slice(0, 60));
  }
  for (const daemon of daemons) await checkDaemon(daemon, binDir);
  const said = execFileSync(
    join(binDir, 'strata-sh'),
    ['-c', 'for w in packed shell; do printf "%s " "$w"; done'],
    {
      encoding: 'utf8',
    },
  );
  check('strata-sh runs a command', said === 'packed shell ', JSON.stringify(said));
} catch (err) {
  check('packaging', false, err.message.split('\n')[0]);
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(`# { total: ${pass + fail}, pass: ${pass}, fail: ${fail} }`);
process.exitCode = fail === 0 ? 0 : 1;
