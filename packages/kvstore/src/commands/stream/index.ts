import type { CommandSpec } from '../types.js';
import { xadd, xtrim } from './xadd.js';
import { xautoclaim, xclaim } from './xclaim.js';
import { xgroup } from './xgroup.js';
import { xinfo } from './xinfo.js';
import { xack, xpending } from './xpending.js';
import { xdel, xlen, xrange, xrevrange, xsetid } from './xrange.js';
import { xread, xreadgroup } from './xread.js';

export const streamCommands: readonly CommandSpec[] = [
  xadd,
  xtrim,
  xlen,
  xrange,
  xrevrange,
  xdel,
  xsetid,
  xread,
  xreadgroup,
  xgroup,
  xack,
  xpending,
  xclaim,
  xautoclaim,
  xinfo,
];
