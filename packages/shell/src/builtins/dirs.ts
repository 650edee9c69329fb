/** The directory stack: pushd, popd, dirs (bash). The stack lives in Interp.dirStack. */
import type { Interp } from '../interp.js';
import { cdBuiltin } from './cd.js';
import { fail, out } from './util.js';

function tildeShort(sh: Interp, dir: string): string {
  const home = sh.getVar('HOME');
  if (home && home !== '/' && (dir === home || dir.startsWith(`${home}/`)))
    return `~${dir.slice(home.length)}`;
  return dir;
}

async function printStack(sh: Interp, long = false, perLine = false): Promise<void> {
  const stack = [sh.cwd, ...sh.dirStack].map((d) => (long ? d : tildeShort(sh, d)));
  await out(
    sh,
    perLine
      ? stack.map((d, i) => `${String(i).padStart(2)}  ${d}\n`).join('')
      : `${stack.join(' ')}\n`,
  );
}

export async function dirsBuiltin(sh: Interp, argv: string[]): Promise<number> {
  const flags = argv.slice(1).join('');
  if (flags.includes('c')) {
    sh.dirStack = [];
    return 0;
  }
  await printStack(sh, flags.includes('l'), flags.includes('v'));
  return 0;
}

export async function pushdBuiltin(sh: Interp, argv: string[]): Promise<number> {
  const args = argv.slice(1).filter((a) => a !== '-n');
  const old = sh.cwd;
  if (args.length === 0) {
    const top = sh.dirStack[0];
    if (top === undefined) return fail(sh, 'pushd', 'no other directory');
    const status = await cdBuiltin(sh, ['cd', top]);
    if (status !== 0) return status;
    sh.dirStack[0] = old;
  } else if (/^[+-]\d+$/.test(args[0])) {
    const all = [sh.cwd, ...sh.dirStack];
    const n = Number(args[0].slice(1));
    const k = args[0][0] === '+' ? n : all.length - 1 - n;
    if (k < 0 || k >= all.length)
      return fail(sh, 'pushd', `${args[0]}: directory stack index out of range`);
    const rotated = [...all.slice(k), ...all.slice(0, k)];
    const status = await cdBuiltin(sh, ['cd', rotated[0]]);
    if (status !== 0) return status;
    sh.dirStack = rotated.slice(1);
  } else {
    const status = await cdBuiltin(sh, ['cd', args[0]]);
    if (status !== 0) return status;
    sh.dirStack.unshift(old);
  }
  await printStack(sh);
  return 0;
}

export async function popdBuiltin(sh: Interp, argv: string[]): Promise<number> {
  const args = argv.slice(1).filter((a) => a !== '-n');
  if (sh.dirStack.length === 0) return fail(sh, 'popd', 'directory stack empty');
  if (args.length > 0 && /^[+-]\d+$/.test(args[0])) {
    const all = [sh.cwd, ...sh.dirStack];
    const n = Number(args[0].slice(1));
    const k = args[0][0] === '+' ? n : all.length - 1 - n;
    if (k < 0 || k >= all.length)
      return fail(sh, 'popd', `${args[0]}: directory stack index out of range`);
    if (k === 0) {
      const status = await cdBuiltin(sh, ['cd', all[1]]);
      if (status !== 0) return status;
      sh.dirStack = all.slice(2);
    } else {
      all.splice(k, 1);
      sh.dirStack = all.slice(1);
    }
  } else {
    const status = await cdBuiltin(sh, ['cd', sh.dirStack[0]]);
    if (status !== 0) return status;
    sh.dirStack.shift();
  }
  await printStack(sh);
  return 0;
}
