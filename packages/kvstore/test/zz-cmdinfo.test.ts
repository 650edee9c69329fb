import t from 'tap';
import { RawClient, show, startRedis, startStrata, type Reply } from './fixtures/diff-client.js';
const NAMES =
  'zadd zincrby zrem zremrangebyrank zremrangebyscore zremrangebylex zscore zmscore zcard zcount zlexcount zrank zrevrank zrange zrangestore zrangebyscore zrevrangebyscore zrangebylex zrevrangebylex zrevrange zpopmin zpopmax bzpopmin bzpopmax zmpop bzmpop zunion zinter zdiff zunionstore zinterstore zdiffstore zintercard zrandmember zscan pfadd pfcount pfmerge setbit getbit bitcount bitpos bitop bitfield bitfield_ro xadd xtrim xlen xrange xrevrange xdel xsetid xread xreadgroup xgroup xack xpending xclaim xautoclaim xinfo'.split(
    ' ',
  );
t.test('x', async (t) => {
  const r = await startRedis('redis-server');
  t.teardown(r.stop);
  const o = await startStrata();
  t.teardown(o.stop);
  const a = await RawClient.connect(r.port);
  const b = await RawClient.connect(o.port);
  t.teardown(() => {
    a.close();
    b.close();
  });
  const head = (x: Reply) =>
    x.t === 'array' && x.v[0].t === 'array'
      ? show({ t: 'array', v: x.v[0].v.slice(0, 7) })
      : show(x);
  for (const n of NAMES) {
    const x = head(await a.send('COMMAND', 'INFO', n));
    const y = head(await b.send('COMMAND', 'INFO', n));
    if (x !== y) console.log(n, '\n  redis', x, '\n  ours ', y);
  }
});
