/**
 * The interpreter: walks the syntax tree with the shell state (variables, functions, options,
 * fd table, cwd). Subshells, pipeline stages and command substitutions run on a clone of the
 * state (`clone()`), so they cannot change the parent, as in a forked shell.
 */
import { spawn } from 'node:child_process';
import {
  accessSync,
  closeSync,
  constants as fsConstants,
  openSync,
  statSync,
  unlinkSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { constants as osConstants } from 'node:os';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { type ArithScope, evaluateArith } from './arith.js';
import type {
  AndOr,
  Assign,
  Command,
  Compound,
  CondExpr,
  FunctionDef,
  List,
  Pipeline,
  Redir,
  SimpleCommand,
  Word,
} from './ast.js';
import { BUILTINS, SPECIAL_BUILTINS } from './builtins/index.js';
import { readBuiltin } from './builtins/read.js';
import { evalCondExpr } from './builtins/test-expr.js';
import { CallStack } from './call-stack.js';
import { cpuTimes } from './cputime.js';
import { ExpansionError, Expander } from './expand.js';
import { matchPattern } from './pattern.js';
import {
  BrokenPipe,
  CaptureFd,
  DataFd,
  Fd,
  FdTable,
  AsyncPipeWriteFd,
  OsFd,
  PipeReadFd,
  ReadStreamFd,
  type SpawnStdio,
  WriteStreamFd,
} from './io.js';
import { type Job, JobTable, nextPseudoPid } from './jobs.js';
import { osPipe, privateTempPath } from './os-pipe.js';
import { interruptState } from './signals.js';
import { ParseError, Parser } from './parser.js';
import { quoteForTrace } from './quote.js';
import { selectedItem, selectMenu } from './select.js';
import { ReadonlyError, VarStore } from './vars.js';

/** An assignment to a readonly variable: the rest of the command line is skipped. */
export class LineAbort {}

/** Ctrl+C in an interactive shell: abandon the command line (status 130). */
export class InterruptSignal {}

let loopTicks = 0;
const YIELD_EVERY = 256;

/** The bash version reported in BASH_VERSION and BASH_VERSINFO. */
const BASH_RELEASE = [5, 2, 15] as const;

/** $MACHTYPE as GNU names it (BASH_VERSINFO[5]). */
function machType(): string {
  if (process.arch === 'x64') return `x86_64-pc-${process.platform}-gnu`;
  if (process.arch === 'arm64') return `aarch64-unknown-${process.platform}-gnu`;
  return `${process.arch}-unknown-${process.platform}-gnu`;
}

/** $EPOCHREALTIME: seconds since the epoch with microseconds, from the high-resolution clock. */
function epochRealtime(): string {
  const micros = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000));
  return `${micros / 1_000_000n}.${String(micros % 1_000_000n).padStart(6, '0')}`;
}

/**
 * The shell's write ends of coproc pipes still open. They are closed when the process exits:
 * a coproc running inside this process is blocked in a thread-pool read of that pipe, and
 * Node's exit waits for the thread (bash's coprocs likewise see end of input when it exits).
 */
const liveCoprocInputs = new Set<Fd>();
let closeCoprocInputsAtExit = false;

function trackCoprocInput(fd: Fd): void {
  liveCoprocInputs.add(fd);
  if (closeCoprocInputsAtExit) return;
  closeCoprocInputsAtExit = true;
  process.on('exit', () => {
    for (const input of liveCoprocInputs) input.close();
  });
}

/** A started coprocess: its variable name, its job and the shell's two ends. */
interface Coproc {
  name: string;
  job: Job;
  read: { n: number; fd: Fd };
  write: { n: number; fd: Fd };
}

export class ExitSignal {
  constructor(readonly status: number) {}
}
export class ReturnSignal {
  constructor(readonly status: number) {}
}
export class LoopSignal {
  constructor(
    readonly kind: 'break' | 'continue',
    public count: number,
  ) {}
}

export interface ShellOptions {
  errexit: boolean;
  nounset: boolean;
  xtrace: boolean;
  pipefail: boolean;
  noglob: boolean;
  noclobber: boolean;
  allexport: boolean;
  verbose: boolean;
  noexec: boolean;
  monitor: boolean;
  interactive: boolean;
  hashall: boolean;
  emacs: boolean;
  vi: boolean;
  posix: boolean;
  ignoreeof: boolean;
  /** `!` history expansion (set -H); bash turns it on in interactive shells. */
  histexpand: boolean;
  /** {a,b} and {1..3} expansion (set -B, on by default; set +B turns it off). */
  braceexpand: boolean;
}

export const OPTION_LETTERS: Record<string, keyof ShellOptions> = {
  e: 'errexit',
  u: 'nounset',
  x: 'xtrace',
  f: 'noglob',
  C: 'noclobber',
  a: 'allexport',
  v: 'verbose',
  n: 'noexec',
  m: 'monitor',
  h: 'hashall',
  H: 'histexpand',
  B: 'braceexpand',
};

/** How long a child's death by SIGINT waits for the shell's own SIGINT (see sigintGrace). */
const SIGINT_GRACE_MS = 100;

/** The order in which bash lists the option letters in $- (then c or s). */
const FLAG_ORDER = 'abefhikmnptuvxBCEHPT';

export type Builtin = (sh: Interp, argv: string[]) => number | Promise<number>;

/** The host gives the interpreter these (bin, REPL, tests). */
export interface InterpHost {
  /** Utilities implemented in TypeScript (ls, cp, ...), run like built-ins. */
  utilities: Record<string, UtilityLike>;
  history?: { entries(): string[] };
  /** Path of the running shell script for re-running scripts without a #! line. */
  selfCommand: string[];
}

export type UtilityLike = (ctx: {
  args: string[];
  cwd: string;
  env: Readonly<Record<string, string>>;
  stdin: { read(): Promise<Buffer | null> };
  signal?: AbortSignal;
  stdout: {
    write(data: string | Uint8Array): void;
    readonly isTTY: boolean;
    readonly columns: number;
  };
  stderr: {
    write(data: string | Uint8Array): void;
    readonly isTTY: boolean;
    readonly columns: number;
  };
}) => Promise<number>;

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Function call depth limit when FUNCNEST is unset. */
const DEFAULT_FUNCNEST = 5000;
const ASSIGN_WORD_RE = /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=/;
const DECLARATION_BUILTINS = new Set(['local', 'export', 'declare', 'typeset', 'readonly']);

function isDeclaration(words: Word[]): boolean {
  const w = words[0];
  return w?.length === 1 && w[0].type === 'lit' && DECLARATION_BUILTINS.has(w[0].value);
}

export class Interp {
  vars: VarStore;
  functions: Map<string, FunctionDef>;
  aliases: Map<string, string>;
  positional: string[];
  argv0: string;
  opts: ShellOptions;
  cwd: string;
  traps: Map<string, string>;
  status = 0;
  io: FdTable;
  jobs: JobTable;
  lastBgPid: number | undefined;
  readonly shellPid: number;
  lineno = 0;
  funcDepth = 0;
  loopDepth = 0;
  /** Loops of the parent shell around this subshell. */
  enclosingLoops = 0;
  /** >0 while running a condition (if/while test, left of && ||, after !): no errexit. */
  condDepth = 0;
  isSubshell = false;
  /** Source of input while inside `source`, for `return`. */
  sourceDepth = 0;
  /** FUNCNAME, BASH_SOURCE, BASH_LINENO. */
  callStack = new CallStack(undefined, false);
  /** How many subshells deep this is ($BASH_SUBSHELL). */
  subshellLevel = 0;
  /** $BASHPID: this process, or a pseudo-pid for a subshell (subshells run in this process). */
  bashPid = process.pid;
  /** Set on a background job's state when the job is one `( )`, which keeps the job's pid. */
  private backgroundSubshell = false;
  hash: Map<string, string>;
  /** How the commands arrive, the last letter of $-: c (-c string), s (standard input). */
  commandSource: 'c' | 's' | undefined;
  readonly expander: Expander;
  readonly arithScope: ArithScope;
  readonly host: InterpHost;
  readonly startTime = Date.now();
  /** Called by the exit path of a subshell clone (not for the main shell). */
  private exitTrapRan = false;
  /** Signals that arrived while running; their traps run between commands. */
  pendingSignals: string[] = [];

  constructor(init: {
    argv0: string;
    args: string[];
    env: Record<string, string | undefined>;
    interactive: boolean;
    host: InterpHost;
    io?: FdTable;
  }) {
    this.vars = new VarStore();
    for (const [k, v] of Object.entries(init.env)) {
      if (v !== undefined && NAME_RE.test(k))
        this.vars.vars.set(k, { value: v, exported: true, readonly: false });
    }
    this.functions = new Map();
    this.aliases = new Map();
    this.positional = init.args.slice();
    this.argv0 = init.argv0;
    this.opts = {
      errexit: false,
      nounset: false,
      xtrace: false,
      pipefail: false,
      noglob: false,
      noclobber: false,
      allexport: false,
      verbose: false,
      noexec: false,
      monitor: init.interactive,
      interactive: init.interactive,
      hashall: true,
      emacs: init.interactive,
      vi: false,
      posix: false,
      ignoreeof: false,
      histexpand: init.interactive,
      braceexpand: true,
    };
    this.cwd = process.cwd();
    const pwd = init.env.PWD;
    if (pwd && isAbsolute(pwd) && sameFile(pwd, this.cwd)) this.cwd = pwd;
    this.traps = new Map();
    this.io = init.io ?? new FdTable();
    this.jobs = new JobTable();
    this.shellPid = process.pid;
    this.hash = new Map();
    this.host = init.host;
    this.expander = new Expander(this);
    this.arithScope = this.makeArithScope();
    this.hookVars();
    this.initVars();
  }

  private makeArithScope(): ArithScope {
    return {
      get: (name, index) => {
        const v = index === undefined ? this.getVar(name) : this.getVarIndexed(name, Number(index));
        if (v === undefined && this.opts.nounset)
          throw new ExpansionError(
            `${name}${index === undefined ? '' : `[${index}]`}: unbound variable`,
          );
        return v;
      },
      set: (name, value, index) => {
        if (index === undefined) this.setVar(name, String(value));
        else this.vars.setIndexed(name, Number(index), String(value));
      },
    };
  }

  /** Lets the variable store warn on fd 2 and evaluate subscripts held in namerefs. */
  private hookVars(): void {
    this.vars.warn = (message) => this.diag(`warning: ${message}`);
    this.vars.evalIndex = (expr) => Number(this.arith(expr));
  }

  private initVars(): void {
    const set = (k: string, v: string) => {
      if (this.vars.get(k) === undefined) this.vars.set(k, v);
    };
    this.vars.set('IFS', ' \t\n');
    set('PS1', '\\s-\\v\\$ ');
    set('PS2', '> ');
    set('PS4', '+ ');
    this.vars.set('PPID', String(process.ppid));
    this.vars.set('SHLVL', String((Number(this.vars.get('SHLVL')) || 0) + 1));
    this.vars.entry('SHLVL')!.exported = true;
    this.vars.set('PWD', this.cwd);
    const pwd = this.vars.entry('PWD');
    if (pwd) pwd.exported = true;
    set('OPTIND', '1');
    this.vars.set('SHELL', this.vars.get('SHELL') ?? '/bin/sh');
    // the bash release whose behaviour this shell follows (the tests compare against it)
    this.vars.set('BASH_VERSION', `${BASH_RELEASE.join('.')}(1)-release`);
    this.vars.unsetRaw('BASH_VERSINFO');
    this.vars.setArray('BASH_VERSINFO', [...BASH_RELEASE.map(String), '1', 'release', machType()]);
    this.vars.entry('BASH_VERSINFO')!.readonly = true;
    const [host, , ...os] = machType().split('-');
    set('MACHTYPE', machType());
    set('HOSTTYPE', host);
    set('OSTYPE', os.join('-'));
  }

  /** Whether a simple command's first word is literally the name of a function. */
  private namesFunction(cmd: SimpleCommand): boolean {
    const first = cmd.words[0];
    return first?.length === 1 && first[0].type === 'lit' && this.functions.has(first[0].value);
  }

  /** A copy of the state for a subshell. */
  clone(): Interp {
    const c: Interp = Object.create(Interp.prototype);
    Object.assign(c, this);
    c.vars = this.vars.clone();
    c.functions = new Map(this.functions);
    c.aliases = new Map(this.aliases);
    c.positional = this.positional.slice();
    c.opts = { ...this.opts, interactive: false };
    c.traps = new Map([...this.traps].filter(([k, v]) => v === '' || k === 'EXIT'));
    c.traps.delete('EXIT');
    c.io = this.io.copy();
    // a subshell's children belong to the same job as the shell's
    c.jobs = new JobTable(this.jobs.scope);
    c.hash = this.hash;
    c.shopts = new Map(this.shopts);
    c.dirStack = this.dirStack.slice();
    c.isSubshell = true;
    // break/continue do not cross a subshell boundary: there they end the subshell (status 1)
    c.enclosingLoops = this.loopDepth + this.enclosingLoops;
    c.loopDepth = 0;
    c.pendingSignals = [];
    c.coprocs = [];
    c.callStack = this.callStack.clone();
    c.subshellLevel = this.subshellLevel + 1;
    c.bashPid = nextPseudoPid();
    c.newestCoproc = undefined;
    c.exitTrapRan = false;
    (c as { expander: Expander }).expander = new Expander(c);
    (c as { arithScope: ArithScope }).arithScope = c.makeArithScope();
    c.hookVars();
    return c;
  }

  // ---- variables ----

  getVar(name: string): string | undefined {
    const c = name.charCodeAt(0);
    if (c < 65 || (c > 90 && c < 95) || name.length === 1) {
      switch (name) {
        case '?':
          return String(this.status);
        case '$':
          return String(this.shellPid);
        case '!':
          return this.lastBgPid === undefined ? undefined : String(this.lastBgPid);
        case '#':
          return String(this.positional.length);
        case '-':
          return this.flagString();
        case '0':
          return this.argv0;
        case '@':
        case '*': {
          const ifs = this.vars.get('IFS');
          return this.positional.join(name === '*' && ifs !== undefined ? ifs.slice(0, 1) : ' ');
        }
      }
      if (/^[0-9]+$/.test(name)) return this.positional[Number(name) - 1];
    }
    switch (name) {
      case 'RANDOM':
        return String(Math.floor(Math.random() * 32768));
      case 'LINENO':
        return String(this.lineno);
      case 'SECONDS':
        return String(Math.floor((Date.now() - this.startTime) / 1000));
      case 'BASHPID':
        return String(this.bashPid);
      case 'BASH_SUBSHELL':
        return String(this.subshellLevel);
      case 'EPOCHSECONDS':
        return String(Math.floor(Date.now() / 1000));
      case 'EPOCHREALTIME':
        return epochRealtime();
      case 'SRANDOM':
        return String(randomBytes(4).readUInt32BE(0));
    }
    return this.vars.get(name);
  }

  getVarIndexed(name: string, index: number): string | undefined {
    if (name === '@' || name === '*') return undefined;
    if (!NAME_RE.test(name)) return index === 0 ? this.getVar(name) : undefined;
    return this.vars.getIndexed(name, index);
  }

  getArray(name: string): string[] | undefined {
    return this.vars.getArray(name);
  }

  setVar(name: string, value: string): void {
    if (this.vars.entry(name)?.integer) value = String(this.arith(value || '0'));
    this.vars.set(name, value);
    if (this.opts.allexport) this.vars.entry(name)!.exported = true;
    if (name === 'PATH') this.hash.clear();
  }

  /** Resolves once this shell has seen a SIGINT, or after SIGINT_GRACE_MS without one. */
  private async sigintGrace(): Promise<void> {
    const deadline = Date.now() + SIGINT_GRACE_MS;
    while (!this.interruptedBySigint && !interruptState.pending && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** $-: the letters of the options that are on, in bash's order, then c or s. */
  flagString(): string {
    let s = '';
    for (const letter of FLAG_ORDER) {
      const opt = letter === 'i' ? 'interactive' : OPTION_LETTERS[letter];
      if (opt && this.opts[opt]) s += letter;
    }
    return s + (this.commandSource ?? '');
  }

  env(extra?: Record<string, string>): Record<string, string> {
    const env = this.vars.exportedEnv();
    if (extra) Object.assign(env, extra);
    return env;
  }

  // ---- diagnostics ----

  /** Writes a diagnostic to the current fd 2, prefixed like bash. */
  diag(message: string): void {
    const prefix = this.opts.interactive ? 'strata-sh: ' : `${this.argv0}: line ${this.lineno}: `;
    this.writeErr(`${prefix}${message}\n`);
  }

  writeErr(text: string): void {
    try {
      const r = this.io.get(2)?.write(text);
      if (r instanceof Promise) r.catch(() => {});
    } catch {
      // stderr closed
    }
  }

  async write(fd: number, text: string | Uint8Array): Promise<void> {
    const f = this.io.get(fd);
    if (!f) throw Object.assign(new Error('Bad file descriptor'), { code: 'EBADF' });
    await f.write(text);
  }

  // ---- running source text ----

  newParser(src: string, firstLine = 1): Parser {
    return new Parser(src, {
      aliases: (name) => this.aliases.get(name),
      firstLine,
    });
  }

  /** Parses and runs `src` one command line at a time; parse errors give status 2. */
  async runSource(src: string, firstLine = 1): Promise<number> {
    const parser = this.newParser(src, firstLine);
    for (;;) {
      let list: List | undefined;
      try {
        list = parser.parseNext();
      } catch (e) {
        if (e instanceof ParseError) {
          this.lineno = e.line;
          this.diag(e.message);
          this.status = 2;
          if (!this.opts.interactive) throw new ExitSignal(2);
          return 2;
        }
        throw e;
      }
      if (!list) return this.status;
      if (this.opts.noexec) continue;
      try {
        await this.runList(list);
      } catch (e) {
        if (!(e instanceof LineAbort)) throw e;
        this.status = 1;
      }
    }
  }

  async runList(list: List): Promise<number> {
    for (const item of list) {
      const killed = this.jobs.scope.killedBy;
      if (killed !== undefined) throw new ExitSignal(128 + killed);
      if (item.background) {
        await this.startBackground(item.andOr);
        this.status = 0;
      } else {
        await this.runAndOr(item.andOr);
      }
      if (this.pendingSignals.length > 0) await this.runPendingTraps();
    }
    return this.status;
  }

  private async runAndOr(ao: AndOr): Promise<number> {
    const n = ao.rest.length;
    let status: number;
    if (n === 0) {
      status = await this.runPipelineChecked(ao.first, false);
      return status;
    }
    this.condDepth++;
    try {
      status = await this.runPipeline(ao.first);
    } finally {
      this.condDepth--;
    }
    for (let i = 0; i < n; i++) {
      const { op, pipeline } = ao.rest[i];
      if ((op === '&&') !== (status === 0)) continue;
      const last = i === n - 1;
      if (last) status = await this.runPipelineChecked(pipeline, false);
      else {
        this.condDepth++;
        try {
          status = await this.runPipeline(pipeline);
        } finally {
          this.condDepth--;
        }
      }
    }
    return status;
  }

  /** Runs a pipeline and applies `set -e` and the ERR trap to its status. */
  private async runPipelineChecked(p: Pipeline, _inCond: boolean): Promise<number> {
    const status = await this.runPipeline(p);
    if (status !== 0 && !p.bang && this.condDepth === 0) {
      const errTrap = this.traps.get('ERR');
      if (errTrap) await this.runTrapAction(errTrap);
      if (this.opts.errexit) throw new ExitSignal(status);
    }
    return status;
  }

  async runPipeline(p: Pipeline): Promise<number> {
    const start = p.time ? process.hrtime.bigint() : 0n;
    const cpuStart = p.time ? cpuTimes() : undefined;
    let status: number;
    if (p.bang) this.condDepth++;
    try {
      if (p.commands.length === 1) {
        const cmd = p.commands[0];
        status = await this.runCommand(cmd);
        // compound commands leave PIPESTATUS as their last inner pipeline set it
        if (cmd.type === 'simple') this.vars.setArray('PIPESTATUS', [String(status)]);
      } else {
        const statuses = await this.runMultiPipeline(p);
        this.vars.setArray('PIPESTATUS', statuses.map(String));
        status = statuses[statuses.length - 1];
        if (this.opts.pipefail) {
          for (let i = statuses.length - 1; i >= 0; i--) {
            if (statuses[i] !== 0) {
              status = statuses[i];
              break;
            }
          }
        }
      }
    } finally {
      if (p.bang) this.condDepth--;
    }
    if (p.bang) status = status === 0 ? 1 : 0;
    this.status = status;
    if (p.time) {
      const secs = Number(process.hrtime.bigint() - start) / 1e9;
      const cpu = cpuTimes();
      const user = cpu.user - (cpuStart?.user ?? 0);
      const sys = cpu.sys - (cpuStart?.sys ?? 0);
      this.writeErr(
        `\nreal\t${formatTime(secs)}\nuser\t${formatTime(user)}\nsys\t${formatTime(sys)}\n`,
      );
    }
    return status;
  }

  private async runMultiPipeline(p: Pipeline): Promise<number[]> {
    const n = p.commands.length;
    this.lineno = p.commands[0].line;
    const links: Promise<Fd>[] = [];
    const resolvers: ((fd: Fd) => void)[] = [];
    for (let i = 0; i < n - 1; i++) {
      links.push(new Promise<Fd>((r) => resolvers.push(r)));
    }
    const lastpipe = this.shopts.get('lastpipe') === true && !this.opts.monitor;
    const stages = p.commands.map(async (cmd, i) => {
      const inShell = lastpipe && i === n - 1;
      const sub = inShell ? this : this.clone();
      // bash counts a compound or function stage as a subshell, a command or `( )` not again
      if (cmd.type === 'subshell' || (cmd.type === 'simple' && !this.namesFunction(cmd)))
        sub.subshellLevel = this.subshellLevel;
      const savedIo = this.io;
      if (inShell) this.io = this.io.copy();
      let out: PipeOutFd | undefined;
      let input: Fd | undefined;
      if (i < n - 1) {
        out = new PipeOutFd(resolvers[i], cmd.type === 'simple');
        sub.io.set(1, out);
        if (p.pipeStderr[i]) sub.io.set(2, out);
      }
      if (i > 0) {
        input = await links[i - 1];
        input.shared = cmd.type !== 'simple' || this.namesFunction(cmd);
        sub.io.set(0, input);
      }
      let status: number;
      try {
        status = await sub.runCommand(cmd);
      } catch (e) {
        if (inShell) throw e;
        status = sub.statusOfThrown(e);
      } finally {
        out?.finish();
        input?.close();
        if (inShell) this.io = savedIo;
      }
      if (!inShell) await sub.runSubshellExitTrap();
      return status;
    });
    return Promise.all(stages);
  }

  /** Maps an exception that ends a subshell to its exit status. */
  statusOfThrown(e: unknown): number {
    if (e instanceof ExitSignal) return e.status;
    if (e instanceof ReturnSignal) return e.status;
    if (e instanceof LoopSignal) return this.status;
    if (e instanceof BrokenPipe) return 141;
    if (e instanceof LineAbort) return 1;
    if (e instanceof ExpansionError) {
      this.diag(e.message);
      return 1;
    }
    throw e;
  }

  async runSubshellExitTrap(): Promise<void> {
    const trap = this.traps.get('EXIT');
    if (trap && !this.exitTrapRan) {
      this.exitTrapRan = true;
      const saved = this.status;
      try {
        await this.runSource(trap);
      } catch (e) {
        if (!(e instanceof ExitSignal)) throw e;
      }
      this.status = saved;
    }
  }

  /** Runs the EXIT trap once (main shell). */
  async runExitTrap(): Promise<void> {
    await this.runSubshellExitTrap();
  }

  async runTrapAction(action: string): Promise<void> {
    const saved = this.status;
    const line = this.lineno;
    // $LINENO in the action is the line of the command that triggered it
    await this.runSource(action, line);
    this.lineno = line;
    this.status = saved;
  }

  async runPendingTraps(): Promise<void> {
    const signals = this.pendingSignals;
    this.pendingSignals = [];
    for (const sig of signals) {
      const action = this.traps.get(sig);
      if (action) await this.runTrapAction(action);
    }
  }

  // ---- commands ----

  async runCommand(cmd: Command): Promise<number> {
    switch (cmd.type) {
      case 'simple':
        return this.runSimple(cmd);
      case 'funcdef':
        this.functions.set(cmd.name, cmd);
        this.callStack.definedIn.set(cmd.name, this.callStack.current);
        this.status = 0;
        return 0;
      default:
        return this.runCompound(cmd);
    }
  }

  private async runCompound(cmd: Compound): Promise<number> {
    this.lineno = cmd.line;
    if (cmd.redirs.length === 0) return this.runCompoundBody(cmd);
    const saved = this.io;
    const procSubBase = this.procSubFds.length;
    let opened: Fd[];
    try {
      opened = await this.applyRedirs(cmd.redirs, saved.copy());
    } catch (e) {
      this.io = saved;
      return this.redirFailure(e);
    }
    try {
      return await this.runCompoundBody(cmd);
    } finally {
      for (const f of opened) f.close();
      this.io = saved;
      if (this.procSubFds.length > procSubBase) this.closeProcSubs(saved, procSubBase);
    }
  }

  private redirFailure(e: unknown): number {
    if (e instanceof RedirError || e instanceof ExpansionError) {
      this.diag(e.message);
      this.status = 1;
      return 1;
    }
    throw e;
  }

  private async runCompoundBody(cmd: Compound): Promise<number> {
    switch (cmd.type) {
      case 'group':
        return this.runList(cmd.body);
      case 'subshell':
        return this.runSubshell(cmd.body);
      case 'if': {
        for (const clause of cmd.clauses) {
          if ((await this.runCondition(clause.cond)) === 0) return this.runList(clause.body);
        }
        if (cmd.elseBody) return this.runList(cmd.elseBody);
        this.status = 0;
        return 0;
      }
      case 'while':
        return this.runWhile(cmd.cond, cmd.body, cmd.until);
      case 'for':
        return this.runFor(cmd.name, cmd.words, cmd.body);
      case 'cfor':
        return this.runCFor(cmd);
      case 'select':
        return this.runSelect(cmd.name, cmd.words, cmd.body);
      case 'coproc':
        return this.startCoproc(cmd);
      case 'case':
        return this.runCase(cmd);
      case 'arith': {
        try {
          const v = await this.expander.arith(cmd.expr);
          this.status = v !== 0n ? 0 : 1;
        } catch (e) {
          if (e instanceof ExpansionError) {
            this.diag(e.message);
            this.status = 1;
          } else throw e;
        }
        return this.status;
      }
      case 'cond': {
        try {
          this.status = (await this.evalCond(cmd.expr)) ? 0 : 1;
        } catch (e) {
          if (e instanceof ExpansionError) {
            this.diag(e.message);
            this.status = 2;
          } else throw e;
        }
        return this.status;
      }
    }
  }

  async runSubshell(body: List): Promise<number> {
    const sub = this.clone();
    if (this.backgroundSubshell) {
      // `( ... ) &` is one process in bash: $BASHPID inside is the job's $!
      sub.bashPid = this.bashPid;
      this.backgroundSubshell = sub.backgroundSubshell = false;
    }
    return this.runClone(sub, body);
  }

  /** Runs `body` in the clone `sub` to its end (exit, EXIT trap); sets and returns $?. */
  private async runClone(sub: Interp, body: List): Promise<number> {
    let status: number;
    try {
      status = await sub.runList(body);
    } catch (e) {
      status = sub.statusOfThrown(e);
    }
    sub.status = status;
    await sub.runSubshellExitTrap();
    this.status = status;
    return status;
  }

  private async runCondition(cond: List): Promise<number> {
    this.condDepth++;
    try {
      return await this.runList(cond);
    } finally {
      this.condDepth--;
    }
  }

  private async loopBody(body: List): Promise<'break' | 'continue' | undefined> {
    // Loops of built-ins never wait for I/O; let signals in now and then (Ctrl+C must work).
    if (++loopTicks % YIELD_EVERY === 0) {
      await new Promise((r) => setImmediate(r));
      if (interruptState.pending) throw new InterruptSignal();
    }
    try {
      await this.runList(body);
      return undefined;
    } catch (e) {
      if (e instanceof LoopSignal) {
        // break and continue succeed: the loop's status is 0 after them
        this.status = 0;
        if (e.count > 1) {
          e.count--;
          throw e;
        }
        return e.kind;
      }
      throw e;
    }
  }

  private async runWhile(cond: List, body: List, until: boolean): Promise<number> {
    let status = 0;
    this.loopDepth++;
    try {
      for (;;) {
        let c: number;
        try {
          c = await this.runCondition(cond);
        } catch (e) {
          if (!(e instanceof LoopSignal)) throw e;
          if (e.count > 1) {
            e.count--;
            throw e;
          }
          if (e.kind === 'break') break;
          continue;
        }
        if ((c === 0) === until) break;
        const r = await this.loopBody(body);
        status = this.status;
        if (r === 'break') break;
      }
    } finally {
      this.loopDepth--;
    }
    this.status = status;
    return status;
  }

  /**
   * The loop around a body for `for` and `select`: `next` sets up each iteration and says
   * whether there is one (a number ends the loop with that status).
   */
  private async runLoop(body: List, next: () => Promise<boolean | number>): Promise<number> {
    let status = 0;
    this.loopDepth++;
    try {
      for (;;) {
        const go = await next();
        if (go === false) break;
        if (go !== true) {
          status = go;
          break;
        }
        const r = await this.loopBody(body);
        status = this.status;
        if (r === 'break') break;
      }
    } finally {
      this.loopDepth--;
    }
    this.status = status;
    return status;
  }

  private async runFor(name: string, words: Word[] | undefined, body: List): Promise<number> {
    const items = words ? await this.expander.expandWords(words) : this.positional.slice();
    let i = 0;
    return this.runLoop(body, async () => {
      if (i >= items.length) return false;
      // a nameref as the loop variable is pointed at each word in turn, as in bash
      const ref = this.vars.rawEntry(name);
      if (ref?.nameref) ref.value = items[i++];
      else this.setVar(name, items[i++]);
      return true;
    });
  }

  /**
   * select: the menu and PS3 on stderr, a line read as `read` reads it into REPLY, `name` set
   * to the chosen item (empty when the reply is not a listed number). An empty line shows the
   * menu again; end of input prints a newline and ends the loop with status 1, as bash.
   */
  private async runSelect(name: string, words: Word[] | undefined, body: List): Promise<number> {
    const items = words ? await this.expander.expandWords(words) : this.positional.slice();
    let showMenu = true;
    return this.runLoop(body, async () => {
      for (;;) {
        if (items.length === 0) return false;
        if (showMenu) this.writeErr(selectMenu(items, this.getVar('COLUMNS')));
        this.writeErr(this.getVar('PS3') ?? '#? ');
        if ((await readBuiltin(this, ['read'])) !== 0) {
          await this.write(1, '\n').catch(() => {});
          return 1;
        }
        const reply = this.getVar('REPLY') ?? '';
        showMenu = reply === '';
        if (!showMenu) {
          this.setVar(name, selectedItem(items, reply));
          return true;
        }
      }
    });
  }

  private async runCFor(cmd: Compound & { type: 'cfor' }): Promise<number> {
    let status = 0;
    this.loopDepth++;
    try {
      if (cmd.init.length > 0) await this.expander.arith(cmd.init);
      for (;;) {
        if (cmd.cond.length > 0 && (await this.expander.arith(cmd.cond)) === 0n) break;
        const r = await this.loopBody(cmd.body);
        status = this.status;
        if (r === 'break') break;
        if (cmd.step.length > 0) await this.expander.arith(cmd.step);
      }
    } finally {
      this.loopDepth--;
    }
    this.status = status;
    return status;
  }

  private async runCase(cmd: Compound & { type: 'case' }): Promise<number> {
    const subject = await this.expander.expandString(cmd.word);
    this.status = 0;
    let fallthrough = false;
    for (const item of cmd.items) {
      let matched = fallthrough;
      if (!matched) {
        for (const p of item.patterns) {
          const pat = await this.expander.expandPattern(p);
          if (matchPattern(pat, subject)) {
            matched = true;
            break;
          }
        }
      }
      if (!matched) continue;
      await this.runList(item.body);
      if (item.term === ';;') return this.status;
      fallthrough = item.term === ';&';
    }
    return this.status;
  }

  async evalCond(expr: CondExpr): Promise<boolean> {
    return evalCondExpr(this, expr);
  }

  // ---- simple commands ----

  private async runSimple(cmd: SimpleCommand): Promise<number> {
    this.lineno = cmd.line;
    const procSubBase = this.procSubFds.length;
    let argv: string[];
    this.lastCmdSubStatus = undefined;
    try {
      argv = isDeclaration(cmd.words)
        ? await this.expandDeclaration(cmd.words)
        : await this.expander.expandWords(cmd.words);
    } catch (e) {
      return this.expansionFailure(e);
    }
    if (argv.length === 0) return this.runAssignmentsOnly(cmd);

    const name = argv[0];
    // bash finds functions before special built-ins, except in POSIX mode
    const shadowing = this.opts.posix ? undefined : this.functions.get(name);
    const special =
      !shadowing && Object.hasOwn(SPECIAL_BUILTINS, name) ? SPECIAL_BUILTINS[name] : undefined;
    const fn = special ? undefined : this.functions.get(name);
    const builtin = special ?? (fn || !Object.hasOwn(BUILTINS, name) ? undefined : BUILTINS[name]);

    // Assignments before a command: permanent for special built-ins, temporary otherwise.
    let assigned: Record<string, string>;
    try {
      assigned = await this.evalAssigns(cmd.assigns);
    } catch (e) {
      return this.expansionFailure(e);
    }
    if (this.opts.xtrace) this.trace(cmd.assigns, assigned, argv);

    const saved = this.io;
    let opened: Fd[] = [];
    if (cmd.redirs.length > 0) {
      try {
        opened = await this.applyRedirs(cmd.redirs, saved.copy());
      } catch (e) {
        this.io = saved;
        const status = this.redirFailure(e);
        if (special && !this.opts.interactive && this.opts.posix) throw new ExitSignal(status);
        return status;
      }
    }
    try {
      let status: number;
      if (special || fn || builtin) this.reportNotSpawned();
      if (special) {
        for (const [k, v] of Object.entries(assigned)) this.assignVar(k, v);
        status = await special(this, argv);
      } else if (fn || builtin) {
        const restore = this.tempAssign(assigned, fn !== undefined);
        try {
          status = fn ? await this.callFunction(fn, argv) : await builtin!(this, argv);
        } finally {
          restore();
        }
      } else {
        status = await this.runExternalOrUtility(argv, assigned);
      }
      this.status = status;
      return status;
    } catch (e) {
      if (e instanceof ExpansionError) return this.expansionFailure(e);
      if (e instanceof ReadonlyError) {
        this.diag(e.message);
        this.status = 1;
        return 1;
      }
      throw e;
    } finally {
      if (this.persistRedirections) {
        this.persistRedirections = false;
        if (this.coprocs.length > 0) this.closeCoprocEnds(saved);
      } else {
        if (opened.length > 0) for (const f of opened) f.close();
        this.io = saved;
      }
      if (this.procSubFds.length > procSubBase) this.closeProcSubs(saved, procSubBase);
    }
  }

  /** `local x=*`: arguments that look like assignments are expanded like assignments. */
  private async expandDeclaration(words: Word[]): Promise<string[]> {
    const argv: string[] = [];
    for (const w of words) {
      const first = w[0];
      if (first?.type === 'lit' && ASSIGN_WORD_RE.test(first.value) && argv.length > 0)
        argv.push(await this.expander.expandString(w));
      else argv.push(...(await this.expander.expandWords([w])));
    }
    return argv;
  }

  private expansionFailure(e: unknown): number {
    if (e instanceof ExpansionError) {
      this.diag(e.message);
      this.status = 1;
      if (e.fatal && !this.opts.interactive) throw new ExitSignal(1);
      return 1;
    }
    if (e instanceof ReadonlyError) {
      // bash abandons the rest of the command line, then goes on with the next line
      this.diag(e.message);
      this.status = 1;
      throw new LineAbort();
    }
    throw e;
  }

  private trace(assigns: Assign[], assigned: Record<string, string>, argv: string[]): void {
    const ps4 = this.vars.get('PS4') ?? '+ ';
    const parts: string[] = [];
    for (const a of assigns) parts.push(`${a.name}=${quoteForTrace(assigned[a.name] ?? '')}`);
    for (const a of argv) parts.push(quoteForTrace(a));
    this.writeErr(`${ps4}${parts.join(' ')}\n`);
  }

  private async runAssignmentsOnly(cmd: SimpleCommand): Promise<number> {
    try {
      for (const a of cmd.assigns) await this.performAssign(a);
    } catch (e) {
      return this.expansionFailure(e);
    }
    if (this.opts.xtrace && cmd.assigns.length > 0) {
      const ps4 = this.vars.get('PS4') ?? '+ ';
      for (const a of cmd.assigns)
        this.writeErr(`${ps4}${a.name}=${quoteForTrace(this.vars.get(a.name) ?? '')}\n`);
    }
    // The status of a command without a name is that of its last command substitution.
    let status = this.lastCmdSubStatus ?? 0;
    if (cmd.redirs.length > 0) {
      const saved = this.io;
      try {
        const opened = await this.applyRedirs(cmd.redirs, saved.copy());
        for (const f of opened) f.close();
      } catch (e) {
        status = this.redirFailure(e);
      } finally {
        this.io = saved;
      }
    }
    this.status = status;
    return status;
  }

  async performAssign(a: Assign): Promise<void> {
    if (a.array) {
      await this.assignArrayLiteral(a.name, a.array, a.append);
      return;
    }
    const value = await this.expander.expandString(a.value);
    if (a.index && this.vars.isAssoc(a.name)) {
      const key = await this.expander.expandString(a.index);
      const old = a.append ? (this.vars.getKey(a.name, key) ?? '') : '';
      this.vars.setKey(a.name, key, old + value);
      return;
    }
    if (a.index) {
      const idx = Number(await this.expander.arith(a.index));
      const old = a.append ? (this.vars.getIndexed(a.name, idx) ?? '') : '';
      this.vars.setIndexed(a.name, idx, old + value);
      return;
    }
    if (a.append && this.vars.entry(a.name)?.integer) {
      // declare -i n; n+=3 adds
      this.assignVar(a.name, `${this.getVar(a.name) || 0}+(${value || 0})`);
      return;
    }
    this.assignVar(a.name, a.append ? (this.getVar(a.name) ?? '') + value : value);
  }

  /** a=(x y) and a=([k]=v ...) for indexed and associative arrays. */
  async assignArrayLiteral(name: string, words: Word[], append: boolean): Promise<void> {
    const assoc = this.vars.isAssoc(name);
    if (assoc && !append) this.vars.entry(name)!.assoc!.clear();
    const values: string[] = append && !assoc ? (this.vars.getArray(name) ?? []) : [];
    for (const w of words) {
      const keyed = splitKeyedElement(w);
      if (keyed) {
        const key = await this.expander.expandString(keyed.key);
        const value = await this.expander.expandString(keyed.value);
        if (assoc) this.vars.setKey(name, key, value);
        else values[Number(this.arith(key))] = value;
      } else if (assoc) {
        throw new ExpansionError(
          `${name}: ${await this.expander.expandString(w)}: must use subscript when assigning associative array`,
          false,
        );
      } else values.push(...(await this.expander.expandWords([w])));
    }
    if (!assoc) this.vars.setArray(name, values);
  }

  /** Array literal text as written after `declare a=`, e.g. `([k]=v "x y")`. */
  async assignArrayText(name: string, text: string): Promise<void> {
    const parser = this.newParser(`x=${text}`);
    const list = parser.parseAll();
    const cmd = list[0]?.andOr.first.commands[0];
    const words = cmd?.type === 'simple' ? cmd.assigns[0]?.array : undefined;
    await this.assignArrayLiteral(name, words ?? [], false);
  }

  assignVar(name: string, value: string): void {
    this.setVar(name, value);
  }

  private async evalAssigns(assigns: Assign[]): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const a of assigns) {
      const v = await this.expander.expandString(a.value);
      out[a.name] = a.append ? (this.getVar(a.name) ?? '') + v : v;
    }
    return out;
  }

  /** Temporary assignments for a built-in or function; returns the undo. */
  private tempAssign(assigned: Record<string, string>, forFunction: boolean): () => void {
    const names = Object.keys(assigned);
    if (names.length === 0) return () => {};
    const saved = names.map((n) => [n, this.vars.entry(n)] as const);
    for (const n of names) {
      const old = this.vars.entry(n);
      if (old?.readonly) throw new ReadonlyError(n);
      this.vars.vars.set(n, {
        value: assigned[n],
        exported: forFunction || old?.exported === true || true,
        readonly: false,
      });
    }
    return () => {
      for (const [n, v] of saved) {
        if (v) this.vars.vars.set(n, v);
        else this.vars.vars.delete(n);
      }
    };
  }

  async callFunction(fn: FunctionDef, argv: string[]): Promise<number> {
    // FUNCNEST as in bash; by default a generous cap instead of exhausting memory
    const limit = Number(this.vars.get('FUNCNEST')) || DEFAULT_FUNCNEST;
    if (this.funcDepth >= limit) {
      throw new ExpansionError(`${fn.name}: maximum function nesting level exceeded (${limit})`);
    }
    const savedPositional = this.positional;
    this.positional = argv.slice(1);
    const source = this.callStack.definedIn.get(fn.name) ?? this.callStack.current;
    this.callStack.push(this.vars, { name: fn.name, source, line: this.lineno });
    this.vars.pushFrame();
    this.funcDepth++;
    for (const fd of this.io.fds.values()) if (fd instanceof PipeOutFd) fd.direct = false;
    try {
      return await this.runCompound(fn.body);
    } catch (e) {
      if (e instanceof ReturnSignal) {
        this.status = e.status;
        return e.status;
      }
      throw e;
    } finally {
      this.funcDepth--;
      this.vars.popFrame();
      this.positional = savedPositional;
      this.callStack.pop(this.vars);
    }
  }

  // ---- external commands ----

  /** PATH search; undefined when not found. */
  findInPath(name: string): string | undefined {
    if (name.includes('/')) return name;
    const cached = this.hash.get(name);
    if (cached) return cached;
    const path = this.getVar('PATH') ?? '/usr/local/bin:/usr/bin:/bin';
    let firstNonExec: string | undefined;
    for (const dir of path.split(':')) {
      const full = resolvePath(this.cwd, dir || '.', name);
      try {
        const st = statSync(full);
        if (!st.isFile()) continue;
        try {
          accessSync(full, fsConstants.X_OK);
        } catch {
          firstNonExec ??= full;
          continue;
        }
        this.hash.set(name, full);
        return full;
      } catch {
        // not in this directory
      }
    }
    return firstNonExec;
  }

  private async runExternalOrUtility(
    argv: string[],
    assigned: Record<string, string>,
  ): Promise<number> {
    const util = Object.hasOwn(this.host.utilities, argv[0])
      ? this.host.utilities[argv[0]]
      : undefined;
    if (util) return this.runUtility(util, argv, assigned);
    return this.runExternal(argv, assigned);
  }

  async runUtility(
    util: UtilityLike,
    argv: string[],
    assigned: Record<string, string>,
  ): Promise<number> {
    // a background `cat &` runs in this process: $! is known now, not when it ends
    this.reportNotSpawned();
    let broken = false;
    // Writes are fire-and-forget for the utility; the next stdin read waits for them to drain.
    let pendingWrite: Promise<void> | undefined;
    const sink = (n: number) => {
      const fd = this.io.get(n);
      return {
        write: (data: string | Uint8Array) => {
          if (broken) throw new BrokenPipe();
          let r: void | Promise<void>;
          try {
            r = fd?.write(data);
          } catch (e) {
            if (e instanceof BrokenPipe) broken = true;
            throw e;
          }
          if (r instanceof Promise) {
            pendingWrite = r.catch((e) => {
              if (e instanceof BrokenPipe) broken = true;
            });
          }
        },
        get isTTY() {
          return fd?.isTTY() ?? false;
        },
        get columns() {
          return fd instanceof OsFd && fd.isTTY() ? (process.stdout.columns ?? 80) : 80;
        },
      };
    };
    const stdin = this.io.get(0);
    // Ctrl+C in an interactive shell stops the utility (it resolves to 130) and its reads.
    const interrupt = this.opts.interactive ? interruptState.controller.signal : undefined;
    let status: number;
    try {
      status = await util({
        args: argv.slice(1).map((a) => this.realDevFd(a)),
        cwd: this.cwd,
        env: this.env(assigned),
        stdin: {
          read: async () => {
            if (pendingWrite) await pendingWrite;
            if (broken) throw new BrokenPipe();
            return stdin ? stdin.read(interrupt) : null;
          },
        },
        stdout: sink(1),
        stderr: sink(2),
        signal: interrupt,
      });
      if (pendingWrite) await pendingWrite;
      status = broken ? 141 : status;
    } catch (e) {
      if (e instanceof BrokenPipe || broken) return 141;
      this.diag(`${argv[0]}: ${(e as Error).message}`);
      return 1;
    }
    // The whole command line unwinds after Ctrl+C, as it does after a child killed by SIGINT.
    if (interruptState.pending) throw new InterruptSignal();
    return status;
  }

  async runExternal(argv: string[], assigned: Record<string, string>): Promise<number> {
    const name = argv[0];
    const path = this.findInPath(name);
    if (!path) {
      this.diag(`${name}: command not found`);
      return 127;
    }
    const full = resolvePath(this.cwd, path);
    try {
      const st = statSync(full);
      if (st.isDirectory()) {
        this.diag(`${name}: Is a directory`);
        return 126;
      }
      accessSync(full, fsConstants.X_OK);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        this.hash.delete(name);
        this.diag(`${name}: No such file or directory`);
        return 127;
      }
      this.diag(`${name}: Permission denied`);
      return 126;
    }
    const result = await this.spawnChild(full, argv, this.env(assigned));
    // A child killed by the terminal's SIGINT may be reported before our own SIGINT handler
    // has run (the two arrive through different paths); give ours a moment to arrive.
    if (result === 130) await this.sigintGrace();
    if (result === 130 && this.interruptedBySigint) throw new ExitSignal(130);
    if (result === 130 && interruptState.pending) throw new InterruptSignal();
    if (result === 'ENOEXEC') {
      // A script without #!: run it with this shell, as bash does.
      const [cmd, ...pre] = this.host.selfCommand;
      const r = await this.spawnChild(
        cmd,
        [cmd, ...pre, full, ...argv.slice(1)],
        this.env(assigned),
      );
      return typeof r === 'number' ? r : 126;
    }
    if (result === 'EACCES') {
      this.diag(`${name}: Permission denied`);
      return 126;
    }
    if (typeof result === 'string') {
      this.diag(`${name}: ${result}`);
      return 127;
    }
    return result;
  }

  /** Spawns a child with the current fd table; resolves to its status or an error code. */
  spawnChild(
    file: string,
    argv: string[],
    env: Record<string, string>,
    background?: { onPid(pid: number): void },
  ): Promise<number | string> {
    const max = this.io.maxFd();
    const stdio: SpawnStdio[] = [];
    const connects: { index: number; fd: Fd }[] = [];
    // the same Fd in two slots (2>&1) shares one OS descriptor when it has one
    const seen = new Map<Fd, SpawnStdio>();
    for (let i = 0; i <= max; i++) {
      const fd = this.io.get(i);
      if (!fd) {
        stdio.push('ignore');
        continue;
      }
      const earlier = seen.get(fd);
      if (earlier !== undefined && earlier !== 'pipe') {
        stdio.push(earlier);
        continue;
      }
      const s = fd.spawnStdio(i > 0);
      seen.set(fd, s);
      if (s === 'pipe') connects.push({ index: i, fd });
      stdio.push(s);
    }
    const afterSpawn = () => {
      for (const fd of seen.keys()) fd.afterSpawn();
    };
    return new Promise((resolve) => {
      let child: ReturnType<typeof spawn>;
      try {
        child = spawn(file, argv.slice(1), {
          argv0: argv[0],
          cwd: this.cwd,
          env,
          stdio: stdio as never,
        });
      } catch (e) {
        afterSpawn();
        resolve((e as NodeJS.ErrnoException).code ?? String(e));
        return;
      }
      afterSpawn();
      let failed = false;
      child.once('error', (e: NodeJS.ErrnoException) => {
        failed = true;
        resolve(e.code ?? e.message);
      });
      if (child.pid === undefined) return;
      background?.onPid(child.pid);
      if (this.onSpawnPid) {
        this.onSpawnPid(child.pid);
        this.onSpawnPid = undefined;
      }
      const moving: Promise<void>[] = [];
      for (const { index, fd } of connects) {
        const stream = child.stdio[index] as Readable | Writable | null;
        if (stream) moving.push(fd.connect(stream));
      }
      this.jobs.foreground.add(child);
      child.once('exit', (code, signal) => {
        this.jobs.foreground.delete(child);
        // bash reaps its finished coprocesses when it waits for a foreground child
        if (this.coprocs.length > 0) this.disposeFinishedCoprocs();
        if (failed) return;
        const status =
          code ?? 128 + ((signal && (osConstants.signals as Record<string, number>)[signal]) || 0);
        Promise.all(moving).then(() => resolve(status));
      });
    });
  }

  // ---- background jobs ----

  private async startBackground(ao: AndOr, setup?: (sub: Interp) => void): Promise<Job> {
    const sub = this.clone();
    if (!this.opts.interactive && !this.opts.monitor) {
      sub.io.set(0, new DataFd(Buffer.alloc(0)));
    }
    setup?.(sub);
    const job = this.jobs.add(ao);
    // as in bash, $BASHPID in the job is $!
    sub.bashPid = job.pseudoPid;
    sub.backgroundSubshell =
      ao.rest.length === 0 &&
      ao.first.commands.length === 1 &&
      ao.first.commands[0].type === 'subshell';
    // the job's commands and subshells get their own scope, so `kill %n` can reach them
    sub.jobs = new JobTable();
    job.scope = sub.jobs.scope;
    const single =
      ao.rest.length === 0 && ao.first.commands.length === 1 && !ao.first.bang
        ? ao.first.commands[0]
        : undefined;
    // A single simple command: wait until it has spawned so that $! is the child's pid.
    let started: Promise<void> | undefined;
    if (single?.type === 'simple') {
      started = new Promise<void>((resolve) => {
        sub.onSpawnPid = (pid) => {
          if (pid !== undefined) job.setPid(pid);
          resolve();
        };
      });
    }
    job.promise = (async () => {
      let status: number;
      try {
        status = await sub.runAndOr(ao);
      } catch (e) {
        status = sub.statusOfThrown(e);
      }
      await sub.runSubshellExitTrap();
      // a job killed while inside the shell ends as if the signal had killed its process
      const killed = sub.jobs.scope.killedBy;
      return killed === undefined ? status : 128 + killed;
    })();
    job.promise.then((status) => job.finish(status));
    if (started) await Promise.race([started, job.promise]);
    this.lastBgPid = job.pid;
    return job;
  }

  /** Coprocesses started by this shell whose variables and fds are not yet disposed of. */
  private coprocs: Coproc[] = [];
  private newestCoproc: Coproc | undefined;

  /**
   * coproc: the command runs in the background with its stdin and stdout on two pipes; NAME
   * holds the shell's ends ([0] reads its output, [1] writes its input), NAME_PID its pid.
   */
  private async startCoproc(cmd: Compound & { type: 'coproc' }): Promise<number> {
    // bash remembers only the newest coproc, and warns when it is still running
    const last = this.newestCoproc;
    if (last && last.job.status === undefined && this.coprocs.includes(last))
      this.diag(`warning: execute_coproc: coproc [${last.job.pid}:${last.name}] still exists`);
    const toChild = osPipe();
    const fromChild = osPipe();
    if (!toChild || !fromChild) {
      for (const fd of [...(toChild ?? []), ...(fromChild ?? [])]) closeSync(fd);
      this.diag('coproc: cannot make a pipe');
      this.status = 1;
      return 1;
    }
    const childEnds = [new PipeReadFd(toChild[0], false), new OsFd(fromChild[1], true)];
    const first: Pipeline = { bang: false, time: false, commands: [cmd.command], pipeStderr: [] };
    const job = await this.startBackground({ first, rest: [], text: cmd.text }, (sub) => {
      sub.io.set(0, childEnds[0]);
      sub.io.set(1, childEnds[1]);
    });
    void job.promise.then(() => {
      for (const end of childEnds) end.close();
    });
    // bash moves four descriptors high and keeps the first and the last (63 and 60 at first)
    const high = this.freeFdsBelow(64, 4);
    const read = { n: high[0], fd: new PipeReadFd(fromChild[0], false) };
    const write = { n: high[3], fd: new AsyncPipeWriteFd(toChild[1], true) };
    this.io.set(read.n, read.fd);
    this.io.set(write.n, write.fd);
    trackCoprocInput(write.fd);
    this.vars.setArray(cmd.name, [String(read.n), String(write.n)]);
    this.vars.set(`${cmd.name}_PID`, String(job.pid));
    this.newestCoproc = { name: cmd.name, job, read, write };
    this.coprocs.push(this.newestCoproc);
    this.status = 0;
    return 0;
  }

  /**
   * After `exec N>&-`: a coproc end that `before` had and the table no longer has really
   * closes, so the coproc sees end of input (other closed fds may be shared with jobs).
   */
  private closeCoprocEnds(before: FdTable): void {
    for (const c of this.coprocs)
      for (const end of [c.read, c.write])
        if (before.get(end.n) === end.fd && this.io.get(end.n) !== end.fd) end.fd.close();
  }

  /** The `count` highest fd numbers below `limit` that the shell is not using. */
  private freeFdsBelow(limit: number, count: number): number[] {
    const free: number[] = [];
    for (let n = limit - 1; n > 9 && free.length < count; n--) if (!this.io.get(n)) free.push(n);
    return free;
  }

  /**
   * A finished coproc loses its variables and fds when bash would reap it: after a wait
   * (the built-in, or for a foreground child), not as soon as it ends.
   */
  disposeFinishedCoprocs(): void {
    this.coprocs = this.coprocs.filter((c) => {
      if (c.job.status === undefined) return true;
      liveCoprocInputs.delete(c.write.fd);
      for (const end of [c.read, c.write]) {
        end.fd.close();
        if (this.io.fds.get(end.n) === end.fd) this.io.fds.delete(end.n);
      }
      this.vars.unsetRaw(c.name);
      this.vars.unsetRaw(`${c.name}_PID`);
      return false;
    });
  }

  /**
   * Set for the clone running a background simple command: reports the child's pid, or
   * undefined when the command turned out not to be an external program.
   */
  onSpawnPid: ((pid: number | undefined) => void) | undefined;

  private reportNotSpawned(): void {
    if (this.onSpawnPid) {
      this.onSpawnPid(undefined);
      this.onSpawnPid = undefined;
    }
  }

  /** bash `shopt` options. */
  shopts = new Map<string, boolean>([
    ['expand_aliases', true],
    ['extglob', false],
    ['nullglob', false],
    ['dotglob', false],
    ['failglob', false],
    ['globstar', false],
    ['nocaseglob', false],
    ['lastpipe', false],
    ['inherit_errexit', false],
    ['checkwinsize', true],
    ['histappend', false],
    ['cmdhist', true],
    ['globskipdots', true],
  ]);
  /** Status of the last command substitution of the current command (for `$(false)`). */
  lastCmdSubStatus: number | undefined;

  /** Set by `exec` without a command: the current redirections become permanent. */
  persistRedirections = false;
  /** SIGINT arrived while a foreground child ran (non-interactive: exit after it). */
  interruptedBySigint = false;
  getoptsState = { optind: 1, sub: 1 };

  isBuiltinName(name: string): boolean {
    return (
      Object.hasOwn(SPECIAL_BUILTINS, name) ||
      Object.hasOwn(BUILTINS, name) ||
      Object.hasOwn(this.host.utilities, name)
    );
  }

  /** Lowest fd number for the next {var}> redirection. */
  fdVarFloor = 10;

  /** The directory stack of pushd/popd (without the current directory). */
  dirStack: string[] = [];

  builtinNames(): string[] {
    return [
      ...Object.keys(SPECIAL_BUILTINS),
      ...Object.keys(BUILTINS),
      ...Object.keys(this.host.utilities),
    ].sort();
  }

  isUtilityName(name: string): boolean {
    return Object.hasOwn(this.host.utilities, name);
  }

  isExecutableFile(path: string): boolean {
    try {
      accessSync(resolvePath(this.cwd, path), fsConstants.X_OK);
      return statSync(resolvePath(this.cwd, path)).isFile();
    } catch {
      return false;
    }
  }

  /** Runs argv skipping functions (command, exec, builtin) with the current fds. */
  async runResolved(
    argv: string[],
    how: { functions: boolean; utilities: boolean; builtinsOnly?: boolean },
  ): Promise<number> {
    const name = argv[0];
    const fn = how.functions ? this.functions.get(name) : undefined;
    if (fn) return this.callFunction(fn, argv);
    const builtin = Object.hasOwn(SPECIAL_BUILTINS, name)
      ? SPECIAL_BUILTINS[name]
      : Object.hasOwn(BUILTINS, name)
        ? BUILTINS[name]
        : undefined;
    if (builtin) return builtin(this, argv);
    if ((how.utilities || how.builtinsOnly) && Object.hasOwn(this.host.utilities, name)) {
      return this.runUtility(this.host.utilities[name], argv, {});
    }
    return this.runExternal(argv, {});
  }

  /** Hook for the host to install or remove signal handlers when traps change. */
  signalTrapsChanged(_condition: string): void {
    this.onTrapsChanged?.(_condition);
  }
  onTrapsChanged: ((condition: string) => void) | undefined;

  // ---- redirections ----

  /** Applies redirections to `table` (which becomes this.io); returns fds to close after. */
  async applyRedirs(redirs: Redir[], table: FdTable): Promise<Fd[]> {
    const opened: Fd[] = [];
    this.io = table;
    try {
      for (const r of redirs) {
        const f = await this.applyRedir(r, table);
        if (f) opened.push(f);
      }
    } catch (e) {
      for (const f of opened) f.close();
      throw e;
    }
    return opened;
  }

  /** Reads, or with `value` sets, the `name` or `name[sub]` of a {var} redirection. */
  private fdVariable(ref: string, value?: string): string | undefined {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\[(.+)\]$/.exec(ref);
    if (!m) {
      if (value !== undefined) this.setVar(ref, value);
      return value ?? this.getVar(ref);
    }
    const [, name, sub] = m;
    if (this.vars.isAssoc(name)) {
      if (value !== undefined) this.vars.setKey(name, sub, value);
      return value ?? this.vars.getKey(name, sub);
    }
    const index = Number(this.arith(sub));
    if (value !== undefined) this.vars.setIndexed(name, index, value);
    return value ?? this.vars.getIndexed(name, index);
  }

  private async applyRedir(r: Redir, table: FdTable): Promise<Fd | undefined> {
    const op = r.op;
    const defaultFd = op[0] === '<' && op !== '<>' ? 0 : op === '<>' ? 0 : 1;
    let fdNum = r.fd ?? defaultFd;
    const closing =
      (op === '<&' || op === '>&') && r.target.length === 1 && r.target[0].type === 'lit'
        ? r.target[0].value === '-'
        : false;
    if (r.fdVar && closing) {
      // {var}>&- closes the descriptor whose number the variable holds
      fdNum = Number(this.fdVariable(r.fdVar));
    } else if (r.fdVar) {
      // bash leaves {var} descriptors open, so each allocation takes a new number
      fdNum = nextFreeFd(table, this.fdVarFloor);
      this.fdVarFloor = fdNum + 1;
      this.fdVariable(r.fdVar, String(fdNum));
    }
    if (op === '<<' || op === '<<-') {
      const hd = r.heredoc!;
      const body = hd.quoted ? hd.body : await this.expander.expandString(hd.parts ?? []);
      table.set(fdNum, new DataFd(Buffer.from(body)));
      return undefined;
    }
    if (op === '<<<') {
      const text = await this.expander.expandString(r.target);
      table.set(fdNum, new DataFd(Buffer.from(`${text}\n`)));
      return undefined;
    }
    const target = await this.expander.expandRedirTarget(r.target);
    if (op === '<&' || op === '>&') {
      if (target === '-') {
        table.close(fdNum);
        return undefined;
      }
      const m = /^(\d+)(-?)$/.exec(target);
      if (!m) {
        if (op === '>&' && r.fd === undefined) {
          // `>& file` is `&> file` in bash
          const f = this.openFile(target, 'w');
          table.set(1, f);
          table.set(2, f);
          return f;
        }
        throw new RedirError(`${target}: ambiguous redirect`);
      }
      const src = table.get(Number(m[1]));
      if (!src) throw new RedirError(`${m[1]}: Bad file descriptor`);
      table.set(fdNum, src);
      if (m[2]) table.close(Number(m[1]));
      return undefined;
    }
    if (op === '&>' || op === '&>>') {
      const f = this.openFile(target, op === '&>' ? 'w' : 'a');
      table.set(1, f);
      table.set(2, f);
      return f;
    }
    const mode =
      op === '<' ? 'r' : op === '<>' ? 'rw' : op === '>>' ? 'a' : op === '>|' ? 'w!' : 'w';
    const f = this.openFile(target, mode);
    table.set(fdNum, f);
    return f;
  }

  private openFile(target: string, mode: 'r' | 'w' | 'w!' | 'a' | 'rw'): Fd {
    const path = resolvePath(this.cwd, target);
    if (target === '') throw new RedirError(`: No such file or directory`);
    // bash's special files name the shell's descriptors, not this process's
    const special = /^\/dev\/(?:fd\/(\d+)|(stdin)|(stdout)|(stderr))$/.exec(target);
    if (special) {
      const n = special[1] !== undefined ? Number(special[1]) : special[2] ? 0 : special[3] ? 1 : 2;
      const fd = this.io.get(n);
      if (fd) return new SharedFd(fd);
    }
    let flags: number;
    const { O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_TRUNC, O_APPEND, O_EXCL } = fsConstants;
    switch (mode) {
      case 'r':
        flags = O_RDONLY;
        break;
      case 'rw':
        flags = O_RDWR | O_CREAT;
        break;
      case 'a':
        flags = O_WRONLY | O_CREAT | O_APPEND;
        break;
      case 'w':
        flags = O_WRONLY | O_CREAT | O_TRUNC;
        if (this.opts.noclobber) {
          try {
            if (statSync(path).isFile())
              throw new RedirError(`${target}: cannot overwrite existing file`);
          } catch (e) {
            if (e instanceof RedirError) throw e;
            flags |= O_EXCL;
          }
        }
        break;
      default:
        flags = O_WRONLY | O_CREAT | O_TRUNC;
    }
    try {
      return new OsFd(openSync(path, flags, 0o666), true);
    } catch (e) {
      throw new RedirError(`${target}: ${errnoMessage(e)}`);
    }
  }

  // ---- process substitution ----

  /** Descriptors made by <(...) / >(...) during the current command's expansion. */
  procSubFds: { n: number; fd: Fd }[] = [];

  /**
   * <(cmd) and >(cmd). The word expands to /dev/fd/N for a shell fd N (63 downwards, as in
   * bash), which children receive at that number and built-ins resolve through the fd table.
   * <(cmd) runs cmd to completion into an unlinked temporary file: programs re-open
   * /dev/fd/N, and re-opening a FIFO whose writer has already finished would block forever.
   * >(cmd) runs cmd in the background reading an OS pipe.
   */
  async processSubstitution(body: List, direction: '<' | '>'): Promise<string> {
    let n = 63;
    while (this.io.get(n) && n > 10) n--;
    const sub = this.clone();
    sub.opts.errexit = false;
    // the other substitutions' ends belong to the command, not to this one
    for (const { n: k } of this.procSubFds) sub.io.fds.delete(k);
    const run = async () => {
      try {
        await sub.runList(body);
      } catch (e) {
        sub.statusOfThrown(e);
      }
    };
    if (direction === '<') {
      const path = privateTempPath();
      const out = new OsFd(openSync(path, 'w'), true);
      sub.io.set(1, out);
      await run();
      out.close();
      const parentEnd = new OsFd(openSync(path, 'r'), true);
      this.io.set(n, parentEnd);
      this.procSubFds.push({ n, fd: parentEnd });
      unlinkSync(path);
    } else {
      const pipe = osPipe();
      if (!pipe) throw new ExpansionError('process substitution: cannot make a pipe', false);
      const [r, w] = pipe;
      const input = new PipeReadFd(r);
      sub.io.set(0, input);
      const parentEnd = new OsFd(w, true);
      this.io.set(n, parentEnd);
      this.procSubFds.push({ n, fd: parentEnd });
      void run().finally(() => input.close());
    }
    return `/dev/fd/${n}`;
  }

  /** /dev/fd/N naming a shell fd, as a path that works inside this process (utilities). */
  private realDevFd(arg: string): string {
    const m = /^\/dev\/fd\/(\d+)$/.exec(arg);
    if (!m) return arg;
    const fd = this.io.get(Number(m[1]));
    const real = fd instanceof PipeReadFd ? fd.osFd : fd instanceof OsFd ? fd.fd : undefined;
    return real === undefined ? arg : `/dev/fd/${real}`;
  }

  /** Closes the parent's ends of process substitutions once the command is done. */
  private closeProcSubs(table: FdTable, from: number): void {
    for (const { n, fd } of this.procSubFds.slice(from)) {
      fd.close();
      if (table.fds.get(n) === fd) table.fds.delete(n);
    }
    this.procSubFds.length = from;
  }

  // ---- command substitution ----

  async commandSubstitution(body: List): Promise<string> {
    const sub = this.clone();
    // bash: command substitutions do not inherit set -e (unless inherit_errexit or POSIX mode)
    if (!this.opts.posix && this.shopts.get('inherit_errexit') !== true) sub.opts.errexit = false;
    const capture = new CaptureFd();
    sub.io.set(1, capture);
    this.lastCmdSubStatus = await this.runClone(sub, body);
    return capture.text().replace(/\n+$/, '');
  }

  /** Evaluates arithmetic text (for builtins like `let`, `shift`). */
  arith(text: string): bigint {
    return evaluateArith(text, this.arithScope);
  }
}

/** Another name for an fd of the table (/dev/stdout in a redirection): closing it is a no-op. */
class SharedFd extends Fd {
  readonly kind = 'shared';
  constructor(private readonly target: Fd) {
    super();
  }
  write(data: string | Uint8Array): void | Promise<void> {
    return this.target.write(data);
  }
  read(interrupt?: AbortSignal): Promise<Buffer | null> {
    return this.target.read(interrupt);
  }
  readByte(interrupt?: AbortSignal): Promise<number | null> {
    return this.target.readByte(interrupt);
  }
  override readLine(delim?: string): Promise<string | null> {
    return this.target.readLine(delim);
  }
  spawnStdio(forOutput: boolean): SpawnStdio {
    return this.target.spawnStdio(forOutput);
  }
  override connect(stream: Readable | Writable): Promise<void> {
    return this.target.connect(stream);
  }
  override afterSpawn(): void {
    this.target.afterSpawn();
  }
  override isTTY(): boolean {
    return this.target.isTTY();
  }
}

/** The write end of a pipeline link; the next stage's stdin is decided on first use. */
export class PipeOutFd extends Fd {
  readonly kind = 'pipeout';
  private through: PassThrough | undefined;
  private resolved = false;
  private inner: WriteStreamFd | undefined;
  constructor(
    private readonly resolveLink: (fd: Fd) => void,
    /** A single external command may hand its stdout socket to the next stage directly. */
    public direct: boolean,
  ) {
    super();
  }

  private ensureThrough(): WriteStreamFd {
    if (!this.through) {
      this.through = new PassThrough({ highWaterMark: 65536 });
      this.inner = new WriteStreamFd(this.through);
      this.resolved = true;
      this.resolveLink(new ReadStreamFd(this.through));
    }
    return this.inner!;
  }

  write(data: string | Uint8Array): void | Promise<void> {
    return this.ensureThrough().write(data);
  }
  read(): Promise<Buffer | null> {
    return Promise.resolve(null);
  }
  readByte(): Promise<number | null> {
    return Promise.resolve(null);
  }
  private childWriteEnd: number | undefined;

  spawnStdio(): SpawnStdio {
    if (this.direct && !this.resolved) {
      const pipe = osPipe();
      if (pipe) {
        this.resolved = true;
        this.childWriteEnd = pipe[1];
        this.resolveLink(new PipeReadFd(pipe[0]));
        return pipe[1];
      }
    }
    return 'pipe';
  }
  override afterSpawn(): void {
    if (this.childWriteEnd !== undefined) {
      closeSync(this.childWriteEnd);
      this.childWriteEnd = undefined;
    }
  }
  override connect(stream: Readable | Writable): Promise<void> {
    if (this.direct && !this.resolved) {
      this.resolved = true;
      this.resolveLink(new ReadStreamFd(stream as Readable));
      return Promise.resolve();
    }
    return this.ensureThrough().connect(stream);
  }
  /** The stage is done: end the pipe (or give the reader an empty input). */
  finish(): void {
    if (this.through) this.through.end();
    else if (!this.resolved) {
      this.resolved = true;
      this.resolveLink(new DataFd(Buffer.alloc(0)));
    }
  }
}

export class RedirError extends Error {}

/** `[key]=value` in an array literal, with the key possibly quoted: `['a b']=1`. */
function splitKeyedElement(w: Word): { key: Word; value: Word } | undefined {
  const first = w[0];
  if (first?.type !== 'lit' || !first.value.startsWith('[')) return undefined;
  for (let i = 0; i < w.length; i++) {
    const part = w[i];
    if (part.type !== 'lit') continue;
    const at = part.value.indexOf(']=', i === 0 ? 1 : 0);
    if (at < 0) continue;
    const start = i === 0 ? 1 : 0;
    const key: Word =
      i === 0
        ? [{ type: 'lit', value: part.value.slice(1, at) }]
        : [
            { type: 'lit', value: first.value.slice(1) },
            ...w.slice(1, i),
            { type: 'lit', value: part.value.slice(start, at) },
          ];
    const value: Word = [{ type: 'lit', value: part.value.slice(at + 2) }, ...w.slice(i + 1)];
    return { key, value };
  }
  return undefined;
}

function nextFreeFd(table: FdTable, floor: number): number {
  let n = Math.max(10, floor);
  while (table.get(n)) n++;
  return n;
}

export function errnoMessage(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'No such file or directory';
    case 'EACCES':
      return 'Permission denied';
    case 'EISDIR':
      return 'Is a directory';
    case 'ENOTDIR':
      return 'Not a directory';
    case 'EEXIST':
      return 'File exists';
    case 'EBADF':
      return 'Bad file descriptor';
    default:
      return (e as Error).message;
  }
}

function sameFile(a: string, b: string): boolean {
  try {
    const sa = statSync(a);
    const sb = statSync(b);
    return sa.ino === sb.ino && sa.dev === sb.dev;
  } catch {
    return false;
  }
}

function formatTime(secs: number): string {
  const m = Math.floor(secs / 60);
  return `${m}m${(secs - m * 60).toFixed(3)}s`;
}
