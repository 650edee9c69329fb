import type { Connection } from '@strata/common';
import {
  encodeChunk,
  httpDate,
  LAST_CHUNK,
  serializeFields,
  statusLine,
} from '@strata/common/http';
import type { FieldList } from '../cache/entry.js';
import type { ClientRequest } from './request.js';

/** Squid's result codes, as the access log and X-Cache report them. */
export type CacheResult =
  | 'TCP_HIT'
  | 'TCP_MEM_HIT'
  | 'TCP_CF_HIT'
  | 'TCP_IMS_HIT'
  | 'TCP_MISS'
  | 'TCP_CLIENT_REFRESH_MISS'
  | 'TCP_REFRESH_UNMODIFIED'
  | 'TCP_REFRESH_MODIFIED'
  | 'TCP_REFRESH_FAIL_OLD'
  | 'TCP_STALE_HIT'
  | 'TCP_OFFLINE_HIT'
  | 'TCP_DENIED'
  | 'TCP_TUNNEL'
  | 'TCP_MISS_ABORTED'
  | 'NONE';

/** How the body that follows the head is framed on the client connection. */
export type BodyFraming =
  | { kind: 'none' }
  | { kind: 'length'; length: number }
  | { kind: 'stream' };

/**
 * The answer to one client request: writes the head (adding Date when the origin sent none,
 * and Connection as the client connection needs), frames the body (Content-Length, chunked
 * for HTTP/1.1 clients, or close-delimited for HTTP/1.0), waits for the client to drain, and
 * tells the session when it is complete. Counts what was sent for the access log.
 */
export class Reply {
  status = 0;
  bytesSent = 0;
  headersSent = false;
  result: CacheResult = 'NONE';
  /** Where the request went (`HIER_DIRECT/host` in Squid's log), '-' if nowhere. */
  hierarchy = '-';
  contentType = '-';
  private chunked = false;
  private noBody = false;
  private done = false;

  constructor(
    readonly conn: Connection,
    readonly request: ClientRequest,
    private readonly onDone: (reply: Reply) => void,
  ) {}

  writeHead(status: number, fields: FieldList, framing: BodyFraming): void {
    this.status = status;
    this.headersSent = true;
    const { head } = this.request;
    this.noBody =
      head.method === 'HEAD' || status === 204 || status === 304 || framing.kind === 'none';
    let framingLine = '';
    if (framing.kind === 'length') {
      framingLine = `content-length: ${framing.length}\r\n`;
    } else if (framing.kind === 'stream' && !this.noBody) {
      if (head.version === '1.1') {
        this.chunked = true;
        framingLine = 'transfer-encoding: chunked\r\n';
      } else {
        this.request.last = true; // HTTP/1.0: the close ends the body
      }
    } else if (
      framing.kind === 'none' &&
      status !== 204 &&
      status !== 304 &&
      head.method !== 'HEAD'
    ) {
      framingLine = 'content-length: 0\r\n';
    }
    if (this.conn.closing) this.request.last = true;
    let connection = '';
    if (this.request.last) connection = 'connection: close\r\n';
    else if (head.version === '1.0') connection = 'connection: keep-alive\r\n';
    const record: Record<string, string | string[]> = {};
    let hasDate = false;
    for (const [name, value] of fields) {
      if (name === 'content-length' && framing.kind !== 'none') continue;
      if (name === 'date') hasDate = true;
      if (name === 'content-type') this.contentType = value;
      const prev = record[name];
      if (prev === undefined) record[name] = value;
      else if (Array.isArray(prev)) prev.push(value);
      else record[name] = [prev, value];
    }
    const date = hasDate ? '' : `date: ${httpDate()}\r\n`;
    this.conn.write(
      `${statusLine(status)}${date}${serializeFields(record)}${framingLine}${connection}\r\n`,
    );
  }

  /** Body bytes (nothing for HEAD, 204, 304). */
  write(data: Buffer): void {
    if (this.noBody || data.length === 0) return;
    this.bytesSent += data.length;
    if (this.chunked) for (const part of encodeChunk(data)) this.conn.write(part);
    else this.conn.write(data);
  }

  /** Waits until the client has taken most of what was written. */
  async drain(): Promise<void> {
    if (this.conn.pendingOutput > this.conn.limits.outputHighWaterMark) {
      await this.conn.waitForDrain();
    }
  }

  /** A whole response from memory. */
  send(status: number, fields: FieldList, body: Buffer): void {
    this.writeHead(status, fields, { kind: 'length', length: body.length });
    this.write(body);
    this.end();
  }

  /** A short text error naming the reason (a denied URL names its rule). */
  sendError(status: number, message: string, fields: FieldList = []): void {
    const body = Buffer.from(`${status} ${message}\n`);
    this.send(status, [['content-type', 'text/plain; charset=utf-8'], ...fields], body);
  }

  /** The response is complete: the last chunk, then the session goes on. */
  end(): void {
    if (this.done) return;
    this.done = true;
    if (this.chunked) this.conn.write(LAST_CHUNK);
    this.onDone(this);
  }

  /** The response cannot be completed (upstream died mid-body): the client sees a cut. */
  abort(): void {
    if (this.done) return;
    this.done = true;
    this.request.last = true;
    this.conn.destroy();
    this.onDone(this);
  }

  get finished(): boolean {
    return this.done;
  }
}
