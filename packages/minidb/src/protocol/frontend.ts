import type { FormatCode } from '../engine/api.js';
import { SqlError } from '../engine/errors.js';

/**
 * Decoding of frontend (client to server) message payloads. The framing (type byte and length)
 * is common's LengthPrefixedDecoder; these read the fields with offsets into the payload and
 * throw SqlError 08P01 (protocol_violation) on anything truncated or out of range.
 */

export function protocolViolation(message: string): SqlError {
  return new SqlError('08P01', message);
}

/** Sequential reader over one message payload. */
export class PayloadReader {
  private pos = 0;

  constructor(
    private readonly payload: Buffer,
    private readonly what: string,
  ) {}

  get remaining(): number {
    return this.payload.length - this.pos;
  }

  int16(): number {
    this.need(2);
    const value = this.payload.readInt16BE(this.pos);
    this.pos += 2;
    return value;
  }

  int32(): number {
    this.need(4);
    const value = this.payload.readInt32BE(this.pos);
    this.pos += 4;
    return value;
  }

  byte(): number {
    this.need(1);
    return this.payload[this.pos++]!;
  }

  cstring(): string {
    const nul = this.payload.indexOf(0, this.pos);
    if (nul === -1) throw protocolViolation(`invalid string in message ${this.what}`);
    const text = this.payload.toString('utf8', this.pos, nul);
    this.pos = nul + 1;
    return text;
  }

  /** A view of the next n bytes (payloads are never reused by the decoder). */
  bytes(n: number): Buffer {
    this.need(n);
    const view = this.payload.subarray(this.pos, this.pos + n);
    this.pos += n;
    return view;
  }

  rest(): Buffer {
    return this.bytes(this.remaining);
  }

  /** PostgreSQL refuses trailing garbage in a message ("invalid message format"). */
  done(): void {
    if (this.pos !== this.payload.length) {
      throw protocolViolation(`invalid message format in message ${this.what}`);
    }
  }

  private need(n: number): void {
    if (n < 0 || this.pos + n > this.payload.length) {
      throw protocolViolation(`insufficient data left in message ${this.what}`);
    }
  }
}

function formatCodes(reader: PayloadReader): FormatCode[] {
  const count = reader.int16();
  if (count < 0) throw protocolViolation('invalid format code count');
  const codes: FormatCode[] = [];
  for (let i = 0; i < count; i++) {
    const code = reader.int16();
    if (code !== 0 && code !== 1) throw protocolViolation(`unsupported format code: ${code}`);
    codes.push(code);
  }
  return codes;
}

export interface ParseMessage {
  name: string;
  sql: string;
  paramTypes: number[];
}

export function decodeParse(payload: Buffer): ParseMessage {
  const reader = new PayloadReader(payload, 'Parse');
  const name = reader.cstring();
  const sql = reader.cstring();
  const count = reader.int16();
  if (count < 0) throw protocolViolation('invalid parameter count');
  const paramTypes: number[] = [];
  // OIDs are unsigned on the wire.
  for (let i = 0; i < count; i++) paramTypes.push(reader.int32() >>> 0);
  reader.done();
  return { name, sql, paramTypes };
}

export interface BindMessage {
  portal: string;
  statement: string;
  paramFormats: FormatCode[];
  /** Raw parameter values, null for SQL NULL. */
  params: Array<Buffer | null>;
  resultFormats: FormatCode[];
}

export function decodeBind(payload: Buffer): BindMessage {
  const reader = new PayloadReader(payload, 'Bind');
  const portal = reader.cstring();
  const statement = reader.cstring();
  const paramFormats = formatCodes(reader);
  const count = reader.int16();
  if (count < 0) throw protocolViolation('invalid parameter count');
  if (paramFormats.length > 1 && paramFormats.length !== count) {
    throw protocolViolation(
      `bind message has ${paramFormats.length} parameter formats but ${count} parameters`,
    );
  }
  const params: Array<Buffer | null> = [];
  for (let i = 0; i < count; i++) {
    const length = reader.int32();
    if (length < -1) throw protocolViolation(`invalid length of parameter ${i + 1}`);
    params.push(length === -1 ? null : reader.bytes(length));
  }
  const resultFormats = formatCodes(reader);
  reader.done();
  return { portal, statement, paramFormats, params, resultFormats };
}

/** Describe and Close: 'S' statement or 'P' portal, then the name. */
export interface TargetMessage {
  kind: 'S' | 'P';
  name: string;
}

export function decodeTarget(payload: Buffer, what: 'Describe' | 'Close'): TargetMessage {
  const reader = new PayloadReader(payload, what);
  const kind = String.fromCharCode(reader.byte());
  if (kind !== 'S' && kind !== 'P') {
    throw protocolViolation(`invalid ${what.toUpperCase()} message subtype ${kind.charCodeAt(0)}`);
  }
  const name = reader.cstring();
  reader.done();
  return { kind, name };
}

export interface ExecuteMessage {
  portal: string;
  /** 0 = no limit. */
  maxRows: number;
}

export function decodeExecute(payload: Buffer): ExecuteMessage {
  const reader = new PayloadReader(payload, 'Execute');
  const portal = reader.cstring();
  const maxRows = reader.int32();
  reader.done();
  return { portal, maxRows: Math.max(maxRows, 0) };
}

/** Query, CopyFail: one string. */
export function decodeString(payload: Buffer, what: string): string {
  const reader = new PayloadReader(payload, what);
  const text = reader.cstring();
  reader.done();
  return text;
}
