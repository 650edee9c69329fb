/** Background jobs (`&`, `jobs`, `wait`, `kill %n`) and the children of the foreground job. */
import type { ChildProcess } from 'node:child_process';
import type { AndOr } from './ast.js';

let fakePidCounter = 0;

/**
 * A pid for what runs inside this process (a background job of built-ins, a subshell's
 * $BASHPID): above Linux's default pid_max, so it never names a real process.
 */
export function nextPseudoPid(): number {
  return 0x400000 + ++fakePidCounter;
}

export class Job {
  /** The child's pid for a simple external command, else a pseudo-pid for in-process jobs. */
  pid: number;
  /** The pseudo-pid given before the child existed (still accepted by wait and kill). */
  readonly pseudoPid: number;
  status: number | undefined;
  promise: Promise<number> = Promise.resolve(0);
  /** The scope of the job's commands (children to signal). */
  scope: JobScope | undefined;
  notified = false;
  constructor(
    readonly id: number,
    readonly text: string,
  ) {
    this.pid = nextPseudoPid();
    this.pseudoPid = this.pid;
  }
  setPid(pid: number): void {
    this.pid = pid;
  }
  finish(status: number): void {
    this.status = status;
  }
}

/** What a job's commands share: their running children, and a kill request. */
export class JobScope {
  readonly children = new Set<ChildProcess>();
  /** Set by `kill` on the job: its remaining commands do not run. */
  killedBy: number | undefined;
}

export class JobTable {
  readonly jobs: Job[] = [];
  private nextId = 1;
  /** The children of the foreground job (Ctrl+C reaches them, not us). */
  get foreground(): Set<ChildProcess> {
    return this.scope.children;
  }
  constructor(
    /** Shared by a shell and its subshells, so killing a job reaches all its children. */
    public scope: JobScope = new JobScope(),
  ) {}

  add(ao: AndOr): Job {
    const job = new Job(this.nextId++, describe(ao));
    this.jobs.push(job);
    return job;
  }

  find(spec: string): Job | undefined {
    if (spec === '%%' || spec === '%+' || spec === '%') return this.jobs[this.jobs.length - 1];
    if (spec === '%-') return this.jobs[this.jobs.length - 2];
    if (/^%\d+$/.test(spec)) return this.jobs.find((j) => j.id === Number(spec.slice(1)));
    if (spec.startsWith('%')) return this.jobs.find((j) => j.text.startsWith(spec.slice(1)));
    if (/^\d+$/.test(spec))
      return this.jobs.find((j) => j.pid === Number(spec) || j.pseudoPid === Number(spec));
    return undefined;
  }

  /** Statuses of jobs already waited for, by pid: bash answers `wait $pid` again with them. */
  readonly reaped = new Map<number, number>();

  remove(job: Job): void {
    if (job.status !== undefined) {
      this.reaped.set(job.pid, job.status);
      this.reaped.set(job.pseudoPid, job.status);
    }
    const i = this.jobs.indexOf(job);
    if (i >= 0) this.jobs.splice(i, 1);
    if (this.jobs.length === 0) this.nextId = 1;
  }
}

function describe(ao: AndOr): string {
  return ao.text ?? '';
}
