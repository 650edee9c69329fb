/** alias and unalias. */
import type { Interp } from '../interp.js';
import { singleQuote } from '../quote.js';
import { fail, out } from './util.js';

export async function aliasBuiltin(sh: Interp, argv: string[]): Promise<number> {
  const args = argv.slice(1).filter((a) => a !== '-p' && a !== '--');
  if (args.length === 0) {
    let text = '';
    for (const [k, v] of [...sh.aliases].sort(([a], [b]) => (a < b ? -1 : 1)))
      text += `alias ${k}=${singleQuote(v)}\n`;
    await out(sh, text);
    return 0;
  }
  let status = 0;
  let text = '';
  for (const a of args) {
    const eq = a.indexOf('=');
    if (eq > 0) {
      const name = a.slice(0, eq);
      if (/[\s/$`=\\'"|&;()<>]/.test(name)) {
        status = fail(sh, 'alias', `\`${name}': invalid alias name`);
        continue;
      }
      sh.aliases.set(name, a.slice(eq + 1));
    } else {
      const v = sh.aliases.get(a);
      if (v === undefined) status = fail(sh, 'alias', `${a}: not found`);
      else text += `alias ${a}=${singleQuote(v)}\n`;
    }
  }
  if (text) await out(sh, text);
  return status;
}

export function unaliasBuiltin(sh: Interp, argv: string[]): number {
  const args = argv.slice(1);
  if (args[0] === '-a') {
    sh.aliases.clear();
    return 0;
  }
  if (args.length === 0) return fail(sh, 'unalias', 'usage: unalias [-a] name [name ...]', 2);
  let status = 0;
  for (const a of args) {
    if (!sh.aliases.delete(a)) status = fail(sh, 'unalias', `${a}: not found`);
  }
  return status;
}
