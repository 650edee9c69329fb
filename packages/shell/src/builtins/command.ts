/** command, type, builtin, hash and exec: finding and running commands by kind. */
import { ExitSignal, type Interp } from '../interp.js';
import { singleQuote } from '../quote.js';
import { fail, out } from './util.js';

export const KEYWORDS = new Set([
  'if',
  'then',
  'else',
  'elif',
  'fi',
  'case',
  'esac',
  'for',
  'while',
  'until',
  'do',
  'done',
  'in',
  'function',
  'time',
  '{',
  '}',
  '!',
  '[[',
  ']]',
]);

type Kind = 'alias' | 'keyword' | 'function' | 'builtin' | 'file';

/**
 * What a name runs as. `viaCommand`: as `command name` would find it, where the built-in
 * utilities (ls, cp...) give way to the system's programs.
 */
function classify(
  sh: Interp,
  name: string,
  all: boolean,
  viaCommand = false,
): { kind: Kind; detail: string }[] {
  const found: { kind: Kind; detail: string }[] = [];
  const alias = sh.aliases.get(name);
  if (alias !== undefined) found.push({ kind: 'alias', detail: alias });
  if (KEYWORDS.has(name)) found.push({ kind: 'keyword', detail: '' });
  if (sh.functions.has(name)) found.push({ kind: 'function', detail: '' });
  const utilityOnly = viaCommand && sh.isUtilityName(name) && sh.findInPath(name) !== undefined;
  if (sh.isBuiltinName(name) && !utilityOnly) found.push({ kind: 'builtin', detail: '' });
  if (all || found.length === 0) {
    const path = sh.findInPath(name);
    if (path && (name.includes('/') ? sh.isExecutableFile(path) : true))
      found.push({ kind: 'file', detail: path });
  }
  return all ? found : found.slice(0, 1);
}

export async function typeBuiltin(sh: Interp, argv: string[]): Promise<number> {
  let mode: 'describe' | 't' | 'p' | 'P' = 'describe';
  let all = false;
  const names: string[] = [];
  for (const a of argv.slice(1)) {
    if (/^-[aftpP]+$/.test(a)) {
      for (const c of a.slice(1)) {
        if (c === 'a') all = true;
        else if (c === 't' || c === 'p' || c === 'P') mode = c;
      }
    } else names.push(a);
  }
  let status = 0;
  let text = '';
  for (const name of names) {
    const found =
      mode === 'P'
        ? [{ kind: 'file' as Kind, detail: sh.findInPath(name) ?? '' }].filter((f) => f.detail)
        : classify(sh, name, all);
    if (found.length === 0) {
      if (mode === 'describe') sh.diag(`type: ${name}: not found`);
      status = 1;
      continue;
    }
    for (const f of found) {
      if (mode === 't') text += `${f.kind}\n`;
      else if (mode === 'p' || mode === 'P') {
        if (f.kind === 'file') text += `${f.detail}\n`;
      } else if (f.kind === 'alias') text += `${name} is aliased to \`${f.detail}'\n`;
      else if (f.kind === 'keyword') text += `${name} is a shell keyword\n`;
      else if (f.kind === 'function')
        text += `${name} is a function\n${name} () \n${sh.functions.get(name)?.text ?? '{ :; }'}\n`;
      else if (f.kind === 'builtin') text += `${name} is a shell builtin\n`;
      else text += `${name} is ${f.detail}\n`;
    }
  }
  await out(sh, text);
  return status;
}

export async function commandBuiltin(sh: Interp, argv: string[]): Promise<number> {
  let i = 1;
  let verbose: 'v' | 'V' | undefined;
  for (; i < argv.length && /^-[pvV]+$/.test(argv[i]); i++) {
    if (argv[i].includes('v')) verbose = 'v';
    if (argv[i].includes('V')) verbose = 'V';
  }
  if (argv[i] === '--') i++;
  const args = argv.slice(i);
  if (args.length === 0) return 0;
  if (verbose) {
    let status = 0;
    let text = '';
    for (const name of args) {
      const [f] = classify(sh, name, false, true);
      if (!f) {
        if (verbose === 'V') sh.diag(`command: ${name}: not found`);
        status = 1;
        continue;
      }
      if (verbose === 'V') {
        text +=
          f.kind === 'file'
            ? `${name} is ${f.detail}\n`
            : f.kind === 'alias'
              ? `${name} is aliased to \`${f.detail}'\n`
              : `${name} is a shell ${f.kind === 'function' ? 'function' : f.kind}\n`;
      } else if (f.kind === 'alias') text += `alias ${name}=${singleQuote(f.detail)}\n`;
      else text += `${f.kind === 'file' ? f.detail : name}\n`;
    }
    await out(sh, text);
    return status;
  }
  return sh.runResolved(args, { functions: false, utilities: false });
}

export function builtinBuiltin(sh: Interp, argv: string[]): Promise<number> | number {
  const args = argv.slice(1);
  if (args.length === 0) return 0;
  if (!sh.isBuiltinName(args[0])) return fail(sh, 'builtin', `${args[0]}: not a shell builtin`);
  return sh.runResolved(args, { functions: false, utilities: true, builtinsOnly: true });
}

export async function hashBuiltin(sh: Interp, argv: string[]): Promise<number> {
  const args = argv.slice(1);
  if (args[0] === '-r') {
    sh.hash.clear();
    return 0;
  }
  if (args.length === 0) {
    let text = '';
    for (const [k, v] of sh.hash) text += `${v}\t${k}\n`;
    if (text) await out(sh, `hits\tcommand\n${text}`);
    else await out(sh, 'hash: hash table empty\n');
    return 0;
  }
  let status = 0;
  for (const n of args) if (!sh.findInPath(n)) status = fail(sh, 'hash', `${n}: not found`);
  return status;
}

/** exec: without a command, make the redirections permanent; with one, run it and exit. */
export async function execBuiltin(sh: Interp, argv: string[]): Promise<number> {
  let i = 1;
  while (i < argv.length && /^-[cla]+$/.test(argv[i])) i++;
  if (argv[i] === '--') i++;
  const args = argv.slice(i);
  if (args.length === 0) {
    sh.persistRedirections = true;
    return 0;
  }
  const status = await sh.runResolved(args, { functions: false, utilities: true });
  throw new ExitSignal(status);
}
