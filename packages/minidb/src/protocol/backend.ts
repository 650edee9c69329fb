import type { ColumnInfo, FormatCode, SqlErrorFields } from '../engine/api.js';
import type { MessageWriter } from './writer.js';

/**
 * Backend (server to client) messages of protocol 3.0, one function each, appended to a
 * MessageWriter. Field layouts follow PostgreSQL's "Message Formats" chapter.
 */

export const Auth = {
  ok: 0,
  cleartextPassword: 3,
  md5Password: 5,
  sasl: 10,
  saslContinue: 11,
  saslFinal: 12,
} as const;

export function authentication(w: MessageWriter, code: number, data?: Buffer): void {
  w.begin(0x52 /* R */).int32(code);
  if (data) w.bytes(data);
  w.end();
}

/** AuthenticationSASL: the mechanisms offered, each NUL-terminated, then an empty name. */
export function authenticationSasl(w: MessageWriter, mechanisms: readonly string[]): void {
  w.begin(0x52).int32(Auth.sasl);
  for (const mechanism of mechanisms) w.cstring(mechanism);
  w.byte(0).end();
}

export function parameterStatus(w: MessageWriter, name: string, value: string): void {
  w.begin(0x53 /* S */).cstring(name).cstring(value).end();
}

export function backendKeyData(w: MessageWriter, processId: number, secretKey: number): void {
  w.begin(0x4b /* K */).int32(processId).int32(secretKey).end();
}

export function readyForQuery(w: MessageWriter, status: 'I' | 'T' | 'E'): void {
  w.begin(0x5a /* Z */).byte(status.charCodeAt(0)).end();
}

/** NegotiateProtocolVersion: the newest minor version we speak and the options we ignored. */
export function negotiateProtocolVersion(
  w: MessageWriter,
  newestMinor: number,
  unrecognized: readonly string[],
): void {
  w.begin(0x76 /* v */).int32(newestMinor).int32(unrecognized.length);
  for (const name of unrecognized) w.cstring(name);
  w.end();
}

/** Field codes of ErrorResponse/NoticeResponse, in the order PostgreSQL sends them. */
const FIELD_CODES: ReadonlyArray<[number, keyof SqlErrorFields]> = [
  [0x44 /* D */, 'detail'],
  [0x48 /* H */, 'hint'],
  [0x50 /* P */, 'position'],
  [0x73 /* s */, 'schema'],
  [0x74 /* t */, 'table'],
  [0x63 /* c */, 'column'],
  [0x6e /* n */, 'constraint'],
];

function errorFields(w: MessageWriter, type: number, fields: SqlErrorFields): void {
  w.begin(type);
  // S is localized, V (since 9.6) never is: clients match on V when present.
  w.byte(0x53).cstring(fields.severity);
  w.byte(0x56).cstring(fields.severity);
  w.byte(0x43).cstring(fields.code);
  w.byte(0x4d).cstring(fields.message);
  for (const [code, key] of FIELD_CODES) {
    const value = fields[key];
    if (value !== undefined && value !== '') w.byte(code).cstring(String(value));
  }
  w.byte(0).end();
}

export function errorResponse(w: MessageWriter, fields: SqlErrorFields): void {
  errorFields(w, 0x45 /* E */, fields);
}

export function noticeResponse(w: MessageWriter, fields: SqlErrorFields): void {
  errorFields(w, 0x4e /* N */, fields);
}

/** RowDescription; `formats` as Bind gave them (none: text, one: all, else per column). */
export function rowDescription(
  w: MessageWriter,
  columns: readonly ColumnInfo[],
  formats: readonly FormatCode[] = [],
): void {
  w.begin(0x54 /* T */).int16(columns.length);
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i]!;
    w.cstring(column.name)
      .int32(column.tableOid)
      .int16(column.columnNumber)
      .int32(column.typeOid)
      .int16(column.typeSize)
      .int32(column.typmod)
      .int16(formatOf(formats, i));
  }
  w.end();
}

/** The format of result column `i` under Bind's result format codes. */
export function formatOf(formats: readonly FormatCode[], i: number): FormatCode {
  if (formats.length === 0) return 0;
  if (formats.length === 1) return formats[0]!;
  return formats[i] ?? 0;
}

export function parameterDescription(w: MessageWriter, types: readonly number[]): void {
  w.begin(0x74 /* t */).int16(types.length);
  for (const oid of types) w.int32(oid);
  w.end();
}

export function commandComplete(w: MessageWriter, tag: string): void {
  w.begin(0x43 /* C */).cstring(tag).end();
}

/** A message with no body: ParseComplete, BindComplete, NoData, CopyDone... */
export function empty(w: MessageWriter, type: number): void {
  w.begin(type).end();
}

export const Empty = {
  parseComplete: 0x31 /* 1 */,
  bindComplete: 0x32 /* 2 */,
  closeComplete: 0x33 /* 3 */,
  noData: 0x6e /* n */,
  portalSuspended: 0x73 /* s */,
  emptyQuery: 0x49 /* I */,
  copyDone: 0x63 /* c */,
} as const;

/** CopyInResponse (G) / CopyOutResponse (H): overall format, then one code per column. */
export function copyResponse(
  w: MessageWriter,
  direction: 'in' | 'out',
  format: FormatCode,
  columnCount: number,
): void {
  w.begin(direction === 'in' ? 0x47 : 0x48)
    .byte(format)
    .int16(columnCount);
  for (let i = 0; i < columnCount; i++) w.int16(format);
  w.end();
}

export function copyData(w: MessageWriter, data: Buffer): void {
  w.begin(0x64 /* d */).bytes(data).end();
}
