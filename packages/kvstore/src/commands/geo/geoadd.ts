import { encodeScore } from '../../structures/geohash.js';
import { syntaxError } from '../args.js';
import { defineCommand } from '../define.js';
import { zaddWithOptions } from '../zset/zadd.js';
import { parsePosition } from './shared.js';

/**
 * GEOADD key [NX|XX] [CH] lon lat member...: every position becomes its 52-bit geohash score and
 * the command runs as the equivalent ZADD (reply, `zadd` event, and the ZADD in the AOF), as
 * Redis does.
 */
export const geoadd = defineCommand({
  name: 'geoadd',
  arity: -5,
  flags: ['write', 'denyoom'],
  keys: [1, 1, 1],
  group: 'geo',
  summary:
    'Add one or more geospatial items in the geospatial index represented using a sorted set',
  since: '3.2.0',
  complexity: 'O(log(N)) for each item added, where N is the number of elements in the sorted set.',
  handler(ctx) {
    const { argv } = ctx;
    let nx = false;
    let xx = false;
    let first = 2;
    for (; first < argv.length; first++) {
      const option = argv[first]!.toLowerCase();
      if (option === 'nx') nx = true;
      else if (option === 'xx') xx = true;
      else if (option !== 'ch') break;
    }
    if ((argv.length - first) % 3 !== 0 || (nx && xx)) throw syntaxError();
    const zaddArgv = ['zadd', ...argv.slice(1, first)];
    for (let i = first; i < argv.length; i += 3) {
      zaddArgv.push(String(encodeScore(parsePosition(argv, i))), argv[i + 2]!);
    }
    ctx.propagate([zaddArgv]);
    zaddWithOptions(ctx, zaddArgv, false);
  },
});
