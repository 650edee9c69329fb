import { SP, TARGET, TOKEN } from './chars.js';
import {
  type MessageEvents,
  MessageParser,
  type ParserLimits,
  connectionOptions,
  indexFields,
  isToken,
  parseError,
  parseVersion,
} from './message-parser.js';

/** One parsed request head. Strings are decoded as latin1, byte for byte. */
export interface RequestHead {
  method: string;
  /** The request-target exactly as sent. */
  target: string;
  /** Path and query: the target itself in origin-form, the part after the authority in absolute-form. */
  path: string;
  /** Authority from an absolute-form target, else the Host field ('' when absent). */
  host: string;
  version: '1.0' | '1.1';
  /** Field lines in order, names as sent: [name0, value0, name1, value1, ...]. */
  rawHeaders: string[];
  /** Lowercased field name -> value; repeated fields are joined with ', ' (RFC 9110 §5.3). */
  headers: Record<string, string>;
  /** Whether the connection may carry another request after this one. */
  keepAlive: boolean;
  /** How the body is framed. */
  body: 'none' | 'length' | 'chunked';
  /** Body length for 'length', 0 for 'none', -1 for 'chunked'. */
  contentLength: number;
  /** The client sent `Expect: 100-continue` and waits before sending the body. */
  expectContinue: boolean;
  /** A CONNECT request: the parser stops after it, the bytes that follow are not HTTP. */
  connect: boolean;
}

export interface ParserOptions extends Partial<ParserLimits> {
  /** Reject HTTP/1.1 requests without exactly one Host field (RFC 9112 §3.2). Default true. */
  requireHost?: boolean;
}

/** What the request parser reports. */
export type RequestEvents = MessageEvents<RequestHead>;

const ABSOLUTE_FORM = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)(.*)$/i;
/** RFC 3986 host [":" port] characters: reg-name, IPv4, IP-literal in brackets. */
const HOST_VALUE = /^[A-Za-z0-9\-._~!$&'()*+,;=%:[\]]*$/;

/**
 * An incremental HTTP/1.1 request parser (see MessageParser for the mechanics). It refuses
 * what the request-smuggling literature warns about instead of guessing: conflicting or
 * malformed framing, bare CR/LF, folding, controls in values, missing or repeated Host.
 */
export class RequestParser extends MessageParser<RequestHead> {
  private readonly requireHost: boolean;
  private requestLine: RequestHead | undefined;

  constructor(events: RequestEvents, options: ParserOptions = {}) {
    const { requireHost, ...limits } = options;
    super(events, limits);
    this.requireHost = requireHost ?? true;
  }

  protected startLine(buf: Buffer, start: number, end: number): void {
    this.requestLine = parseRequestLine(buf, start, end);
  }

  protected headComplete(fields: string[]) {
    const head = this.requestLine!;
    this.requestLine = undefined;
    head.rawHeaders = fields;
    applyFraming(head, indexFields(fields, head.headers), this.requireHost);
    return { head, tunnel: head.connect };
  }
}

/** `method SP request-target SP HTTP-version` in buf[start, end), exactly one space apart. */
function parseRequestLine(buf: Buffer, start: number, end: number): RequestHead {
  const sp1 = buf.indexOf(SP, start);
  if (sp1 <= start || sp1 >= end) throw parseError('bad-request-line', 'malformed request line');
  for (let k = start; k < sp1; k++) {
    if (TOKEN[buf[k]!] !== 1) throw parseError('bad-method', 'invalid character in method');
  }
  const sp2 = buf.indexOf(SP, sp1 + 1);
  if (sp2 < 0 || sp2 >= end) throw parseError('bad-request-line', 'request line has no version');
  if (sp2 === sp1 + 1) throw parseError('bad-request-line', 'empty request target');
  for (let k = sp1 + 1; k < sp2; k++) {
    if (TARGET[buf[k]!] !== 1) throw parseError('bad-target', 'invalid character in target');
  }
  const version = parseVersion(buf, sp2 + 1, end);
  const method = buf.toString('latin1', start, sp1);
  const target = buf.toString('latin1', sp1 + 1, sp2);
  return {
    method,
    target,
    path: target,
    host: '',
    version,
    rawHeaders: [],
    headers: Object.create(null) as Record<string, string>,
    keepAlive: version === '1.1',
    body: 'none',
    contentLength: 0,
    expectContinue: false,
    connect: method === 'CONNECT',
  };
}

/**
 * Message framing and connection semantics from the fields (`names` holds the lowercased
 * names of head.rawHeaders): Content-Length, Transfer-Encoding, Host, Connection and Expect, with the
 * rejections of RFC 9112 §6.3 and §3.2.
 */
function applyFraming(head: RequestHead, names: string[], requireHost: boolean): void {
  let contentLength = -1;
  let hostCount = 0;
  const codings: string[] = [];
  for (let k = 0; k < names.length; k++) {
    const value = head.rawHeaders[2 * k + 1]!;
    switch (names[k]) {
      case 'content-length': // already validated line by line
        contentLength = Number(value);
        break;
      case 'transfer-encoding':
        for (const coding of value.split(',')) codings.push(coding.trim().toLowerCase());
        break;
      case 'host':
        hostCount++;
        if (!HOST_VALUE.test(value)) throw parseError('bad-host', 'invalid Host');
        head.host = value;
        break;
      case 'expect':
        if (value.toLowerCase() === '100-continue') head.expectContinue = true;
        break;
    }
  }
  const options = connectionOptions(head.headers.connection);
  // `close` wins over `keep-alive` whatever their order.
  if (options.includes('close')) head.keepAlive = false;
  else if (options.includes('keep-alive')) head.keepAlive = true;
  if (hostCount > 1) throw parseError('duplicate-host', 'more than one Host');
  if (hostCount === 0 && requireHost && head.version === '1.1') {
    throw parseError('missing-host', 'HTTP/1.1 request without Host');
  }
  resolveTarget(head);
  if (codings.length > 0) {
    if (contentLength >= 0) {
      throw parseError(
        'content-length-with-transfer-encoding',
        'Content-Length together with Transfer-Encoding',
      );
    }
    if (head.version === '1.0') {
      throw parseError('transfer-encoding-in-http-1.0', 'Transfer-Encoding in an HTTP/1.0 request');
    }
    const chunkedAt = codings.indexOf('chunked');
    if (
      chunkedAt !== codings.length - 1 ||
      codings.some((coding) => coding === '' || !isToken(coding))
    ) {
      throw parseError('bad-transfer-encoding', 'Transfer-Encoding does not end in chunked');
    }
    head.body = 'chunked';
    head.contentLength = -1;
  } else if (contentLength > 0) {
    head.body = 'length';
    head.contentLength = contentLength;
  }
}

/** Absolute-form sets host and path; origin-form must start with '/'; '*' only for OPTIONS. */
function resolveTarget(head: RequestHead): void {
  const { target } = head;
  if (target.charCodeAt(0) === 0x2f) return;
  if (head.connect) {
    head.host = target;
    return;
  }
  if (target === '*' && head.method === 'OPTIONS') return;
  const absolute = ABSOLUTE_FORM.exec(target);
  if (!absolute) throw parseError('bad-target', 'request target is not origin or absolute form');
  head.host = absolute[1]!;
  head.path = absolute[2] === '' ? '/' : absolute[2]!;
}
