import type { CommandSpec } from '../types.js';
import {
  sdiff,
  sdiffstore,
  sinter,
  sintercard,
  sinterstore,
  sunion,
  sunionstore,
} from './algebra.js';
import { sadd, scard, sismember, smembers, smismember, smove, srem } from './sadd-srem.js';
import { spop, srandmember } from './spop-srandmember.js';
import { sscan } from './sscan.js';

export const setCommands: readonly CommandSpec[] = [
  sadd,
  srem,
  smembers,
  sismember,
  smismember,
  scard,
  smove,
  spop,
  srandmember,
  sinter,
  sintercard,
  sinterstore,
  sunion,
  sunionstore,
  sdiff,
  sdiffstore,
  sscan,
];
