/** mapfile / readarray: lines of stdin (or -u fd) into an indexed array. */
import type { Interp } from '../interp.js';
import { fail, isName } from './util.js';

export async function mapfileBuiltin(sh: Interp, argv: string[]): Promise<number> {
  let strip = false;
  let delim = '\n';
  let count = 0;
  let skip = 0;
  let origin = 0;
  let fdNum = 0;
  let i = 1;
  for (; i < argv.length && argv[i].startsWith('-') && argv[i].length > 1; i++) {
    const o = argv[i];
    const val = () => argv[++i] ?? '';
    if (o === '-t') strip = true;
    else if (o === '-d') delim = val() || '\0';
    else if (o === '-n') count = Number(val());
    else if (o === '-s') skip = Number(val());
    else if (o === '-O') origin = Number(val());
    else if (o === '-u') fdNum = Number(val());
    else if (o === '--') {
      i++;
      break;
    } else return fail(sh, argv[0], `${o}: invalid option`, 2);
  }
  const name = argv[i] ?? 'MAPFILE';
  if (!isName(name)) return fail(sh, argv[0], `\`${name}': not a valid identifier`);
  const fd = sh.io.get(fdNum);
  if (!fd) return fail(sh, argv[0], `${fdNum}: invalid file descriptor: Bad file descriptor`);
  const lines: string[] = [];
  let n = 0;
  for (;;) {
    if (count > 0 && lines.length >= count) break;
    const line = await fd.readLine(delim);
    if (line === null) break;
    if (n++ < skip) continue;
    lines.push(strip && line.endsWith(delim) ? line.slice(0, -delim.length) : line);
  }
  const existing = origin > 0 ? (sh.vars.getArray(name) ?? []).slice(0, origin) : [];
  sh.vars.setArray(name, [...existing, ...lines]);
  return 0;
}
