import { constants } from 'node:fs';

const { S_IFMT, S_IFDIR, S_IFLNK, S_IFREG, S_IFCHR, S_IFBLK, S_IFIFO, S_IFSOCK } = constants;

export const isDirMode = (mode: number): boolean => (mode & S_IFMT) === S_IFDIR;
export const isLinkMode = (mode: number): boolean => (mode & S_IFMT) === S_IFLNK;
export const isRegularMode = (mode: number): boolean => (mode & S_IFMT) === S_IFREG;
export const isDeviceMode = (mode: number): boolean =>
  (mode & S_IFMT) === S_IFCHR || (mode & S_IFMT) === S_IFBLK;

const TYPE_LETTERS: Record<number, string> = {
  [S_IFREG]: '-',
  [S_IFDIR]: 'd',
  [S_IFLNK]: 'l',
  [S_IFCHR]: 'c',
  [S_IFBLK]: 'b',
  [S_IFIFO]: 'p',
  [S_IFSOCK]: 's',
};

/** `ls -l`'s ten-character mode string, e.g. `drwxr-sr-t`. */
export function modeString(mode: number): string {
  const bit = (mask: number, letter: string) => (mode & mask ? letter : '-');
  const special = (exec: number, flag: number, set: string) => {
    if (mode & flag) return mode & exec ? set : set.toUpperCase();
    return mode & exec ? 'x' : '-';
  };
  return (
    (TYPE_LETTERS[mode & S_IFMT] ?? '?') +
    bit(0o400, 'r') +
    bit(0o200, 'w') +
    special(0o100, 0o4000, 's') +
    bit(0o040, 'r') +
    bit(0o020, 'w') +
    special(0o010, 0o2000, 's') +
    bit(0o004, 'r') +
    bit(0o002, 'w') +
    special(0o001, 0o1000, 't')
  );
}

/** The type word of rm's and cp's messages ("regular empty file", "directory"...). */
export function fileTypeName(mode: number, size: number): string {
  switch (mode & S_IFMT) {
    case S_IFREG:
      return size === 0 ? 'regular empty file' : 'regular file';
    case S_IFDIR:
      return 'directory';
    case S_IFLNK:
      return 'symbolic link';
    case S_IFCHR:
      return 'character special file';
    case S_IFBLK:
      return 'block special file';
    case S_IFIFO:
      return 'fifo';
    case S_IFSOCK:
      return 'socket';
    default:
      return 'weird file';
  }
}

/**
 * Parses a chmod-style mode (octal, or symbolic like `u=rwx,go+rx`) applied to `base`.
 * `umask` limits symbolic clauses without a who part, as chmod does. Undefined when invalid.
 */
export function parseMode(spec: string, base: number, umask: number): number | undefined {
  if (/^[0-7]+$/.test(spec)) return Number.parseInt(spec, 8) & 0o7777;
  let mode = base;
  for (const clause of spec.split(',')) {
    const match = /^([ugoa]*)((?:[-+=][rwxXstugo]*)+)$/.exec(clause);
    if (!match) return undefined;
    const who = match[1];
    let whoMask = 0;
    if (who === '') whoMask = 0o7777 & ~umask;
    for (const w of who) {
      if (w === 'u') whoMask |= 0o4700;
      if (w === 'g') whoMask |= 0o2070;
      if (w === 'o') whoMask |= 0o1007;
      if (w === 'a') whoMask |= 0o7777;
    }
    for (const action of match[2].match(/[-+=][rwxXstugo]*/g)!) {
      const op = action[0];
      let bits = 0;
      for (const p of action.slice(1)) {
        if (p === 'r') bits |= 0o444;
        if (p === 'w') bits |= 0o222;
        if (p === 'x') bits |= 0o111;
        if (p === 'X' && (isDirMode(base) || mode & 0o111)) bits |= 0o111;
        if (p === 's') bits |= 0o6000;
        if (p === 't') bits |= 0o1000;
        if (p === 'u') bits |= copyClass((mode >> 6) & 7);
        if (p === 'g') bits |= copyClass((mode >> 3) & 7);
        if (p === 'o') bits |= copyClass(mode & 7);
      }
      bits &= whoMask;
      if (op === '+') mode |= bits;
      else if (op === '-') mode &= ~bits;
      else mode = (mode & ~(who === '' ? 0o7777 : whoMask)) | bits;
    }
  }
  return mode & 0o7777;
}

/** rwx bits of one class replicated to all three (for `g=u`). */
function copyClass(rwx: number): number {
  return (rwx << 6) | (rwx << 3) | rwx;
}
