import { type WriteStream, createWriteStream } from 'node:fs';
import type { Reply } from '../client/reply.js';

export type AccessLogFormat = 'squid' | 'combined' | 'json';

/** Lines are gathered and written at most this often, so logging costs no write per request. */
const FLUSH_MS = 100;
const FLUSH_BYTES = 64 * 1024;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `26/Nov/2026:09:16:26 +0000` (UTC), the combined format's time. */
function timeLocal(now: number): string {
  const d = new Date(now);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/** Escapes quotes, backslashes and controls as \xHH, as nginx does in quoted fields. */
function quoteSafe(text: string): string {
  return text.replace(
    /["\\\x00-\x1f\x7f-\xff]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`,
  );
}

/** Squid's native line: time.ms elapsed client result/status bytes method URL user hierarchy type. */
function squidLine(reply: Reply, now: number): string {
  const { head, startedAt } = reply.request;
  const time = `${Math.floor(now / 1000)}.${String(now % 1000).padStart(3, '0')}`;
  const elapsed = String(now - startedAt).padStart(6);
  const status = String(reply.status).padStart(3, '0');
  const url = head.target.replace(/\s/g, '%20');
  return `${time} ${elapsed} ${reply.conn.remoteAddress || '-'} ${reply.result}/${status} ${reply.bytesSent} ${head.method} ${url} - ${reply.hierarchy} ${reply.contentType.replace(/\s/g, '')}\n`;
}

function combinedLine(reply: Reply, now: number): string {
  const { head } = reply.request;
  const request = head.method === '-' ? '-' : `${head.method} ${head.target} HTTP/${head.version}`;
  const referer = head.headers.referer ?? '-';
  const agent = head.headers['user-agent'] ?? '-';
  return `${reply.conn.remoteAddress || '-'} - - [${timeLocal(now)}] "${quoteSafe(request)}" ${reply.status} ${reply.bytesSent} "${quoteSafe(referer)}" "${quoteSafe(agent)}" ${reply.result}\n`;
}

function jsonLine(reply: Reply, now: number): string {
  const { head, startedAt } = reply.request;
  return `${JSON.stringify({
    time: now,
    remote: reply.conn.remoteAddress || '-',
    method: head.method,
    url: head.target,
    status: reply.status,
    result: reply.result,
    bytes: reply.bytesSent,
    hierarchy: reply.hierarchy,
    type: reply.contentType,
    durationMs: now - startedAt,
  })}\n`;
}

const FORMATS: Record<AccessLogFormat, (reply: Reply, now: number) => string> = {
  squid: squidLine,
  combined: combinedLine,
  json: jsonLine,
};

/** The access log, to a file (reopened on SIGHUP, for logrotate) or stdout ('-'). */
export class AccessLog {
  private pending: string[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private stream: NodeJS.WritableStream;
  private readonly render: (reply: Reply, now: number) => string;

  constructor(
    private readonly destination: string,
    format: AccessLogFormat,
  ) {
    this.render = FORMATS[format];
    this.stream = this.open();
  }

  private open(): NodeJS.WritableStream {
    return this.destination === '-'
      ? process.stdout
      : createWriteStream(this.destination, { flags: 'a' });
  }

  record(reply: Reply): void {
    const line = this.render(reply, Date.now());
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
