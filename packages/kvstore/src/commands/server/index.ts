import type { CommandSpec } from '../types.js';
import { acl } from './acl.js';
import { commandCommand } from './command.js';
import { configCommand } from './config.js';
import { dbsize, flushall, flushdb, swapdb } from './databases.js';
import { debug } from './debug.js';
import { latency, monitor, slowlog, time } from './diagnostics.js';
import { info } from './info.js';
import { memory } from './memory.js';
import { bgrewriteaof, bgsave, lastsave, save, shutdown } from './persistence.js';

export const serverCommands: readonly CommandSpec[] = [
  info,
  configCommand,
  commandCommand,
  dbsize,
  flushdb,
  flushall,
  swapdb,
  time,
  lastsave,
  save,
  bgsave,
  bgrewriteaof,
  shutdown,
  slowlog,
  monitor,
  latency,
  debug,
  acl,
  memory,
];
