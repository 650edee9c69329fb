/** Flow control: break, continue, return, exit, true, false, `:`. */
import { ExitSignal, type Interp, LoopSignal, ReturnSignal } from '../interp.js';
import { fail } from './util.js';

function count(sh: Interp, name: string, arg: string | undefined): number | undefined {
  if (arg === undefined) return 1;
  if (!/^-?\d+$/.test(arg)) {
    fail(sh, name, `${arg}: numeric argument required`, 128);
    // bash: fatal in a non-interactive shell
    if (!sh.opts.interactive) throw new ExitSignal(128);
    return undefined;
  }
  const n = Number(arg);
  if (n < 1) {
    fail(sh, name, `${arg}: loop count out of range`);
    return undefined;
  }
  return n;
}

function loopControl(kind: 'break' | 'continue') {
  return (sh: Interp, argv: string[]): number => {
    const n = count(sh, kind, argv[1]);
    if (n === undefined) return 1;
    if (sh.loopDepth === 0) {
      // in a subshell inside a loop, break/continue cannot reach the loop: end the subshell
      if (sh.enclosingLoops > 0) throw new ExitSignal(1);
      return 0;
    }
    throw new LoopSignal(kind, Math.min(n, sh.loopDepth));
  };
}

export const breakBuiltin = loopControl('break');
export const continueBuiltin = loopControl('continue');

function statusArg(sh: Interp, name: string, arg: string | undefined): number {
  if (arg === undefined) return sh.status;
  if (!/^[-+]?\d+$/.test(arg.trim())) return fail(sh, name, `${arg}: numeric argument required`, 2);
  return Number(BigInt.asUintN(8, BigInt(arg.trim())));
}

export function returnBuiltin(sh: Interp, argv: string[]): number {
  const status = statusArg(sh, 'return', argv[1]);
  if (sh.funcDepth === 0 && sh.sourceDepth === 0)
    return fail(sh, 'return', "can only `return' from a function or sourced script", 2);
  throw new ReturnSignal(status);
}

export function exitBuiltin(sh: Interp, argv: string[]): number {
  const status = statusArg(sh, 'exit', argv[1]);
  throw new ExitSignal(status);
}

export const trueBuiltin = (): number => 0;
export const falseBuiltin = (): number => 1;
