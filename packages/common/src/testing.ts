import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';

/**
 * Helpers for the packages' own tests. Tests that need a Debian tool (redis-server, nginx, wrk,
 * bash, tmux...) or a test corpus from ../shared (beside the checkout, absent from a plain clone)
 * ask for it here: without it they are skipped with the reason, except when
 * STRATA_REQUIRE_TOOLS=1 (set by .ci/run, which has both), where a missing one fails.
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
  return missing(t, `${name} is not installed (apt-get install it; .ci/run does)`);
}

/** Skips (or under STRATA_REQUIRE_TOOLS=1 fails) the test, saying why. */
function missing(t: TestLike, message: string): undefined {
  if (toolsRequired()) t.fail(message);
  else t.skip(message);
  return undefined;
}

/**
 * Returns the paths when every one exists, or undefined after marking the test skipped (failed
 * under STRATA_REQUIRE_TOOLS=1): for the corpora and tools in ../shared beside the checkout.
 */
export function requireShared(t: TestLike, ...paths: string[]): string[] | undefined {
  const absent = paths.find((path) => !existsSync(path));
  if (absent === undefined) return paths;
  return missing(
    t,
    `${absent} not found (the shared corpora sit in ../shared beside the checkout; CI has them)`,
  );
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

/** The environment of a user's shell: this one without tap's variables. */
function userEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(TAP|_TAPJS|NODE_ENV$|LOG_LEVEL$)/.test(name),
    ),
  );
}

export interface BinRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a bin (a .js file, with this node) to its exit as a user would from a shell: without
 * tap's environment, so its logger is at its usual level; as `uid`/`gid` when given.
 */
export function runBin(
  file: string,
  args: readonly string[],
  options: { uid?: number; gid?: number; timeoutMs?: number } = {},
): BinRun {
  // tap adds its process-info loader to every child's NODE_OPTIONS (it writes under .tap/,
  // which an unprivileged run cannot): env(1) drops it.
  const r = spawnSync('env', ['-u', 'NODE_OPTIONS', process.execPath, file, ...args], {
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 30_000,
    env: userEnvironment(),
    ...(options.uid !== undefined ? { uid: options.uid, gid: options.gid ?? options.uid } : {}),
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A listener holding a free loopback port until the test ends (to find a port taken). */
export async function takenPort(t: TestLike): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as { port: number }).port;
}
