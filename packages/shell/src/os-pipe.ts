/**
 * Real OS pipes for connecting two child processes. Node has no pipe(2), and the pipes
 * child_process creates are socketpairs, where a writer whose reader exits early gets
 * ECONNRESET instead of SIGPIPE (`yes | head -1` would print an error and exit 1, not 141).
 * So we make FIFOs (batches from one `mkfifo` call in a private directory), open both ends
 * and unlink the name: what remains is an anonymous pipe with the usual semantics.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BATCH = 16;
let dir: string | undefined;
let counter = 0;
const ready: string[] = [];

function refill(): boolean {
  if (!dir) {
    dir = mkdtempSync(join(tmpdir(), 'strata-sh-pipes-'));
    const d = dir;
    process.on('exit', () => rmSync(d, { recursive: true, force: true }));
  }
  const names = Array.from({ length: BATCH }, () => join(dir!, `p${counter++}`));
  const r = spawnSync('mkfifo', ['-m', '600', ...names], { stdio: 'ignore' });
  if (r.status !== 0) return false;
  ready.push(...names);
  return true;
}

/** A fresh private path in the same directory (for temporary files). */
export function privateTempPath(): string {
  if (!dir && !refill()) throw new Error('cannot create a private temporary directory');
  return join(dir!, `t${counter++}`);
}

/** A pipe as [readFd, writeFd], or undefined if FIFOs are unavailable (then use socketpairs). */
export function osPipe(): [number, number] | undefined {
  if (ready.length === 0 && !refill()) return undefined;
  const name = ready.pop()!;
  try {
    // O_RDWR first so that neither blocking open waits for the other side (Linux semantics).
    const holder = openSync(name, constants.O_RDWR);
    const r = openSync(name, constants.O_RDONLY);
    const w = openSync(name, constants.O_WRONLY);
    closeSync(holder);
    unlinkSync(name);
    return [r, w];
  } catch {
    return undefined;
  }
}
