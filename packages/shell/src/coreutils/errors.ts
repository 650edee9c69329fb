import type { OutputSink } from './types.js';

/** strerror() texts of glibc for the errors file utilities meet. */
const STRERROR: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  EEXIST: 'File exists',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  ENOTEMPTY: 'Directory not empty',
  EXDEV: 'Invalid cross-device link',
  ELOOP: 'Too many levels of symbolic links',
  EINVAL: 'Invalid argument',
  EBUSY: 'Device or resource busy',
  EROFS: 'Read-only file system',
  ENOSPC: 'No space left on device',
  ENAMETOOLONG: 'File name too long',
  EMLINK: 'Too many links',
  EIO: 'Input/output error',
  EBADF: 'Bad file descriptor',
  EMFILE: 'Too many open files',
  ETXTBSY: 'Text file busy',
  EFBIG: 'File too large',
  EPIPE: 'Broken pipe',
};

export function errnoCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** The C library's message for a Node.js fs error. */
export function strerror(error: unknown): string {
  const code = errnoCode(error);
  if (code && STRERROR[code]) return STRERROR[code];
  return (error as Error)?.message ?? String(error);
}

/** Writes `util: message` to stderr, the format of every GNU diagnostic. */
export function report(stderr: OutputSink, util: string, message: string): void {
  stderr.write(`${util}: ${message}\n`);
}

/** The usage-error tail GNU prints after a bad option or a missing operand. */
export function usageError(stderr: OutputSink, util: string, message: string): void {
  stderr.write(`${util}: ${message}\nTry '${util} --help' for more information.\n`);
}
