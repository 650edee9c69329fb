import type { Socket } from 'node:net';
import type { Connection } from '@strata/common';

/**
 * A CONNECT tunnel: a byte pipe between the client connection and the upstream socket, with
 * backpressure both ways (a side that cannot keep up pauses the other's reading) and
 * half-close (a FIN from one side is passed on as a FIN to the other; the tunnel ends when
 * both directions have). The upstream socket must be opened with allowHalfOpen.
 */
export class Tunnel {
  /** Bytes carried each way, for the access log. */
  toClient = 0;
  toUpstream = 0;
  private clientDone = false;
  private upstreamDone = false;
  private closed = false;

  constructor(
    private readonly conn: Connection,
    private readonly upstream: Socket,
    private readonly onClose: (tunnel: Tunnel) => void,
  ) {
    upstream.on('data', (chunk: Buffer) => {
      this.toClient += chunk.length;
      conn.lastActivity = Date.now();
      conn.write(chunk);
      if (conn.pendingOutput > conn.limits.outputHighWaterMark) {
        upstream.pause();
        void conn.waitForDrain().then(() => upstream.resume());
      }
    });
    upstream.on('drain', () => conn.resumeReading());
    upstream.on('end', () => {
      this.upstreamDone = true;
      conn.end(); // flushes what is queued, then FIN to the client
      this.maybeClose();
    });
    upstream.on('error', () => this.destroy());
    upstream.on('close', () => {
      if (!this.upstreamDone) this.destroy();
    });
  }

  fromClient(chunk: Buffer): void {
    if (this.closed) return;
    this.toUpstream += chunk.length;
    if (!this.upstream.write(chunk)) this.conn.pauseReading();
  }

  clientEnded(): void {
    this.clientDone = true;
    this.upstream.end();
    this.maybeClose();
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.upstream.destroy();
    this.conn.destroy();
    this.onClose(this);
  }

  private maybeClose(): void {
    if (this.closed || !this.clientDone || !this.upstreamDone) return;
    this.closed = true;
    this.onClose(this);
  }
}
