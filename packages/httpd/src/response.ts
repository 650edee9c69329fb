import type { Connection, WheelTimer } from '@strata/common';
import {
  type ResponseHeaders,
  httpDate,
  serializeFields,
  statusLine,
  statusText,
} from '@strata/common/http';
import type { ServerContext } from './context.js';
import type { HttpRequest } from './session.js';

const SERVER = 'Server: strata-httpd\r\n';

/**
 * The answer to one request. Adds the fields every response carries (Server, Date,
 * Connection), leaves out the body of HEAD requests and 304s, counts what was sent for the
 * access log, and tells the session when the response is complete.
 */
export class HttpResponse {
  status = 0;
  bytesSent = 0;
  headersSent = false;
  private done = false;

  constructor(
    readonly conn: Connection,
    readonly request: HttpRequest,
    private readonly context: ServerContext,
    private readonly onDone: () => void,
  ) {}

  /** The body is not sent (HEAD), only its headers. */
  get headOnly(): boolean {
    return this.request.head.method === 'HEAD';
  }

  /**
   * Writes the status line and header section. `fields` are pre-rendered field lines (a
   * cached file keeps its own) or a record; Content-Length is given apart so that it is never
   * forgotten (-1 for none, as in 304).
   */
  writeHead(status: number, fields: string | ResponseHeaders, contentLength: number): void {
    this.status = status;
    this.headersSent = true;
    const { head } = this.request;
    const close = this.request.last || this.conn.closing;
    if (close) this.request.last = true;
    let connection = '';
    if (close) connection = 'Connection: close\r\n';
    else if (head.version === '1.0') connection = 'Connection: keep-alive\r\n';
    const length = contentLength >= 0 ? `Content-Length: ${contentLength}\r\n` : '';
    const rendered = typeof fields === 'string' ? fields : serializeFields(fields);
    this.conn.write(
      `${statusLine(status, '1.1')}${SERVER}Date: ${httpDate()}\r\n${rendered}${length}${connection}\r\n`,
    );
  }

  /** Body bytes; nothing for HEAD. */
  write(data: Buffer | string): void {
    if (this.headOnly || this.status === 304 || this.status === 204) return;
    this.bytesSent += typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    this.conn.write(data);
  }

  /** Waits until the client has taken most of what was written (send timeout applies). */
  async drain(): Promise<void> {
    const { conn } = this;
    if (conn.pendingOutput <= conn.limits.outputHighWaterMark) return;
    let timer: WheelTimer | undefined;
    const { sendTimeout } = this.context.config;
    if (sendTimeout > 0) {
      timer = this.context.wheel.schedule(sendTimeout, () => {
        conn.log.debug('send timeout');
        this.context.stats.timeouts++;
        conn.destroy();
      });
    }
    await conn.waitForDrain();
    this.context.wheel.cancel(timer);
  }

  /** A whole response in one go. */
  send(status: number, fields: string | ResponseHeaders, body?: Buffer | string): void {
    const length =
      body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.length;
    // 204 and 304 carry no body and no Content-Length (RFC 9110 §8.6).
    this.writeHead(status, fields, status === 304 || status === 204 ? -1 : length);
    if (body !== undefined) this.write(body);
    this.end();
  }

  /** A short HTML error page, as nginx sends. */
  sendError(status: number, fields: ResponseHeaders = {}): void {
    const title = `${status} ${statusText(status)}`;
    const body = `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>strata-httpd</center>\r\n</body>\r\n</html>\r\n`;
    this.send(status, { 'Content-Type': 'text/html; charset=utf-8', ...fields }, body);
  }

  /** The response is complete: log it and let the session go on. */
  end(): void {
    if (this.done) return;
    this.done = true;
    const { stats, accessLog } = this.context;
    stats.requests++;
    stats.bytesSent += this.bytesSent;
    const klass = `${Math.min(Math.floor(this.status / 100), 5)}xx` as keyof typeof stats.responses;
    if (klass in stats.responses) stats.responses[klass]++;
    accessLog?.record(this);
    this.onDone();
  }
}
