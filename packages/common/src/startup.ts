import { inspect } from 'node:util';
import type { Logger } from './log.js';

/**
 * Start-up failures as a person reads them, the way redis-server and nginx print them: one plain
 * line on stderr naming what failed, where, why, and the flag that changes it, then exit 1.
 * The stack (with every `cause`) follows only at --log-level debug or trace.
 *
 *   strata-kvstore: cannot listen on 127.0.0.1:6379: address already in use (use --port)
 */

/** Which flag sets a port or a path, so the line can say what to change. */
export interface StartupHint {
  flag: string;
  /** A TCP port the daemon listens on. */
  port?: number | undefined;
  /** A file or directory the daemon opens; errors on paths inside it name the flag too. */
  path?: string | undefined;
}

/** What each errno means, in the words of strerror(3). */
const ERRNO_TEXT: Record<string, string> = {
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'cannot assign requested address',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EEXIST: 'file exists',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
};

/** The syscall's verb, for `cannot <verb> <path>`. */
const SYSCALL_VERB: Record<string, string> = {
  open: 'open',
  mkdir: 'create',
  realpath: 'find',
  stat: 'find',
  lstat: 'find',
  scandir: 'read',
  opendir: 'read',
  read: 'read',
  write: 'write',
  rename: 'rename',
  unlink: 'remove',
  access: 'write to',
  chdir: 'enter',
};

interface SystemError extends Error {
  code: string;
  syscall?: string;
  path?: string;
  address?: string;
  port?: number;
}

/** The operating system's error behind `err`, following `cause` links. */
function systemErrorOf(err: unknown): SystemError | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 10; depth++) {
    const candidate = e as Partial<SystemError>;
    if (typeof candidate.code === 'string' && typeof candidate.syscall === 'string') {
      return candidate as SystemError;
    }
    e = e.cause;
  }
  return undefined;
}

function inside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
}

/** One line saying why the daemon could not start (without the daemon's name). */
export function describeStartupError(err: unknown, hints: readonly StartupHint[] = []): string {
  const system = systemErrorOf(err);
  if (system) {
    const why = ERRNO_TEXT[system.code] ?? system.code;
    if (system.syscall === 'listen' || system.syscall === 'bind') {
      // A TCP listener has address and port; a UNIX socket's address is its path (port -1).
      const tcp = system.port !== undefined && system.port >= 0;
      const where = tcp ? `${system.address}:${system.port}` : (system.address ?? '?');
      const hint = tcp
        ? hints.find((h) => h.port === system.port)
        : hints.find((h) => h.path !== undefined && system.address === h.path);
      return `cannot listen on ${where}: ${why}${hint ? ` (use ${hint.flag})` : ''}`;
    }
    if (system.path !== undefined) {
      const path = system.path;
      const hint = hints.find((h) => h.path !== undefined && inside(path, h.path));
      const verb = SYSCALL_VERB[system.syscall ?? ''] ?? system.syscall;
      return `cannot ${verb} ${path}: ${why}${hint ? ` (use ${hint.flag})` : ''}`;
    }
  }
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0]!;
}

/**
 * Prints `<name>: <why>` on stderr (the stack too when the logger is at debug or below) and exits
 * with status 1. Every daemon bin calls this for anything that stops it before it serves.
 */
export function exitOnStartupError(
  name: string,
  err: unknown,
  options: { logger?: Logger | undefined; hints?: readonly StartupHint[] } = {},
): never {
  process.stderr.write(`${name}: ${describeStartupError(err, options.hints)}\n`);
  if (options.logger?.isLevelEnabled('debug')) process.stderr.write(`${inspect(err)}\n`);
  process.exit(1);
}
