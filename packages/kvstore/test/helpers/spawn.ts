import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RawClient, freePort } from '../fixtures/diff-client.js';

const SOURCE_BIN = fileURLToPath(new URL('../../src/bin.ts', import.meta.url));
const BUILT_BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));
const SOURCE_DIR = fileURLToPath(new URL('../../src', import.meta.url));

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * The built bin when it is up to date with the sources (turbo builds before testing; it starts
 * in a fraction of a second), else the TypeScript source through the test's own loader.
 */
function serverCommand(): string[] {
  try {
    if (statSync(BUILT_BIN).mtimeMs >= newestMtime(SOURCE_DIR)) return [BUILT_BIN];
  } catch {
    /* not built */
  }
  return [...process.execArgv, SOURCE_BIN];
}

export interface SpawnedServer {
  port: number;
  child: ChildProcess;
  /** Resolves with the exit code when the process ends. */
  exited: Promise<number | null>;
  output: () => string;
}

/**
 * Runs strata-kvstore as its own process (the TypeScript source, through the same loader the
 * test runs under), on a free port; resolves once it answers PING. Killed at teardown.
 */
export async function spawnKv(
  t: { teardown(fn: () => unknown): void },
  args: string[],
  options: { port?: number; waitReady?: boolean } = {},
): Promise<SpawnedServer> {
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, [...serverCommand(), '--port', String(port), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'info' },
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const server = { port, child, exited, output: () => output };
  if (options.waitReady === false) return server;
  for (let attempt = 0; attempt < 200; attempt++) {
    if (child.exitCode !== null) throw new Error(`server exited early: ${output}`);
    try {
      const client = await RawClient.connect(port);
      await client.send('PING');
      client.close();
      return server;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`server did not start: ${output}`);
}
