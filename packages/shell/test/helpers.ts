/** Shared helpers for the interpreter tests: run the built bin, locate the shared corpora. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The built bin; tests never build, CI runs `pnpm build` first. */
export const binPath = resolve(packageDir, 'dist/bin.js');
/** ../shared beside the repository checkout. */
export const sharedDir = resolve(packageDir, '../../../shared');

export function binBuilt(): boolean {
  return existsSync(binPath);
}

export interface RunResult {
  stdout: string;
  stderr: string;
  status: number | null;
  signal: NodeJS.Signals | null;
}

/** Runs a program with optional stdin, collecting output; kills it after `timeoutMs`. */
export function run(
  file: string,
  args: string[],
  opts: { input?: string; cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(file, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolvePromise({
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
        status,
        signal,
      });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

/** strata-sh -c script [args] */
export function sh(
  script: string,
  opts: { input?: string; cwd?: string; env?: NodeJS.ProcessEnv; args?: string[] } = {},
): Promise<RunResult> {
  return run(process.execPath, [binPath, '-c', script, ...(opts.args ?? [])], opts);
}

/** mulberry32: a tiny deterministic PRNG for generated test cases. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
