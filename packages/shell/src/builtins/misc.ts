/** history, clear, umask, getopts, times. */
import { childrenTimes } from '../cputime.js';
import type { Interp } from '../interp.js';
import { fail, isName, out } from './util.js';

export async function historyBuiltin(sh: Interp, argv: string[]): Promise<number> {
  const hist = sh.host.history;
  if (!hist) return 0;
  const entries = hist.entries();
  let list = entries.map((e, i) => [i + 1, e] as const);
  const n = argv[1] !== undefined && /^\d+$/.test(argv[1]) ? Number(argv[1]) : undefined;
  if (argv[1] !== undefined && n === undefined && argv[1] !== '-c')
    return fail(sh, 'history', `${argv[1]}: numeric argument required`);
  if (argv[1] === '-c') {
    (hist as { clear?: () => void }).clear?.();
    return 0;
  }
  if (n !== undefined) list = list.slice(Math.max(0, list.length - n));
  await out(sh, list.map(([i, e]) => `${String(i).padStart(5)}  ${e}\n`).join(''));
  return 0;
}

export async function clearBuiltin(sh: Interp): Promise<number> {
  // home the cursor, erase the screen and the scrollback, as clear(1) does
  await out(sh, '\x1b[H\x1b[2J\x1b[3J');
  return 0;
}

export async function umaskBuiltin(sh: Interp, argv: string[]): Promise<number> {
  const symbolic = argv.includes('-S');
  const args = argv.slice(1).filter((a) => a !== '-S' && a !== '-p');
  if (args.length === 0) {
    const mask = process.umask();
    if (symbolic) {
      const perms = (shift: number) => {
        const bits = ~(mask >> shift) & 7;
        return `${bits & 4 ? 'r' : ''}${bits & 2 ? 'w' : ''}${bits & 1 ? 'x' : ''}`;
      };
      await out(sh, `u=${perms(6)},g=${perms(3)},o=${perms(0)}\n`);
    } else await out(sh, `${mask.toString(8).padStart(4, '0')}\n`);
    return 0;
  }
  const spec = args[0];
  if (/^[0-7]+$/.test(spec)) {
    process.umask(Number.parseInt(spec, 8));
    return 0;
  }
  // symbolic: u=rwx,g=rx,o=
  let mask = process.umask();
  for (const clause of spec.split(',')) {
    const m = /^([ugoa]*)([=+-])([rwx]*)$/.exec(clause);
    if (!m) return fail(sh, 'umask', `${spec}: invalid symbolic mode operator`);
    const who = m[1] === '' || m[1].includes('a') ? 'ugo' : m[1];
    const bits =
      (m[3].includes('r') ? 4 : 0) | (m[3].includes('w') ? 2 : 0) | (m[3].includes('x') ? 1 : 0);
    for (const w of who) {
      const shift = w === 'u' ? 6 : w === 'g' ? 3 : 0;
      const allowed = ~(mask >> shift) & 7;
      const next = m[2] === '=' ? bits : m[2] === '+' ? allowed | bits : allowed & ~bits;
      mask = (mask & ~(7 << shift)) | ((~next & 7) << shift);
    }
  }
  process.umask(mask);
  return 0;
}

export async function getoptsBuiltin(sh: Interp, argv: string[]): Promise<number> {
  const optstring = argv[1];
  const name = argv[2];
  if (optstring === undefined || name === undefined)
    return fail(sh, 'getopts', 'usage: getopts optstring name [arg ...]', 2);
  if (!isName(name)) return fail(sh, 'getopts', `\`${name}': not a valid identifier`);
  const args = argv.length > 3 ? argv.slice(3) : sh.positional;
  const silent = optstring.startsWith(':');
  const spec = silent ? optstring.slice(1) : optstring;
  let optind = Number(sh.getVar('OPTIND') ?? '1') || 1;
  if (optind !== sh.getoptsState.optind) sh.getoptsState = { optind, sub: 1 };
  const arg = args[optind - 1];
  const done = () => {
    sh.setVar(name, '?');
    sh.vars.unset('OPTARG');
    return 1;
  };
  if (arg === undefined || arg === '-' || !arg.startsWith('-')) return done();
  if (arg === '--') {
    sh.setVar('OPTIND', String(optind + 1));
    sh.getoptsState = { optind: optind + 1, sub: 1 };
    return done();
  }
  const sub = sh.getoptsState.sub;
  const c = arg[sub];
  let nextSub = sub + 1;
  const advance = () => {
    if (nextSub >= arg.length) {
      optind++;
      nextSub = 1;
    }
    sh.setVar('OPTIND', String(optind));
    sh.getoptsState = { optind, sub: nextSub };
  };
  const idx = spec.indexOf(c);
  if (idx < 0 || c === ':') {
    advance();
    if (silent) {
      sh.setVar(name, '?');
      sh.setVar('OPTARG', c);
    } else {
      sh.diag(`illegal option -- ${c}`);
      sh.setVar(name, '?');
      sh.vars.unset('OPTARG');
    }
    return 0;
  }
  if (spec[idx + 1] === ':') {
    let value: string | undefined;
    if (sub + 1 < arg.length) {
      value = arg.slice(sub + 1);
      optind++;
    } else {
      value = args[optind];
      optind += 2;
    }
    nextSub = 1;
    sh.setVar('OPTIND', String(optind));
    sh.getoptsState = { optind, sub: 1 };
    if (value === undefined) {
      if (silent) {
        sh.setVar(name, ':');
        sh.setVar('OPTARG', c);
      } else {
        sh.diag(`option requires an argument -- ${c}`);
        sh.setVar(name, '?');
        sh.vars.unset('OPTARG');
      }
      return 0;
    }
    sh.setVar('OPTARG', value);
    sh.setVar(name, c);
    return 0;
  }
  advance();
  sh.setVar(name, c);
  sh.vars.unset('OPTARG');
  return 0;
}

export async function timesBuiltin(sh: Interp): Promise<number> {
  const u = process.cpuUsage();
  const c = childrenTimes();
  const fmt = (s: number) => {
    const m = Math.floor(s / 60);
    return `${m}m${(s - m * 60).toFixed(3)}s`;
  };
  await out(sh, `${fmt(u.user / 1e6)} ${fmt(u.system / 1e6)}\n${fmt(c.user)} ${fmt(c.sys)}\n`);
  return 0;
}
