import t from 'tap';
import {
  type Reply,
  RawClient,
  redisServerPath,
  show,
  startRedis,
  startStrata,
} from './fixtures/diff-client.js';

/**
 * COMMAND INFO of every sorted-set, HLL, bitmap and stream command matches redis-server on what
 * clients and redis-cli use: name, arity, flags, first/last key and step, ACL categories.
 */
const NAMES =
  `zadd zincrby zrem zremrangebyrank zremrangebyscore zremrangebylex zscore zmscore zcard
  zcount zlexcount zrank zrevrank zrange zrangestore zrangebyscore zrevrangebyscore zrangebylex
  zrevrangebylex zrevrange zpopmin zpopmax bzpopmin bzpopmax zmpop bzmpop zunion zinter zdiff
  zunionstore zinterstore zdiffstore zintercard zrandmember zscan pfadd pfcount pfmerge setbit
  getbit bitcount bitpos bitop bitfield bitfield_ro xadd xtrim xlen xrange xrevrange xdel xsetid
  xread xreadgroup xgroup xinfo`.split(/\s+/);

/** The first seven fields of the command's entry. */
function head(reply: Reply): string {
  if (reply.t !== 'array' || reply.v[0]?.t !== 'array') return show(reply);
  return show({ t: 'array', v: reply.v[0].v.slice(0, 7) });
}

t.test('COMMAND INFO matches redis-server', async (t) => {
  const redisPath = redisServerPath(t);
  if (!redisPath) return;
  const redis = await startRedis(redisPath);
  t.teardown(redis.stop);
  const ours = await startStrata();
  t.teardown(ours.stop);
  const theirs = await RawClient.connect(redis.port);
  const mine = await RawClient.connect(ours.port);
  t.teardown(() => {
    theirs.close();
    mine.close();
  });
  for (const name of NAMES) {
    t.equal(
      head(await mine.send('COMMAND', 'INFO', name)),
      head(await theirs.send('COMMAND', 'INFO', name)),
      name,
    );
  }
});
