/** set: options (-e -u -x -f -C -a -v -n, -o name) and positional parameters; shopt. */
import { type Interp, OPTION_LETTERS, type ShellOptions } from '../interp.js';
import { quoteForTrace } from '../quote.js';
import { fail, out } from './util.js';

/** `set -o` names; the ones we accept without acting on them map to undefined. */
const LONG_OPTIONS: Record<string, keyof ShellOptions | undefined> = {
  allexport: 'allexport',
  braceexpand: 'braceexpand',
  emacs: 'emacs',
  errexit: 'errexit',
  errtrace: undefined,
  functrace: undefined,
  hashall: 'hashall',
  histexpand: 'histexpand',
  history: undefined,
  ignoreeof: 'ignoreeof',
  'interactive-comments': undefined,
  keyword: undefined,
  monitor: 'monitor',
  noclobber: 'noclobber',
  noexec: 'noexec',
  noglob: 'noglob',
  nolog: undefined,
  notify: undefined,
  nounset: 'nounset',
  onecmd: undefined,
  physical: undefined,
  pipefail: 'pipefail',
  posix: 'posix',
  privileged: undefined,
  verbose: 'verbose',
  vi: 'vi',
  xtrace: 'xtrace',
};

const ACCEPTED_ON = new Set(['hashall', 'interactive-comments']);

/** Applies one -x/+x letter; returns false for an unknown letter. */
export function setOptionLetter(sh: Interp, letter: string, on: boolean): boolean {
  const opt = OPTION_LETTERS[letter];
  if (opt) {
    sh.opts[opt] = on;
    return true;
  }
  if (letter === 'i') {
    sh.opts.interactive = on;
    return true;
  }
  return (
    letter === 'b' ||
    letter === 'E' ||
    letter === 'T' ||
    letter === 'P' ||
    letter === 'k' ||
    letter === 't' ||
    letter === 'p'
  );
}

export function setLongOption(sh: Interp, name: string, on: boolean): boolean {
  if (!(name in LONG_OPTIONS)) return false;
  const opt = LONG_OPTIONS[name];
  if (opt) sh.opts[opt] = on;
  if (opt === 'vi' && on) sh.opts.emacs = false;
  if (opt === 'emacs' && on) sh.opts.vi = false;
  return true;
}

function optionState(sh: Interp, name: string): boolean {
  const opt = LONG_OPTIONS[name];
  return opt ? sh.opts[opt] : ACCEPTED_ON.has(name);
}

export async function setBuiltin(sh: Interp, argv: string[]): Promise<number> {
  if (argv.length === 1) {
    const names = [...sh.vars.vars.keys()].sort();
    let text = '';
    for (const n of names) {
      const v = sh.vars.rawEntry(n)!;
      if (v.value !== undefined && !v.array) text += `${n}=${quoteForTrace(v.value)}\n`;
    }
    await out(sh, text);
    return 0;
  }
  let i = 1;
  let setPositional = false;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      i++;
      setPositional = true;
      break;
    }
    if (a === '-') {
      sh.opts.xtrace = false;
      sh.opts.verbose = false;
      i++;
      setPositional = i < argv.length;
      break;
    }
    if (!/^[-+]/.test(a)) break;
    const on = a[0] === '-';
    for (let j = 1; j < a.length; j++) {
      const c = a[j];
      if (c === 'o') {
        const name = a.length > j + 1 ? a.slice(j + 1) : argv[++i];
        j = a.length;
        if (name === undefined) {
          await printOptions(sh, on);
          continue;
        }
        if (!setLongOption(sh, name, on)) return fail(sh, 'set', `${name}: invalid option name`, 2);
      } else if (!setOptionLetter(sh, c, on)) {
        return fail(sh, 'set', `${a[0]}${c}: invalid option`, 2);
      }
    }
  }
  if (setPositional || i < argv.length) sh.positional = argv.slice(i);
  return 0;
}

async function printOptions(sh: Interp, human: boolean): Promise<void> {
  let text = '';
  for (const name of Object.keys(LONG_OPTIONS)) {
    const on = optionState(sh, name);
    text += human
      ? `${name.padEnd(15)}\t${on ? 'on' : 'off'}\n`
      : `set ${on ? '-' : '+'}o ${name}\n`;
  }
  await out(sh, text);
}

/** shopt: bash options kept in Interp.shopts; -s/-u/-p/-q, -o for set -o names. */
export async function shoptBuiltin(sh: Interp, argv: string[]): Promise<number> {
  let mode: 's' | 'u' | 'p' | 'q' | undefined;
  let useSetO = false;
  const names: string[] = [];
  for (const a of argv.slice(1)) {
    if (/^-[supqo]+$/.test(a)) {
      for (const c of a.slice(1)) {
        if (c === 'o') useSetO = true;
        else mode = c as typeof mode;
      }
    } else names.push(a);
  }
  let status = 0;
  if (useSetO) {
    for (const n of names) {
      if (mode === 's' || mode === 'u') {
        if (!setLongOption(sh, n, mode === 's'))
          status = fail(sh, 'shopt', `${n}: invalid option name`);
      } else if (!optionState(sh, n)) status = 1;
    }
    return status;
  }
  const state = sh.shopts;
  for (const n of names.length > 0 ? names : [...state.keys()]) {
    if (!state.has(n)) {
      status = fail(sh, 'shopt', `${n}: invalid shell option name`);
      continue;
    }
    if (mode === 's' || mode === 'u') state.set(n, mode === 's');
    else if (mode === 'q') {
      if (!state.get(n)) status = 1;
    } else {
      const on = state.get(n)!;
      if (names.length > 0 && !on) status = 1;
      await out(
        sh,
        mode === 'p'
          ? `shopt ${on ? '-s' : '-u'} ${n}\n`
          : `${n.padEnd(15)}\t${on ? 'on' : 'off'}\n`,
      );
    }
  }
  return status;
}
