/**
 * Signal handling for the shell process. SIGINT is always caught: while a foreground child
 * runs, the terminal delivers Ctrl+C to it too (same process group) and the shell survives
 * to report 130; a non-interactive shell then exits like bash does. Other signals get a
 * handler only while a trap is set for them.
 */
import type { Interp } from './interp.js';

let current: Interp | undefined;

/**
 * Set by Ctrl+C in an interactive shell; the running command line unwinds (InterruptSignal).
 * `controller` aborts at the same moment, so built-in utilities and terminal reads that are
 * waiting stop too; clearInterrupt() arms a fresh one for the next command line.
 */
export const interruptState = { pending: false, controller: new AbortController() };

export function raiseInterrupt(): void {
  interruptState.pending = true;
  interruptState.controller.abort();
}

export function clearInterrupt(): void {
  interruptState.pending = false;
  if (interruptState.controller.signal.aborted) interruptState.controller = new AbortController();
}
const installed = new Map<string, () => void>();

const TRAPPABLE = ['INT', 'TERM', 'HUP', 'QUIT', 'USR1', 'USR2', 'ALRM', 'CHLD', 'WINCH', 'PIPE'];

function onSignal(name: string): void {
  const sh = current;
  if (!sh) return;
  const action = sh.traps.get(name);
  if (action !== undefined) {
    if (action !== '') sh.pendingSignals.push(name);
    return;
  }
  if (name === 'INT') {
    if (sh.opts.interactive) {
      raiseInterrupt();
      return;
    }
    // bash: a script whose foreground child died of SIGINT exits too; wait for the child.
    if (sh.jobs.foreground.size > 0) {
      sh.interruptedBySigint = true;
      return;
    }
    process.exit(130);
  }
}

function sync(sh: Interp): void {
  for (const name of TRAPPABLE) {
    const want = name === 'INT' || sh.traps.has(name);
    const have = installed.get(name);
    if (want && !have) {
      const h = () => onSignal(name);
      installed.set(name, h);
      process.on(`SIG${name}` as NodeJS.Signals, h);
    } else if (!want && have) {
      process.off(`SIG${name}` as NodeJS.Signals, have);
      installed.delete(name);
    }
  }
}

export function installSignalHandling(sh: Interp): void {
  current = sh;
  sh.onTrapsChanged = () => sync(sh);
  sync(sh);
}
