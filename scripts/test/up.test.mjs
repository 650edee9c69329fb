// `npm run up` (scripts/up.mjs) on an installed, built checkout: a taken port is named with the
// variable that moves it and nothing starts; otherwise each daemon is announced only once it
// answers its protocol, and Ctrl+C stops them all.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { daemons } from '../daemons.mjs';
import { freePort, probe } from '../net.mjs';

const up = join(dirname(fileURLToPath(import.meta.url)), '..', 'up.mjs');

function startUp(t, ports) {
  const env = { ...process.env };
  for (const [name, port] of Object.entries(ports)) {
    env[`STRATA_${name.toUpperCase()}_PORT`] = String(port);
  }
  const child = spawn(process.execPath, [up], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => child.kill('SIGKILL'));
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (d) => {
    output.stdout += d;
    child.emit('output');
  });
  child.stderr.on('data', (d) => {
    output.stderr += d;
  });
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output, exited };
}

t.test('a taken port: named with its variable, nothing started', async (t) => {
  const holder = createServer();
  await new Promise((resolve) => holder.listen(0, '127.0.0.1', resolve));
  t.teardown(() => holder.close());
  const taken = holder.address().port;
  const ports = { kvstore: taken, httpd: await freePort() };
  const { output, exited } = startUp(t, ports);
  t.equal(await exited, 1);
  t.equal(
    output.stderr,
    `strata-kvstore: port ${taken} on 127.0.0.1 is already in use (stop what listens there, ` +
      `or choose another port: STRATA_KVSTORE_PORT=${taken + 1} npm run up)\n`,
  );
  t.equal(output.stdout, '', 'no daemon is announced');
  await t.rejects(
    probe(ports.httpd, 'GET / HTTP/1.0\r\n\r\n', Date.now()),
    'httpd was not started',
  );
});

t.test('each daemon is announced once it answers, and Ctrl+C stops them', async (t) => {
  const ports = {};
  for (const daemon of daemons) ports[daemon.name] = await freePort();
  const { child, output, exited } = startUp(t, ports);
  for (const daemon of daemons) {
    const line = `${daemon.bin.padEnd(16)} listening on 127.0.0.1:${ports[daemon.name]}`;
    await new Promise((resolve, reject) => {
      const check = () => output.stdout.includes(line) && resolve();
      child.on('output', check);
      exited.then(() => reject(new Error(`up exited: ${output.stderr}`)));
      check();
    });
    // Announced means serving: the probe answers at once, no retry needed.
    const reply = await probe(ports[daemon.name], daemon.probe.send, 0);
    t.ok(reply.startsWith(daemon.probe.expect), `${daemon.bin} answers when announced`);
  }
  child.kill('SIGINT');
  t.equal(await exited, 0, 'Ctrl+C stops every daemon and up exits 0');
  for (const daemon of daemons) {
    await t.rejects(probe(ports[daemon.name], daemon.probe.send, 0), `${daemon.bin} stopped`);
  }
});
