import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SOURCE = (file: string) => fileURLToPath(new URL(`../../src/${file}`, import.meta.url));

export interface SpawnedMinidb {
  child: ChildProcess;
  port: number;
  unixSocket: string | undefined;
  exited: Promise<number | null>;
  output: () => string;
}

/** Runs a source file of the package (the bin, the health check) under the test's own loader. */
export function runSource(file: string, args: string[]): ChildProcess {
  return spawn(process.execPath, [...process.execArgv, SOURCE(file), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'info' },
  });
}

/** Collects a child's output and its exit code. */
export function watch(child: ChildProcess): {
  output: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
} {
  let output = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { output: () => output, stderr: () => stderr, exited };
}

/**
 * strata-minidb as its own process on port 0; resolves when its "ready" log line (which names
 * the bound port) appears. Killed at teardown.
 */
export async function spawnMinidb(
  t: { teardown(fn: () => unknown): void },
  args: string[] = ['--in-memory'],
): Promise<SpawnedMinidb> {
  const child = runSource('bin.ts', ['--port', '0', ...args]);
  const { output, exited } = watch(child);
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const ready = await new Promise<{ port: number; unixSocket?: string }>((resolve, reject) => {
    const onData = () => {
      for (const line of output().split('\n')) {
        if (!line.includes('ready to accept connections')) continue;
        child.stdout?.off('data', onData);
        resolve(JSON.parse(line));
        return;
      }
    };
    child.stdout?.on('data', onData);
    exited.then((code) => reject(new Error(`strata-minidb exited (${code}): ${output()}`)));
  });
  return { child, port: ready.port, unixSocket: ready.unixSocket, exited, output };
}
