import type { CommandSpec } from '../types.js';
import { del, exists, touch, type, unlink } from './del-exists.js';
import { dump, restore } from './dump-restore.js';
import {
  expire,
  expireat,
  expiretime,
  persist,
  pexpire,
  pexpireat,
  pexpiretime,
  pttl,
  ttl,
} from './expire.js';
import { keys, randomkey, scan } from './keys-scan.js';
import { object } from './object.js';
import { copy, move, rename, renamenx } from './rename-move-copy.js';
import { sort, sortRo } from './sort.js';

export const keyCommands: readonly CommandSpec[] = [
  del,
  unlink,
  exists,
  touch,
  type,
  expire,
  pexpire,
  expireat,
  pexpireat,
  ttl,
  pttl,
  expiretime,
  pexpiretime,
  persist,
  rename,
  renamenx,
  move,
  copy,
  keys,
  scan,
  randomkey,
  object,
  dump,
  restore,
  sort,
  sortRo,
];
