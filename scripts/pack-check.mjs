#!/usr/bin/env node
// Packaging check: `pnpm pack` every publishable package and check what each tarball holds;
// then for each bin, install its package into an empty directory with npm from only the
// tarballs it needs (its own and its workspace dependencies', as the README says), run its
// --version, start each daemon and talk to it in its own protocol, run a command through strata-sh.
// Prints a tap-style `# { total, pass, fail }` line that .ci/run adds to the test count.
import { execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
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
  const args = ['--port', String(port), ...daemon.scratchArgs(dataDir)];
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
      JSON.stringify(reply.slice(0, 40)),
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
  const manifests = new Map();
  for (const dir of readdirSync(join(root, 'packages'))) {
    const manifest = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'));
    if (manifest.private !== true) manifests.set(manifest.name, { dir, manifest });
  }
  for (const { dir } of manifests.values()) {
    execFileSync('pnpm', ['pack', '--pack-destination', work], {
      cwd: join(root, 'packages', dir),
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  // pnpm names a tarball after the package: @strata/kvstore 0.1.0 -> strata-kvstore-0.1.0.tgz.
  const tarballOf = (name) =>
    join(
      work,
      `${name.replace(/^@/, '').replace('/', '-')}-${manifests.get(name).manifest.version}.tgz`,
    );
  for (const [name, { manifest }] of manifests) {
    const tarball = tarballOf(name);
    const files = existsSync(tarball)
      ? execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).split('\n')
      : [];
    const expected = ['package/package.json', 'package/README.md', 'package/dist/index.js'];
    for (const bin of Object.values(manifest.bin ?? {})) expected.push(join('package', bin));
    const missing = expected.filter((file) => !files.includes(file));
    const extra = files.filter((file) => /^package\/(src|test|bench)\//.test(file));
    check(
      `${name} packs dist, README and package.json only`,
      files.length > 0 && missing.length === 0 && extra.length === 0,
      `missing ${missing.join(' ') || 'none'}, sources ${extra.slice(0, 3).join(' ') || 'none'}`,
    );
  }

  /** The package and every workspace package it depends on, dependencies first. */
  const closure = (name, seen = []) => {
    const { dependencies = {} } = manifests.get(name).manifest;
    for (const dep of Object.keys(dependencies)) {
      if (manifests.has(dep) && !seen.includes(dep)) closure(dep, seen);
    }
    if (!seen.includes(name)) seen.push(name);
    return seen;
  };

  // Each bin's package installed alone in an empty directory, with only the tarballs it needs,
  // as the README tells a user to (nothing is on the registry yet).
  const shell = { name: 'shell', bin: 'strata-sh', package: '@strata/shell' };
  for (const target of [...daemons, shell]) {
    const needs = closure(target.package);
    const app = join(work, `app-${target.name}`);
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), '{"name":"pack-check","private":true}\n');
    execFileSync(
      'npm',
      ['install', '--no-audit', '--no-fund', '--loglevel=error', ...needs.map(tarballOf)],
      { cwd: app, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    const installed = readdirSync(join(app, 'node_modules', '@strata')).sort();
    check(
      `${target.package} installs from the tarballs of ${needs.join(', ')}`,
      JSON.stringify(installed) === JSON.stringify(needs.map((n) => n.split('/')[1]).sort()),
      installed.join(' '),
    );
    const binDir = join(app, 'node_modules', '.bin');
    const expected = manifests.get(target.package).manifest.version;
    let out = '';
    try {
      out = execFileSync(join(binDir, target.bin), ['--version'], { encoding: 'utf8' });
    } catch (err) {
      out = String(err.message);
    }
    check(`${target.bin} --version`, out.includes(expected), out.trim().slice(0, 60));
    if (target === shell) {
      const said = execFileSync(
        join(binDir, 'strata-sh'),
        ['-c', 'for w in packed shell; do printf "%s " "$w"; done'],
        { encoding: 'utf8' },
      );
      check('strata-sh runs a command', said === 'packed shell ', JSON.stringify(said));
    } else {
      await checkDaemon(target, binDir);
    }
  }
} catch (err) {
  check('packaging', false, err.message.split('\n')[0]);
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(`# { total: ${pass + fail}, pass: ${pass}, fail: ${fail} }`);
process.exitCode = fail === 0 ? 0 : 1;
