import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, parseCli } from '@strata/common';
import { tempDir } from '@strata/common/testing';
import { CLI_INFO, HTTPD_OPTIONS, type HttpdConfig } from '../src/options.js';
import { Httpd } from '../src/server.js';

export const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../dist/bin.js');

interface TestLike {
  teardown(fn: () => void | Promise<void>): void;
}

/**
 * tap's Test as common's testing helpers type it. Their `skip`/`fail` are declared as
 * (message) => void, which tap's overloaded methods do not satisfy under tsc, so it is cast.
 */
export type CommonTestLike = Parameters<typeof tempDir>[0];

/** A document root with the given files (path -> content), created for this test. */
export function makeRoot(t: TestLike, files: Record<string, string | Buffer>): string {
  const root = tempDir(t as CommonTestLike, 'httpd-root-');
  for (const [path, content] of Object.entries(files)) {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  return root;
}

export function configFor(args: string[]): HttpdConfig {
  const result = parseCli(HTTPD_OPTIONS, CLI_INFO, ['--port', '0', '--workers', '0', ...args], {});
  if (result.kind !== 'run') throw new Error(result.output);
  return result.config;
}

/** An in-process server on a free port, closed when the test ends. */
export async function startHttpd(t: TestLike, root: string, args: string[] = []): Promise<Httpd> {
  const httpd = new Httpd(configFor(['--root', root, ...args]), createLogger({ name: 'test' }));
  await httpd.listen();
  t.teardown(() => httpd.close(500));
  return httpd;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** The status line and fields as received. */
  head: string;
}

/**
 * Parses every complete response in `data`, given the methods of the requests (HEAD responses
 * and 1xx/204/304 have no body). Bodies are framed by Content-Length only, as our server sends.
 */
export function parseResponses(data: Buffer, methods: string[] = []): RawResponse[] {
  const responses: RawResponse[] = [];
  let pos = 0;
  while (pos < data.length) {
    const end = data.indexOf('\r\n\r\n', pos);
    if (end < 0) break;
    const head = data.toString('latin1', pos, end);
    const [statusLine, ...lines] = head.split('\r\n');
    const status = Number(statusLine!.split(' ')[1]);
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    pos = end + 4;
    const informational = status >= 100 && status < 200;
    const method = informational
      ? undefined
      : methods[responses.filter((r) => r.status >= 200).length];
    const bodyless = informational || status === 204 || status === 304 || method === 'HEAD';
    const length = bodyless ? 0 : Number(headers['content-length'] ?? 0);
    if (pos + length > data.length) break;
    responses.push({ status, headers, body: data.subarray(pos, pos + length), head });
    pos += length;
  }
  return responses;
}

export interface Exchange {
  data: Buffer;
  /** The server closed the connection. */
  closed: boolean;
  responses: RawResponse[];
}

/**
 * Writes `input` on a raw socket (a string, or pieces written `gapMs` apart) and collects what
 * comes back until the server closes, `expect` responses arrived, or `timeoutMs` passed.
 */
export function exchange(
  target: number | string,
  input: string | Buffer | Array<string | Buffer>,
  options: { expect?: number; timeoutMs?: number; gapMs?: number; methods?: string[] } = {},
): Promise<Exchange> {
  return new Promise((resolvePromise, reject) => {
    const socket = typeof target === 'number' ? connect(target, '127.0.0.1') : connect(target);
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (closed: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const data = Buffer.concat(chunks);
      resolvePromise({ data, closed, responses: parseResponses(data, options.methods) });
    };
    const timer = setTimeout(() => finish(false), options.timeoutMs ?? 3000);
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      if (options.expect !== undefined) {
        const got = parseResponses(Buffer.concat(chunks), options.methods).filter(
          (r) => r.status >= 200,
        );
        if (got.length >= options.expect) finish(false);
      }
    });
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', (err) => {
      if (chunks.length > 0) finish(true);
      else if (!settled) {
        settled = true;
        clearTimeout(timer);
        reject(err);
      }
    });
    const pieces = Array.isArray(input) ? input : [input];
    const gap = options.gapMs ?? 0;
    socket.on('connect', async () => {
      for (const [k, piece] of pieces.entries()) {
        if (k > 0 && gap > 0) await new Promise((r) => setTimeout(r, gap));
        if (socket.destroyed) return;
        socket.write(piece);
      }
    });
  });
}

/** `GET path` with a Host, as a raw request string. */
export function get(path: string, fields: Record<string, string> = {}, method = 'GET'): string {
  const lines = Object.entries({ Host: 'localhost', ...fields }).map(([k, v]) => `${k}: ${v}\r\n`);
  return `${method} ${path} HTTP/1.1\r\n${lines.join('')}\r\n`;
}

/** One request on its own connection; resolves with the single response. */
export async function request(
  port: number,
  path: string,
  fields: Record<string, string> = {},
  method = 'GET',
): Promise<RawResponse> {
  const result = await exchange(port, get(path, fields, method), { expect: 1, methods: [method] });
  const response = result.responses.find((r) => r.status >= 200);
  if (!response)
    throw new Error(`no response to ${method} ${path}: ${JSON.stringify(result.data.toString())}`);
  return response;
}

export interface Daemon {
  child: ChildProcess;
  port: number;
  /** Log lines (JSON) printed so far. */
  logs: string[];
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** The first log line matching `pattern`; rejects if none comes in time or the daemon exits. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** The first `count` log lines matching `pattern`, on the same terms. */
  waitForLogs(pattern: RegExp, count: number, timeoutMs?: number): Promise<string[]>;
}

/**
 * How long a test waits for a log line. Generous: CI runs on two cores shared with other
 * suites, and a wait that ends on the line itself costs nothing when the machine is idle.
 */
const LOG_WAIT_MS = 60_000;

/** The built strata-httpd as a child process, stopped (SIGKILL) when the test ends. */
export async function spawnHttpd(t: TestLike, args: string[]): Promise<Daemon> {
  const child = spawn(process.execPath, [BIN, '--port', '0', '--log-level', 'info', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TAP: '0', NODE_ENV: 'production' },
  });
  const logs: string[] = [];
  const waiters: Array<() => void> = [];
  let buffered = '';
  const onText = (text: string) => {
    buffered += text;
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    logs.push(...lines);
    for (const wake of waiters.splice(0)) wake();
  };
  child.stdout!.setEncoding('utf8').on('data', onText);
  child.stderr!.setEncoding('utf8').on('data', onText);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let exitedCode: number | null | undefined;
  void exited.then((code) => {
    exitedCode = code;
    for (const wake of waiters.splice(0)) wake();
  });
  const waitForLogs = (pattern: RegExp, count: number, timeoutMs = LOG_WAIT_MS) =>
    new Promise<string[]>((resolveLogs, reject) => {
      const fail = (why: string) =>
        reject(
          new Error(`${why}: ${count} log lines matching ${pattern}; got:\n${logs.join('\n')}`),
        );
      const deadline = setTimeout(() => fail(`waited ${timeoutMs} ms for`), timeoutMs);
      const check = () => {
        const lines = logs.filter((l) => pattern.test(l));
        if (lines.length >= count) {
          clearTimeout(deadline);
          resolveLogs(lines.slice(0, count));
        } else if (exitedCode !== undefined) {
          clearTimeout(deadline);
          fail(`the daemon exited (${exitedCode}) before`);
        } else waiters.push(check);
      };
      check();
    });
  const waitForLog = async (pattern: RegExp, timeoutMs = LOG_WAIT_MS) =>
    (await waitForLogs(pattern, 1, timeoutMs))[0]!;
  const line = await waitForLog(/listening/);
  const port = (JSON.parse(line) as { port: number }).port;
  return { child, port, logs, exited, waitForLog, waitForLogs };
}
