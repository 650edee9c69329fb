/**
 * ulimit: reports this process's resource limits from /proc/self/limits (Linux). Node cannot
 * call setrlimit, so changing a limit fails with a clear message (unless it is unchanged).
 */
import { readFileSync } from 'node:fs';
import type { Interp } from '../interp.js';
import { fail, out } from './util.js';

interface LimitSpec {
  option: string;
  /** The row name in /proc/self/limits. */
  row: string;
  label: string;
  /** bash's unit divisor for the displayed value. */
  divisor: number;
}

const LIMITS: LimitSpec[] = [
  {
    option: 'c',
    row: 'Max core file size',
    label: 'core file size              (blocks, -c)',
    divisor: 512,
  },
  {
    option: 'd',
    row: 'Max data size',
    label: 'data seg size               (kbytes, -d)',
    divisor: 1024,
  },
  {
    option: 'e',
    row: 'Max nice priority',
    label: 'scheduling priority                 (-e)',
    divisor: 1,
  },
  {
    option: 'f',
    row: 'Max file size',
    label: 'file size                   (blocks, -f)',
    divisor: 512,
  },
  {
    option: 'i',
    row: 'Max pending signals',
    label: 'pending signals                     (-i)',
    divisor: 1,
  },
  {
    option: 'l',
    row: 'Max locked memory',
    label: 'max locked memory           (kbytes, -l)',
    divisor: 1024,
  },
  {
    option: 'm',
    row: 'Max resident set',
    label: 'max memory size             (kbytes, -m)',
    divisor: 1024,
  },
  {
    option: 'n',
    row: 'Max open files',
    label: 'open files                          (-n)',
    divisor: 1,
  },
  {
    option: 'q',
    row: 'Max msgqueue size',
    label: 'POSIX message queues         (bytes, -q)',
    divisor: 1,
  },
  {
    option: 'r',
    row: 'Max realtime priority',
    label: 'real-time priority                  (-r)',
    divisor: 1,
  },
  {
    option: 's',
    row: 'Max stack size',
    label: 'stack size                  (kbytes, -s)',
    divisor: 1024,
  },
  {
    option: 't',
    row: 'Max cpu time',
    label: 'cpu time                   (seconds, -t)',
    divisor: 1,
  },
  {
    option: 'u',
    row: 'Max processes',
    label: 'max user processes                  (-u)',
    divisor: 1,
  },
  {
    option: 'v',
    row: 'Max address space',
    label: 'virtual memory              (kbytes, -v)',
    divisor: 1024,
  },
  {
    option: 'x',
    row: 'Max file locks',
    label: 'file locks                          (-x)',
    divisor: 1,
  },
];

function readLimits(): Map<string, { soft: string; hard: string }> {
  const limits = new Map<string, { soft: string; hard: string }>();
  try {
    for (const line of readFileSync('/proc/self/limits', 'utf8').split('\n').slice(1)) {
      const m = /^(.+?)\s{2,}(\S+)\s+(\S+)/.exec(line);
      if (m) limits.set(m[1].trim(), { soft: m[2], hard: m[3] });
    }
  } catch {
    // not Linux: every limit reads as unlimited
  }
  return limits;
}

function display(raw: string | undefined, divisor: number): string {
  if (raw === undefined || raw === 'unlimited') return 'unlimited';
  return String(Math.floor(Number(raw) / divisor));
}

export async function ulimitBuiltin(sh: Interp, argv: string[]): Promise<number> {
  let hard = false;
  let all = false;
  const wanted: LimitSpec[] = [];
  let value: string | undefined;
  for (const a of argv.slice(1)) {
    if (/^-[A-Za-z]+$/.test(a)) {
      for (const c of a.slice(1)) {
        if (c === 'H') hard = true;
        else if (c === 'S') hard = false;
        else if (c === 'a') all = true;
        else {
          const spec = LIMITS.find((l) => l.option === c);
          if (!spec) return fail(sh, 'ulimit', `-${c}: invalid option`, 2);
          wanted.push(spec);
        }
      }
    } else value = a;
  }
  const limits = readLimits();
  const current = (spec: LimitSpec) => {
    const entry = limits.get(spec.row);
    return display(hard ? entry?.hard : entry?.soft, spec.divisor);
  };
  if (all) {
    await out(sh, LIMITS.map((l) => `${l.label} ${current(l)}\n`).join(''));
    return 0;
  }
  const specs = wanted.length > 0 ? wanted : [LIMITS.find((l) => l.option === 'f')!];
  if (value !== undefined) {
    for (const spec of specs) {
      if (current(spec) !== value)
        return fail(
          sh,
          'ulimit',
          `${spec.row.replace('Max ', '')}: cannot modify limit: Operation not permitted`,
        );
    }
    return 0;
  }
  const multi = specs.length > 1;
  await out(
    sh,
    specs.map((l) => (multi ? `${l.label} ${current(l)}\n` : `${current(l)}\n`)).join(''),
  );
  return 0;
}
