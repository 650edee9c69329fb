/** cd and pwd, with logical (-L, default) and physical (-P) paths, `cd -` and CDPATH. */
import { realpathSync, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { Interp } from '../interp.js';
import { fail, out } from './util.js';

/**
 * Normalizes `.` and `..` textually, as bash does for logical paths. `checked`: a component
 * before `..` must be a directory (so `cd BAD/..` fails, like bash).
 */
export function logicalPath(path: string, checked = false): string | undefined {
  const parts: string[] = [];
  for (const p of path.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') {
      if (checked && parts.length > 0 && !isDir(`/${parts.join('/')}`)) return undefined;
      parts.pop();
    } else parts.push(p);
  }
  return `/${parts.join('/')}`;
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export async function cdBuiltin(sh: Interp, argv: string[]): Promise<number> {
  let physical = false;
  let i = 1;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      i++;
      break;
    }
    if (!/^-[LPe@]+$/.test(a)) break;
    for (const c of a.slice(1)) {
      if (c === 'P') physical = true;
      else if (c === 'L') physical = false;
    }
  }
  const args = argv.slice(i);
  if (args.length > 1) return fail(sh, 'cd', 'too many arguments');
  let print = false;
  let dir: string;
  if (args[0] === undefined) {
    const home = sh.getVar('HOME');
    if (home === undefined) return fail(sh, 'cd', 'HOME not set');
    if (home === '') return 0;
    dir = home;
  } else if (args[0] === '-') {
    const old = sh.getVar('OLDPWD');
    if (old === undefined) return fail(sh, 'cd', 'OLDPWD not set');
    dir = old;
    print = true;
  } else dir = args[0];
  let target: string | undefined;
  if (!isAbsolute(dir) && !/^\.\.?(\/|$)/.test(dir)) {
    const cdpath = sh.getVar('CDPATH');
    if (cdpath) {
      for (const base of cdpath.split(':')) {
        if (base === '') continue;
        const candidate = logicalPath(
          `${isAbsolute(base) ? base : `${sh.cwd}/${base}`}/${dir}`,
          true,
        );
        if (candidate && isDir(candidate)) {
          target = candidate;
          print = true;
          break;
        }
      }
    }
  }
  if (target === undefined) {
    if (dir === '') target = sh.cwd;
    else target = logicalPath(isAbsolute(dir) ? dir : `${sh.cwd}/${dir}`, true);
  }
  if (target === undefined) return fail(sh, 'cd', `${dir}: No such file or directory`);
  if (!isDir(target)) {
    // bash falls back to the physical interpretation when the logical one fails
    let physicalTarget: string | undefined;
    try {
      physicalTarget = realpathSync(isAbsolute(dir) ? dir : `${sh.cwd}/${dir}`);
    } catch {
      physicalTarget = undefined;
    }
    if (!physicalTarget || !isDir(physicalTarget)) {
      let reason = 'No such file or directory';
      try {
        statSync(isAbsolute(dir) ? dir : `${sh.cwd}/${dir}`);
        reason = 'Not a directory';
      } catch {
        // keep ENOENT
      }
      return fail(sh, 'cd', `${args[0] ?? dir}: ${reason}`);
    }
    target = physicalTarget;
  }
  if (physical) {
    try {
      target = realpathSync(target);
    } catch (e) {
      return fail(sh, 'cd', `${dir}: ${(e as Error).message}`);
    }
  }
  const old = sh.getVar('PWD') ?? sh.cwd;
  sh.cwd = target;
  sh.vars.set('OLDPWD', old);
  sh.vars.set('PWD', target);
  const oldEntry = sh.vars.entry('OLDPWD');
  if (oldEntry && sh.vars.entry('PWD')?.exported) oldEntry.exported = true;
  if (print) await out(sh, `${target}\n`);
  return 0;
}

export async function pwdBuiltin(sh: Interp, argv: string[]): Promise<number> {
  let physical = false;
  for (const a of argv.slice(1)) {
    if (a === '-P') physical = true;
    else if (a === '-L') physical = false;
    else if (a.startsWith('-')) return fail(sh, 'pwd', `${a}: invalid option`, 2);
  }
  let dir = sh.cwd;
  if (physical) {
    try {
      dir = realpathSync(dir);
    } catch (e) {
      return fail(sh, 'pwd', (e as Error).message);
    }
  }
  await out(sh, `${dir}\n`);
  return 0;
}
