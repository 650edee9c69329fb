/** wait, jobs, kill, fg, bg. */
import { constants } from 'node:os';
import type { Interp } from '../interp.js';
import type { Job } from '../jobs.js';
import { fail, out } from './util.js';

export async function waitBuiltin(sh: Interp, argv: string[]): Promise<number> {
  try {
    return await waitFor(sh, argv);
  } finally {
    sh.disposeFinishedCoprocs();
  }
}

/**
 * wait [-fn] [-p var] [id...]: no ids waits for every job (status 0); ids wait for each (the
 * last one's status); -n for whichever job ends first (127 when there is none). -p names a
 * variable for the pid waited for. A pid already waited for gives its status again.
 */
async function waitFor(sh: Interp, argv: string[]): Promise<number> {
  let any = false;
  let pidVar: string | undefined;
  let i = 1;
  for (; i < argv.length && /^-./.test(argv[i]); i++) {
    const a = argv[i];
    if (a === '--') {
      i++;
      break;
    }
    for (let j = 1; j < a.length; j++) {
      if (a[j] === 'n') any = true;
      else if (a[j] === 'p') {
        pidVar = a.slice(j + 1) || argv[++i];
        break;
      } else if (a[j] !== 'f') {
        fail(sh, 'wait', `-${a[j]}: invalid option`);
        sh.writeErr('wait: usage: wait [-fn] [-p var] [id ...]\n');
        return 2;
      }
    }
  }
  const specs = argv.slice(i);
  if (pidVar !== undefined) sh.vars.unset(pidVar);
  const jobs: Job[] = [];
  let status = 0;
  for (const spec of specs) {
    const job = sh.jobs.find(spec);
    if (job) jobs.push(job);
    else if (!any && sh.jobs.reaped.has(Number(spec))) status = sh.jobs.reaped.get(Number(spec))!;
    else status = fail(sh, 'wait', notFound(spec, any), 127);
  }
  if (any) {
    const candidates = specs.length > 0 ? jobs : sh.jobs.jobs.slice();
    if (candidates.length === 0) return 127;
    const first = await Promise.race(candidates.map((j) => j.promise.then(() => j)));
    return reap(sh, first, pidVar);
  }
  if (specs.length === 0) {
    for (const job of sh.jobs.jobs.slice()) await reap(sh, job, undefined);
    return 0;
  }
  for (const job of jobs) status = await reap(sh, job, pidVar);
  return status;
}

function notFound(spec: string, any: boolean): string {
  if (spec.startsWith('%') || any) return `${spec}: no such job`;
  return `pid ${spec} is not a child of this shell`;
}

/** Waits for one job, forgets it, and reports its pid in the -p variable. */
async function reap(sh: Interp, job: Job, pidVar: string | undefined): Promise<number> {
  const status = await job.promise;
  sh.jobs.remove(job);
  if (pidVar !== undefined) sh.setVar(pidVar, String(job.pid));
  return status;
}

export async function jobsBuiltin(sh: Interp, argv: string[]): Promise<number> {
  const pidsOnly = argv.includes('-p');
  const long = argv.includes('-l');
  let text = '';
  const list = sh.jobs.jobs;
  list.forEach((job, i) => {
    const mark = i === list.length - 1 ? '+' : i === list.length - 2 ? '-' : ' ';
    const state =
      job.status === undefined ? 'Running' : job.status === 0 ? 'Done' : `Exit ${job.status}`;
    if (pidsOnly) text += `${job.pid}\n`;
    else text += `[${job.id}]${mark}  ${long ? `${job.pid} ` : ''}${state.padEnd(24)}${job.text}\n`;
  });
  for (const job of list.filter((j) => j.status !== undefined)) sh.jobs.remove(job);
  await out(sh, text);
  return 0;
}

const SIGNALS = constants.signals as Record<string, number>;

export function signalNumber(spec: string): number | undefined {
  if (/^\d+$/.test(spec)) return Number(spec);
  const name = spec.toUpperCase().replace(/^SIG/, '');
  return SIGNALS[`SIG${name}`];
}

export function signalName(n: number): string | undefined {
  for (const [k, v] of Object.entries(SIGNALS)) if (v === n) return k.replace(/^SIG/, '');
  return undefined;
}

export async function killBuiltin(sh: Interp, argv: string[]): Promise<number> {
  let sig = 'SIGTERM';
  let i = 1;
  if (argv[1] === '-l' || argv[1] === '-L') {
    if (argv[2] !== undefined) {
      const n = Number(argv[2]);
      const name = signalName(n > 128 ? n - 128 : n);
      if (!name) return fail(sh, 'kill', `${argv[2]}: invalid signal specification`);
      await out(sh, `${name}\n`);
      return 0;
    }
    const names = Object.entries(SIGNALS)
      .sort((a, b) => a[1] - b[1])
      .map(([k, v]) => `${v}) ${k}`);
    await out(sh, `${names.join('\n')}\n`);
    return 0;
  }
  if (argv[1] === '-s' || argv[1] === '-n') {
    sig = argv[2] ?? '';
    i = 3;
  } else if (argv[1]?.startsWith('-') && argv[1] !== '--') {
    sig = argv[1].slice(1);
    i = 2;
  }
  if (argv[i] === '--') i++;
  const num = signalNumber(sig);
  if (num === undefined) return fail(sh, 'kill', `${sig}: invalid signal specification`);
  const targets = argv.slice(i);
  if (targets.length === 0)
    return fail(sh, 'kill', 'usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ...', 2);
  let status = 0;
  for (const t of targets) {
    let pid: number;
    const job = t.startsWith('%') || /^\d+$/.test(t) ? sh.jobs.find(t) : undefined;
    if (job?.scope && job.status === undefined && job.pid === job.pseudoPid) {
      // a job run inside the shell: signal its children and stop its remaining commands
      if (num !== 0) job.scope.killedBy = num;
      for (const child of job.scope.children) child.kill(num);
      continue;
    }
    if (t.startsWith('%')) {
      if (!job) {
        status = fail(sh, 'kill', `${t}: no such job`);
        continue;
      }
      pid = job.pid;
    } else if (/^-?\d+$/.test(t)) pid = Number(t);
    else {
      status = fail(sh, 'kill', `${t}: arguments must be process or job IDs`);
      continue;
    }
    try {
      process.kill(pid, num);
      if (pid === process.pid || pid === -process.pid || pid === 0) {
        // let the signal reach our handler now, so a trap runs before the next command
        await new Promise((r) => setImmediate(r));
        await new Promise((r) => setImmediate(r));
      }
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      status = fail(
        sh,
        'kill',
        `(${t}) - ${code === 'ESRCH' ? 'No such process' : code === 'EPERM' ? 'Operation not permitted' : code}`,
      );
    }
  }
  return status;
}

export async function fgBuiltin(sh: Interp, argv: string[]): Promise<number> {
  const job = sh.jobs.find(argv[1] ?? '%%');
  if (!job) return fail(sh, argv[0], `${argv[1] ?? 'current'}: no such job`);
  if (argv[0] === 'bg') return 0;
  await out(sh, `${job.text}\n`);
  const status = await job.promise;
  sh.jobs.remove(job);
  return status;
}

export function disownBuiltin(sh: Interp, argv: string[]): number {
  const specs = argv.slice(1).filter((a) => !a.startsWith('-'));
  if (argv.includes('-a') || specs.length === 0) {
    const all = argv.includes('-a') ? sh.jobs.jobs.slice() : sh.jobs.jobs.slice(-1);
    for (const job of all) sh.jobs.remove(job);
    return 0;
  }
  let status = 0;
  for (const spec of specs) {
    const job = sh.jobs.find(spec);
    if (!job) status = fail(sh, 'disown', `${spec}: no such job`);
    else sh.jobs.remove(job);
  }
  return status;
}
