/** test / [ (POSIX argument-count rules, -a/-o) and the [[ ]] conditional command. */
import { accessSync, constants, lstatSync, type Stats, statSync } from 'node:fs';
import { isatty } from 'node:tty';
import { resolve } from 'node:path';
import type { CondExpr } from '../ast.js';
import { setFlagsFromString } from 'node:v8';
import { matchPattern } from '../pattern.js';
import type { Interp } from '../interp.js';

class TestError extends Error {}

const UNARY = new Set([
  '-e',
  '-f',
  '-d',
  '-r',
  '-w',
  '-x',
  '-s',
  '-L',
  '-h',
  '-p',
  '-S',
  '-b',
  '-c',
  '-g',
  '-u',
  '-k',
  '-t',
  '-z',
  '-n',
  '-O',
  '-G',
  '-N',
  '-v',
  '-a',
  '-o',
]);
const BINARY = new Set([
  '=',
  '==',
  '!=',
  '<',
  '>',
  '-eq',
  '-ne',
  '-lt',
  '-le',
  '-gt',
  '-ge',
  '-nt',
  '-ot',
  '-ef',
]);

function stat(sh: Interp, path: string, link = false): Stats | undefined {
  try {
    const p = resolve(sh.cwd, path);
    return link ? lstatSync(p) : statSync(p);
  } catch {
    return undefined;
  }
}

function access(sh: Interp, path: string, mode: number): boolean {
  try {
    accessSync(resolve(sh.cwd, path), mode);
    return true;
  } catch {
    return false;
  }
}

export function unaryTest(sh: Interp, op: string, arg: string): boolean {
  switch (op) {
    case '-z':
      return arg === '';
    case '-n':
      return arg !== '';
    case '-e':
    case '-a':
      return stat(sh, arg) !== undefined;
    case '-f':
      return stat(sh, arg)?.isFile() ?? false;
    case '-d':
      return stat(sh, arg)?.isDirectory() ?? false;
    case '-L':
    case '-h':
      return stat(sh, arg, true)?.isSymbolicLink() ?? false;
    case '-p':
      return stat(sh, arg)?.isFIFO() ?? false;
    case '-S':
      return stat(sh, arg)?.isSocket() ?? false;
    case '-b':
      return stat(sh, arg)?.isBlockDevice() ?? false;
    case '-c':
      return stat(sh, arg)?.isCharacterDevice() ?? false;
    case '-s':
      return (stat(sh, arg)?.size ?? 0) > 0;
    case '-g':
      return ((stat(sh, arg)?.mode ?? 0) & 0o2000) !== 0;
    case '-u':
      return ((stat(sh, arg)?.mode ?? 0) & 0o4000) !== 0;
    case '-k':
      return ((stat(sh, arg)?.mode ?? 0) & 0o1000) !== 0;
    case '-r':
      return access(sh, arg, constants.R_OK);
    case '-w':
      return access(sh, arg, constants.W_OK);
    case '-x':
      return access(sh, arg, constants.X_OK);
    case '-O':
      return stat(sh, arg)?.uid === process.getuid?.();
    case '-G':
      return stat(sh, arg)?.gid === process.getgid?.();
    case '-N': {
      const st = stat(sh, arg);
      return st !== undefined && st.mtimeMs > st.atimeMs;
    }
    case '-t':
      return /^\d+$/.test(arg) && isatty(Number(arg));
    case '-v':
      return sh.getVar(arg) !== undefined;
    case '-o':
      return (sh.opts as unknown as Record<string, boolean>)[arg] === true;
  }
  throw new TestError(`${op}: unary operator expected`);
}

function toInt(s: string): bigint {
  const t = s.trim();
  if (!/^[-+]?\d+$/.test(t)) throw new TestError(`${s}: integer expression expected`);
  return BigInt(t);
}

export function binaryTest(
  sh: Interp,
  op: string,
  a: string,
  b: string,
  ints?: (s: string) => bigint,
): boolean {
  const num = ints ?? toInt;
  switch (op) {
    case '=':
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '>':
      return a > b;
    case '-eq':
      return num(a) === num(b);
    case '-ne':
      return num(a) !== num(b);
    case '-lt':
      return num(a) < num(b);
    case '-le':
      return num(a) <= num(b);
    case '-gt':
      return num(a) > num(b);
    case '-ge':
      return num(a) >= num(b);
    case '-nt': {
      const sa = stat(sh, a);
      const sb = stat(sh, b);
      return sa !== undefined && (sb === undefined || sa.mtimeMs > sb.mtimeMs);
    }
    case '-ot': {
      const sa = stat(sh, a);
      const sb = stat(sh, b);
      return sb !== undefined && (sa === undefined || sa.mtimeMs < sb.mtimeMs);
    }
    case '-ef': {
      const sa = stat(sh, a);
      const sb = stat(sh, b);
      return sa !== undefined && sb !== undefined && sa.ino === sb.ino && sa.dev === sb.dev;
    }
  }
  throw new TestError(`${op}: binary operator expected`);
}

/** Recursive-descent evaluation of test's arguments (used beyond 4 arguments). */
class TestParser {
  private i = 0;
  constructor(
    private readonly sh: Interp,
    private readonly args: string[],
  ) {}
  run(): boolean {
    const v = this.or();
    if (this.i < this.args.length) throw new TestError(`${this.args[this.i]}: unexpected argument`);
    return v;
  }
  private or(): boolean {
    let v = this.and();
    while (this.args[this.i] === '-o') {
      this.i++;
      const r = this.and();
      v = v || r;
    }
    return v;
  }
  private and(): boolean {
    let v = this.not();
    while (this.args[this.i] === '-a') {
      this.i++;
      const r = this.not();
      v = v && r;
    }
    return v;
  }
  private not(): boolean {
    if (this.args[this.i] === '!') {
      this.i++;
      return !this.not();
    }
    return this.primary();
  }
  private primary(): boolean {
    const a = this.args;
    const t = a[this.i];
    if (t === undefined) throw new TestError('argument expected');
    if (t === '(') {
      this.i++;
      const v = this.or();
      if (a[this.i] !== ')') throw new TestError("`)' expected");
      this.i++;
      return v;
    }
    if (a[this.i + 1] !== undefined && BINARY.has(a[this.i + 1]) && a[this.i + 2] !== undefined) {
      const v = binaryTest(this.sh, a[this.i + 1], t, a[this.i + 2]);
      this.i += 3;
      return v;
    }
    if (UNARY.has(t) && a[this.i + 1] !== undefined) {
      const v = unaryTest(this.sh, t, a[this.i + 1]);
      this.i += 2;
      return v;
    }
    this.i++;
    return t !== '';
  }
}

function evalTest(sh: Interp, args: string[]): boolean {
  switch (args.length) {
    case 0:
      return false;
    case 1:
      return args[0] !== '';
    case 2:
      if (args[0] === '!') return args[1] === '';
      if (UNARY.has(args[0])) return unaryTest(sh, args[0], args[1]);
      throw new TestError(`${args[0]}: unary operator expected`);
    case 3:
      if (BINARY.has(args[1])) return binaryTest(sh, args[1], args[0], args[2]);
      if (args[1] === '-a') return args[0] !== '' && args[2] !== '';
      if (args[1] === '-o') return args[0] !== '' || args[2] !== '';
      if (args[0] === '!') return !evalTest(sh, args.slice(1));
      if (args[0] === '(' && args[2] === ')') return args[1] !== '';
      throw new TestError(`${args[1]}: binary operator expected`);
    case 4:
      if (args[0] === '!') return !evalTest(sh, args.slice(1));
      if (args[0] === '(' && args[3] === ')') return evalTest(sh, args.slice(1, 3));
      return new TestParser(sh, args).run();
    default:
      return new TestParser(sh, args).run();
  }
}

export function testBuiltin(sh: Interp, argv: string[]): number {
  let args = argv.slice(1);
  if (argv[0] === '[') {
    if (args[args.length - 1] !== ']') {
      sh.diag("[: missing `]'");
      return 2;
    }
    args = args.slice(0, -1);
  }
  try {
    return evalTest(sh, args) ? 0 : 1;
  } catch (e) {
    if (e instanceof TestError) {
      sh.diag(`${argv[0]}: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

/** [[ ... ]]: no field splitting or globbing; == and != match patterns; =~ is an ERE. */
export async function evalCondExpr(sh: Interp, e: CondExpr): Promise<boolean> {
  const ex = sh.expander;
  switch (e.type) {
    case 'and':
      return (await evalCondExpr(sh, e.left)) && evalCondExpr(sh, e.right);
    case 'or':
      return (await evalCondExpr(sh, e.left)) || evalCondExpr(sh, e.right);
    case 'not':
      return !(await evalCondExpr(sh, e.expr));
    case 'word':
      return (await ex.expandString(e.word)) !== '';
    case 'unary':
      return unaryTest(sh, e.op, await ex.expandString(e.arg));
    case 'binary': {
      const left = await ex.expandString(e.left);
      if (e.op === '==' || e.op === '=' || e.op === '!=') {
        const pat = await ex.expandPattern(e.right);
        const m = matchPattern(pat, left);
        return e.op === '!=' ? !m : m;
      }
      if (e.op === '=~') {
        const src = await ex.expandPattern(e.right);
        let re: RegExp;
        try {
          re = compileEre(src, left);
        } catch {
          return false;
        }
        const m = re.exec(left);
        if (!m) {
          sh.vars.setArray('BASH_REMATCH', []);
          return false;
        }
        sh.vars.setArray(
          'BASH_REMATCH',
          m.map((x) => x ?? ''),
        );
        return true;
      }
      const right = await ex.expandString(e.right);
      const arith = (s: string) => sh.arith(s);
      return binaryTest(sh, e.op, left, right, arith);
    }
  }
}

let linearFallback = false;
const ASCII = /^[\x00-\x7f]*$/;

/**
 * A user's regex must not take the shell hostage: V8 moves a regex that backtracks too much to
 * its linear-time engine when this flag is on. That engine does not take the `u` flag, so an
 * ASCII pattern against an ASCII subject (where `u` changes nothing) is compiled without it;
 * other input keeps `u` and V8's backtracking engine.
 */
function compileEre(src: string, subject: string): RegExp {
  if (!linearFallback) {
    setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
    linearFallback = true;
  }
  return new RegExp(ereToJs(src), ASCII.test(src) && ASCII.test(subject) ? '' : 'u');
}

/** A POSIX ERE (with backslash-quoted literals from the pattern expansion) as a JS regex. */
function ereToJs(src: string): string {
  let out = '';
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\' && i + 1 < src.length) {
      const n = src[++i];
      out += /[A-Za-z0-9]/.test(n) ? `\\${n}` : n.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else if (c === '[' && src[i + 1] === ':') {
      const end = src.indexOf(':]', i);
      const cls = src.slice(i + 2, end);
      const map: Record<string, string> = {
        alpha: 'a-zA-Z',
        digit: '0-9',
        alnum: '0-9a-zA-Z',
        space: '\\s',
        upper: 'A-Z',
        lower: 'a-z',
        punct: '!-\\/:-@\\[-`{-~',
        xdigit: '0-9a-fA-F',
      };
      out += map[cls] ?? '';
      i = end + 1;
    } else out += c;
  }
  return out;
}
