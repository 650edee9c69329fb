/** Small helpers shared by the built-ins. */
import type { Interp } from '../interp.js';

/** Writes to the command's stdout (fd 1). Errors (closed fd) return false. */
export async function out(sh: Interp, text: string | Uint8Array): Promise<boolean> {
  const fd = sh.io.get(1);
  if (!fd) {
    sh.diag('write error: Bad file descriptor');
    return false;
  }
  await fd.write(text);
  return true;
}

/** Prints `name: message` on stderr and returns `status`. */
export function fail(sh: Interp, name: string, message: string, status = 1): number {
  sh.diag(`${name}: ${message}`);
  return status;
}

export const isName = (s: string): boolean => /^[A-Za-z_][A-Za-z0-9_]*$/.test(s);
