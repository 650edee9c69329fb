/**
 * Builds backend messages into one growing buffer per connection. Messages are appended with
 * offsets (no per-message allocation); `take()` hands the batch to the connection, which sends
 * everything written during one event-loop turn in one socket write.
 */
export class MessageWriter {
  private buf = Buffer.allocUnsafe(16 * 1024);
  private pos = 0;
  /** Offset of the length field of the message being built. */
  private start = -1;

  /** Bytes built and not yet taken. */
  get length(): number {
    return this.pos;
  }

  /** Starts a message with its type byte; the length is patched by end(). */
  begin(type: number): this {
    this.ensure(5);
    this.buf[this.pos++] = type;
    this.start = this.pos;
    this.pos += 4;
    return this;
  }

  end(): this {
    this.buf.writeUInt32BE(this.pos - this.start, this.start);
    this.start = -1;
    return this;
  }

  byte(value: number): this {
    this.ensure(1);
    this.buf[this.pos++] = value;
    return this;
  }

  int16(value: number): this {
    this.ensure(2);
    this.buf.writeInt16BE(value, this.pos);
    this.pos += 2;
    return this;
  }

  int32(value: number): this {
    this.ensure(4);
    this.buf.writeInt32BE(value, this.pos);
    this.pos += 4;
    return this;
  }

  /** A NUL-terminated UTF-8 string. */
  cstring(value: string): this {
    const size = Buffer.byteLength(value);
    this.ensure(size + 1);
    this.pos += this.buf.write(value, this.pos, 'utf8');
    this.buf[this.pos++] = 0;
    return this;
  }

  bytes(data: Buffer): this {
    this.ensure(data.length);
    data.copy(this.buf, this.pos);
    this.pos += data.length;
    return this;
  }

  /** A length-prefixed value as in DataRow and Bind: -1 for NULL. */
  value(data: Buffer | null): this {
    if (data === null) return this.int32(-1);
    this.int32(data.length);
    return this.bytes(data);
  }

  /** Returns the messages built so far (a copy: the buffer is reused) and resets. */
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.pos));
    this.pos = 0;
    // A huge row grew the buffer: do not keep megabytes per idle connection.
    if (this.buf.length > 1024 * 1024) this.buf = Buffer.allocUnsafe(16 * 1024);
    return out;
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + extra) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }
}
