/** Spare read buffers kept between requests; beyond this many, released ones go to the GC. */
const MAX_SPARE = 16;

/**
 * Read buffers for streamed bodies, reused instead of allocated per chunk: at 1 MiB files,
 * a fresh 256 KiB buffer per read made the garbage collector a fifth of the CPU.
 *
 * A buffer handed to conn.write() is still being read by the socket until the kernel has
 * taken its bytes, so it may only be reused once it is provably gone. Output leaves in order,
 * so a buffer is gone once the connection's unsent bytes are fewer than the bytes this stream
 * wrote after it.
 */
export class ChunkPool {
  private spare: Buffer[] = [];
  private size = 0;

  /** A buffer of the configured size, reused when one is free. */
  take(): Buffer {
    return this.spare.pop() ?? Buffer.allocUnsafe(this.size);
  }

  give(buffer: Buffer): void {
    if (buffer.length === this.size && this.spare.length < MAX_SPARE) this.spare.push(buffer);
  }

  /** Sets the read size (it changes on SIGHUP): buffers of another size are dropped. */
  resize(size: number): void {
    if (size === this.size) return;
    this.size = size;
    this.spare = [];
  }
}

/** The buffers one streamed response has written, in order, until each is known to be sent. */
export class InFlightChunks {
  private readonly chunks: Array<{ buffer: Buffer; endsAt: number }> = [];
  private written = 0;

  constructor(private readonly pool: ChunkPool) {}

  /** Records `length` bytes written to the connection; `buffer` when they came from the pool. */
  wrote(length: number, buffer?: Buffer): void {
    this.written += length;
    if (buffer) this.chunks.push({ buffer, endsAt: this.written });
  }

  /** Returns to the pool every buffer whose bytes are no longer among the `unsent` last ones. */
  release(unsent: number): void {
    while (this.chunks.length > 0 && this.written - this.chunks[0]!.endsAt >= unsent) {
      this.pool.give(this.chunks.shift()!.buffer);
    }
  }
}
