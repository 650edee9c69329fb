import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
