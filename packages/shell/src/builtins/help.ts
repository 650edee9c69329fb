/** help: lists the built-in commands (no per-command manual pages). */
import type { Interp } from '../interp.js';
import { out } from './util.js';

export async function helpBuiltin(sh: Interp, argv: string[]): Promise<number> {
  const names = sh.builtinNames();
  const wanted = argv.slice(1);
  if (wanted.length > 0) {
    const missing = wanted.filter((w) => !names.includes(w));
    if (missing.length > 0) {
      sh.diag(`help: no help topics match \`${missing[0]}'`);
      return 1;
    }
    await out(
      sh,
      `${wanted.map((w) => `${w}: a strata-sh built-in; see bash(1) for its usage`).join('\n')}\n`,
    );
    return 0;
  }
  await out(
    sh,
    `strata-sh, a POSIX shell with bash extensions. Built-in commands:\n\n${names.join(' ')}\n`,
  );
  return 0;
}
