/**
 * The native helper (native/helper.c, one small binary per platform, built by
 * scripts/build-helper.sh): poll(2) for `read -t` on sockets, and setpgid/tcsetpgrp for job
 * control. Without a binary for this platform those features are off; everything else works.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { fileURLToPath } from 'node:url';

let cached: string | null | undefined;

/** The helper's path, or undefined when this platform has none (or it is not executable). */
export function helperPath(): string | undefined {
  if (cached === undefined) {
    // dist/*.js and src/*.ts both sit one level below the package
    const path = fileURLToPath(
      new URL(`../native/${process.platform}-${process.arch}/strata-sh-helper`, import.meta.url),
    );
    try {
      accessSync(path, constants.X_OK);
      cached = path;
    } catch {
      cached = null;
    }
  }
  return cached ?? undefined;
}

/**
 * Whether `fd` becomes readable (data or end of input) within `ms`, without reading it;
 * undefined when the helper is missing.
 */
export function pollReadable(fd: number, ms: number): Promise<boolean | undefined> {
  const helper = helperPath();
  if (!helper) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const child = spawn(helper, ['poll', String(Math.max(0, Math.ceil(ms)))], {
      stdio: [fd, 'ignore', 'ignore'],
    });
    child.on('error', () => resolve(undefined));
    child.on('exit', (code) => resolve(code === 0 ? true : code === 1 ? false : undefined));
  });
}
