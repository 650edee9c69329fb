import { FrameTooLargeError, InvalidFrameError } from './errors.js';

/**
 * A queue of received chunks read with offsets. Bytes are copied only when a caller takes a
 * range that spans chunks, and then only that range: pending input is never re-concatenated
 * on every read, so a 512 MiB value arriving in 64 KiB reads costs one copy, not thousands.
 */
export class ByteQueue {
  private chunks: Buffer[] = [];
  /** Index of the first live chunk: consumed chunks are dropped in batches, not shifted one by one. */
  private first = 0;
  /** Read position inside chunks[first]. */
  private head = 0;
  private total = 0;

  get length(): number {
    return this.total;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.total += chunk.length;
  }

  /** Byte at `offset` from the read position; -1 past the end. */
  byteAt(offset: number): number {
    if (offset < 0 || offset >= this.total) return -1;
    const first = this.chunks[this.first]!;
    if (this.head + offset < first.length) return first[this.head + offset]!;
    const [index, pos] = this.locate(offset);
    return this.chunks[index]![pos]!;
  }

  /** Offset of the first `byte` at or after `from`, or -1. Each chunk is searched natively. */
  indexOf(byte: number, from = 0): number {
    if (from >= this.total) return -1;
    from = Math.max(0, from);
    // Most searches start in the first chunk; locate() walks the list for the others.
    let [index, pos] =
      this.head + from < this.chunks[this.first]!.length
        ? [this.first, this.head + from]
        : this.locate(from);
    let base = from - (pos - (index === this.first ? this.head : 0));
    for (; index < this.chunks.length; index++) {
      const chunk = this.chunks[index]!;
      const start = index === this.first ? this.head : 0;
      const found = chunk.indexOf(byte, pos);
      if (found !== -1) return base + found - start;
      base += chunk.length - start;
      pos = 0;
    }
    return -1;
  }

  /** Reads a big-endian u32 at `offset` without consuming; caller checks length first. */
  readUInt32BE(offset: number): number {
    const first = this.chunks[this.first]!;
    if (this.head + offset + 4 <= first.length) return first.readUInt32BE(this.head + offset);
    return (
      ((this.byteAt(offset) << 24) |
        (this.byteAt(offset + 1) << 16) |
        (this.byteAt(offset + 2) << 8) |
        this.byteAt(offset + 3)) >>>
      0
    );
  }

  /**
   * Removes and returns the next `n` bytes. A range inside one chunk is a zero-copy view:
   * callers that keep it must copy if they need it to outlive the chunk's reuse (Node never reuses
   * socket chunks, so views are safe to keep).
   */
  take(n: number): Buffer {
    if (n > this.total) throw new RangeError(`take(${n}) with only ${this.total} bytes queued`);
    if (n === 0) return Buffer.alloc(0);
    const first = this.chunks[this.first]!;
    if (this.head + n <= first.length) {
      const view = first.subarray(this.head, this.head + n);
      this.advance(n);
      return view;
    }
    const out = Buffer.allocUnsafe(n);
    let written = 0;
    while (written < n) {
      const chunk = this.chunks[this.first]!;
      const count = Math.min(chunk.length - this.head, n - written);
      chunk.copy(out, written, this.head, this.head + count);
      written += count;
      this.advance(count);
    }
    return out;
  }

  /** Drops the next `n` bytes. */
  skip(n: number): void {
    if (n > this.total) throw new RangeError(`skip(${n}) with only ${this.total} bytes queued`);
    let left = n;
    while (left > 0) {
      const count = Math.min(this.chunks[this.first]!.length - this.head, left);
      this.advance(count);
      left -= count;
    }
  }

  clear(): void {
    this.chunks = [];
    this.first = 0;
    this.head = 0;
    this.total = 0;
  }

  /**
   * The chunk index and position inside it of `offset` (0 <= offset < length). Walks from
   * whichever end is nearer, so the usual lookups (the start, or the newest chunk a decoder has
   * not searched yet) cost O(1) however many chunks are pending.
   */
  private locate(offset: number): [number, number] {
    if (offset < this.total / 2) {
      let pos = this.head + offset;
      let index = this.first;
      while (pos >= this.chunks[index]!.length) {
        pos -= this.chunks[index]!.length;
        index++;
      }
      return [index, pos];
    }
    let end = this.total;
    let index = this.chunks.length - 1;
    for (;;) {
      const live = this.chunks[index]!.length - (index === this.first ? this.head : 0);
      const start = end - live;
      if (offset >= start) {
        return [index, offset - start + (index === this.first ? this.head : 0)];
      }
      end = start;
      index--;
    }
  }

  private advance(n: number): void {
    this.head += n;
    this.total -= n;
    if (this.head < this.chunks[this.first]!.length) return;
    this.head = 0;
    this.first++;
    if (this.first === this.chunks.length) {
      this.chunks = [];
      this.first = 0;
    } else if (this.first >= 1024 && this.first * 2 >= this.chunks.length) {
      this.chunks = this.chunks.slice(this.first);
      this.first = 0;
    }
  }
}

/** An incremental decoder: push chunks as they arrive, get complete frames back. */
export interface FrameDecoder<F> {
  /** Adds a chunk and returns every frame it completed. Throws a StrataError on bad input. */
  push(chunk: Buffer): F[];
  /** Bytes received but not yet part of a complete frame. */
  readonly pending: number;
}

export interface LineDecoderOptions {
  /** Longest line accepted, without its terminator. */
  maxLineLength: number;
}

/**
 * Splits input on LF; a CR before the LF is dropped. Lines are returned without terminators, as
 * views of the input chunk; only a line spanning reads is copied (once). Each byte is searched
 * once: the queue only ever holds the unfinished tail of a line.
 */
export class LineDecoder implements FrameDecoder<Buffer> {
  private readonly queue = new ByteQueue();
  private readonly maxLineLength: number;

  constructor(options: LineDecoderOptions) {
    this.maxLineLength = options.maxLineLength;
  }

  get pending(): number {
    return this.queue.length;
  }

  push(chunk: Buffer): Buffer[] {
    const lines: Buffer[] = [];
    let start = 0;
    if (this.queue.length > 0) {
      const lf = chunk.indexOf(0x0a);
      if (lf === -1) {
        this.queue.push(chunk);
        this.checkUnfinished();
        return lines;
      }
      this.queue.push(chunk.subarray(0, lf > 0 && chunk[lf - 1] === 0x0d ? lf - 1 : lf));
      // A CR that arrived at the end of the previous read, just before this LF, is no content.
      const crBefore = lf === 0 && this.queue.byteAt(this.queue.length - 1) === 0x0d;
      lines.push(this.checked(this.queue.take(this.queue.length - (crBefore ? 1 : 0))));
      this.queue.clear();
      start = lf + 1;
    }
    for (;;) {
      const lf = chunk.indexOf(0x0a, start);
      if (lf === -1) break;
      const end = lf > start && chunk[lf - 1] === 0x0d ? lf - 1 : lf;
      lines.push(this.checked(chunk.subarray(start, end)));
      start = lf + 1;
    }
    if (start < chunk.length) {
      this.queue.push(start === 0 ? chunk : chunk.subarray(start));
      this.checkUnfinished();
    }
    return lines;
  }

  private checked(line: Buffer): Buffer {
    if (line.length > this.maxLineLength) {
      throw new FrameTooLargeError(line.length, this.maxLineLength);
    }
    return line;
  }

  /** A line without its LF yet is refused as soon as it is too long to become a valid one. */
  private checkUnfinished(): void {
    // The limit counts the line without its terminator; a lone trailing CR may still be one.
    const carried = this.queue.byteAt(this.queue.length - 1) === 0x0d ? 1 : 0;
    if (this.queue.length - carried > this.maxLineLength) {
      throw new FrameTooLargeError(this.queue.length, this.maxLineLength);
    }
  }
}

export interface LengthPrefixedFrame {
  /** The type byte, or -1 when the framing has none. */
  type: number;
  payload: Buffer;
}

export interface LengthPrefixedOptions {
  /** Frames start with a 1-byte type before the length (PostgreSQL messages). */
  typeByte: boolean;
  /** The length counts its own 4 bytes (true for PostgreSQL). */
  lengthIncludesSelf: boolean;
  /** Largest payload accepted. */
  maxPayload: number;
}

/** u32 big-endian length-prefixed frames, optionally preceded by a type byte. */
export class LengthPrefixedDecoder implements FrameDecoder<LengthPrefixedFrame> {
  private readonly queue = new ByteQueue();
  private readonly options: LengthPrefixedOptions;
  /** Switched off after the first frame for protocols whose startup message has no type byte. */
  private typeByte: boolean;

  constructor(options: LengthPrefixedOptions) {
    this.options = options;
    this.typeByte = options.typeByte;
  }

  get pending(): number {
    return this.queue.length;
  }

  /** PostgreSQL's startup packet has no type byte; later messages do. */
  setTypeByte(enabled: boolean): void {
    this.typeByte = enabled;
  }

  push(chunk: Buffer): LengthPrefixedFrame[] {
    this.queue.push(chunk);
    const frames: LengthPrefixedFrame[] = [];
    for (;;) {
      const headerSize = (this.typeByte ? 1 : 0) + 4;
      if (this.queue.length < headerSize) return frames;
      const rawLength = this.queue.readUInt32BE(headerSize - 4);
      const payloadLength = this.options.lengthIncludesSelf ? rawLength - 4 : rawLength;
      if (payloadLength < 0) throw new InvalidFrameError(`invalid frame length ${rawLength}`);
      if (payloadLength > this.options.maxPayload) {
        throw new FrameTooLargeError(payloadLength, this.options.maxPayload);
      }
      if (this.queue.length < headerSize + payloadLength) return frames;
      const type = this.typeByte ? this.queue.byteAt(0) : -1;
      this.queue.skip(headerSize);
      frames.push({ type, payload: this.queue.take(payloadLength) });
    }
  }
}
