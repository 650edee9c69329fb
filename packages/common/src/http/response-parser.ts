import { FIELD_VALUE, SP } from './chars.js';
import {
  type Framing,
  type MessageEvents,
  MessageParser,
  type ParserLimits,
  connectionOptions,
  indexFields,
  isToken,
  parseError,
  parseVersion,
} from './message-parser.js';

/** One parsed response head (for a proxy reading its upstream). */
export interface ResponseHead {
  version: '1.0' | '1.1';
  status: number;
  reason: string;
  /** Field lines in order, names as sent: [name0, value0, name1, value1, ...]. */
  rawHeaders: string[];
  /** Lowercased field name -> value; repeated fields are joined with ', '. */
  headers: Record<string, string>;
  /** The method of the request this response answers (see ResponseParser.expect). */
  method: string;
  /** A 1xx other than 101: the final response to the same request follows. */
  interim: boolean;
  /** 101 Switching Protocols, or a 2xx to CONNECT: what follows is not HTTP. */
  tunnel: boolean;
  keepAlive: boolean;
  body: Framing['body'];
  /** Body length for 'length', 0 for 'none', -1 otherwise. */
  contentLength: number;
}

export type ResponseEvents = MessageEvents<ResponseHead>;

interface StatusLine {
  version: '1.0' | '1.1';
  status: number;
  reason: string;
}

/**
 * An incremental HTTP/1.1 response parser on the same machinery as RequestParser. A response's
 * framing depends on its request (RFC 9112 §6.3): tell the parser the method of each request
 * sent, in order, with expect(); HEAD answers and 1xx/204/304 have no body, a 2xx to CONNECT
 * starts a tunnel, a body without Content-Length or chunked coding runs until the connection
 * closes (call finish() then). Content-Length together with Transfer-Encoding, or a repeated
 * or malformed Content-Length, is an error: a proxy must not forward an ambiguous response.
 */
export class ResponseParser extends MessageParser<ResponseHead> {
  private readonly methods: string[] = [];
  private statusLine: StatusLine | undefined;

  constructor(events: ResponseEvents, limits: Partial<ParserLimits> = {}) {
    super(events, limits);
  }

  /** The next request sent on this connection has this method (responses come in order). */
  expect(method: string): void {
    this.methods.push(method);
  }

  protected startLine(buf: Buffer, start: number, end: number): void {
    this.statusLine = parseStatusLine(buf, start, end);
  }

  protected headComplete(fields: string[]): { head: ResponseHead; tunnel: boolean } {
    const line = this.statusLine!;
    this.statusLine = undefined;
    const headers = Object.create(null) as Record<string, string>;
    const names = indexFields(fields, headers);
    const interim = line.status < 200 && line.status !== 101;
    const method = interim ? (this.methods[0] ?? 'GET') : (this.methods.shift() ?? 'GET');
    const options = connectionOptions(headers.connection);
    const head: ResponseHead = {
      ...line,
      rawHeaders: fields,
      headers,
      method,
      interim,
      tunnel: line.status === 101 || (method === 'CONNECT' && line.status < 300 && !interim),
      keepAlive: options.includes('close')
        ? false
        : line.version === '1.1' || options.includes('keep-alive'),
      body: 'none',
      contentLength: 0,
    };
    frameResponse(head, names);
    return { head, tunnel: head.tunnel };
  }
}

/** `HTTP-version SP 3DIGIT SP [reason-phrase]` (RFC 9112 §4). */
function parseStatusLine(buf: Buffer, start: number, end: number): StatusLine {
  const sp1 = buf.indexOf(SP, start);
  if (sp1 < 0 || sp1 >= end) throw parseError('bad-status-line', 'malformed status line');
  const version = parseVersion(buf, start, sp1);
  const codeEnd = sp1 + 4;
  let status = 0;
  for (let k = sp1 + 1; k < codeEnd; k++) {
    const digit = buf[k]! - 0x30;
    if (k >= end || digit < 0 || digit > 9) {
      throw parseError('bad-status-line', 'status code is not three digits');
    }
    status = status * 10 + digit;
  }
  if (status < 100) throw parseError('bad-status-line', 'status code below 100');
  if (codeEnd < end && buf[codeEnd] !== SP) {
    throw parseError('bad-status-line', 'status code is not three digits');
  }
  for (let k = codeEnd + 1; k < end; k++) {
    if (FIELD_VALUE[buf[k]!] !== 1) throw parseError('bad-status-line', 'invalid reason phrase');
  }
  return { version, status, reason: codeEnd < end ? buf.toString('latin1', codeEnd + 1, end) : '' };
}

/** RFC 9112 §6.3 for responses, refusing the ambiguous cases instead of picking one. */
function frameResponse(head: ResponseHead, names: string[]): void {
  const { status } = head;
  let contentLength = -1;
  const codings: string[] = [];
  for (let k = 0; k < names.length; k++) {
    const value = head.rawHeaders[2 * k + 1]!;
    if (names[k] === 'content-length') {
      if (contentLength >= 0)
        throw parseError('duplicate-content-length', 'more than one Content-Length');
      if (!/^\d+$/.test(value) || Number(value) > Number.MAX_SAFE_INTEGER) {
        throw parseError('bad-content-length', 'invalid Content-Length');
      }
      contentLength = Number(value);
    } else if (names[k] === 'transfer-encoding') {
      for (const coding of value.split(',')) codings.push(coding.trim().toLowerCase());
    }
  }
  if (codings.length > 0 && contentLength >= 0) {
    throw parseError(
      'content-length-with-transfer-encoding',
      'Content-Length together with Transfer-Encoding',
    );
  }
  if (head.method === 'HEAD' || status < 200 || status === 204 || status === 304 || head.tunnel) {
    return;
  }
  if (codings.length > 0) {
    if (codings.some((coding) => coding === '' || !isToken(coding))) {
      throw parseError('bad-transfer-encoding', 'invalid Transfer-Encoding');
    }
    head.contentLength = -1;
    // Not chunked last: the body runs until the connection closes (RFC 9112 §6.3, item 4).
    head.body = codings.at(-1) === 'chunked' ? 'chunked' : 'until-close';
  } else if (contentLength >= 0) {
    head.body = contentLength > 0 ? 'length' : 'none';
    head.contentLength = contentLength;
  } else {
    head.body = 'until-close';
    head.contentLength = -1;
  }
  if (head.body === 'until-close') head.keepAlive = false;
}
