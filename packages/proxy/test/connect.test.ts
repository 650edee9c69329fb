/**
 * CONNECT tunnels: curl -x to a local TLS origin (certificate made by openssl in the test),
 * half-close both ways, large transfers with a slow reader, --connect-ports, filters by host.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { type Socket, connect, createServer } from 'node:net';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:https';
import { promisify } from 'node:util';
import { requireTool, tempDir } from '@strata/common/testing';
import t from 'tap';
import { startProxy } from './helpers.js';

const run = promisify(execFile);

/** A self-signed certificate for 127.0.0.1 and localhost. */
async function makeCertificate(t: Parameters<typeof tempDir>[0], openssl: string) {
  const dir = tempDir(t, 'proxy-tls-');
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  await run(openssl, [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '1',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ]);
  return { key: readFileSync(key), cert: readFileSync(cert), certPath: cert };
}

/** Opens a tunnel through the proxy; resolves with the socket once 200 arrived. */
function openTunnel(
  proxyPort: number,
  authority: string,
): Promise<{ socket: Socket; reply: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(proxyPort, '127.0.0.1');
    socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`);
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      const rest = head.slice(end + 4);
      if (rest !== '') socket.unshift(Buffer.from(rest, 'latin1'));
      resolve({ socket, reply: head.slice(0, end) });
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

t.test('curl -x https:// through CONNECT to a local TLS origin', async (t) => {
  const curl = requireTool(t, 'curl');
  const openssl = requireTool(t, 'openssl');
  if (!curl || !openssl) return;
  const { key, cert, certPath } = await makeCertificate(t, openssl);
  const tls = createTlsServer({ key, cert }, (_req, res) => res.end('secret over tls'));
  await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
  t.teardown(
    () =>
      new Promise<void>((r) => {
        tls.closeAllConnections();
        tls.close(() => r());
      }),
  );
  const tlsPort = (tls.address() as { port: number }).port;
  const proxy = await startProxy(t, ['--allow-private', '--connect-ports', `443,${tlsPort}`]);
  const ok = await run(curl, [
    '-s',
    '--cacert',
    certPath,
    '-x',
    `http://127.0.0.1:${proxy.port}`,
    `https://127.0.0.1:${tlsPort}/`,
  ]);
  t.equal(ok.stdout, 'secret over tls');
  t.equal(proxy.context.stats.tunnels, 1);
  const refused = await startProxy(t, ['--allow-private']);
  const denied = await run(curl, [
    '-s',
    '-o',
    '/dev/null',
    '-w',
    '%{http_connect}',
    '--cacert',
    certPath,
    '-x',
    `http://127.0.0.1:${refused.port}`,
    `https://127.0.0.1:${tlsPort}/`,
  ]).catch((err: { stdout: string }) => err);
  t.equal(denied.stdout, '403', 'a port outside --connect-ports');
});

t.test('tunnels pass half-closes on and carry large transfers both ways', async (t) => {
  const received: Buffer[] = [];
  const target = createServer({ allowHalfOpen: true }, (socket) => {
    socket.on('data', (d: Buffer) => received.push(d));
    socket.on('end', () => {
      // The client finished sending: answer with as many bytes, upper-cased marker first.
      const total = received.reduce((n, b) => n + b.length, 0);
      socket.write(`GOT ${total}\n`);
      socket.end(Buffer.alloc(8 * 1024 * 1024, 0x61));
    });
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => target.close(() => r())));
  const port = (target.address() as { port: number }).port;
  const proxy = await startProxy(t, ['--allow-private', '--connect-ports', '1-65535']);
  const { socket, reply } = await openTunnel(proxy.port, `127.0.0.1:${port}`);
  t.match(reply, /^HTTP\/1\.1 200 /);
  const upload = Buffer.alloc(8 * 1024 * 1024, 0x62);
  socket.write(upload);
  socket.end(); // half-close: the target sees the end and still answers
  socket.pause(); // a slow reader: the proxy must hold the target back, not buffer it all
  const chunks: Buffer[] = [];
  const ended = new Promise<void>((r) => socket.on('end', () => r()));
  socket.on('data', (d: Buffer) => chunks.push(d));
  await new Promise((r) => setImmediate(r));
  socket.resume();
  await ended;
  const data = Buffer.concat(chunks);
  t.equal(data.subarray(0, data.indexOf('\n') + 1).toString(), `GOT ${upload.length}\n`);
  t.equal(data.length - data.indexOf('\n') - 1, 8 * 1024 * 1024, 'every byte came back');
  socket.destroy();
});

t.test('CONNECT refusals: bad target, filtered host, private address, unreachable', async (t) => {
  let contacted = 0;
  const target = createServer((s) => {
    contacted++;
    s.destroy();
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => target.close(() => r())));
  const port = (target.address() as { port: number }).port;
  const filtered = await startProxy(t, [
    '--allow-private',
    '--connect-ports',
    '1-65535',
    '--deny',
    'domain:blocked.test',
    '--deny',
    'glob:127.0.0.*',
  ]);
  const status = async (proxyPort: number, authority: string) => {
    const { socket, reply } = await openTunnel(proxyPort, authority);
    socket.destroy();
    return reply;
  };
  t.match(await status(filtered.port, 'www.blocked.test:443'), /^HTTP\/1\.1 403 /);
  t.match(await status(filtered.port, `127.0.0.1:${port}`), /^HTTP\/1\.1 403 /);
  t.match(await status(filtered.port, 'no-port-here'), /^HTTP\/1\.1 400 /);
  const guarded = await startProxy(t, ['--connect-ports', '1-65535']);
  t.match(await status(guarded.port, `127.0.0.1:${port}`), /^HTTP\/1\.1 403 /, 'private address');
  t.match(await status(guarded.port, `localhost:${port}`), /^HTTP\/1\.1 403 /, 'a name for one');
  t.equal(contacted, 0, 'no refused CONNECT reached its target');
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const deadPort = (closed.address() as { port: number }).port;
  await new Promise<void>((r) => closed.close(() => r()));
  const open = await startProxy(t, ['--allow-private', '--connect-ports', '1-65535']);
  t.match(await status(open.port, `127.0.0.1:${deadPort}`), /^HTTP\/1\.1 502 /, 'refused: 502');
});
