import { constants } from 'node:buffer';

/** A malformed request: the client gets `-ERR Protocol error: <message>` and is disconnected. */
export class ProtocolError extends Error {}

/** The query buffer outgrew client-query-buffer-limit: the client is disconnected silently. */
export class QueryBufferLimitError extends Error {}

/** Redis's PROTO_INLINE_MAX_SIZE: longest inline command and longest count line. */
const INLINE_MAX = 64 * 1024;
/** Redis's INT_MAX bound on a multibulk count. */
const MAX_MULTIBULK = 2 ** 31 - 1;

export interface DecoderLimits {
  /** proto-max-bulk-len */
  maxBulkLength: number;
  /** client-query-buffer-limit */
  maxQueryBuffer: number;
}

const EMPTY = Buffer.alloc(0) as Latin1Sliceable;

/**
 * Incremental decoder of client requests: RESP multibulk (`*3\r\n$3\r\nSET...`) and inline
 * commands (`SET a b\r\n`, as telnet and redis-cli sends). Arguments are latin1 strings (one
 * char per byte) sliced straight out of the received chunk by offset. `next()` returns one
 * command at a time so the server can stop reading a pipeline while the client is blocked.
 *
 * A read usually ends on a command boundary, so the chunk is parsed where it lies. When a line
 * or a bulk is cut by the end of a read, the chunks after it wait in `tail` until they complete
 * it (an LF arrives, or enough bytes for the bulk), then the unread bytes are joined once: input
 * arriving in many small reads is neither re-joined nor re-searched per read.
 */
export class RequestDecoder {
  /** The chunk being parsed; bytes before `pos` are consumed. */
  private buf: Latin1Sliceable = EMPTY;
  private pos = 0;
  /** Chunks received after `buf` while it ends in an incomplete line or bulk. */
  private tail: Buffer[] = [];
  private tailBytes = 0;
  /**
   * next() ran out of input and `tail` does not yet complete what it stopped in: the bulk being
   * read when `bulkLength` is known, else a line.
   */
  private starved = false;
  /** Arguments still expected by the multibulk being read; 0 when between commands. */
  private pendingArgs = 0;
  /** Length of the bulk being read, -1 when its `$len` line is not read yet. */
  private bulkLength = -1;
  private args: string[] = [];

  constructor(readonly limits: DecoderLimits) {}

  /** Bytes received and not yet consumed (Redis's qbuf). */
  get buffered(): number {
    return this.buf.length - this.pos + this.tailBytes;
  }

  push(chunk: Buffer): void {
    if (this.pos === this.buf.length && this.tail.length === 0) {
      this.buf = chunk as Latin1Sliceable;
      this.pos = 0;
      this.starved = false;
    } else {
      this.tail.push(chunk);
      this.tailBytes += chunk.length;
      if (
        this.starved &&
        (this.bulkLength === -1
          ? chunk.includes(0x0a) || this.buffered > INLINE_MAX
          : this.buffered >= this.bulkLength + 2)
      ) {
        this.starved = false;
      }
    }
    if (this.buffered > this.limits.maxQueryBuffer && this.bulkLength === -1) {
      throw new QueryBufferLimitError(`query buffer of ${this.buffered} bytes`);
    }
  }

  /** The next complete command, or undefined if more input is needed. Throws ProtocolError. */
  next(): string[] | undefined {
    if (this.starved) return undefined;
    if (this.tail.length > 0) this.join();
    for (;;) {
      const buf = this.buf;
      if (this.pendingArgs === 0) {
        if (this.pos === buf.length) return this.starve();
        if (buf[this.pos] !== 0x2a) {
          const inline = this.readInline();
          if (inline === undefined) return this.starve();
          if (inline.length === 0) continue;
          return inline;
        }
        const count = this.readCountLine(0x2a);
        if (count === undefined) return this.starve();
        // Redis accepts up to INT_MAX and waits for the elements: the query buffer limit and
        // proto-max-bulk-len bound what they can cost (nothing is allocated per count).
        if (count > MAX_MULTIBULK) throw new ProtocolError('invalid multibulk length');
        if (count <= 0) continue;
        this.pendingArgs = count;
        this.args = [];
      }
      while (this.pendingArgs > 0) {
        if (this.bulkLength === -1) {
          if (this.pos === buf.length) return this.starve();
          const first = buf[this.pos]!;
          if (first !== 0x24) {
            throw new ProtocolError(`expected '$', got '${String.fromCharCode(first)}'`);
          }
          const length = this.readCountLine(0x24);
          if (length === undefined) return this.starve();
          if (
            length < 0 ||
            length > this.limits.maxBulkLength ||
            length > constants.MAX_STRING_LENGTH
          ) {
            throw new ProtocolError('invalid bulk length');
          }
          this.bulkLength = length;
        }
        const start = this.pos;
        // The CRLF after the bulk is skipped unchecked, as Redis does.
        if (buf.length - start < this.bulkLength + 2) return this.starve();
        this.args.push(buf.latin1Slice(start, start + this.bulkLength));
        this.pos = start + this.bulkLength + 2;
        this.bulkLength = -1;
        this.pendingArgs--;
      }
      const args = this.args;
      this.args = [];
      return args;
    }
  }

  /** Records that input ran out; returns undefined for next() to return. */
  private starve(): undefined {
    this.starved = true;
    if (this.pos === this.buf.length) {
      // Fully consumed: let the chunk go, so the next read is parsed in place.
      this.buf = EMPTY;
      this.pos = 0;
    }
    return undefined;
  }

  /** Joins the unread bytes of `buf` and the tail chunks into one buffer. */
  private join(): void {
    const parts = this.tail;
    if (this.pos < this.buf.length) parts.unshift(this.buf.subarray(this.pos));
    this.buf = (parts.length === 1 ? parts[0]! : Buffer.concat(parts)) as Latin1Sliceable;
    this.pos = 0;
    this.tail = [];
    this.tailBytes = 0;
  }

  /** Offset of the LF ending the line that starts at `pos`, or -1 while it is incomplete. */
  private findLineEnd(): number {
    const buf = this.buf;
    // Count lines are a few bytes long: a loop beats a native indexOf call.
    for (let i = this.pos; i < buf.length; i++) if (buf[i] === 0x0a) return i;
    return -1;
  }

  /** Reads `<prefix><integer>\r\n`; undefined if the line is incomplete. */
  private readCountLine(prefix: number): number | undefined {
    const buf = this.buf;
    const lf = this.findLineEnd();
    if (lf === -1) {
      if (this.buffered > INLINE_MAX) {
        throw new ProtocolError(
          prefix === 0x2a ? 'too big mbulk count string' : 'too big bulk count string',
        );
      }
      return undefined;
    }
    const end = lf > this.pos && buf[lf - 1] === 0x0d ? lf - 1 : lf;
    const value = parseCount(buf, this.pos, end);
    this.pos = lf + 1;
    if (value === undefined) {
      throw new ProtocolError(prefix === 0x2a ? 'invalid multibulk length' : 'invalid bulk length');
    }
    return value;
  }

  /** Reads an inline command line; undefined if incomplete, [] for an empty line. */
  private readInline(): string[] | undefined {
    const buf = this.buf;
    const lf = buf.indexOf(0x0a, this.pos);
    if (lf === -1) {
      if (this.buffered > INLINE_MAX) throw new ProtocolError('too big inline request');
      return undefined;
    }
    const start = this.pos;
    const end = lf > start && buf[lf - 1] === 0x0d ? lf - 1 : lf;
    this.pos = lf + 1;
    const args = splitInlineArgs(buf.latin1Slice(start, end));
    if (args === undefined) throw new ProtocolError('unbalanced quotes in request');
    return args;
  }
}

/** Buffer's latin1Slice is the fastest one-byte-per-char decoding; it is not in @types/node. */
type Latin1Sliceable = Buffer & { latin1Slice(start: number, end: number): string };

export function latin1(buf: Buffer): string {
  return (buf as Latin1Sliceable).latin1Slice(0, buf.length);
}

/** The integer in `buf` between the type byte at `start` and `end` (exclusive): `*3`, `$5`. */
function parseCount(buf: Buffer, start: number, end: number): number | undefined {
  if (end - start <= 1 || end - start > 20) return undefined;
  let i = start + 1;
  let negative = false;
  if (buf[i] === 0x2d) {
    negative = true;
    i++;
    if (i === end) return undefined;
  }
  let value = 0;
  for (; i < end; i++) {
    const c = buf[i]! - 0x30;
    if (c < 0 || c > 9) return undefined;
    value = value * 10 + c;
  }
  return negative ? -value : value;
}

/**
 * Splits an inline command as Redis's sdssplitargs: spaces separate words, "double quotes" allow
 * \n \r \t \b \a \\ \" and \xHH escapes, 'single quotes' allow \'; a closing quote must be followed
 * by a space. Returns undefined for unbalanced quotes.
 */
export function splitInlineArgs(line: string): string[] | undefined {
  const args: string[] = [];
  let i = 0;
  const n = line.length;
  const isSpace = (c: string | undefined) =>
    c === ' ' || c === '\n' || c === '\r' || c === '\t' || c === '\v' || c === '\f';
  for (;;) {
    while (i < n && isSpace(line[i])) i++;
    if (i >= n) return args;
    let current = '';
    let inDouble = false;
    let inSingle = false;
    for (;;) {
      const c = line[i];
      if (inDouble) {
        if (c === undefined) return undefined;
        if (c === '\\' && line[i + 1] === 'x' && isHex(line[i + 2]) && isHex(line[i + 3])) {
          current += String.fromCharCode(Number.parseInt(line.slice(i + 2, i + 4), 16));
          i += 3;
        } else if (c === '\\' && i + 1 < n) {
          i++;
          const e = line[i]!;
          current +=
            e === 'n'
              ? '\n'
              : e === 'r'
                ? '\r'
                : e === 't'
                  ? '\t'
                  : e === 'b'
                    ? '\b'
                    : e === 'a'
                      ? '\x07'
                      : e;
        } else if (c === '"') {
          if (i + 1 < n && !isSpace(line[i + 1])) return undefined;
          i++;
          break;
        } else {
          current += c;
        }
      } else if (inSingle) {
        if (c === undefined) return undefined;
        if (c === '\\' && line[i + 1] === "'") {
          i++;
          current += "'";
        } else if (c === "'") {
          if (i + 1 < n && !isSpace(line[i + 1])) return undefined;
          i++;
          break;
        } else {
          current += c;
        }
      } else {
        if (c === undefined || isSpace(c)) break;
        if (c === '"') inDouble = true;
        else if (c === "'") inSingle = true;
        else current += c;
      }
      i++;
    }
    args.push(current);
  }
}

function isHex(c: string | undefined): boolean {
  return c !== undefined && /^[0-9a-fA-F]$/.test(c);
}
