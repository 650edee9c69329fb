import { type WriteStream, createWriteStream } from 'node:fs';
import { hostname } from 'node:os';
import type { HttpResponse } from './response.js';

export type AccessLogFormat = 'combined' | 'json';

/** Lines are gathered and written at most this often, so logging costs no write per request. */
const FLUSH_MS = 100;
const FLUSH_BYTES = 64 * 1024;

const HOSTNAME = hostname();

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

let cachedSecond = -1;
let cachedLocalTime = '';

/** nginx's $time_local in UTC: `26/Nov/2026:09:16:26 +0000`, rendered once per second. */
function timeLocal(now: number): string {
  const second = Math.floor(now / 1000);
  if (second !== cachedSecond) {
    const d = new Date(second * 1000);
    const pad = (n: number) => String(n).padStart(2, '0');
    cachedLocalTime = `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
    cachedSecond = second;
  }
  return cachedLocalTime;
}

/** Escapes a field for the quoted parts of the combined format, as nginx does (\xHH). */
function quoteSafe(text: string): string {
  return text.replace(
    /["\\\x00-\x1f\x7f-\xff]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`,
  );
}

/**
 * The access log: nginx's combined format or one JSON object per line, to a file (reopened on
 * SIGHUP, for logrotate) or stdout.
 */
export class AccessLog {
  private pending: string[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private stream: NodeJS.WritableStream;

  constructor(
    private readonly destination: string,
    private readonly format: AccessLogFormat,
  ) {
    this.stream = this.open();
  }

  private open(): NodeJS.WritableStream {
    return this.destination === '-'
      ? process.stdout
      : createWriteStream(this.destination, { flags: 'a' });
  }

  record(response: HttpResponse): void {
    const line = this.format === 'json' ? jsonLine(response) : combinedLine(response);
    this.pending.push(line);
    this.pendingBytes += line.length;
    if (this.pendingBytes >= FLUSH_BYTES) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    this.stream.write(this.pending.join(''));
    this.pending = [];
    this.pendingBytes = 0;
  }

  /** After logrotate moved the file: write to a fresh one at the same path. */
  reopen(): void {
    this.flush();
    if (this.destination === '-') return;
    (this.stream as WriteStream).end();
    this.stream = this.open();
  }

  close(): Promise<void> {
    this.flush();
    if (this.destination === '-') return Promise.resolve();
    return new Promise((resolve) => (this.stream as WriteStream).end(resolve));
  }
}

function requestLine(response: HttpResponse): string {
  const { head } = response.request;
  return head.method === '-' ? '-' : `${head.method} ${head.target} HTTP/${head.version}`;
}

function combinedLine(response: HttpResponse): string {
  const { head } = response.request;
  const remote = response.conn.remoteAddress || 'unix:';
  const referer = head.headers.referer ?? '-';
  const agent = head.headers['user-agent'] ?? '-';
  return `${remote} - - [${timeLocal(Date.now())}] "${quoteSafe(requestLine(response))}" ${response.status} ${response.bytesSent} "${quoteSafe(referer)}" "${quoteSafe(agent)}"\n`;
}

function jsonLine(response: HttpResponse): string {
  const { head, startedAt } = response.request;
  const now = Date.now();
  return `${JSON.stringify({
    level: 30,
    time: now,
    pid: process.pid,
    hostname: HOSTNAME,
    name: 'strata-httpd',
    msg: 'request',
    remote: response.conn.remoteAddress || 'unix:',
    method: head.method,
    target: head.target,
    version: head.version,
    status: response.status,
    bytes: response.bytesSent,
    referer: head.headers.referer,
    userAgent: head.headers['user-agent'],
    durationMs: now - startedAt,
  })}\n`;
}
