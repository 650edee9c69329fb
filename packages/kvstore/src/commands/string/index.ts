import type { CommandSpec } from '../types.js';
import { get, getdel, getex, mget } from './get.js';
import { decr, decrby, incr, incrby, incrbyfloat } from './incr.js';
import { lcs } from './lcs.js';
import { append, getrange, setrange, strlen, substr } from './range.js';
import { getset, mset, msetnx, psetex, set, setex, setnx } from './set.js';

export const stringCommands: readonly CommandSpec[] = [
  get,
  set,
  setnx,
  setex,
  psetex,
  getset,
  getdel,
  getex,
  mget,
  mset,
  msetnx,
  append,
  strlen,
  getrange,
  substr,
  setrange,
  incr,
  decr,
  incrby,
  decrby,
  incrbyfloat,
  lcs,
];
