import { once } from 'node:events';
import { connect } from 'node:net';
import t from 'tap';
import { MetricsRegistry } from '../src/metrics/registry.js';
import { registerProcessMetrics, registerServerMetrics } from '../src/metrics/standard.js';
import { StrataServer } from '../src/net/server.js';

function value(text: string, line: string): number {
  const match = new RegExp(`^${line.replace(/[{}"+.]/g, '\\$&')} (\\S+)$`, 'm').exec(text);
  if (!match) throw new Error(`no sample ${line} in\n${text}`);
  return Number(match[1]);
}

t.test('server metrics follow the server loop', async (t) => {
  const server = new StrataServer({
    port: 0,
    maxConnections: 1,
    onConnection: (conn) => ({ data: (chunk) => conn.write(chunk) }),
  });
  await server.listen();
  t.teardown(() => server.close({ graceMs: 0 }));
  const registry = new MetricsRegistry();
  registerServerMetrics(registry, server);
  t.equal(value(registry.renderPrometheus(), 'connected_clients'), 0);

  const first = connect({ port: server.port });
  await once(first, 'connect');
  t.teardown(() => first.destroy());
  const second = connect({ port: server.port });
  second.on('error', () => {});
  await once(second, 'close');
  while (server.connections.size === 0) await new Promise((r) => setTimeout(r, 5));
  const text = registry.renderPrometheus();
  t.equal(value(text, 'connected_clients'), 1);
  t.equal(value(text, 'connections_accepted_total'), 1);
  t.equal(value(text, 'connections_rejected_total'), 1);
  t.equal(value(text, 'connections_timed_out_total'), 0);
  t.equal(value(text, 'connections_dropped_output_total'), 0);
  t.equal(value(text, 'output_pending_bytes'), 0);
  t.match(text, /# TYPE connections_accepted_total counter/);
});

t.test('process metrics', async (t) => {
  const registry = new MetricsRegistry();
  const stop = registerProcessMetrics(registry);
  t.teardown(stop);
  const text = registry.renderPrometheus({ prefix: 'strata_test' });
  t.ok(value(text, 'strata_test_process_cpu_seconds_total') > 0);
  t.ok(value(text, 'strata_test_process_resident_memory_bytes') > 1e6);
  const start = value(text, 'strata_test_process_start_time_seconds');
  t.ok(start <= Date.now() / 1000 && start > Date.now() / 1000 - 3600);
  t.ok(value(text, 'strata_test_process_open_fds') > 2);
  t.ok(value(text, 'strata_test_nodejs_heap_used_bytes') > 0);
  t.ok(value(text, 'strata_test_nodejs_eventloop_delay_seconds{quantile="0.99"}') >= 0);
  t.match(text, /# TYPE strata_test_nodejs_eventloop_delay_seconds gauge/);
});
