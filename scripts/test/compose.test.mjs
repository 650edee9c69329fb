// Checks docker-compose.yml against the packages it names, and runs each service the way Docker
// would: the image's ENTRYPOINT and CMD read from its Dockerfile, combined with the compose
// `command:` (scripts/docker-model.mjs), started against the package's `pnpm deploy --prod`
// output (what the image holds in /app) with /data in a temp dir, as the image's non-root user,
// and health-checked with the compose health check and the image's own.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { parse } from 'yaml';
import { daemons } from '../daemons.mjs';
import { containerArgv, healthcheckArgv, imageOf, resolveImagePrograms } from '../docker-model.mjs';
import { freePort } from '../net.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'));
/** Who the image's USER becomes here: nobody, when we can switch to it. */
const unprivileged = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;

/** Maps the image's /app and /data onto this machine's directories, in any argument. */
function mapper(dirs) {
  return (text) => text.replace(/(?<![\w.])\/(app|data)(?=\/|$|[\s'"])/g, (_, top) => dirs[top]);
}

/** Runs one health check argv (the container port already rewritten); resolves its exit code. */
function runCheck(argv, user, env) {
  const [program, ...args] = argv;
  const file = program === 'node' ? process.execPath : program;
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 10_000, env, ...user }, (err) => resolve(err ? 1 : 0));
  });
}

function chownTree(path, { uid, gid }) {
  chownSync(path, uid, gid);
  if (statSync(path).isDirectory()) {
    for (const entry of readdirSync(path)) chownTree(join(path, entry), { uid, gid });
  }
}

t.test('compose lists exactly the finished daemons', async (t) => {
  t.same(Object.keys(compose.services).sort(), daemons.map((d) => d.name).sort());
  t.notOk('name' in compose, 'no top-level name: (Debian docker-compose rejects it)');
});

t.test('the model reproduces the crash loop of a CMD-only image', async (t) => {
  const image = imageOf(
    'FROM node:22-slim\nWORKDIR /data\nCMD ["node", "/app/dist/bin.js", "--port", "6379"]\n',
  );
  const argv = containerArgv(image, { command: ['--host', '0.0.0.0'] });
  t.same(argv, ['docker-entrypoint.sh', '--host', '0.0.0.0'], 'command: replaces CMD');
  t.same(
    resolveImagePrograms(image, argv, () => false),
    ['node', '--host', '0.0.0.0'],
  );
  const shell = imageOf('FROM node:22-slim\nENTRYPOINT node /app/x.js\nCMD ["--a"]\n');
  t.same(containerArgv(shell, {}), ['/bin/sh', '-c', 'node /app/x.js', '--a']);
  const exec = imageOf('FROM node:22-slim AS b\nFROM b\nENTRYPOINT ["node", "x.js"]\n');
  t.same(containerArgv(exec, {}), ['node', 'x.js'], 'ENTRYPOINT drops the base image CMD');
  t.same(containerArgv(exec, { command: 'a "b c"' }), ['node', 'x.js', 'a', 'b c']);
});

for (const daemon of daemons) {
  t.test(`service ${daemon.name}`, async (t) => {
    const service = compose.services[daemon.name];
    t.equal(service.build.dockerfile, `packages/${daemon.name}/Dockerfile`);
    t.equal(service.build.context, '.', 'built from the repository root');
    const text = readFileSync(join(root, service.build.dockerfile), 'utf8');
    t.match(text, /pnpm[^\n]*deploy[^\n]*--prod[^\n]*\/app/, 'production deploy of the package');
    const image = imageOf(text);
    t.equal(image.base, 'node:22-slim', 'built on node:22-slim');
    t.not(image.user, 'root', 'runs as a non-root user');

    const manifest = JSON.parse(
      readFileSync(join(root, 'packages', daemon.name, 'package.json'), 'utf8'),
    );
    t.equal(manifest.name, daemon.package);
    t.ok(manifest.bin?.[daemon.bin], `package has bin ${daemon.bin}`);
    t.same(service.ports, [`${daemon.port}:${daemon.port}`], 'publishes the default port');
    t.ok(
      service.volumes.some(
        (v) => v.endsWith(':/data') && compose.volumes && v.split(':')[0] in compose.volumes,
      ),
      'named volume for /data',
    );

    // The container's filesystem: /app is the deploy output, /data the volume with what the
    // image put there, owned by the image's user.
    const dir = mkdtempSync(join(tmpdir(), 'strata-compose-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    chmodSync(dir, 0o755);
    const dirs = { app: join(dir, 'app'), data: join(dir, 'data') };
    execFileSync('pnpm', ['--filter', daemon.package, 'deploy', '--prod', dirs.app], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    mkdirSync(dirs.data);
    const map = mapper(dirs);
    for (const copy of image.copies) {
      for (const from of copy.from) cpSync(join(root, from), map(copy.to), { recursive: true });
    }
    const user = image.user !== 'root' ? unprivileged : undefined;
    if (user) chownTree(dirs.data, user);

    const argv = resolveImagePrograms(image, containerArgv(image, service), (path) =>
      existsSync(map(path)),
    );
    const bin = `/app/${manifest.bin[daemon.bin].replace(/^\.\//, '')}`;
    // A CMD-only image gives `node --host ...` here: "node: bad option: --host", a crash loop.
    if (!t.same(argv.slice(0, 2), ['node', bin], `the container runs ${argv.join(' ')}`)) return;
    const flag = (name) => argv[argv.indexOf(name) + 1];
    t.equal(flag('--host'), '0.0.0.0', 'listens on all interfaces');
    t.equal(Number(flag('--port')), daemon.port, 'on its default port');
    const help = execFileSync(process.execPath, [map(bin), '--help'], {
      encoding: 'utf8',
    });
    t.match(help, new RegExp(`--port[^\\n]*default ${daemon.port}`), '--help: same default');
    for (const arg of argv.slice(2)) {
      if (arg.startsWith('--')) t.match(help, arg, `${arg} is a flag of the daemon`);
    }

    const env = { PATH: process.env.PATH, HOME: dirs.data, ...image.env };
    const checks = [['compose', healthcheckArgv(service.healthcheck.test)]];
    if (image.healthcheck) checks.push(['Dockerfile HEALTHCHECK', image.healthcheck]);
    const containerPort = new RegExp(`\\b${daemon.port}\\b`, 'g');
    const at = (port) => (check) => check.map((arg) => map(arg).replace(containerPort, port));

    // Nothing listens yet: every health check must say unhealthy.
    const idle = String(await freePort());
    for (const [name, check] of checks) {
      t.not(await runCheck(at(idle)(check), user, env), 0, `${name} check fails with no daemon`);
    }

    // Port 0 instead of the container port (tests never take fixed ports); the daemon's log
    // line says which port it got.
    const args = argv.slice(1).map((arg) => (arg === String(daemon.port) ? '0' : map(arg)));
    const child = spawn(process.execPath, args, {
      cwd: map(image.workdir),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...user,
    });
    const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    t.teardown(() => child.kill('SIGKILL'));
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const port = await new Promise((resolve) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        for (const line of out.split('\n')) {
          const m = /"port":(\d+)/.exec(line);
          if (m && m[1] !== '0') resolve(m[1]);
        }
      });
      exited.then(() => resolve(undefined));
    });
    t.ok(port, `the container's process starts listening${port ? '' : `: ${stderr.trim()}`}`);
    if (!port) return;
    for (const [name, check] of checks) {
      t.equal(await runCheck(at(port)(check), user, env), 0, `${name} check passes`);
    }
    child.kill('SIGTERM');
    t.equal(await exited, 0, 'docker stop (SIGTERM) ends it with status 0');
  });
}
