/** trap: actions for EXIT, ERR, DEBUG-less signals; `trap -p`, `trap - SIG`, `trap '' SIG`. */
import type { Interp } from '../interp.js';
import { singleQuote } from '../quote.js';
import { signalName, signalNumber } from './jobs.js';
import { fail, out } from './util.js';

/** Normalizes a trap condition to EXIT, ERR, DEBUG, RETURN or a signal name without SIG. */
export function trapCondition(spec: string): string | undefined {
  const up = spec.toUpperCase();
  if (up === 'EXIT' || up === '0') return 'EXIT';
  if (up === 'ERR' || up === 'DEBUG' || up === 'RETURN') return up;
  const n = signalNumber(spec);
  if (n === undefined) return undefined;
  return signalName(n);
}

export async function trapBuiltin(sh: Interp, argv: string[]): Promise<number> {
  let args = argv.slice(1);
  if (args[0] === '--') args = args.slice(1);
  if (args.length === 0 || args[0] === '-p') {
    const only = args.slice(1).map(trapCondition);
    let text = '';
    for (const [cond, action] of sh.traps) {
      if (only.length > 0 && !only.includes(cond)) continue;
      text += `trap -- ${singleQuote(action)} ${cond === 'EXIT' || cond === 'ERR' || cond === 'DEBUG' ? cond : `SIG${cond}`}\n`;
    }
    await out(sh, text);
    return 0;
  }
  if (args[0] === '-l') {
    return 0;
  }
  let action: string | undefined = args[0];
  let conditions = args.slice(1);
  // `trap SIG...` with a first argument that is itself a signal resets (POSIX: numeric form)
  if (conditions.length === 0 || (/^\d+$/.test(action) && trapCondition(action))) {
    conditions = args;
    action = undefined;
  } else if (action === '-') action = undefined;
  let status = 0;
  for (const c of conditions) {
    const cond = trapCondition(c);
    if (!cond) {
      status = fail(sh, 'trap', `${c}: invalid signal specification`);
      continue;
    }
    if (cond === 'KILL' || cond === 'STOP') {
      status = fail(sh, 'trap', `${c}: cannot trap`);
      continue;
    }
    if (action === undefined) sh.traps.delete(cond);
    else sh.traps.set(cond, action);
    sh.signalTrapsChanged(cond);
  }
  return status;
}
