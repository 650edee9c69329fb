import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Helpers for the packages' own tests. Tests that need a Debian tool (redis-server, nginx, wrk,
 * bash, tmux...) ask for it here: without it they are skipped with the reason, except when
 * STRATA_REQUIRE_TOOLS=1 (set by .ci/run, which installs them), where a missing tool fails.
 */

/**
 * Minimal surface of a tap Test used here, so this module does not depend on tap. The optional
 * second parameters are what lets tap's overloaded `Test.skip` be assigned to this type.
 */
export interface TestLike {
  skip(message: string, options?: object): unknown;
  fail(message: string): unknown;
  teardown(fn: () => unknown): unknown;
}

export function findTool(name: string): string | undefined {
  try {
    const path = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
    return path || undefined;
  } catch {
    return undefined;
  }
}

export function toolsRequired(): boolean {
  return process.env.STRATA_REQUIRE_TOOLS === '1';
}

/**
 * Returns the tool's path, or undefined after marking the test skipped (or failed under
 * STRATA_REQUIRE_TOOLS=1). Callers return early on undefined.
 */
export function requireTool(t: TestLike, name: string): string | undefined {
  const path = findTool(name);
  if (path) return path;
  const message = `${name} is not installed (apt-get install it; .ci/run does)`;
  if (toolsRequired()) t.fail(message);
  else t.skip(message);
  return undefined;
}

/** A fresh temp directory removed when the test ends. */
export function tempDir(t: TestLike, prefix = 'strata-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * How many TCP sockets on local `port` sit in CLOSE-WAIT (state 08 of /proc/net/tcp[6]): the
 * peer sent its FIN and the server never closed its side. Linux only; 0 elsewhere.
 */
export function closeWaitSockets(port: number): number {
  const local = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  let count = 0;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let table: string;
    try {
      table = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of table.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[1]?.endsWith(local) && fields[3] === '08') count++;
    }
  }
  return count;
}
