import { type ChildProcess, spawn } from 'node:child_process';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { type Socket, connect } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, parseCli } from '@strata/common';
import { type ResponseHead, ResponseParser } from '@strata/common/http';
import { CLI_INFO, PROXY_OPTIONS, type ProxyConfig } from '../src/cli.js';
import { ProxyServer } from '../src/server.js';

export const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../dist/bin.js');

export interface TestLike {
  teardown(fn: () => void | Promise<void>): void;
}

export function configFor(args: string[]): ProxyConfig {
  const result = parseCli(PROXY_OPTIONS, CLI_INFO, ['--port', '0', '--workers', '0', ...args], {});
  if (result.kind !== 'run') throw new Error(result.output);
  return result.config;
}

/** An in-process proxy on a free port, closed when the test ends. */
export async function startProxy(t: TestLike, args: string[] = []): Promise<ProxyServer> {
  const proxy = new ProxyServer(configFor(args), createLogger({ name: 'test' }));
  await proxy.listen();
  t.teardown(() => proxy.close(200));
  return proxy;
}

export type OriginHandler = (req: IncomingMessage, res: ServerResponse, hit: number) => void;

export interface Origin {
  port: number;
  /** `127.0.0.1:port` */
  authority: string;
  /** Requests received, per path (with query). */
  hits: Map<string, number>;
  /** Every request received, in order. */
  requests: IncomingMessage[];
  /** Sockets open now, and ever. */
  openSockets: () => number;
  acceptedSockets: () => number;
  /** Resolves when the origin has seen this many requests. */
  waitForRequests(count: number): Promise<void>;
  /** Resolves when the number of open sockets drops to `count`. */
  waitForOpenSockets(count: number): Promise<void>;
  url(path: string): string;
}

/**
 * A node:http origin the test controls, counting requests per path and sockets. node:http
 * here is the reference implementation the proxy must interoperate with, not code under test.
 */
export async function startOrigin(t: TestLike, handler: OriginHandler): Promise<Origin> {
  const hits = new Map<string, number>();
  const requests: IncomingMessage[] = [];
  const sockets = new Set<Socket>();
  let accepted = 0;
  const waiters: Array<() => void> = [];
  const wake = () => {
    for (const w of waiters.splice(0)) w();
  };
  const server = createServer((req, res) => {
    const n = (hits.get(req.url!) ?? 0) + 1;
    hits.set(req.url!, n);
    requests.push(req);
    wake();
    handler(req, res, n);
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', (socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      wake();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  t.teardown(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  const until = (check: () => boolean) =>
    new Promise<void>((r) => {
      const test = () => (check() ? r() : waiters.push(test));
      test();
    });
  return {
    port,
    authority: `127.0.0.1:${port}`,
    hits,
    requests,
    openSockets: () => sockets.size,
    acceptedSockets: () => accepted,
    waitForRequests: (count) => until(() => requests.length >= count),
    waitForOpenSockets: (count) => until(() => sockets.size <= count),
    url: (path) => `http://127.0.0.1:${port}${path}`,
  };
}

export interface Response {
  status: number;
  head: ResponseHead;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * A client connection to the proxy that parses what comes back with common's strict response
 * parser, so every test also checks the proxy's framing.
 */
export class RawClient {
  readonly socket: Socket;
  private readonly parser: ResponseParser;
  private readonly done: Response[] = [];
  private current: Response | undefined;
  private bodyParts: Buffer[] = [];
  private waiters: Array<() => void> = [];
  closed = false;
  error: Error | undefined;
  readonly connected: Promise<void>;

  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    this.connected = new Promise((r) => this.socket.once('connect', () => r()));
    this.parser = new ResponseParser({
      onHead: (head) => {
        this.current = { status: head.status, head, headers: head.headers, body: Buffer.alloc(0) };
        this.bodyParts = [];
      },
      onBody: (data) => this.bodyParts.push(Buffer.from(data)),
      onComplete: () => {
        const response = this.current!;
        response.body = Buffer.concat(this.bodyParts);
        if (!response.head.interim) this.done.push(response);
        this.wake();
      },
      onError: (err) => {
        this.error = err;
        this.wake();
      },
    });
    this.socket.on('data', (chunk) => this.parser.execute(chunk));
    this.socket.on('end', () => {
      this.parser.finish();
      this.closed = true;
      this.wake();
    });
    this.socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    this.socket.on('error', (err) => {
      this.error = err;
    });
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Sends raw bytes; `methods` tells the parser which responses have no body (HEAD). */
  send(data: string | Buffer, methods: string[] = ['GET']): void {
    for (const method of methods) this.parser.expect(method);
    this.socket.write(data);
  }

  /** The next complete response; rejects if the connection closes first. */
  next(): Promise<Response> {
    return new Promise((resolvePromise, reject) => {
      const check = () => {
        const response = this.done.shift();
        if (response) resolvePromise(response);
        else if (this.error) reject(this.error);
        else if (this.closed) reject(new Error('connection closed before a response'));
        else this.waiters.push(check);
      };
      check();
    });
  }

  /** Resolves when the proxy has closed the connection. */
  waitClosed(): Promise<void> {
    return new Promise((r) => {
      const check = () => (this.closed ? r() : this.waiters.push(check));
      check();
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A raw request: `GET url HTTP/1.1` with fields (Host from the URL unless given). */
export function rawRequest(
  method: string,
  target: string,
  fields: Record<string, string> = {},
  body?: string,
): string {
  const host = /^https?:\/\/([^/]+)/.exec(target)?.[1] ?? 'localhost';
  const all: Record<string, string> = { Host: host, ...fields };
  if (body !== undefined && all['Content-Length'] === undefined) {
    all['Content-Length'] = String(Buffer.byteLength(body));
  }
  const lines = Object.entries(all).map(([k, v]) => `${k}: ${v}\r\n`);
  return `${method} ${target} HTTP/1.1\r\n${lines.join('')}\r\n${body ?? ''}`;
}

/** One request on its own connection through the proxy. */
export async function fetchVia(
  proxyPort: number,
  method: string,
  target: string,
  fields: Record<string, string> = {},
  body?: string,
): Promise<Response> {
  const client = new RawClient(proxyPort);
  try {
    client.send(rawRequest(method, target, fields, body), [method]);
    return await client.next();
  } finally {
    client.close();
  }
}

export interface Daemon {
  child: ChildProcess;
  port: number;
  logs: string[];
  exited: Promise<number | null>;
  waitForLog(pattern: RegExp): Promise<string>;
}

/** The built strata-proxy as a child process, killed when the test ends. */
export async function spawnProxy(t: TestLike, args: string[]): Promise<Daemon> {
  const child = spawn(process.execPath, [BIN, '--port', '0', '--log-level', 'info', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TAP: '0', NODE_ENV: 'production' },
  });
  const logs: string[] = [];
  const waiters: Array<() => void> = [];
  let buffered = '';
  let exitCode: number | null | undefined;
  const onText = (text: string) => {
    buffered += text;
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    logs.push(...lines);
    for (const w of waiters.splice(0)) w();
  };
  child.stdout!.setEncoding('utf8').on('data', onText);
  child.stderr!.setEncoding('utf8').on('data', onText);
  const exited = new Promise<number | null>((r) =>
    child.once('exit', (code) => {
      exitCode = code;
      for (const w of waiters.splice(0)) w();
      r(code);
    }),
  );
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const waitForLog = (pattern: RegExp) =>
    new Promise<string>((resolveLine, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no log line ${pattern}:\n${logs.join('\n')}`)),
        60_000,
      );
      const check = () => {
        const line = logs.find((l) => pattern.test(l));
        if (line) {
          clearTimeout(timer);
          resolveLine(line);
        } else if (exitCode !== undefined) {
          clearTimeout(timer);
          reject(new Error(`exited (${exitCode}) before ${pattern}:\n${logs.join('\n')}`));
        } else waiters.push(check);
      };
      check();
    });
  const line = await waitForLog(/listening/);
  const port = (JSON.parse(line) as { port: number }).port;
  return { child, port, logs, exited, waitForLog };
}
