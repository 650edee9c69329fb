/**
 * CPU time used by this process and its waited-for children, for the `time` keyword and
 * `times`. Children's times come from /proc/self/stat (cutime, cstime) on Linux.
 */
import { readFileSync } from 'node:fs';

export interface CpuTimes {
  user: number;
  sys: number;
}

/** Linux USER_HZ: /proc/<pid>/stat reports clock ticks of 1/100 s on all mainstream kernels. */
const TICKS_PER_SECOND = 100;

export function childrenTimes(): CpuTimes {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // fields after the ")" that closes the command name; cutime and cstime are fields 16, 17
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      user: Number(fields[13]) / TICKS_PER_SECOND,
      sys: Number(fields[14]) / TICKS_PER_SECOND,
    };
  } catch {
    return { user: 0, sys: 0 };
  }
}

/** Seconds of user and system CPU time so far (self + children). */
export function cpuTimes(): CpuTimes {
  const self = process.cpuUsage();
  const children = childrenTimes();
  return { user: self.user / 1e6 + children.user, sys: self.system / 1e6 + children.sys };
}
