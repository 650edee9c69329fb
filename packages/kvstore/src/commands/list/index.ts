import type { CommandSpec } from '../types.js';
import { lindex, linsert, llen, lpos, lrange, lrem, lset, ltrim } from './access.js';
import { blmove, brpoplpush, lmove, rpoplpush } from './move.js';
import {
  blmpop,
  blpop,
  brpop,
  lmpop,
  lpop,
  lpush,
  lpushx,
  rpop,
  rpush,
  rpushx,
} from './push-pop.js';

export const listCommands: readonly CommandSpec[] = [
  lpush,
  rpush,
  lpushx,
  rpushx,
  lpop,
  rpop,
  llen,
  lrange,
  lindex,
  lset,
  linsert,
  lrem,
  ltrim,
  lpos,
  lmove,
  rpoplpush,
  lmpop,
  blpop,
  brpop,
  blmove,
  brpoplpush,
  blmpop,
];
