/** eval and source/`.`: run text in the current shell. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Interp, ReturnSignal } from '../interp.js';
import { fail } from './util.js';

export async function evalBuiltin(sh: Interp, argv: string[]): Promise<number> {
  const args = argv[1] === '--' ? argv.slice(2) : argv.slice(1);
  const src = args.join(' ');
  if (src.trim() === '') return 0;
  sh.status = 0;
  return sh.runSource(src, sh.lineno);
}

/** Finds a sourced file: names with a slash as given, others through PATH then the cwd. */
function findSourceFile(sh: Interp, name: string): string | undefined {
  if (name.includes('/')) return resolve(sh.cwd, name);
  for (const dir of (sh.getVar('PATH') ?? '').split(':')) {
    const p = resolve(sh.cwd, dir || '.', name);
    try {
      readFileSync(p, { flag: 'r' }).length;
      return p;
    } catch {
      // keep looking
    }
  }
  return resolve(sh.cwd, name);
}

export async function sourceBuiltin(sh: Interp, argv: string[]): Promise<number> {
  const args = argv[1] === '--' ? argv.slice(2) : argv.slice(1);
  if (args.length === 0) return fail(sh, argv[0], 'filename argument required', 2);
  const path = findSourceFile(sh, args[0]);
  let src: string;
  try {
    src = readFileSync(path ?? args[0], 'utf8');
  } catch {
    sh.diag(`${args[0]}: No such file or directory`);
    return 1;
  }
  const savedPositional = sh.positional;
  if (args.length > 1) sh.positional = args.slice(1);
  sh.sourceDepth++;
  sh.status = 0;
  const definingSource = sh.callStack.current;
  sh.callStack.current = args[0];
  sh.callStack.push(sh.vars, { name: 'source', source: args[0], line: sh.lineno });
  try {
    return await sh.runSource(src);
  } catch (e) {
    if (e instanceof ReturnSignal) {
      sh.status = e.status;
      return e.status;
    }
    throw e;
  } finally {
    sh.callStack.pop(sh.vars);
    sh.callStack.current = definingSource;
    sh.sourceDepth--;
    if (args.length > 1) sh.positional = savedPositional;
  }
}
