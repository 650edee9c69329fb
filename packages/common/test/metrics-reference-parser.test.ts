import { execFileSync } from 'node:child_process';
import t from 'tap';
import { MetricsRegistry } from '../src/metrics/registry.js';
import { type TestLike, requireTool } from '../src/testing.js';

/**
 * Differential check of the Prometheus text format: the official Python client's parser
 * (Debian's python3-prometheus-client) reads our exposition back, and every family, help text,
 * label and value must come out as the registry holds them.
 */

const PARSE = `
import json, sys
from prometheus_client.parser import text_string_to_metric_families
families = []
for f in text_string_to_metric_families(sys.stdin.read()):
    families.append({'name': f.name, 'type': f.type, 'help': f.documentation,
                     'samples': [[s.name, s.labels, repr(float(s.value))] for s in f.samples]})
print(json.dumps(families))
`;

interface ParsedFamily {
  name: string;
  type: string;
  help: string;
  samples: Array<[string, Record<string, string>, string]>;
}

/** Python's repr of a float, back to a number. */
function pythonFloat(text: string): number {
  if (text === 'nan') return Number.NaN;
  if (text === 'inf') return Number.POSITIVE_INFINITY;
  if (text === '-inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

t.test('the Python reference parser reads our exposition back exactly', async (t) => {
  const python = requireTool(t, '/usr/bin/python3');
  if (!python) return;
  try {
    execFileSync(python, ['-c', 'import prometheus_client'], { stdio: 'ignore' });
  } catch {
    // Same policy as requireTool: skipped here, a failure where CI requires the tools.
    const message = 'python3-prometheus-client is not installed (apt-get install it)';
    const test: TestLike = t;
    if (process.env.STRATA_REQUIRE_TOOLS === '1') test.fail(message);
    else test.skip(message);
    return;
  }

  const registry = new MetricsRegistry();
  const requests = registry.counter('requests_total', 'Requests, by "method"\\path\nsecond line');
  requests.inc(3, { method: 'GET', path: '/a "quoted" \\ back\nslash' });
  requests.inc(1.5, { method: 'POST', path: 'ünïcödé ✓' });
  requests.inc(7);
  const temperature = registry.gauge('temperature_celsius', 'Temperature');
  temperature.set(-12.25, { room: 'cellar' });
  temperature.set(Number.NaN, { room: 'unknown' });
  temperature.set(Number.POSITIVE_INFINITY, { room: 'sun' });
  temperature.set(1e21, { room: 'big' });
  temperature.set(5e-7, { room: 'small' });
  registry.gauge('queue_depth', 'Queue depth', () => [
    { labels: { queue: 'a' }, value: 4 },
    { labels: { queue: 'b' }, value: 0 },
  ]);
  const latency = registry.histogram('latency_seconds', 'Latency', [0.001, 0.01, 0.1, 1]);
  for (const v of [0.0005, 0.003, 0.003, 0.05, 0.5, 2, 30]) latency.observe(v, { op: 'read' });
  latency.observe(0.2);
  registry.counter('never_total', 'Never incremented');

  const prefix = 'strata_test_';
  const text = registry.renderPrometheus({ prefix: 'strata.test' });
  const parsed = JSON.parse(
    execFileSync(python, ['-c', PARSE], { input: text, encoding: 'utf8' }),
  ) as ParsedFamily[];

  const snapshots = registry.collect();
  t.equal(parsed.length, snapshots.length, 'one family per metric');
  for (const [i, metric] of snapshots.entries()) {
    const family = parsed[i]!;
    const name = prefix + metric.name;
    // The parser names counter families without their _total suffix.
    t.equal(family.name, metric.type === 'counter' ? name.replace(/_total$/, '') : name);
    t.equal(family.type, metric.type, `${name}: type`);
    t.equal(family.help, metric.help, `${name}: help text survives escaping`);
    const expected: Array<[string, Record<string, string>, number]> = [];
    for (const sample of metric.samples) {
      const labels = Object.fromEntries(
        Object.entries(sample.labels).map(([k, v]) => [k, String(v)]),
      );
      if (metric.type !== 'histogram') {
        expected.push([name, labels, (sample as { value: number }).value]);
        continue;
      }
      const h = sample as { counts: readonly number[]; sum: number; count: number };
      let cumulative = 0;
      metric.buckets.forEach((bound, b) => {
        cumulative += h.counts[b]!;
        expected.push([`${name}_bucket`, { ...labels, le: String(bound) }, cumulative]);
      });
      expected.push([`${name}_bucket`, { ...labels, le: '+Inf' }, h.count]);
      expected.push([`${name}_sum`, labels, h.sum]);
      expected.push([`${name}_count`, labels, h.count]);
    }
    const actual = family.samples.map(([n, l, v]) => [n, l, pythonFloat(v)] as const);
    t.equal(actual.length, expected.length, `${name}: sample count`);
    for (const [j, [n, l, v]] of expected.entries()) {
      const got = actual[j];
      if (!got) break;
      t.equal(got[0], n, `${name}: sample ${j} name`);
      t.same(got[1], l, `${name}: sample ${j} labels`);
      t.ok(Object.is(got[2], v) || got[2] === v, `${name}: sample ${j} value ${got[2]} == ${v}`);
    }
  }
});
