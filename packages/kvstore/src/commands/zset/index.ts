import type { CommandSpec } from '../types.js';
import { zadd, zincrby } from './zadd.js';
import { bzmpop, bzpopmax, bzpopmin, zmpop, zpopmax, zpopmin } from './zpop.js';
import { zrandmember } from './zrandmember.js';
import {
  zrange,
  zrangebylex,
  zrangebyscore,
  zrangestore,
  zrevrange,
  zrevrangebylex,
  zrevrangebyscore,
} from './zrange.js';
import { zrem, zremrangebylex, zremrangebyrank, zremrangebyscore } from './zrem.js';
import { zscan } from './zscan.js';
import { zcard, zcount, zlexcount, zmscore, zrank, zrevrank, zscore } from './zscore.js';
import {
  zdiff,
  zdiffstore,
  zinter,
  zintercard,
  zinterstore,
  zunion,
  zunionstore,
} from './zsetops.js';

export const zsetCommands: readonly CommandSpec[] = [
  zadd,
  zincrby,
  zrem,
  zremrangebyrank,
  zremrangebyscore,
  zremrangebylex,
  zscore,
  zmscore,
  zcard,
  zcount,
  zlexcount,
  zrank,
  zrevrank,
  zrange,
  zrangestore,
  zrangebyscore,
  zrevrangebyscore,
  zrangebylex,
  zrevrangebylex,
  zrevrange,
  zpopmin,
  zpopmax,
  bzpopmin,
  bzpopmax,
  zmpop,
  bzmpop,
  zunion,
  zinter,
  zdiff,
  zunionstore,
  zinterstore,
  zdiffstore,
  zintercard,
  zrandmember,
  zscan,
];
