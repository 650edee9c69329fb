import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throw-away PostgreSQL 15 cluster for differential tests: initdb in a temp dir, random port. */
export const PG_BIN = '/usr/lib/postgresql/15/bin';

export interface ReferencePostgres {
  port: number;
  socketDir: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function postgresUid(): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/** Starts the cluster and resolves once it logs that it accepts connections. */
export async function startReferencePostgres(): Promise<ReferencePostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'strata-pgref-'));
  const asRoot = process.getuid?.() === 0;
  const ids = asRoot ? postgresUid() : null;
  if (ids) chownSync(dir, ids.uid, ids.gid);
  // PostgreSQL refuses to run as root: as root, run it as the postgres user (direct child, so signals reach it).
  const as = ids ? { uid: ids.uid, gid: ids.gid } : {};
  const data = join(dir, 'data');
  execFileSync(
    join(PG_BIN, 'initdb'),
    ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
    { stdio: 'ignore', cwd: dir, ...as },
  );
  const port = await freePort();
  const args = [
    '-D',
    data,
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'fsync=off',
    '-c',
    'TimeZone=UTC',
  ];
  const child: ChildProcess = spawn(join(PG_BIN, 'postgres'), args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    cwd: dir,
    ...as,
  });
  await new Promise<void>((resolve, reject) => {
    let log = '';
    const onData = (d: Buffer) => {
      log += d.toString();
      if (log.includes('database system is ready to accept connections')) {
        child.stderr!.off('data', onData);
        child.stderr!.resume();
        resolve();
      }
    };
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`postgres exited with ${code}: ${log}`)));
  });
  return {
    port,
    socketDir: dir,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGINT');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
