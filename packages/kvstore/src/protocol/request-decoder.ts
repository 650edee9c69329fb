import { constants } from 'node:buffer';
import { ByteQueue } from '@strata/common';

/** A malformed request: the client gets `-ERR Protocol error: <message>` and is disconnected. */
export class ProtocolError extends Error {}

/** The query buffer outgrew client-query-buffer-limit: the client is disconnected silently. */
export class QueryBufferLimitError extends Error {}

/** Redis's PROTO_INLINE_MAX_SIZE: longest inline command and longest count line. */
const INLINE_MAX = 64 * 1024;

export interface DecoderLimits {
  /** proto-max-bulk-len */
  maxBulkLength: number;
  /** client-query-buffer-limit */
  maxQueryBuffer: number;
}

/**
 * Incremental decoder of client requests: RESP multibulk (`*3\r\n$3\r\nSET...`) and inline
 * commands (`SET a b\r\n`, as telnet and redis-cli sends). State survives between reads, so a
 * command split anywhere across chunks is parsed once, without re-scanning what came before.
 * Arguments are latin1 strings (one char per byte). `next()` returns one command at a time so the
 * server can stop reading a pipeline while the client is blocked.
 */
export class RequestDecoder {
  private readonly queue = new ByteQueue();
  /** Arguments still expected by the multibulk being read; 0 when between commands. */
  private pendingArgs = 0;
  /** Length of the bulk being read, -1 when its `$len` line is not read yet. */
  private bulkLength = -1;
  private args: string[] = [];
  /**
   * Bytes at the start of the queue already searched for the LF ending the current line (inline
   * command or `*`/`$` count line): a line arriving in many reads is searched once, not per read.
   */
  private scanned = 0;

  constructor(readonly limits: DecoderLimits) {}

  /** Bytes received and not yet consumed (Redis's qbuf). */
  get buffered(): number {
    return this.queue.length;
  }

  push(chunk: Buffer): void {
    this.queue.push(chunk);
    if (this.queue.length > this.limits.maxQueryBuffer && this.bulkLength === -1) {
      throw new QueryBufferLimitError(`query buffer of ${this.queue.length} bytes`);
    }
  }

  /** The next complete command, or undefined if more input is needed. Throws ProtocolError. */
  next(): string[] | undefined {
    const queue = this.queue;
    for (;;) {
      if (this.pendingArgs === 0) {
        if (queue.length === 0) return undefined;
        if (queue.byteAt(0) !== 0x2a) {
          const inline = this.readInline();
          if (inline === undefined) return undefined;
          if (inline.length === 0) continue;
          return inline;
        }
        const count = this.readCountLine(0x2a);
        if (count === undefined) return undefined;
        if (count > 1024 * 1024) throw new ProtocolError('invalid multibulk length');
        if (count <= 0) continue;
        this.pendingArgs = count;
        this.args = [];
      }
      while (this.pendingArgs > 0) {
        if (this.bulkLength === -1) {
          if (queue.length === 0) return undefined;
          const first = queue.byteAt(0);
          if (first !== 0x24) {
            throw new ProtocolError(`expected '$', got '${String.fromCharCode(first)}'`);
          }
          const length = this.readCountLine(0x24);
          if (length === undefined) return undefined;
          if (
            length < 0 ||
            length > this.limits.maxBulkLength ||
            length > constants.MAX_STRING_LENGTH
          ) {
            throw new ProtocolError('invalid bulk length');
          }
          this.bulkLength = length;
        }
        if (queue.length < this.bulkLength + 2) return undefined;
        this.args.push(latin1(queue.take(this.bulkLength)));
        queue.skip(2);
        this.bulkLength = -1;
        this.pendingArgs--;
      }
      const args = this.args;
      this.args = [];
      return args;
    }
  }

  /** Offset of the LF ending the line at the start of the queue, or -1 while it is incomplete. */
  private findLineEnd(): number {
    const lf = this.queue.indexOf(0x0a, this.scanned);
    // Found: the caller consumes the line, and the next one starts unsearched.
    this.scanned = lf === -1 ? this.queue.length : 0;
    return lf;
  }

  /** Reads `<prefix><integer>\r\n`; undefined if the line is incomplete. */
  private readCountLine(prefix: number): number | undefined {
    const queue = this.queue;
    const lf = this.findLineEnd();
    if (lf === -1) {
      if (queue.length > INLINE_MAX) {
        throw new ProtocolError(
          prefix === 0x2a ? 'too big mbulk count string' : 'too big bulk count string',
        );
      }
      return undefined;
    }
    // Digits are read in place (no Buffer view per line): this runs twice per argument.
    const end = lf > 0 && queue.byteAt(lf - 1) === 0x0d ? lf - 1 : lf;
    const value = parseCount(queue, end);
    queue.skip(lf + 1);
    if (value === undefined) {
      throw new ProtocolError(prefix === 0x2a ? 'invalid multibulk length' : 'invalid bulk length');
    }
    return value;
  }

  /** Reads an inline command line; undefined if incomplete, [] for an empty line. */
  private readInline(): string[] | undefined {
    const queue = this.queue;
    const lf = this.findLineEnd();
    if (lf === -1) {
      if (queue.length > INLINE_MAX) throw new ProtocolError('too big inline request');
      return undefined;
    }
    const line = queue.take(lf + 1);
    const end = lf > 0 && line[lf - 1] === 0x0d ? lf - 1 : lf;
    const args = splitInlineArgs(latin1(line.subarray(0, end)));
    if (args === undefined) throw new ProtocolError('unbalanced quotes in request');
    return args;
  }
}

/** Buffer's latin1Slice is the fastest one-byte-per-char decoding; it is not in @types/node. */
type Latin1Sliceable = Buffer & { latin1Slice(start: number, end: number): string };

export function latin1(buf: Buffer): string {
  return (buf as Latin1Sliceable).latin1Slice(0, buf.length);
}

/** The integer between the type byte and `end` (exclusive) of a `*3` / `$5` line. */
function parseCount(queue: ByteQueue, end: number): number | undefined {
  if (end <= 1 || end > 20) return undefined;
  let i = 1;
  let negative = false;
  if (queue.byteAt(i) === 0x2d) {
    negative = true;
    i++;
    if (i === end) return undefined;
  }
  let value = 0;
  for (; i < end; i++) {
    const c = queue.byteAt(i) - 0x30;
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
