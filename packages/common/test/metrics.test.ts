import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import t from 'tap';
import { ErrorCode, StrataError } from '../src/errors.js';
import {
  MAX_PENDING_OBSERVATIONS,
  MetricsRegistry,
  exponentialBuckets,
  linearBuckets,
} from '../src/metrics/registry.js';
import {
  MAX_DATAGRAM,
  StatsdPusher,
  packDatagrams,
  parseHostPort,
  statsdLines,
} from '../src/metrics/statsd.js';

t.test('prometheus text: counters, gauges, labels, HELP and TYPE', async (t) => {
  const registry = new MetricsRegistry();
  const commands = registry.counter('commands_total', 'Commands processed');
  const clients = registry.gauge('connected_clients', 'Clients connected now');
  registry.counter('idle_total', 'Never incremented');
  commands.inc();
  commands.inc(2);
  commands.inc(5, { command: 'get' });
  commands.inc(1, { command: 'set' });
  commands.inc(1, { command: 'get' });
  clients.set(3);
  clients.inc();
  clients.dec(2);
  t.equal(commands.get({ command: 'get' }), 6);
  t.equal(
    registry.renderPrometheus(),
    [
      '# HELP commands_total Commands processed',
      '# TYPE commands_total counter',
      'commands_total 3',
      'commands_total{command="get"} 6',
      'commands_total{command="set"} 1',
      '# HELP connected_clients Clients connected now',
      '# TYPE connected_clients gauge',
      'connected_clients 2',
      '# HELP idle_total Never incremented',
      '# TYPE idle_total counter',
      'idle_total 0',
      '',
    ].join('\n'),
  );
});

t.test('prometheus text: label order is canonical and values and help are escaped', async (t) => {
  const registry = new MetricsRegistry();
  const c = registry.counter('odd_total', 'Help with \\ backslash\nand newline');
  c.inc(1, { b: 'x', a: 'quote " back \\ nl \n end' });
  c.inc(1, { a: 'quote " back \\ nl \n end', b: 'x' });
  c.inc(1, { a: 7 });
  t.equal(
    registry.renderPrometheus({ prefix: 'strata.kvstore' }),
    [
      '# HELP strata_kvstore_odd_total Help with \\\\ backslash\\nand newline',
      '# TYPE strata_kvstore_odd_total counter',
      'strata_kvstore_odd_total{a="quote \\" back \\\\ nl \\n end",b="x"} 2',
      'strata_kvstore_odd_total{a="7"} 1',
      '',
    ].join('\n'),
  );
});

t.test('prometheus text: special float values', async (t) => {
  const registry = new MetricsRegistry();
  const g = registry.gauge('special', 'Special values');
  g.set(Number.NaN, { v: 'nan' });
  g.set(Number.POSITIVE_INFINITY, { v: 'inf' });
  g.set(Number.NEGATIVE_INFINITY, { v: 'ninf' });
  g.set(0.25, { v: 'frac' });
  g.set(-3, { v: 'neg' });
  t.match(registry.renderPrometheus(), /special\{v="nan"\} NaN\n/);
  t.match(registry.renderPrometheus(), /special\{v="inf"\} \+Inf\n/);
  t.match(registry.renderPrometheus(), /special\{v="ninf"\} -Inf\n/);
  t.match(registry.renderPrometheus(), /special\{v="frac"\} 0\.25\n/);
  t.match(registry.renderPrometheus(), /special\{v="neg"\} -3\n/);
});

t.test('prometheus text: histogram buckets are cumulative, then sum and count', async (t) => {
  const registry = new MetricsRegistry();
  const h = registry.histogram('latency_seconds', 'Request latency', [0.1, 0.5, 1]);
  for (const v of [0.05, 0.1, 0.3, 0.7, 2, 5]) h.observe(v);
  h.observe(0.2, { method: 'GET' });
  t.equal(
    registry.renderPrometheus(),
    [
      '# HELP latency_seconds Request latency',
      '# TYPE latency_seconds histogram',
      'latency_seconds_bucket{le="0.1"} 2',
      'latency_seconds_bucket{le="0.5"} 3',
      'latency_seconds_bucket{le="1"} 4',
      'latency_seconds_bucket{le="+Inf"} 6',
      'latency_seconds_sum 8.15',
      'latency_seconds_count 6',
      'latency_seconds_bucket{method="GET",le="0.1"} 0',
      'latency_seconds_bucket{method="GET",le="0.5"} 1',
      'latency_seconds_bucket{method="GET",le="1"} 1',
      'latency_seconds_bucket{method="GET",le="+Inf"} 1',
      'latency_seconds_sum{method="GET"} 0.2',
      'latency_seconds_count{method="GET"} 1',
      '',
    ].join('\n'),
  );
});

t.test('prometheus text: an unused histogram renders zero buckets', async (t) => {
  const registry = new MetricsRegistry();
  registry.histogram('sizes_bytes', 'Sizes', [10]);
  t.equal(
    registry.renderPrometheus(),
    [
      '# HELP sizes_bytes Sizes',
      '# TYPE sizes_bytes histogram',
      'sizes_bytes_bucket{le="10"} 0',
      'sizes_bytes_bucket{le="+Inf"} 0',
      'sizes_bytes_sum 0',
      'sizes_bytes_count 0',
      '',
    ].join('\n'),
  );
});

t.test('callback gauges and counters read their value at collect time', async (t) => {
  const registry = new MetricsRegistry();
  let memory = 100;
  const g = registry.gauge('memory_bytes', 'Memory', () => memory);
  registry.gauge('keys', 'Keys per db', () => [
    { labels: { db: 0 }, value: 5 },
    { labels: { db: 1 }, value: 7 },
  ]);
  registry.counter('accepted_total', 'Accepted', () => 42);
  t.match(registry.renderPrometheus(), /^memory_bytes 100$/m);
  memory = 250;
  t.match(registry.renderPrometheus(), /^memory_bytes 250$/m);
  t.match(registry.renderPrometheus(), /^keys\{db="0"\} 5\nkeys\{db="1"\} 7$/m);
  t.match(registry.renderPrometheus(), /^accepted_total 42$/m);
  t.throws(() => g.set(1), { code: ErrorCode.METRICS });
});

t.test('a throwing callback leaves its metric out and is reported', async (t) => {
  const registry = new MetricsRegistry();
  registry.gauge('broken', 'Broken', () => {
    throw new Error('boom');
  });
  registry.gauge('fine', 'Fine', () => 1);
  const errors: string[] = [];
  const text = registry.renderPrometheus({ onError: (metric) => errors.push(metric) });
  t.same(errors, ['broken']);
  t.notMatch(text, /broken/);
  t.match(text, /^fine 1$/m);
});

t.test('registration rules and validation', async (t) => {
  const registry = new MetricsRegistry();
  const a = registry.counter('requests_total', 'Requests');
  t.equal(
    registry.counter('requests_total', 'Requests again'),
    a,
    'same name and type: same metric',
  );
  t.throws(() => registry.gauge('requests_total', 'x'), { code: ErrorCode.METRICS });
  t.throws(() => registry.counter('requests_total', 'x', () => 1), { code: ErrorCode.METRICS });
  registry.gauge('from_callback', 'x', () => 1);
  t.throws(() => registry.gauge('from_callback', 'x', () => 2), /already registered/);
  t.throws(() => registry.counter('bad-name', 'x'), StrataError);
  t.throws(() => registry.counter('9lives', 'x'), StrataError);
  t.throws(() => a.inc(-1), { code: ErrorCode.METRICS });
  t.throws(() => a.inc(1, { 'bad-label': 'x' }), { code: ErrorCode.METRICS });
  t.throws(() => a.inc(1, { __reserved: 'x' }), { code: ErrorCode.METRICS });
  const h = registry.histogram('h_seconds', 'h', [1, 2]);
  t.throws(() => h.observe(1, { le: '1' }), { code: ErrorCode.METRICS });
  t.throws(() => registry.histogram('unsorted', 'x', [2, 1]), { code: ErrorCode.METRICS });
  t.throws(() => registry.histogram('empty', 'x', []), { code: ErrorCode.METRICS });
  t.throws(() => registry.histogram('infinite', 'x', [1, Number.POSITIVE_INFINITY]));
  t.same(linearBuckets(1, 2, 3), [1, 3, 5]);
  t.same(exponentialBuckets(1, 10, 3), [1, 10, 100]);
  t.equal(registry.get('requests_total'), a);
  a.inc();
  a.reset();
  t.equal(a.get(), 0);
});

t.test('histogram timer observes elapsed seconds', async (t) => {
  const registry = new MetricsRegistry();
  const h = registry.histogram('op_seconds', 'op');
  const stop = h.startTimer({ op: 'x' });
  const seconds = stop();
  t.ok(seconds >= 0 && seconds < 5);
  t.match(registry.renderPrometheus(), /^op_seconds_count\{op="x"\} 1$/m);
});

t.test('parseHostPort', async (t) => {
  t.same(parseHostPort('localhost:8125'), { host: 'localhost', port: 8125 });
  t.same(parseHostPort('[::1]:8125'), { host: '::1', port: 8125 });
  t.same(parseHostPort(':9125'), { host: '127.0.0.1', port: 9125 });
  for (const bad of ['localhost', 'host:0', 'host:70000', 'host:x', '::1:8125', '']) {
    t.throws(() => parseHostPort(bad), { code: ErrorCode.METRICS }, bad);
  }
});

t.test('statsd lines: counter deltas, gauges, negative gauges, tags, histograms', async (t) => {
  const registry = new MetricsRegistry();
  const c = registry.counter('hits_total', 'Hits');
  const g = registry.gauge('temp', 'Temperature');
  const h = registry.histogram('latency_ms', 'Latency', [1, 10], { statsdType: 'ms' });
  h.trackObservations();
  c.inc(3);
  c.inc(2, { path: '/a b|c' });
  g.set(-4, { room: 'x' });
  g.set(Number.NaN);
  h.observe(5, { op: 'get' });
  h.observe(7, { op: 'get' });
  const last = new Map<string, number>();
  const render = () => {
    const observations = new Map([['latency_ms', h.drainObservations()]]);
    const types = new Map([['latency_ms', h.statsdType]]);
    return statsdLines(registry.collect(), observations, types, 'strata.test', last);
  };
  t.same(render(), [
    'strata.test.hits_total:3|c',
    'strata.test.hits_total:2|c|#path:/a_b_c',
    'strata.test.temp:0|g|#room:x\nstrata.test.temp:-4|g|#room:x',
    'strata.test.latency_ms:5|ms|#op:get',
    'strata.test.latency_ms:7|ms|#op:get',
  ]);
  c.inc(1);
  g.set(2, { room: 'x' });
  t.same(
    render(),
    ['strata.test.hits_total:1|c', 'strata.test.temp:2|g|#room:x'],
    'only new counts; observations were drained',
  );
  c.reset();
  c.inc(2);
  t.same(render()[0], 'strata.test.hits_total:2|c', 'a reset counter sends its whole value');
});

t.test('statsd: many observations are sampled with a rate', async (t) => {
  const registry = new MetricsRegistry();
  const h = registry.histogram('size', 'Size', [1]);
  h.trackObservations();
  const total = MAX_PENDING_OBSERVATIONS * 4;
  for (let i = 0; i < total; i++) h.observe(i);
  const [pending] = h.drainObservations();
  t.equal(pending!.seen, total);
  t.equal(pending!.values.length, MAX_PENDING_OBSERVATIONS);
  const lines = statsdLines(
    registry.collect(),
    new Map([['size', [pending!]]]),
    new Map(),
    'p',
    new Map(),
  );
  t.equal(lines.length, MAX_PENDING_OBSERVATIONS);
  t.match(lines[0], /^p\.size:\d+\|h\|@0\.25$/);
});

t.test('packDatagrams keeps each datagram under the limit and every line whole', async (t) => {
  const lines = Array.from({ length: 300 }, (_, i) => `strata.metric_${i}:${i}|c`);
  const datagrams = packDatagrams(lines);
  t.ok(datagrams.length > 1);
  for (const d of datagrams) t.ok(d.length <= MAX_DATAGRAM, `${d.length} bytes`);
  t.same(datagrams.map(String).join('\n').split('\n'), lines);
  const long = 'x'.repeat(2000);
  t.same(packDatagrams(['a:1|c', long, 'b:1|c']).map(String), ['a:1|c', long, 'b:1|c']);
  t.same(packDatagrams([]), []);
});

t.test('statsd pusher sends to a real UDP socket', async (t) => {
  const receiver = createSocket('udp4');
  receiver.bind(0, '127.0.0.1');
  await once(receiver, 'listening');
  t.teardown(() => receiver.close());
  const received: string[] = [];
  receiver.on('message', (msg) => received.push(...String(msg).split('\n')));

  const registry = new MetricsRegistry();
  const c = registry.counter('requests_total', 'Requests');
  registry.gauge('clients', 'Clients', () => 2);
  const h = registry.histogram('latency_ms', 'Latency', [10], { statsdType: 'ms' });
  const pusher = new StatsdPusher(registry, {
    target: `127.0.0.1:${receiver.address().port}`,
    prefix: 'strata.kv',
    intervalMs: 60_000,
  });
  c.inc(5);
  h.observe(12);
  await pusher.push();
  await waitFor(() => received.length >= 3);
  t.same(received.sort(), [
    'strata.kv.clients:2|g',
    'strata.kv.latency_ms:12|ms',
    'strata.kv.requests_total:5|c',
  ]);
  received.length = 0;
  c.inc(1);
  await pusher.close();
  await waitFor(() => received.length >= 2);
  t.same(
    received.sort(),
    ['strata.kv.clients:2|g', 'strata.kv.requests_total:1|c'],
    'close pushes',
  );
  await pusher.close();
  await pusher.push();
});

t.test('statsd pusher never throws when nobody listens or the name does not resolve', async (t) => {
  // A port that was just free: the kernel answers with ICMP port unreachable.
  const probe = createSocket('udp4');
  probe.bind(0, '127.0.0.1');
  await once(probe, 'listening');
  const deadPort = probe.address().port;
  probe.close();

  const registry = new MetricsRegistry();
  registry.counter('x_total', 'x').inc();
  const warnings: unknown[] = [];
  const logger = { warn: (obj: unknown) => warnings.push(obj) } as never;
  for (const target of [`127.0.0.1:${deadPort}`, 'no-such-host.invalid:8125']) {
    const pusher = new StatsdPusher(registry, { target, prefix: 'p', intervalMs: 5, logger });
    for (let i = 0; i < 5; i++) {
      registry.counter('x_total', 'x').inc();
      await pusher.push();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await pusher.close();
  }
  t.ok(warnings.length >= 1, 'the failure is logged');
  t.ok(warnings.length <= 4, `logged once per kind of failure, not per push (${warnings.length})`);
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

t.test('bound label sets share the series of the plain calls', async (t) => {
  const registry = new MetricsRegistry();
  const commands = registry.counter('commands_total', 'Commands');
  const get = commands.labels({ command: 'get' });
  get.inc();
  get.inc(2);
  commands.inc(1, { command: 'get' });
  t.equal(commands.get({ command: 'get' }), 4);
  t.throws(() => get.inc(-1), { code: ErrorCode.METRICS });
  t.throws(() => commands.labels({ 'bad name': 'x' }), { code: ErrorCode.METRICS });
  commands.reset();
  get.inc();
  t.equal(commands.get({ command: 'get' }), 1, 'a bound set survives reset');

  const memory = registry.gauge('memory', 'Memory').labels({ kind: 'heap' });
  memory.set(10);
  memory.inc(5);
  memory.dec(2);
  t.match(registry.renderPrometheus(), /^memory\{kind="heap"\} 13$/m);

  const latency = registry.histogram('latency', 'Latency', [1, 2]);
  const reads = latency.labels({ op: 'read' });
  reads.observe(0.5);
  reads.observe(Number.NaN);
  reads.startTimer()();
  latency.observe(1.5, { op: 'read' });
  t.match(registry.renderPrometheus(), /^latency_count\{op="read"\} 3$/m, 'NaN is not counted');
  t.match(registry.renderPrometheus(), /^latency_bucket\{op="read",le="2"\} 3$/m);
  t.throws(() => latency.labels({ le: '1' }), { code: ErrorCode.METRICS });
});
