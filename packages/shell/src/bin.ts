#!/usr/bin/env node
/**
 * strata-sh: `strata-sh [options] [-c cmd [name [args...]] | script [args...]]`, a script on
 * stdin, or an interactive session when stdin is a terminal (or -i).
 */
import { readFileSync } from 'node:fs';
import { isatty } from 'node:tty';
import { setLongOption, setOptionLetter } from './builtins/set.js';
import { CallStack } from './call-stack.js';
import { ExitSignal } from './interp.js';
import { BrokenPipe, OsFd } from './io.js';
import { Shell } from './shell.js';

const VERSION = '0.1.0';
const USAGE = `Usage: strata-sh [-eiuxv] [-o option] [-c command [name [arg ...]] | script [arg ...]]
Options:
  -c command   run command and exit
  -i           interactive
  -s           read commands from standard input
  -e -u -x ... as for set; -o name / +o name set long options (pipefail, errexit, ...)
  --help, --version
`;

/**
 * bash's GNU long options that mean something here, with the `set -o` name each sets
 * ('' for the ones that are accepted and change nothing: there are no rc files).
 */
const LONG_OPTIONS: Record<string, string> = {
  '--posix': 'posix',
  '--verbose': 'verbose',
  '--norc': '',
  '--noprofile': '',
  '--noediting': '',
  '--login': '',
};

interface Parsed {
  command?: string;
  script?: string;
  args: string[];
  argv0: string;
  interactive?: boolean;
  fromStdin: boolean;
  letters: [string, boolean][];
  long: [string, boolean][];
  shopts: [string, boolean][];
}

function parseArgs(argv: string[]): Parsed {
  const p: Parsed = {
    args: [],
    argv0: 'strata-sh',
    fromStdin: false,
    letters: [],
    long: [],
    shopts: [],
  };
  let i = 0;
  let wantCommand = false;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help') {
      process.stdout.write(USAGE);
      process.exit(0);
    }
    if (a === '--version') {
      process.stdout.write(`strata-sh ${VERSION}\n`);
      process.exit(0);
    }
    if (a === '--' || a === '-') {
      i++;
      break;
    }
    if (a.startsWith('--')) {
      const long = LONG_OPTIONS[a];
      if (long === undefined) fatal(`${a}: invalid option`);
      if (long !== '') p.long.push([long, true]);
      continue;
    }
    if (!/^[-+]./.test(a)) break;
    const on = a[0] === '-';
    for (let j = 1; j < a.length; j++) {
      const c = a[j];
      if (c === 'c') wantCommand = true;
      else if (c === 'i') p.interactive = on;
      else if (c === 's') p.fromStdin = true;
      else if (c === 'o') {
        const name = argv[++i];
        if (name === undefined) fatal('-o: option requires an argument');
        p.long.push([name, on]);
      } else if (c === 'l') {
        // login shell: accepted
      } else if (c === 'O') {
        const name = argv[++i];
        if (name === undefined) fatal('-O: option requires an argument');
        p.shopts.push([name, on]);
      } else p.letters.push([c, on]);
    }
  }
  const rest = argv.slice(i);
  if (wantCommand) {
    if (rest.length === 0) fatal('-c: option requires an argument');
    p.command = rest[0];
    if (rest.length > 1) {
      p.argv0 = rest[1];
      p.args = rest.slice(2);
    }
  } else if (!p.fromStdin && rest.length > 0) {
    p.script = rest[0];
    p.argv0 = rest[0];
    p.args = rest.slice(1);
  } else {
    p.args = rest;
  }
  return p;
}

/** Start-up errors are one line naming the culprit (bash adds its usage; `--help` has ours). */
function fatal(message: string): never {
  process.stderr.write(`strata-sh: ${message}\n`);
  process.exit(2);
}

/**
 * A script on stdin runs command by command as its lines arrive, read one byte at a time
 * like bash does, so a command in the script that reads stdin gets the lines after it.
 */
async function runStdinScript(shell: Shell): Promise<number> {
  const stdin = new OsFd(0, false);
  let pending = '';
  let firstLine = 1;
  let status = 0;
  for (;;) {
    let line: string | null;
    try {
      line = await stdin.readLine();
    } catch {
      line = null;
    }
    if (line !== null) {
      pending += line;
      if (shell.isIncomplete(pending)) continue;
    }
    if (pending !== '') {
      status = await shell.interp.runSource(pending, firstLine);
      for (const c of pending) if (c === '\n') firstLine++;
      pending = '';
    }
    if (line === null) return status;
  }
}

async function main(): Promise<void> {
  const p = parseArgs(process.argv.slice(2));
  const interactive =
    p.interactive ?? (p.command === undefined && p.script === undefined && isatty(0) && isatty(2));
  if (interactive && p.command === undefined && p.script === undefined) {
    // The REPL (line editor) is loaded only for interactive sessions: start-up stays lean.
    const repl = await import('./interactive.js');
    const status = await repl.runInteractive({
      argv0: p.argv0,
      args: p.args,
      letters: p.letters,
      long: p.long,
    });
    process.exit(status);
  }
  const shell = new Shell({ argv0: p.argv0, args: p.args, interactive: false });
  const sh = shell.interp;
  sh.callStack = new CallStack(p.script, p.command !== undefined);
  sh.callStack.sync(sh.vars);
  if (p.command !== undefined) sh.commandSource = 'c';
  else if (p.script === undefined) sh.commandSource = 's';
  for (const [c, on] of p.letters) {
    if (!setOptionLetter(sh, c, on)) fatal(`-${c}: invalid option`);
  }
  for (const [name, on] of p.long) {
    if (!setLongOption(sh, name, on)) fatal(`${name}: invalid option name`);
  }
  for (const [name, on] of p.shopts) {
    if (!sh.shopts.has(name)) fatal(`${name}: invalid shell option name`);
    sh.shopts.set(name, on);
  }
  let source: string | undefined;
  if (p.command !== undefined) source = p.command;
  else if (p.script !== undefined) {
    try {
      source = readFileSync(p.script, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      process.stderr.write(
        `strata-sh: ${p.script}: ${code === 'ENOENT' ? 'No such file or directory' : code === 'EISDIR' ? 'Is a directory' : (e as Error).message}\n`,
      );
      process.exit(code === 'ENOENT' ? 127 : 126);
    }
  }
  let status: number;
  try {
    status = source === undefined ? await runStdinScript(shell) : await sh.runSource(source);
  } catch (e) {
    // a write to a closed pipe kills bash by SIGPIPE, silently
    if (e instanceof BrokenPipe) process.exit(141);
    if (!(e instanceof ExitSignal)) throw e;
    status = e.status;
  }
  sh.status = status;
  try {
    await shell.runExitTrap();
  } catch (e) {
    if (e instanceof ExitSignal) status = e.status;
    else throw e;
  }
  process.exit(status);
}

main().catch((e) => {
  process.stderr.write(`strata-sh: internal error: ${(e as Error).stack ?? e}\n`);
  process.exit(70);
});
