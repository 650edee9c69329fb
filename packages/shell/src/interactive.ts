/**
 * The interactive shell: reads ~/.strata-shrc, then loops reading lines with the line editor
 * (PS1, then PS2 while the command is incomplete), runs them, and keeps the history file.
 * The terminal is in raw mode only while a line is being edited; commands run with the
 * terminal cooked, so Ctrl+C reaches the foreground job as SIGINT while the shell (in the
 * same process group) ignores it and reports $? = 130.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setLongOption, setOptionLetter } from './builtins/set.js';
import { createCompleter } from './editor/completion.js';
import { type EditorInput, LineEditor } from './editor/editor.js';
import { History } from './editor/history.js';
import { expandHistory } from './editor/history-expansion.js';
import { PlainLineReader } from './editor/plain.js';
import { expandPrompt } from './editor/prompt.js';
import type { EditorOutput } from './editor/render.js';
import { parseDqLike } from './parser.js';
import { Shell } from './shell.js';

const VERSION = '0.1.0';
const DEFAULT_HISTSIZE = 500;

export interface InteractiveInit {
  argv0: string;
  args: string[];
  /** `set` option letters and long names from the command line (-e, -o pipefail...). */
  letters?: [string, boolean][];
  long?: [string, boolean][];
  env?: Record<string, string | undefined>;
}

export interface ReplOptions {
  /** Defaults: process.stdin, and process.stderr (bash draws its prompt on stderr too). */
  input?: EditorInput & { isTTY?: boolean };
  output?: EditorOutput & { isTTY?: boolean };
  /** Skip ~/.strata-shrc (bash's --norc). */
  noRc?: boolean;
}

/** Starts an interactive shell (the bin calls this when stdin is a terminal, or with -i). */
export async function runInteractive(init: InteractiveInit, options: ReplOptions = {}) {
  const shell = new Shell({ argv0: init.argv0, args: init.args, env: init.env, interactive: true });
  shell.interp.commandSource = 's';
  for (const [letter, on] of init.letters ?? []) {
    if (!setOptionLetter(shell.interp, letter, on)) {
      process.stderr.write(`strata-sh: -${letter}: invalid option\n`);
      return 2;
    }
  }
  for (const [name, on] of init.long ?? []) {
    if (!setLongOption(shell.interp, name, on)) {
      process.stderr.write(`strata-sh: ${name}: invalid option name\n`);
      return 2;
    }
  }
  return runRepl(shell, options);
}

/** The read-eval loop on an existing Shell; resolves to the exit status. */
export async function runRepl(shell: Shell, options: ReplOptions = {}): Promise<number> {
  const input = options.input ?? (process.stdin as EditorInput & { isTTY?: boolean });
  const output = options.output ?? process.stderr;
  const colour = output.isTTY === true;
  const restoreTerminal = () => input.setRawMode?.(false);
  process.on('exit', restoreTerminal);
  const uninstall = ignoreJobControlSignals(shell);

  if (!options.noRc) await sourceRcFile(shell);
  const history = openHistory(shell);
  shell.history = history;
  const editor =
    input.isTTY === true
      ? new LineEditor({
          input,
          output,
          history,
          completer: createCompleter({
            cwd: () => shell.cwd,
            getVar: (name) => shell.getVar(name),
            commandNames: () => shell.commandNames(),
            variableNames: () => shell.variableNames(),
          }),
        })
      : new PlainLineReader(input, output);
  const onHangup = () => {
    history.save();
    // With `trap ... HUP` the interpreter runs the trap; otherwise the shell ends, as bash.
    if (shell.interp.traps.has('HUP')) return;
    restoreTerminal();
    process.exit(129);
  };
  process.on('SIGHUP', onHangup);

  let commandNumber = 1;
  const announced = new Set<object>();
  try {
    while (shell.exitRequested === undefined) {
      reportFinishedJobs(shell, output);
      let source = '';
      let result = await editor.readLine(
        await prompt(shell, 'PS1', colour, history, commandNumber),
      );
      let failed = false;
      while (result.kind === 'line' || result.kind === 'edit') {
        let text =
          result.kind === 'edit' ? await editInEditor(shell, result.text, output) : result.text;
        if (historyExpansionOn(shell)) {
          const expansion = expandHistory(text, history.entries());
          if ('error' in expansion) {
            output.write(`strata-sh: ${expansion.error}\n`);
            failed = true;
            break;
          }
          // bash shows the command as expanded before running it.
          if (expansion.expanded) output.write(`${expansion.text}\n`);
          text = expansion.text;
        }
        source = source === '' ? text : `${source}\n${text}`;
        if (!shell.isIncomplete(source)) break;
        result = await editor.readLine(await prompt(shell, 'PS2', colour, history, commandNumber));
      }
      if (failed) {
        shell.interp.status = 1;
        continue;
      }
      if (result.kind === 'interrupt') {
        // The line is gone; bash sets $? to 130 as if the prompt had been interrupted.
        shell.interp.status = 130;
        continue;
      }
      if (result.kind === 'eof') {
        if (source !== '') await runCommand(shell, source);
        output.write('exit\n');
        break;
      }
      history.setSize(numberVar(shell, 'HISTSIZE', DEFAULT_HISTSIZE));
      history.add(source, shell.getVar('HISTCONTROL'));
      commandNumber++;
      await runCommand(shell, source);
      announceNewJobs(shell, output, announced);
      // bash says "exit" when an interactive shell leaves through the exit builtin too.
      if (shell.exitRequested !== undefined) output.write('exit\n');
    }
  } finally {
    history.save();
    restoreTerminal();
    process.off('SIGHUP', onHangup);
    process.off('exit', restoreTerminal);
    uninstall();
  }
  try {
    await shell.runExitTrap();
  } catch {
    // `exit` inside the EXIT trap: its status is already in exitRequested or lastStatus.
  }
  return shell.exitRequested ?? shell.lastStatus;
}

/** `[1] 12345` for each job the command line started in the background. */
function announceNewJobs(shell: Shell, output: EditorOutput, announced: Set<object>): void {
  for (const job of shell.interp.jobs.jobs) {
    if (announced.has(job)) continue;
    announced.add(job);
    output.write(`[${job.id}] ${job.pid}\n`);
  }
}

/** Before a prompt, bash reports the background jobs that ended, then forgets them. */
function reportFinishedJobs(shell: Shell, output: EditorOutput): void {
  const table = shell.interp.jobs;
  const list = table.jobs;
  const finished = list.filter((job) => job.status !== undefined && !job.notified);
  for (const job of finished) {
    const index = list.indexOf(job);
    const mark = index === list.length - 1 ? '+' : index === list.length - 2 ? '-' : ' ';
    const state = job.status === 0 ? 'Done' : `Exit ${job.status}`;
    output.write(`[${job.id}]${mark}  ${state.padEnd(24)}${job.text}\n`);
    job.notified = true;
  }
  for (const job of finished) table.remove(job);
}

/** History expansion is on in interactive shells unless `set +H` turned it off. */
function historyExpansionOn(shell: Shell): boolean {
  return shell.interp.opts.histexpand;
}

/**
 * Ctrl+X Ctrl+E: the line goes to a temporary file opened in $VISUAL, else $EDITOR, else vi
 * (run by the shell with the terminal cooked); what is saved comes back to be run, shown
 * first as bash does.
 */
async function editInEditor(shell: Shell, text: string, output: EditorOutput): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'strata-edit-'));
  const file = join(dir, 'command.sh');
  try {
    writeFileSync(file, `${text}\n`);
    const editor = shell.getVar('VISUAL') || shell.getVar('EDITOR') || 'vi';
    await runCommand(shell, `${editor} '${file.replaceAll("'", "'\\''")}'`);
    const edited = readFileSync(file, 'utf8').replace(/\n+$/, '');
    output.write(`${edited.replace(/\n/g, '\r\n')}\r\n`);
    return edited;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runCommand(shell: Shell, source: string): Promise<void> {
  try {
    await shell.run(`${source}\n`);
  } catch (error) {
    process.stderr.write(`strata-sh: internal error: ${(error as Error).stack ?? error}\n`);
    shell.interp.status = 70;
  }
}

async function sourceRcFile(shell: Shell): Promise<void> {
  const home = shell.getVar('HOME') || homedir();
  const rc = `${home}/.strata-shrc`;
  if (!existsSync(rc)) return;
  await runCommand(shell, `. '${rc.replaceAll("'", "'\\''")}'`);
}

function numberVar(shell: Shell, name: string, fallback: number): number {
  const value = Number(shell.getVar(name));
  return shell.getVar(name) !== undefined && Number.isInteger(value) && value >= 0
    ? value
    : fallback;
}

/** HISTFILE (default ~/.strata_history), HISTSIZE and HISTFILESIZE, read after the rc file. */
function openHistory(shell: Shell): History {
  const home = shell.getVar('HOME') || homedir();
  const file = shell.getVar('HISTFILE') ?? `${home}/.strata_history`;
  const size = numberVar(shell, 'HISTSIZE', DEFAULT_HISTSIZE);
  const history = new History(size, file || undefined, numberVar(shell, 'HISTFILESIZE', size));
  history.load();
  return history;
}

/**
 * PS1 or PS2: bash's backslash escapes, then parameter, command and arithmetic expansion of
 * the result (bash's promptvars). An expansion error leaves the escapes-only text.
 */
async function prompt(
  shell: Shell,
  name: 'PS1' | 'PS2',
  colour: boolean,
  history: History,
  commandNumber: number,
): Promise<string> {
  const template = shell.getVar(name) ?? (name === 'PS1' ? '\\s-\\v\\$ ' : '> ');
  const env: Record<string, string | undefined> = {
    HOME: shell.getVar('HOME'),
    USER: shell.getVar('USER'),
    PROMPT_DIRTRIM: shell.getVar('PROMPT_DIRTRIM'),
  };
  const decoded = expandPrompt(template, {
    env,
    cwd: shell.cwd,
    shellName: 'strata-sh',
    version: VERSION,
    jobs: shell.interp.jobs.jobs.length,
    historyNumber: history.length + 1,
    commandNumber,
    colour,
    quoteForExpansion: true,
  });
  if (!/[$`\\]/.test(decoded)) return decoded;
  try {
    const word = parseDqLike(decoded, 'heredoc', {});
    return await shell.interp.expander.expandString(word);
  } catch {
    return decoded.replace(/\\([$`\\])/g, '$1');
  }
}

/**
 * All processes share the terminal's process group (Node cannot give a job its own), so the
 * terminal's job-control keys reach the shell too. Like bash, the interactive shell ignores
 * SIGQUIT and SIGTERM; Ctrl+Z would stop the job with no way for Node to notice, so a stopped
 * foreground job is continued at once (Ctrl+Z has no effect; see the README).
 */
function ignoreJobControlSignals(shell: Shell): () => void {
  const ignore = () => {};
  const resumeForeground = () => {
    for (const child of shell.interp.jobs.foreground) child.kill('SIGCONT');
  };
  process.on('SIGQUIT', ignore);
  process.on('SIGTERM', ignore);
  process.on('SIGTSTP', resumeForeground);
  return () => {
    process.off('SIGQUIT', ignore);
    process.off('SIGTERM', ignore);
    process.off('SIGTSTP', resumeForeground);
  };
}
