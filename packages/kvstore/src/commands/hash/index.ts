import type { CommandSpec } from '../types.js';
import { hexists, hget, hgetall, hkeys, hlen, hmget, hstrlen, hvals } from './hget.js';
import { hincrby, hincrbyfloat } from './hincr.js';
import { hrandfield, hscan } from './hrandfield-hscan.js';
import { hdel, hmset, hset, hsetnx } from './hset.js';

export const hashCommands: readonly CommandSpec[] = [
  hset,
  hmset,
  hsetnx,
  hdel,
  hget,
  hmget,
  hexists,
  hlen,
  hstrlen,
  hkeys,
  hvals,
  hgetall,
  hincrby,
  hincrbyfloat,
  hrandfield,
  hscan,
];
