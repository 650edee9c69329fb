/** echo: -n, -e, -E as in bash (options only as leading separate words). */
import { interpretEscapes } from '../ansi-c.js';
import type { Interp } from '../interp.js';
import { out } from './util.js';

const NL = Buffer.from('\n');

export async function echoBuiltin(sh: Interp, argv: string[]): Promise<number> {
  let newline = true;
  let escapes = false;
  let i = 1;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (!/^-[neE]+$/.test(a)) break;
    for (const c of a.slice(1)) {
      if (c === 'n') newline = false;
      else if (c === 'e') escapes = true;
      else escapes = false;
    }
  }
  const text = argv.slice(i).join(' ');
  let data: string | Buffer = text;
  if (escapes) {
    const r = interpretEscapes(text, 'echo');
    data = r.bytes;
    if (r.stop) newline = false;
  }
  if (newline) data = typeof data === 'string' ? `${data}\n` : Buffer.concat([data, NL]);
  try {
    return (await out(sh, data)) ? 0 : 1;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EBADF') {
      sh.diag('echo: write error: Bad file descriptor');
      return 1;
    }
    throw e;
  }
}
