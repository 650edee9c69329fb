// Checks docker-compose.yml against the packages it names: every finished daemon has a service,
// built from its own Dockerfile, listening on its default port on 0.0.0.0 with a data volume, and
// a health check that really speaks the daemon's protocol (run here against the built daemon).
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { parse } from 'yaml';
import { daemons } from '../daemons.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'));

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function runHealthCheck(test, port, defaultPort) {
  const [kind, command, ...args] = test;
  const rewritten = args.map((arg) => arg.replaceAll(String(defaultPort), String(port)));
  return new Promise((resolve) => {
    execFile(command, rewritten, { timeout: 5000 }, (err) => resolve(err ? 1 : 0));
  }).then((code) => ({ kind, code }));
}

t.test('compose lists exactly the finished daemons', async (t) => {
  t.same(Object.keys(compose.services).sort(), daemons.map((d) => d.name).sort());
  t.notOk('name' in compose, 'no top-level name: (Debian docker-compose rejects it)');
});

for (const daemon of daemons) {
  t.test(`service ${daemon.name}`, async (t) => {
    const service = compose.services[daemon.name];
    const dockerfile = join(root, service.build.dockerfile);
    t.equal(service.build.dockerfile, `packages/${daemon.name}/Dockerfile`);
    t.ok(existsSync(dockerfile), 'Dockerfile exists');
    const text = existsSync(dockerfile) ? readFileSync(dockerfile, 'utf8') : '';
    t.match(text, /FROM node:22-slim/, 'built on node:22-slim');
    t.match(text, /pnpm[^\n]*deploy[^\n]*--prod/, 'production deploy of the package');
    t.match(text, /^USER (?!root)\S+/m, 'runs as a non-root user');

    const manifest = JSON.parse(
      readFileSync(join(root, 'packages', daemon.name, 'package.json'), 'utf8'),
    );
    t.equal(manifest.name, daemon.package);
    t.ok(manifest.bin?.[daemon.bin], `package has bin ${daemon.bin}`);

    t.same(service.ports, [`${daemon.port}:${daemon.port}`], 'publishes the default port');
    const command = service.command;
    t.equal(command[command.indexOf('--host') + 1], '0.0.0.0', 'listens on all interfaces');
    t.equal(Number(command[command.indexOf('--port') + 1]), daemon.port, 'on its default port');
    t.ok(
      service.volumes.some(
        (v) => v.endsWith(':/data') && compose.volumes && v.split(':')[0] in compose.volumes,
      ),
      'named volume for /data',
    );

    const bin = join(root, 'packages', daemon.name, 'dist', 'bin.js');
    const help = execFileSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    t.match(
      help,
      new RegExp(`--port[^\\n]*default ${daemon.port}`),
      '--help shows the same default port',
    );
    for (let i = 0; i < command.length; i++) {
      if (command[i].startsWith('--'))
        t.match(help, command[i], `${command[i]} is a flag of the daemon`);
    }

    // The health check fails while nothing listens, and passes once the daemon serves.
    const port = await freePort();
    const before = await runHealthCheck(service.healthcheck.test, port, daemon.port);
    t.equal(before.kind, 'CMD');
    t.not(before.code, 0, 'health check fails with no daemon');
    const dir = mkdtempSync(join(tmpdir(), 'strata-compose-'));
    writeFileSync(join(dir, 'index.html'), 'ok\n');
    const args = command.map((arg) => (arg === '/data' || arg === '/data/public' ? dir : arg));
    args[args.indexOf('--port') + 1] = String(port);
    args[args.indexOf('--host') + 1] = '127.0.0.1';
    const child = spawn(process.execPath, [bin, ...args], { stdio: 'ignore' });
    t.teardown(() => {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    });
    let after = { code: 1 };
    for (let attempt = 0; attempt < 50 && after.code !== 0; attempt++) {
      await new Promise((r) => setTimeout(r, 100));
      after = await runHealthCheck(service.healthcheck.test, port, daemon.port);
    }
    t.equal(after.code, 0, 'health check passes against the running daemon');
  });
}
