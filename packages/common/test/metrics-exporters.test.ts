import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { request } from 'node:http';
import { connect, createServer } from 'node:net';
import t from 'tap';
import { ErrorCode } from '../src/errors.js';
import { startMetricsEndpoint } from '../src/metrics/endpoint.js';
import { startMetricsExporters } from '../src/metrics/exporters.js';
import { PROMETHEUS_CONTENT_TYPE } from '../src/metrics/prometheus.js';
import { MetricsRegistry } from '../src/metrics/registry.js';
import { requireTool } from '../src/testing.js';

function sampleRegistry() {
  const registry = new MetricsRegistry();
  registry.counter('requests_total', 'Requests served').inc(3, { method: 'GET' });
  registry.gauge('clients', 'Connected clients', () => 2);
  registry.histogram('latency_seconds', 'Latency', [0.1, 1]).observe(0.5);
  return registry;
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function httpRequest(port: number, method: string, path: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Sends raw bytes and collects everything until the server closes. */
async function rawExchange(port: number, input: string, endAfter = false): Promise<string> {
  const socket = connect({ port, host: '127.0.0.1' });
  let output = '';
  socket.on('data', (chunk) => (output += chunk));
  await once(socket, 'connect');
  socket.write(input);
  if (endAfter) socket.end();
  await once(socket, 'close');
  return output;
}

t.test('GET /metrics serves the Prometheus text of the registry', async (t) => {
  const registry = sampleRegistry();
  const exporters = await startMetricsExporters(registry, { metricsPort: 0, prefix: 'strata.kv' });
  t.teardown(() => exporters.close());
  t.ok(exporters.port! > 0);
  const reply = await httpRequest(exporters.port!, 'GET', '/metrics');
  t.equal(reply.status, 200);
  t.equal(reply.headers['content-type'], PROMETHEUS_CONTENT_TYPE);
  t.equal(reply.body, registry.renderPrometheus({ prefix: 'strata.kv' }));
  t.match(reply.body, /^strata_kv_requests_total\{method="GET"\} 3$/m);
  t.match(reply.body, /^strata_kv_clients 2$/m);
  t.match(reply.body, /^strata_kv_latency_seconds_bucket\{le="\+Inf"\} 1$/m);
  t.equal(Number(reply.headers['content-length']), Buffer.byteLength(reply.body));

  registry.counter('requests_total', 'Requests served').inc(1, { method: 'GET' });
  const again = await httpRequest(exporters.port!, 'GET', '/metrics?format=text');
  t.match(again.body, /^strata_kv_requests_total\{method="GET"\} 4$/m, 'values are live');

  const fetched = await fetch(`http://127.0.0.1:${exporters.port}/metrics`);
  t.equal(fetched.status, 200);
  t.equal(await fetched.text(), registry.renderPrometheus({ prefix: 'strata.kv' }));
});

t.test('HEAD, 404, 405, keep-alive and pipelining, HTTP/1.0, bad requests', async (t) => {
  const exporters = await startMetricsExporters(sampleRegistry(), { metricsPort: 0, prefix: 'p' });
  t.teardown(() => exporters.close());
  const port = exporters.port!;

  const head = await httpRequest(port, 'HEAD', '/metrics');
  t.equal(head.status, 200);
  t.equal(head.body, '');
  t.ok(Number(head.headers['content-length']) > 0, 'HEAD announces the GET length');

  t.equal((await httpRequest(port, 'GET', '/')).status, 404);
  t.equal((await httpRequest(port, 'GET', '/metricsx')).status, 404);
  const post = await httpRequest(port, 'POST', '/metrics');
  t.equal(post.status, 405);
  t.equal(post.headers.allow, 'GET, HEAD');

  const pipelined = await rawExchange(
    port,
    'GET /metrics HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\n' +
      'GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
  );
  const statuses = [...pipelined.matchAll(/^HTTP\/1\.1 (\d{3}) /gm)].map((m) => m[1]);
  t.same(statuses, ['200', '404', '200'], 'three pipelined requests, answered in order');
  t.match(pipelined, /Connection: close\r\n/);

  const http10 = await rawExchange(port, 'GET /metrics HTTP/1.0\r\n\r\n');
  t.match(http10, /^HTTP\/1\.1 200 OK\r\n/);
  t.match(http10, /# TYPE p_clients gauge/, 'HTTP/1.0 gets the body, then the connection closes');

  const garbage = await rawExchange(port, 'NOT HTTP AT ALL\r\n\r\n');
  t.match(garbage, /^HTTP\/1\.1 400 /);
  const halfClosed = await rawExchange(port, 'GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n', true);
  t.match(halfClosed, /^HTTP\/1\.1 200 OK\r\n/, 'a client that half-closes still gets its reply');
});

t.test('the endpoint answers 500 when rendering fails, and keeps serving', async (t) => {
  const registry = new MetricsRegistry();
  registry.gauge('ok', 'fine', () => 1);
  const exporters = await startMetricsExporters(registry, { metricsPort: 0, prefix: '' });
  t.teardown(() => exporters.close());
  const broken = registry.gauge('broken', 'throws', () => {
    throw new Error('callback bug');
  });
  const reply = await httpRequest(exporters.port!, 'GET', '/metrics');
  t.equal(reply.status, 200, 'a throwing callback only drops its own metric');
  t.match(reply.body, /^ok 1$/m);
  t.notMatch(reply.body, /broken/);
  t.ok(broken);
});

t.test('no options: nothing listens and close is a no-op', async (t) => {
  const exporters = await startMetricsExporters(new MetricsRegistry(), { prefix: 'x' });
  t.equal(exporters.port, undefined);
  await exporters.close();
});

t.test('close stops the endpoint', async (t) => {
  const exporters = await startMetricsExporters(sampleRegistry(), { metricsPort: 0, prefix: 'x' });
  const port = exporters.port!;
  await exporters.close();
  await t.rejects(httpRequest(port, 'GET', '/metrics'), { code: 'ECONNREFUSED' });
});

t.test('startup errors reject: busy port, bad StatsD address', async (t) => {
  const blocker = createServer().listen(0, '127.0.0.1');
  await once(blocker, 'listening');
  t.teardown(() => blocker.close());
  const port = (blocker.address() as { port: number }).port;
  await t.rejects(
    startMetricsExporters(new MetricsRegistry(), { metricsPort: port, prefix: 'x' }),
    { code: ErrorCode.LISTEN_FAILED },
  );
  await t.rejects(
    startMetricsExporters(new MetricsRegistry(), { statsd: 'no-port', prefix: 'x' }),
    { code: ErrorCode.METRICS },
  );
});

t.test('StatsD and Prometheus together, as a daemon starts them', async (t) => {
  const receiver = createSocket('udp4');
  receiver.bind(0, '127.0.0.1');
  await once(receiver, 'listening');
  t.teardown(() => receiver.close());
  const lines: string[] = [];
  receiver.on('message', (msg) => lines.push(...String(msg).split('\n')));

  const registry = sampleRegistry();
  const exporters = await startMetricsExporters(registry, {
    metricsPort: 0,
    host: '127.0.0.1',
    statsd: `127.0.0.1:${receiver.address().port}`,
    prefix: 'strata.kv',
    intervalMs: 20,
  });
  t.teardown(() => exporters.close());
  registry.histogram('latency_seconds', 'Latency', [0.1, 1]).observe(0.25);
  const start = Date.now();
  while (!lines.includes('strata.kv.latency_seconds:0.25|h') && Date.now() - start < 5000) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  t.ok(lines.includes('strata.kv.requests_total:3|c|#method:GET'), 'counter pushed');
  t.ok(lines.includes('strata.kv.clients:2|g'), 'callback gauge pushed');
  t.ok(lines.includes('strata.kv.latency_seconds:0.25|h'), 'histogram observation pushed');
  t.equal(lines.filter((l) => l.startsWith('strata.kv.requests_total')).length, 1, 'delta once');
  t.equal((await httpRequest(exporters.port!, 'GET', '/metrics')).status, 200);
});

t.test('curl scrapes /metrics, with keep-alive across two URLs', async (t) => {
  const curl = requireTool(t, 'curl');
  if (!curl) return;
  const registry = sampleRegistry();
  const exporters = await startMetricsExporters(registry, { metricsPort: 0, prefix: 'strata.kv' });
  t.teardown(() => exporters.close());
  const url = `http://127.0.0.1:${exporters.port}/metrics`;
  const output = await new Promise<string>((resolve, reject) =>
    execFile(
      curl,
      ['-sS', '-v', '--compressed', url, url],
      { encoding: 'utf8' },
      (err, stdout, stderr) => (err ? reject(err) : resolve(`${stdout}\n${stderr}`)),
    ),
  );
  const body = registry.renderPrometheus({ prefix: 'strata.kv' });
  t.equal(output.split(body).length - 1, 2, 'both transfers return the full text');
  t.match(output, /Re-using existing connection/, 'the second request reuses the connection');
  t.match(output, /< Content-Type: text\/plain; version=0\.0\.4; charset=utf-8/);
});

t.test('endpoint limits: slow requests, too many clients, idle clients', async (t) => {
  const server = await startMetricsEndpoint({
    port: 0,
    host: '127.0.0.1',
    render: () => 'up 1\n',
    limits: { requestTimeoutMs: 200, maxConnections: 2, idleTimeoutMs: 1000 },
  });
  t.teardown(() => server.close({ graceMs: 0 }));
  const open = (port: number) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let output = '';
    socket.on('data', (chunk) => (output += chunk));
    socket.on('error', () => {});
    t.teardown(() => socket.destroy());
    return { socket, output: () => output, closed: once(socket, 'close') };
  };

  const drip = open(server.port);
  await once(drip.socket, 'connect');
  drip.socket.write('GET /metr');
  await new Promise((resolve) => setTimeout(resolve, 300));
  drip.socket.write('ics HTTP/1.1\r\n');
  await drip.closed;
  t.match(drip.output(), /^HTTP\/1\.1 408 /, 'a request dripping past its deadline gets 408');

  const idle = open(server.port);
  const second = open(server.port);
  await Promise.all([once(idle.socket, 'connect'), once(second.socket, 'connect')]);
  while (server.connections.size < 2) await new Promise((resolve) => setTimeout(resolve, 5));
  const third = open(server.port);
  await third.closed;
  t.match(third.output(), /^HTTP\/1\.1 503 /, 'beyond maxConnections: 503');
  second.socket.write('GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n');
  await idle.closed;
  t.equal(idle.output(), '', 'an idle connection is closed silently');
  t.match(second.output(), /up 1\n$/, 'the other client was served');
});
