/**
 * The public face of the interpreter, used by the bin and by the interactive REPL:
 * `run()` executes source text, `isIncomplete()` tells the line editor to ask for more lines.
 */
import { BUILTINS, SPECIAL_BUILTINS } from './builtins/index.js';
import { KEYWORDS } from './builtins/command.js';
import { utilities } from './coreutils/index.js';
import { ExitSignal, Interp, type InterpHost, InterruptSignal } from './interp.js';
import { stdTable } from './io.js';
import { ParseError, Parser } from './parser.js';
import { clearInterrupt, installSignalHandling } from './signals.js';

export interface ShellInit {
  argv0: string;
  args: string[];
  env?: Record<string, string | undefined>;
  interactive: boolean;
  /** How to re-run this shell for scripts without a #! line (default: this node + bin). */
  selfCommand?: string[];
}

export class Shell {
  readonly interp: Interp;
  private readonly host: InterpHost;
  /** Set by `exit` (or a fatal error in a non-interactive shell). */
  exitRequested: number | undefined;

  constructor(init: ShellInit) {
    this.host = {
      utilities,
      selfCommand: init.selfCommand ?? [process.execPath, process.argv[1] ?? ''],
    };
    this.interp = new Interp({
      argv0: init.argv0,
      args: init.args,
      env: init.env ?? process.env,
      interactive: init.interactive,
      host: this.host,
      io: stdTable(),
    });
    installSignalHandling(this.interp);
  }

  /** The REPL sets this so the `history` built-in can list the entries. */
  get history(): { entries(): string[] } | undefined {
    return this.host.history;
  }
  set history(h: { entries(): string[] } | undefined) {
    this.host.history = h;
  }

  get lastStatus(): number {
    return this.interp.status;
  }

  get cwd(): string {
    return this.interp.cwd;
  }

  /** Parses and runs `source`; returns the exit status. `exit` sets exitRequested. */
  async run(source: string): Promise<number> {
    clearInterrupt();
    try {
      return await this.interp.runSource(source);
    } catch (e) {
      if (e instanceof InterruptSignal) {
        clearInterrupt();
        this.interp.status = 130;
        return 130;
      }
      if (e instanceof ExitSignal) {
        this.exitRequested = e.status;
        this.interp.status = e.status;
        return e.status;
      }
      throw e;
    }
  }

  /** True when `source` needs more lines: open quotes, here-doc body, unclosed compound... */
  isIncomplete(source: string): boolean {
    const parser = new Parser(source, { aliases: (n) => this.interp.aliases.get(n) });
    try {
      parser.parseAll();
    } catch (e) {
      if (e instanceof ParseError) return e.incomplete;
      throw e;
    }
    return parser.heredocUnterminated || parser.endsWithContinuation;
  }

  getVar(name: string): string | undefined {
    return this.interp.getVar(name);
  }

  variableNames(): string[] {
    return [...this.interp.vars.vars.keys()].sort();
  }

  commandNames(): string[] {
    const names = new Set<string>([
      ...Object.keys(SPECIAL_BUILTINS),
      ...Object.keys(BUILTINS),
      ...Object.keys(utilities),
      ...this.interp.functions.keys(),
      ...this.interp.aliases.keys(),
      ...KEYWORDS,
    ]);
    return [...names].sort();
  }

  /** Runs the EXIT trap (once); the REPL calls this before the process exits. */
  async runExitTrap(): Promise<void> {
    await this.interp.runExitTrap();
  }
}
