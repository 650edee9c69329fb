import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** psql's connection arguments (no psqlrc) for a server on `port`, over TCP or a socket dir. */
export function psqlArgs(
  target: { port: number; host?: string; user?: string },
  ...args: string[]
): string[] {
  const { port, host = '127.0.0.1', user = 'postgres' } = target;
  return ['-X', '-h', host, '-p', String(port), '-U', user, '-d', 'postgres', ...args];
}

/** Runs psql; resolves with its exit code and output whatever the code. */
export async function runPsql(
  path: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(path, args, { timeout: 20_000, env });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
