import { COLON, CR, FIELD_VALUE, HEX_VALUE, HTAB, LF, SP, TOKEN } from './chars.js';
import { HttpParseError, type HttpParseReason } from './errors.js';

export interface ParserLimits {
  /** Longest request line in bytes (414 beyond). */
  maxRequestLineBytes: number;
  /** Largest header section (or trailer section) in bytes, request line excluded (431 beyond). */
  maxHeaderBytes: number;
  /** Most field lines in a header or trailer section (431 beyond). */
  maxHeaderCount: number;
  /** Largest request body; 0 = unlimited (413 beyond). */
  maxBodyBytes: number;
}

export const DEFAULT_PARSER_LIMITS: ParserLimits = {
  maxRequestLineBytes: 8 * 1024,
  maxHeaderBytes: 16 * 1024,
  maxHeaderCount: 100,
  maxBodyBytes: 0,
};

/** What a parser reports, synchronously, while it runs over the input. */
export interface MessageEvents<Head> {
  onHead(head: Head): void;
  /** A piece of the (de-chunked) body: a view into the input chunk, valid as long as it is. */
  onBody(data: Buffer): void;
  /** The message ended; `trailers` holds trailer field lines as [name, value, ...]. */
  onComplete(trailers: string[]): void;
  /** The input is not acceptable; the parser stops for good. Answer error.status and close. */
  onError(error: HttpParseError): void;
}

/** How a message's body is delimited, as its head decides (RFC 9112 §6.3). */
export interface Framing {
  body: 'none' | 'length' | 'chunked' | 'until-close';
  /** Body length for 'length'. */
  contentLength: number;
  keepAlive: boolean;
}

enum State {
  Head,
  BodyLength,
  /** A response body that ends when the connection does. */
  BodyUntilClose,
  ChunkSizeStart,
  ChunkSize,
  ChunkExt,
  ChunkExtQuoted,
  ChunkExtEscape,
  ChunkSizeLf,
  ChunkData,
  ChunkDataCr,
  ChunkDataLf,
  Trailers,
  /** The connection carries no more HTTP: not keep-alive, a tunnel, or stopped by the caller. */
  Done,
  Failed,
}

/** Longest chunk-size line accepted (size digits and extensions). */
const MAX_CHUNK_LINE = 4096;

/**
 * The machinery shared by the request and response parsers: feed it whatever the socket
 * delivers with execute(); messages may be split anywhere or several to a chunk. Head lines are
 * found with indexOf over new bytes only and each is checked and decoded at once, straight from
 * the chunk unless it straddles two reads; bodies are handed on as views of the input. A
 * subclass parses the start line and decides the framing from the fields.
 */
export abstract class MessageParser<Head extends Framing> {
  protected readonly events: MessageEvents<Head>;
  protected readonly limits: ParserLimits;
  private state = State.Head;
  private failure: HttpParseError | undefined;

  // The head or trailer section being scanned, a line at a time.
  /** Pieces of the current line that arrived in earlier chunks. */
  private lineParts: Buffer[] = [];
  private lineLength = 0;
  /** Bytes of the completed field lines of this section. */
  private fieldBytes = 0;
  /** Lines completed in this section (the start line counts). */
  private lineCount = 0;
  private lastByte = -1;
  private sawContentLength = false;
  private fields: string[] = [];

  // Body.
  private remaining = 0;
  private bodyTotal = 0;
  private chunkLine = 0;
  private chunkExtName = false;
  private keepAlive = true;
  /** Messages completed on this parser. */
  messages = 0;
  /**
   * After a tunnel head (CONNECT, 101): the bytes that followed it in the same chunk, which
   * belong to the tunnel (a client may send its TLS hello without waiting for the 200). Later
   * chunks are the caller's to route; the parser ignores them.
   */
  tunnelData: Buffer | undefined;
  private tunnelled = false;

  constructor(events: MessageEvents<Head>, limits: Partial<ParserLimits>) {
    this.events = events;
    this.limits = { ...DEFAULT_PARSER_LIMITS, ...stripUndefined(limits) };
  }

  /** Parses the request or status line in buf[start, end) and keeps what it needs. */
  protected abstract startLine(buf: Buffer, start: number, end: number): void;

  /**
   * The head is complete: build it from the start line and the fields with its framing, and
   * say whether the connection stops carrying HTTP after it (CONNECT, 101).
   */
  protected abstract headComplete(fields: string[]): { head: Head; tunnel: boolean };

  /** True between messages with nothing of the next one received yet. */
  get idle(): boolean {
    return this.state === State.Head && this.lineCount === 0 && this.lineLength === 0;
  }

  /** True once no more messages can follow (close, tunnel, error or stop()). */
  get finished(): boolean {
    return this.state === State.Done || this.state === State.Failed;
  }

  get error(): HttpParseError | undefined {
    return this.failure;
  }

  /** Ignore all further input (the caller is closing the connection). */
  stop(): void {
    if (this.state !== State.Failed) this.state = State.Done;
    this.resetSection();
  }

  /**
   * The peer closed its side. A body delimited by the close is complete; anything else that
   * was half received is simply dropped (there is no one left to answer).
   */
  finish(): void {
    if (this.state === State.BodyUntilClose) this.complete([]);
  }

  execute(chunk: Buffer): void {
    let i = 0;
    const n = chunk.length;
    try {
      while (i < n) {
        switch (this.state) {
          case State.Head:
          case State.Trailers: {
            const end = this.scanSection(chunk, i);
            if (end < 0) return;
            i = end;
            if (this.state === State.Head) this.onHeadSection();
            else this.onTrailerSection();
            break;
          }
          case State.BodyLength:
          case State.ChunkData: {
            const take = Math.min(this.remaining, n - i);
            this.remaining -= take;
            this.events.onBody(chunk.subarray(i, i + take));
            i += take;
            if (this.remaining > 0) break;
            if (this.state === State.BodyLength) this.complete([]);
            else this.state = State.ChunkDataCr;
            break;
          }
          case State.BodyUntilClose:
            this.events.onBody(i === 0 ? chunk : chunk.subarray(i));
            return;
          case State.Done:
            // i > 0: the head ended in this very chunk.
            if (this.tunnelled && i > 0) this.tunnelData = chunk.subarray(i);
            return;
          case State.Failed:
            return;
          default:
            i = this.chunkFraming(chunk, i);
        }
      }
    } catch (err) {
      if (!(err instanceof HttpParseError)) throw err;
      this.state = State.Failed;
      this.failure = err;
      this.resetSection();
      this.events.onError(err);
    }
  }

  private resetSection(): void {
    this.lineParts = [];
    this.lineLength = 0;
    this.fieldBytes = 0;
    this.lineCount = 0;
    this.lastByte = -1;
    this.sawContentLength = false;
    this.fields = [];
  }

  /**
   * Consumes lines of a head (or trailer) section from chunk[from..]: each complete line is
   * checked and decoded at once, from the chunk itself unless it straddles reads. Every line
   * must end in CRLF; a lone CR or LF is refused as soon as it is seen. Returns the index just
   * past the section's empty line, or -1 when the chunk ran out first.
   */
  private scanSection(chunk: Buffer, from: number): number {
    const { maxRequestLineBytes, maxHeaderBytes } = this.limits;
    const n = chunk.length;
    const inStartLine = () => this.state === State.Head && this.lineCount === 0;
    let i = from;
    if (this.lastByte === CR && chunk[i] !== LF) throw bareCrOrLf();
    for (;;) {
      if (this.lineLength === 0 && !inStartLine() && (chunk[i] === SP || chunk[i] === HTAB)) {
        throw parseError('obs-fold', 'obsolete line folding');
      }
      const lf = chunk.indexOf(LF, i);
      const cr = chunk.indexOf(CR, i);
      // A CR of this line (later lines are checked when reached) must come right before the LF.
      if (cr !== -1 && (lf === -1 || cr < lf) && cr + 1 < n && chunk[cr + 1] !== LF) {
        throw bareCrOrLf();
      }
      const lineSoFar = this.lineLength + (lf === -1 ? n : lf) - i;
      if (inStartLine()) {
        if (lineSoFar > maxRequestLineBytes + 1) {
          throw parseError(
            'request-line-too-long',
            `request line over ${maxRequestLineBytes} bytes`,
          );
        }
      } else if (this.fieldBytes + lineSoFar > maxHeaderBytes) {
        throw parseError('headers-too-large', `header section over ${maxHeaderBytes} bytes`);
      }
      if (lf === -1) {
        if (i < n) {
          this.lineParts.push(chunk.subarray(i));
          this.lineLength += n - i;
          this.lastByte = chunk[n - 1]!;
        }
        return -1;
      }
      if ((lf > i ? chunk[lf - 1] : this.lastByte) !== CR) throw bareCrOrLf();
      let line = chunk;
      let start = i;
      if (this.lineParts.length > 0) {
        line = Buffer.concat([...this.lineParts, chunk.subarray(i, lf + 1)]);
        start = 0;
        this.lineParts = [];
        this.lineLength = 0;
        this.lastByte = -1;
      }
      const end = start + lineSoFar - 1; // before the CR
      i = lf + 1;
      if (end === start) {
        // RFC 9112 §2.2: empty lines before a request line are ignored.
        if (inStartLine()) continue;
        return i;
      }
      if (inStartLine()) {
        this.startLine(line, start, end);
      } else {
        if (this.fields.length / 2 >= this.limits.maxHeaderCount) {
          throw parseError('too-many-headers', `more than ${this.limits.maxHeaderCount} fields`);
        }
        parseFieldLine(line, start, end, this.fields);
        this.fieldBytes += end - start + 2;
        this.checkContentLength();
      }
      this.lineCount++;
    }
  }

  /** Content-Length is judged as soon as its line arrives: a smuggling attempt fails early. */
  private checkContentLength(): void {
    const name = this.fields[this.fields.length - 2]!;
    if (name.length !== 14 || name.toLowerCase() !== 'content-length') return;
    const value = this.fields[this.fields.length - 1]!;
    if (!/^\d+$/.test(value) || Number(value) > Number.MAX_SAFE_INTEGER) {
      throw parseError('bad-content-length', 'invalid Content-Length');
    }
    if (this.sawContentLength) {
      throw parseError('duplicate-content-length', 'more than one Content-Length');
    }
    this.sawContentLength = true;
  }

  private onHeadSection(): void {
    const { head, tunnel } = this.headComplete(this.fields);
    const framing: Framing = head;
    this.resetSection();
    const max = this.limits.maxBodyBytes;
    if (max > 0 && framing.body === 'length' && framing.contentLength > max) {
      throw parseError('body-too-large', `body of ${framing.contentLength} bytes over ${max}`);
    }
    this.keepAlive = framing.keepAlive && !tunnel && framing.body !== 'until-close';
    this.tunnelled = tunnel;
    this.bodyTotal = 0;
    this.events.onHead(head);
    if (this.state !== State.Head) return; // stopped by the caller
    if (tunnel || framing.body === 'none') {
      this.complete([]);
    } else if (framing.body === 'length') {
      this.remaining = framing.contentLength;
      this.state = State.BodyLength;
    } else if (framing.body === 'chunked') {
      this.state = State.ChunkSizeStart;
    } else {
      this.state = State.BodyUntilClose;
    }
  }

  private onTrailerSection(): void {
    const trailers = this.fields;
    this.resetSection();
    this.complete(trailers);
  }

  private complete(trailers: string[]): void {
    this.messages++;
    this.state = this.keepAlive ? State.Head : State.Done;
    this.events.onComplete(trailers);
  }

  /** Chunk-size lines and the CRLF after chunk data, a byte at a time. Returns the next index. */
  private chunkFraming(chunk: Buffer, from: number): number {
    let i = from;
    const n = chunk.length;
    while (i < n) {
      const b = chunk[i]!;
      switch (this.state) {
        case State.ChunkSizeStart:
          if (HEX_VALUE[b]! < 0) throw parseError('bad-chunk-size', 'chunk size is not hex');
          this.remaining = HEX_VALUE[b]!;
          this.chunkLine = 1;
          this.state = State.ChunkSize;
          break;
        case State.ChunkSize: {
          const digit = HEX_VALUE[b]!;
          if (digit >= 0) {
            this.remaining = this.remaining * 16 + digit;
            if (this.remaining > Number.MAX_SAFE_INTEGER) {
              throw parseError('bad-chunk-size', 'chunk size overflows');
            }
          } else if (b === 0x3b) {
            this.state = State.ChunkExt;
            this.chunkExtName = false;
          } else if (b === CR) {
            this.state = State.ChunkSizeLf;
          } else {
            throw parseError('bad-chunk-size', 'invalid character in chunk size');
          }
          break;
        }
        case State.ChunkExt:
          // chunk-ext = *( ";" token [ "=" ( token / quoted-string ) ] ), RFC 9112 §7.1.1
          if (TOKEN[b] === 1) this.chunkExtName = true;
          else if (!this.chunkExtName) {
            throw parseError('bad-chunk-extension', 'chunk extension without a name');
          } else if (b === CR) this.state = State.ChunkSizeLf;
          else if (b === 0x22) this.state = State.ChunkExtQuoted;
          else if (b === 0x3b) this.chunkExtName = false;
          else if (b !== 0x3d) {
            throw parseError('bad-chunk-extension', 'invalid character in chunk extension');
          }
          break;
        case State.ChunkExtQuoted:
          if (b === 0x22) this.state = State.ChunkExt;
          else if (b === 0x5c) this.state = State.ChunkExtEscape;
          else if (FIELD_VALUE[b] !== 1) {
            throw parseError('bad-chunk-extension', 'invalid character in quoted chunk extension');
          }
          break;
        case State.ChunkExtEscape:
          if (FIELD_VALUE[b] !== 1) {
            throw parseError('bad-chunk-extension', 'invalid escape in chunk extension');
          }
          this.state = State.ChunkExtQuoted;
          break;
        case State.ChunkSizeLf:
          if (b !== LF) throw parseError('bad-chunk-size', 'chunk size line not ended by CRLF');
          i++;
          return this.startChunk(i);
        case State.ChunkDataCr:
          if (b !== CR) throw parseError('bad-chunk-terminator', 'chunk data not followed by CRLF');
          this.state = State.ChunkDataLf;
          break;
        case State.ChunkDataLf:
          if (b !== LF) throw parseError('bad-chunk-terminator', 'chunk data not followed by CRLF');
          this.state = State.ChunkSizeStart;
          return i + 1;
        default:
          return i;
      }
      if (++this.chunkLine > MAX_CHUNK_LINE) {
        throw parseError('bad-chunk-extension', `chunk size line over ${MAX_CHUNK_LINE} bytes`);
      }
      i++;
    }
    return i;
  }

  private startChunk(i: number): number {
    if (this.remaining === 0) {
      this.state = State.Trailers;
      return i;
    }
    this.bodyTotal += this.remaining;
    const max = this.limits.maxBodyBytes;
    if (max > 0 && this.bodyTotal > max) {
      throw parseError('body-too-large', `chunked body over ${max} bytes`);
    }
    this.state = State.ChunkData;
    return i;
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function parseError(reason: HttpParseReason, message: string): HttpParseError {
  return new HttpParseError(reason, message);
}

export function bareCrOrLf(): HttpParseError {
  return parseError('bare-cr-or-lf', 'CR and LF must come together as a line ending');
}

const HTTP_SLASH = Buffer.from('HTTP/');

export function parseVersion(buf: Buffer, start: number, end: number): '1.0' | '1.1' {
  const isDigit = (k: number) => buf[k]! >= 0x30 && buf[k]! <= 0x39;
  if (
    end - start !== 8 ||
    buf.compare(HTTP_SLASH, 0, 5, start, start + 5) !== 0 ||
    !isDigit(start + 5) ||
    buf[start + 6] !== 0x2e ||
    !isDigit(start + 7)
  ) {
    throw parseError('bad-version', 'malformed HTTP version');
  }
  const major = buf[start + 5]! - 0x30;
  const minor = buf[start + 7]! - 0x30;
  // RFC 9110 §2.5: a higher minor version within major 1 is processed as the highest we implement.
  if (major === 1) return minor === 0 ? '1.0' : '1.1';
  throw parseError('unsupported-version', `HTTP/${major}.${minor} is not supported`);
}

/** One `name: value` field line in buf[start, end), appended to `out` as name, value. */
function parseFieldLine(buf: Buffer, start: number, end: number, out: string[]): void {
  const first = buf[start]!;
  if (first === SP || first === HTAB) throw parseError('obs-fold', 'obsolete line folding');
  const colon = buf.indexOf(COLON, start);
  if (colon < 0 || colon > end) throw parseError('bad-header-name', 'field line without colon');
  for (let k = start; k < colon; k++) {
    if (TOKEN[buf[k]!] !== 1) {
      const b = buf[k]!;
      if ((b === SP || b === HTAB) && onlyWhitespace(buf, k, colon)) {
        throw parseError('space-before-colon', 'whitespace between field name and colon');
      }
      throw parseError('bad-header-name', 'invalid character in field name');
    }
  }
  if (colon === start) throw parseError('bad-header-name', 'empty field name');
  let valueStart = colon + 1;
  let valueEnd = end;
  while (valueStart < valueEnd && (buf[valueStart] === SP || buf[valueStart] === HTAB)) {
    valueStart++;
  }
  while (valueEnd > valueStart && (buf[valueEnd - 1] === SP || buf[valueEnd - 1] === HTAB)) {
    valueEnd--;
  }
  for (let k = valueStart; k < valueEnd; k++) {
    if (FIELD_VALUE[buf[k]!] !== 1) {
      throw parseError('bad-header-value', 'invalid character in field value');
    }
  }
  out.push(buf.toString('latin1', start, colon), buf.toString('latin1', valueStart, valueEnd));
}

function onlyWhitespace(buf: Buffer, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (buf[k] !== SP && buf[k] !== HTAB) return false;
  return true;
}

export function isToken(text: string): boolean {
  for (let k = 0; k < text.length; k++) if (TOKEN[text.charCodeAt(k)] !== 1) return false;
  return true;
}

/**
 * Fills `headers` (lowercased name -> value, repeated fields joined with ', ' as RFC 9110 §5.3
 * allows, or '; ' for Cookie) from [name, value, ...] and returns the lowercased names.
 */
export function indexFields(raw: readonly string[], headers: Record<string, string>): string[] {
  const names: string[] = [];
  for (let k = 0; k < raw.length; k += 2) {
    const lower = raw[k]!.toLowerCase();
    const value = raw[k + 1]!;
    const previous = headers[lower];
    headers[lower] =
      previous === undefined ? value : `${previous}${lower === 'cookie' ? '; ' : ', '}${value}`;
    names.push(lower);
  }
  return names;
}

/** Connection options, lowercased (RFC 9110 §7.6.1). */
export function connectionOptions(value: string | undefined): string[] {
  return value === undefined
    ? []
    : value
        .toLowerCase()
        .split(',')
        .map((option) => option.trim());
}
