import type { Connection } from '@strata/common';

/**
 * Bytes of spare read buffers kept between requests; beyond this, released ones go to the GC.
 * 16 MiB is 64 buffers of the default 256 KiB: 20 clients streaming 4 MiB files keep about
 * that many in flight, and with 16 spare buffers 3.5% of reads still allocated.
 */
const MAX_SPARE_BYTES = 16 * 1024 * 1024;

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
    if (buffer.length === this.size && (this.spare.length + 1) * this.size <= MAX_SPARE_BYTES) {
      this.spare.push(buffer);
    }
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

  /**
   * After the last write: the buffers the socket still holds go back to the pool once it has
   * drained (otherwise the last chunks of every large response were left to the garbage
   * collector: 13% of reads allocated at 4 MiB per response).
   */
  releaseWhenSent(conn: Connection): void {
    // The last chunks would otherwise wait for the end of the loop turn in the connection's
    // queue, where no drain event accounts for them.
    conn.flush();
    this.release(conn.pendingOutput);
    if (this.chunks.length > 0 && conn.socket.writableNeedDrain) {
      conn.socket.once('drain', () => this.release(conn.pendingOutput));
    }
  }
}
