/**
 * Differential test against Squid (Debian's squid, started here with its own configuration and
 * temp directories on a random port): a generated set of origin responses, each requested
 * twice through both proxies; whether the second request reached the origin (the hit/miss
 * decision) must be the same. Squid's heuristic is set to ours (10% of the Last-Modified age,
 * capped at a day) with `refresh_pattern . 0 10% 1440`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import type { OutgoingHttpHeaders } from 'node:http';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { requireTool, tempDir } from '@strata/common/testing';
import t from 'tap';
import { fetchVia, startOrigin, startProxy } from './helpers.js';

const ago = (seconds: number) => new Date(Date.now() - seconds * 1000).toUTCString();

const CACHE_CONTROL = [
  undefined,
  'max-age=600',
  'max-age=0',
  's-maxage=600',
  's-maxage=0, max-age=600',
  'no-store',
  'private, max-age=600',
  'public, max-age=600',
  'no-cache',
  'max-age=600, must-revalidate',
];
const VALIDATORS: Array<Record<string, string>> = [
  {},
  { etag: '"e1"' },
  { 'last-modified': ago(10 * 86_400) },
];
const STATUS = [200, 404, 301];
const EXPIRES: Array<Record<string, string>> = [
  {},
  { expires: new Date(Date.now() + 600_000).toUTCString() },
];

interface Case {
  name: string;
  status: number;
  headers: OutgoingHttpHeaders;
}

function generateCases(): Case[] {
  const cases: Case[] = [];
  for (const cc of CACHE_CONTROL) {
    for (const validators of VALIDATORS) {
      for (const status of STATUS) {
        for (const expires of EXPIRES) {
          const headers: OutgoingHttpHeaders = {
            ...validators,
            ...expires,
            date: new Date().toUTCString(),
          };
          if (cc !== undefined) headers['cache-control'] = cc;
          if (status === 301) headers.location = '/elsewhere';
          cases.push({ name: `${status} ${JSON.stringify(headers)}`, status, headers });
        }
      }
    }
  }
  return cases;
}

function waitForPort(port: number, child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null) {
        reject(new Error(`squid exited with ${child.exitCode}`));
        return;
      }
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => setTimeout(attempt, 100));
    };
    attempt();
  });
}

async function startSquid(t: Parameters<typeof tempDir>[0], squid: string): Promise<number> {
  const dir = tempDir(t, 'proxy-squid-');
  chmodSync(dir, 0o777); // squid drops root for its effective user
  const port = await freePort();
  const conf = join(dir, 'squid.conf');
  writeFileSync(
    conf,
    [
      `http_port 127.0.0.1:${port}`,
      'visible_hostname squid-diff',
      `pid_filename ${dir}/squid.pid`,
      `access_log stdio:${dir}/access.log`,
      `cache_log ${dir}/cache.log`,
      'cache_store_log none',
      `coredump_dir ${dir}`,
      'cache_mem 16 MB',
      'http_access allow all',
      'shutdown_lifetime 0 seconds',
      'refresh_pattern . 0 10% 1440',
      'max_filedescriptors 1024',
      '',
    ].join('\n'),
  );
  const child = spawn(squid, ['-N', '-f', conf], { stdio: 'ignore' });
  t.teardown(() => {
    child.kill('SIGKILL');
  });
  await waitForPort(port, child);
  return port;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

t.test('hit/miss decisions match Squid for generated origin responses', async (t) => {
  const squid = requireTool(t, 'squid');
  if (!squid) return;
  const cases = generateCases();
  const origin = await startOrigin(t, (req, res) => {
    const index = Number(/\/case(\d+)/.exec(req.url!)![1]);
    const { status, headers } = cases[index]!;
    const etag = headers.etag;
    if (etag !== undefined && req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    if (
      headers['last-modified'] !== undefined &&
      req.headers['if-modified-since'] === headers['last-modified']
    ) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    res.writeHead(status, headers);
    res.end(`case ${index}`);
  });
  const squidPort = await startSquid(t, squid);
  const proxy = await startProxy(t, ['--allow-private', '--heuristic-max', '24h']);
  const reached = async (port: number, who: string, index: number) => {
    const path = `/${who}/case${index}`;
    await fetchVia(port, 'GET', origin.url(path));
    await fetchVia(port, 'GET', origin.url(path));
    return origin.hits.get(path) === 2;
  };
  const differences: string[] = [];
  let notFoundReused = 0;
  for (let index = 0; index < cases.length; index++) {
    const bySquid = await reached(squidPort, 'squid', index);
    const byStrata = await reached(proxy.port, 'strata', index);
    if (bySquid === byStrata) continue;
    // The one deliberate difference: Squid 5.7 never reuses a 404 (negative caching is off
    // by default, negative_ttl 0), where RFC 9111 lets a shared cache store one with explicit
    // freshness and RFC 9110 §15.1 makes 404 heuristically cacheable.
    if (cases[index]!.status === 404 && bySquid && !byStrata) {
      notFoundReused++;
      continue;
    }
    differences.push(
      `${cases[index]!.name}: squid ${bySquid ? 'MISS' : 'HIT'}, strata ${byStrata ? 'MISS' : 'HIT'}`,
    );
  }
  t.same(differences, [], `${cases.length} generated responses decide alike`);
  t.ok(notFoundReused > 0, `404s reused where Squid does not: ${notFoundReused}`);
});
