#!/usr/bin/env node
// Starts every finished daemon on its default port with embedded defaults, data under ./data,
// prints where each listens, and stops them all on Ctrl+C (a second Ctrl+C kills them).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { daemons } from './daemons.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
mkdirSync('data/kvstore', { recursive: true });
if (!existsSync('public')) {
  mkdirSync('public');
  writeFileSync(
    'public/index.html',
    '<!doctype html>\n<title>Strata</title>\n<h1>strata-httpd is serving ./public</h1>\n',
  );
}

const children = daemons.map((daemon) => {
  const bin = join('packages', daemon.name, 'dist', 'bin.js');
  const child = spawn(process.execPath, [bin, '--port', String(daemon.port), ...daemon.args], {
    stdio: ['ignore', 'inherit', 'inherit'],
    // Own process group: the terminal's Ctrl+C reaches this script only, which then stops each
    // daemon once with SIGTERM (a daemon treats a second signal as "exit now").
    detached: true,
  });
  child.on('exit', (code, signal) => {
    console.log(`${daemon.bin} exited (${signal ?? code})`);
    if (!stopping) stopAll(1);
  });
  console.log(`${daemon.bin.padEnd(16)} 127.0.0.1:${daemon.port}   (${daemon.client})`);
  return child;
});

let stopping = false;
function stopAll(code) {
  if (stopping) {
    for (const child of children) child.kill('SIGKILL');
    process.exit(code);
  }
  stopping = true;
  console.log('stopping every daemon (Ctrl+C again to kill them)');
  let left = children.filter((child) => child.exitCode === null && child.signalCode === null);
  if (left.length === 0) process.exit(code);
  for (const child of left) {
    child.on('exit', () => {
      left = left.filter((c) => c !== child);
      if (left.length === 0) process.exit(code);
    });
    child.kill('SIGTERM');
  }
}
process.on('SIGINT', () => stopAll(0));
// Never leave a daemon behind if this script dies some other way.
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});
process.on('SIGTERM', () => stopAll(0));
