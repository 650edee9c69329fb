import { statusText } from './status.js';

/** Header fields of a response in sending order; a repeated field is an array. */
export type ResponseHeaders = Record<string, string | number | readonly string[] | undefined>;

export interface ResponseHeadInit {
  status: number;
  /** Reason phrase; default the standard one. */
  reason?: string;
  headers: ResponseHeaders;
  /** Default 1.1. */
  version?: '1.0' | '1.1';
}

const UNSAFE_FIELD_TEXT = /[\r\n\0]/;

/**
 * The status line and header section of a response, ready for one write. Field values with CR,
 * LF or NUL are refused (response splitting) rather than sent.
 */
export function serializeResponseHead(head: ResponseHeadInit): string {
  return `${statusLine(head.status, head.version, head.reason)}${serializeFields(head.headers)}\r\n`;
}

/** `HTTP/1.1 200 OK\r\n` */
export function statusLine(
  status: number,
  version: '1.0' | '1.1' = '1.1',
  reason?: string,
): string {
  return `HTTP/${version} ${status} ${reason ?? statusText(status)}\r\n`;
}

/**
 * Field lines, each ending in CRLF, for building heads from pre-rendered parts (a server can
 * keep a file's fixed fields rendered once). Values with CR, LF or NUL are refused.
 */
export function serializeFields(headers: ResponseHeaders): string {
  let out = '';
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (typeof value === 'object') {
      for (const item of value) out += fieldLine(name, item);
    } else {
      out += fieldLine(name, String(value));
    }
  }
  return out;
}

function fieldLine(name: string, value: string): string {
  if (UNSAFE_FIELD_TEXT.test(value) || UNSAFE_FIELD_TEXT.test(name)) {
    throw new Error(`refusing to send field ${name} with a control character`);
  }
  return `${name}: ${value}\r\n`;
}

/** The interim response that tells a client waiting on `Expect: 100-continue` to go on. */
export const CONTINUE_RESPONSE = 'HTTP/1.1 100 Continue\r\n\r\n';

/** One chunk of a chunked response body (RFC 9112 §7.1); empty data is skipped, not sent. */
export function encodeChunk(data: Buffer): Buffer[] {
  if (data.length === 0) return [];
  return [Buffer.from(`${data.length.toString(16)}\r\n`, 'latin1'), data, CRLF];
}

const CRLF = Buffer.from('\r\n');

/** The last chunk and an empty trailer section. */
export const LAST_CHUNK = '0\r\n\r\n';

let cachedDate = '';
let cachedSecond = -1;

/** The IMF-fixdate for a Date field, recomputed at most once per second. */
export function httpDate(now = Date.now()): string {
  const second = Math.floor(now / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedDate = new Date(second * 1000).toUTCString();
  }
  return cachedDate;
}
