/** Variable built-ins: export, readonly, unset, local, declare/typeset, shift, let. */
import type { Interp } from '../interp.js';
import { ReadonlyError, type Var } from '../vars.js';
import { fail, isName, out } from './util.js';

/** Splits `name=value` / `name+=value` / `name`; undefined value when there is no `=`. */
function splitAssign(arg: string): { name: string; value: string | undefined; append: boolean } {
  const m = /^([^=+]*)(\+?)=(.*)$/s.exec(arg);
  if (!m) return { name: arg, value: undefined, append: false };
  return { name: m[1], value: m[3], append: m[2] === '+' };
}

function setFromArg(sh: Interp, name: string, value: string | undefined, append: boolean): void {
  if (value === undefined) return;
  sh.setVar(name, append ? (sh.getVar(name) ?? '') + value : value);
}

async function printVars(sh: Interp, filter: (v: Var) => boolean): Promise<void> {
  const names = [...sh.vars.vars.keys()].filter((n) => filter(sh.vars.rawEntry(n)!)).sort();
  await out(sh, names.map((n) => describeVar(n, sh.vars.rawEntry(n)!)).join(''));
}

/** One `declare -p` line: the attributes in bash's order, then the value bash-quoted. */
function describeVar(name: string, v: Var): string {
  const flags =
    (v.array ? 'a' : '') +
    (v.assoc ? 'A' : '') +
    (v.integer ? 'i' : '') +
    (v.nameref ? 'n' : '') +
    (v.readonly ? 'r' : '') +
    (v.exported ? 'x' : '');
  const head = `declare -${flags || '-'} ${name}`;
  if (v.assoc) {
    const items = [...v.assoc.entries()].map(
      ([k, x]) => `[${/^[\w.-]+$/.test(k) ? k : dq(k)}]=${dq(x)} `,
    );
    return `${head}=(${items.join('')})\n`;
  }
  if (v.array) {
    const items = v.array.flatMap((x, i) => (x === undefined ? [] : [`[${i}]=${dq(x)}`]));
    return `${head}=(${items.join(' ')})\n`;
  }
  return v.value === undefined ? `${head}\n` : `${head}=${dq(v.value)}\n`;
}

const dq = (s: string): string => `"${s.replace(/(["\\$`])/g, '\\$1')}"`;

/** declare -p name...: bash prints `not found` for the names that do not exist. */
async function printNamed(sh: Interp, cmd: string, names: string[]): Promise<number> {
  let status = 0;
  for (const name of names) {
    const v = sh.vars.rawEntry(name);
    if (v) await out(sh, describeVar(name, v));
    else status = fail(sh, cmd, `${name}: not found`);
  }
  return status;
}

export async function exportBuiltin(sh: Interp, argv: string[]): Promise<number> {
  let unexport = false;
  let i = 1;
  for (; i < argv.length && argv[i].startsWith('-') && argv[i] !== '-'; i++) {
    if (argv[i] === '--') {
      i++;
      break;
    }
    if (argv[i].includes('n')) unexport = true;
  }
  const args = argv.slice(i);
  if (args.length === 0) {
    await printVars(sh, (v) => v.exported);
    return 0;
  }
  let status = 0;
  for (const a of args) {
    const { name, value, append } = splitAssign(a);
    if (!isName(name)) {
      status = fail(sh, 'export', `\`${a}': not a valid identifier`);
      continue;
    }
    setFromArg(sh, name, value, append);
    let v = sh.vars.entry(name);
    if (!v) {
      sh.vars.vars.set(name, { value: undefined, exported: false, readonly: false });
      v = sh.vars.entry(name)!;
    }
    v.exported = !unexport;
  }
  return status;
}

export async function readonlyBuiltin(sh: Interp, argv: string[]): Promise<number> {
  const args = argv.slice(1).filter((a) => !/^-[pfa]+$/.test(a) && a !== '--');
  if (args.length === 0) {
    await printVars(sh, (v) => v.readonly);
    return 0;
  }
  let status = 0;
  for (const a of args) {
    const { name, value, append } = splitAssign(a);
    if (!isName(name)) {
      status = fail(sh, 'readonly', `\`${a}': not a valid identifier`);
      continue;
    }
    try {
      setFromArg(sh, name, value, append);
    } catch (e) {
      if (e instanceof ReadonlyError) {
        status = fail(sh, 'readonly', e.message);
        continue;
      }
      throw e;
    }
    let v = sh.vars.entry(name);
    if (!v) {
      sh.vars.vars.set(name, { value: undefined, exported: false, readonly: false });
      v = sh.vars.entry(name)!;
    }
    v.readonly = true;
  }
  return status;
}

export function unsetBuiltin(sh: Interp, argv: string[]): number {
  let mode: 'v' | 'f' | 'n' | 'both' = 'both';
  let i = 1;
  for (; i < argv.length && /^-[vfn]+$/.test(argv[i]); i++) {
    if (argv[i].includes('f')) mode = 'f';
    else if (argv[i].includes('v')) mode = 'v';
    else mode = 'n';
  }
  if (argv[i] === '--') i++;
  let status = 0;
  for (const name of argv.slice(i)) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\[(.*)\]$/.exec(name);
    try {
      if (m && mode !== 'f') {
        // a quoted key, unset 'm["a b"]', names the key inside the quotes
        const key = m[2].replace(/^'(.*)'$|^"(.*)"$/s, '$1$2');
        sh.vars.unsetIndex(m[1], sh.vars.isAssoc(m[1]) ? key : Number(sh.arith(m[2])));
        continue;
      }
      if (!isName(name)) {
        status = fail(sh, 'unset', `\`${name}': not a valid identifier`);
        continue;
      }
      if (mode === 'f') sh.functions.delete(name);
      else if (mode === 'n') sh.vars.unsetRaw(name);
      else if (mode === 'v') sh.vars.unset(name);
      else if (sh.vars.entry(name)) sh.vars.unset(name);
      else sh.functions.delete(name);
    } catch (e) {
      if (e instanceof ReadonlyError) {
        status = fail(sh, 'unset', `${name}: cannot unset: readonly variable`);
        continue;
      }
      throw e;
    }
  }
  return status;
}

export function localBuiltin(sh: Interp, argv: string[]): number | Promise<number> {
  if (!sh.vars.inFunction()) return fail(sh, 'local', 'can only be used in a function');
  return declareInScope(sh, argv, true);
}

export async function declareBuiltin(sh: Interp, argv: string[]): Promise<number> {
  if (argv.length === 1 || (argv.length === 2 && argv[1] === '-p')) {
    await printVars(sh, () => true);
    return 0;
  }
  if (argv[1] === '-f' || argv[1] === '-F') {
    const names = argv.length > 2 ? argv.slice(2) : [...sh.functions.keys()].sort();
    let status = 0;
    for (const n of names) {
      const fn = sh.functions.get(n);
      if (!fn) status = 1;
      else if (argv[1] === '-F') await out(sh, `declare -f ${n}\n`);
      else await out(sh, `${n} () \n${fn.text ?? '{ :; }'}\n`);
    }
    return status;
  }
  return declareInScope(sh, argv, sh.vars.inFunction() && !argv.some((a) => /^-\w*g/.test(a)));
}

async function declareInScope(sh: Interp, argv: string[], local: boolean): Promise<number> {
  let status = 0;
  const flags = new Set<string>();
  let remove = false;
  const args = argv.slice(1);
  while (args.length > 0 && /^[-+][a-zA-Z]+$/.test(args[0])) {
    const a = args.shift()!;
    remove = a[0] === '+';
    for (const c of a.slice(1)) flags.add(c);
  }
  if (args[0] === '--') args.shift();
  if (flags.has('p')) return printNamed(sh, argv[0], args);
  for (const a of args) {
    const { name, value, append } = splitAssign(a);
    if (flags.has('n') && isName(name)) {
      status = declareNameref(sh, argv[0], name, value, remove, local) || status;
      continue;
    }
    const arrayLiteral = value !== undefined && /^\(.*\)$/s.test(value);
    if (!isName(name)) {
      status = fail(sh, argv[0], `\`${a}': not a valid identifier`);
      continue;
    }
    try {
      if (local) sh.vars.declareLocal(name);
      if (flags.has('i')) {
        if (!sh.vars.entry(name))
          sh.vars.vars.set(name, { value: undefined, exported: false, readonly: false });
        sh.vars.entry(name)!.integer = !remove;
      }
      if (flags.has('A')) sh.vars.declareAssoc(name);
      if (arrayLiteral) await sh.assignArrayText(name, value!);
      else setFromArg(sh, name, value, append);
      if (flags.has('a') && !sh.vars.entry(name)) sh.vars.setArray(name, []);
      const v = sh.vars.entry(name);
      if (v) {
        if (flags.has('x')) v.exported = !remove;
        if (flags.has('r')) v.readonly = true;
      } else if (flags.has('x') || flags.has('r')) {
        sh.vars.vars.set(name, {
          value: undefined,
          exported: flags.has('x'),
          readonly: flags.has('r'),
        });
      }
    } catch (e) {
      if (e instanceof ReadonlyError) {
        status = fail(sh, argv[0], e.message);
        continue;
      }
      throw e;
    }
  }
  return status;
}

/** declare -n / +n name[=target]: the reference itself is set, never what it refers to. */
function declareNameref(
  sh: Interp,
  cmd: string,
  name: string,
  value: string | undefined,
  remove: boolean,
  local: boolean,
): number {
  if (value !== undefined && !remove) {
    if (value === name)
      return fail(sh, cmd, `${name}: nameref variable self references not allowed`);
    if (!isName(value) && !/^[A-Za-z_][A-Za-z0-9_]*\[.+\]$/s.test(value))
      return fail(sh, cmd, `\`${value}': invalid variable name for name reference`);
  }
  if (local) sh.vars.declareLocal(name);
  let v = sh.vars.rawEntry(name);
  if (v?.readonly) return fail(sh, cmd, `${name}: readonly variable`);
  if (!v) {
    v = { value: undefined, exported: false, readonly: false };
    sh.vars.vars.set(name, v);
  }
  if (v.array || v.assoc) return fail(sh, cmd, `${name}: reference variable cannot be an array`);
  v.nameref = !remove || undefined;
  if (value !== undefined) v.value = value;
  return 0;
}

export function shiftBuiltin(sh: Interp, argv: string[]): number {
  let n = 1;
  if (argv[1] !== undefined) {
    if (!/^\d+$/.test(argv[1])) return fail(sh, 'shift', `${argv[1]}: numeric argument required`);
    n = Number(argv[1]);
  }
  if (n > sh.positional.length) return 1;
  sh.positional = sh.positional.slice(n);
  return 0;
}

export function letBuiltin(sh: Interp, argv: string[]): number {
  if (argv.length < 2) return fail(sh, 'let', 'expression expected');
  let v = 0n;
  for (const expr of argv.slice(1)) {
    try {
      v = sh.arith(expr);
    } catch (e) {
      return fail(sh, 'let', `${expr}: ${(e as Error).message}`);
    }
  }
  return v !== 0n ? 0 : 1;
}
