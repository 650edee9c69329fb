import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { utilities } from '../src/coreutils/index.js';
import type { OutputSink } from '../src/coreutils/types.js';

/** The environment both our utilities and GNU's run with, so outputs are comparable. */
export const COMPARE_ENV: Record<string, string> = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  LC_ALL: 'C',
  TZ: 'UTC',
};

export interface RunResult {
  stdout: string;
  stderr: string;
  status: number;
}

/** An OutputSink that collects text, optionally pretending to be a terminal. */
export class CollectingSink implements OutputSink {
  readonly chunks: Buffer[] = [];
  constructor(
    readonly isTTY = false,
    readonly columns = 80,
  ) {}
  write(data: string | Uint8Array): void {
    this.chunks.push(typeof data === 'string' ? Buffer.from(data) : Buffer.from(data));
  }
  text(): string {
    return Buffer.concat(this.chunks).toString();
  }
}

/** Runs one of our utilities in `cwd` the way the shell would. */
export async function runOurs(
  name: string,
  args: string[],
  cwd: string,
  options: {
    stdin?: string;
    tty?: boolean;
    columns?: number;
    env?: Record<string, string>;
    signal?: AbortSignal;
  } = {},
): Promise<RunResult> {
  const stdout = new CollectingSink(options.tty ?? false, options.columns ?? 80);
  const stderr = new CollectingSink();
  let input: Buffer | null = options.stdin === undefined ? null : Buffer.from(options.stdin);
  const status = await utilities[name]({
    args,
    cwd,
    env: { ...COMPARE_ENV, ...options.env },
    stdin: {
      read: async () => {
        const chunk = input;
        input = null;
        return chunk;
      },
    },
    stdout,
    stderr,
    signal: options.signal,
  });
  return { stdout: stdout.text(), stderr: stderr.text(), status };
}

/** Runs GNU's utility (/bin/<name>) in `cwd`. */
export function runGnu(
  name: string,
  args: string[],
  cwd: string,
  stdin = '',
  env: Record<string, string> = {},
): RunResult {
  const result = spawnSync(`/bin/${name}`, args, {
    argv0: name,
    cwd,
    env: { ...COMPARE_ENV, ...env },
    input: stdin,
    encoding: 'utf8',
  });
  return { stdout: result.stdout, stderr: result.stderr, status: result.status ?? -1 };
}

/** Builds a tree from a compact shell script (run by /bin/sh in `dir`). */
export function buildTree(dir: string, script: string): void {
  execFileSync('/bin/sh', ['-ec', script], { cwd: dir, env: COMPARE_ENV });
}

/** A listing of a tree with types, modes, link targets and content hashes, for comparing. */
export function describeTree(dir: string): string {
  const lines: string[] = [];
  const walk = (relative: string) => {
    const names = readdirSync(join(dir, relative)).sort();
    for (const name of names) {
      const path = relative ? `${relative}/${name}` : name;
      const full = join(dir, path);
      const info = lstatSync(full);
      const mode = (info.mode & 0o7777).toString(8);
      if (info.isSymbolicLink()) lines.push(`${path} -> ${readlinkSync(full)}`);
      else if (info.isDirectory()) {
        lines.push(`${path}/ ${mode}`);
        walk(path);
      } else {
        const hash = createHash('sha1').update(readFileSync(full)).digest('hex').slice(0, 12);
        lines.push(`${path} ${mode} ${info.size} ${hash}`);
      }
    }
  };
  walk('');
  return lines.join('\n');
}

export interface DifferentialCase {
  /** Shell script building the tree in a fresh directory. */
  setup: string;
  args: string[];
  stdin?: string;
  /** Also compare the resulting trees (cp, mv, rm, mkdir). */
  tree?: boolean;
  /**
   * Sort the output lines: cp -rv lists a directory in inode order, which differs between two
   * trees built the same way.
   */
  unordered?: boolean;
}

function sortLines(text: string): string {
  return text.split('\n').sort().join('\n');
}

/** Runs ours and GNU's on two identical fresh trees; returns both sides for t.same(). */
/** Trees built once per setup script, copied for each case (much faster than rebuilding). */
const templates = new Map<string, string>();

function templateFor(setup: string): string {
  let dir = templates.get(setup);
  if (dir === undefined) {
    dir = mkdtempSync(join(tmpdir(), 'strata-template-'));
    const made = dir;
    process.once('exit', () => rmSync(made, { recursive: true, force: true }));
    buildTree(dir, setup);
    templates.set(setup, dir);
  }
  return dir;
}

/** An exact copy (modes, times, links, hard links) made by GNU cp -a. */
function copyTree(from: string, to: string): void {
  execFileSync('/bin/cp', ['-a', `${from}/.`, to], { env: COMPARE_ENV });
}

export async function differential(
  util: string,
  c: DifferentialCase,
  makeDir: () => string,
): Promise<{ ours: RunResult & { tree?: string }; gnu: RunResult & { tree?: string } }> {
  const oursDir = makeDir();
  const gnuDir = makeDir();
  copyTree(templateFor(c.setup), oursDir);
  copyTree(templateFor(c.setup), gnuDir);
  const ours: RunResult & { tree?: string } = await runOurs(util, c.args, oursDir, {
    stdin: c.stdin,
  });
  const gnu: RunResult & { tree?: string } = runGnu(util, c.args, gnuDir, c.stdin);
  if (c.unordered) {
    ours.stdout = sortLines(ours.stdout);
    gnu.stdout = sortLines(gnu.stdout);
  }
  if (c.tree) {
    ours.tree = describeTree(oursDir);
    gnu.tree = describeTree(gnuDir);
  }
  return { ours, gnu };
}
