import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { ErrorCode, StrataError } from '../errors.js';
import { type FlushScheduler, scheduleFlush } from './flush.js';

/** What a daemon does with one client's bytes. */
export interface ConnectionHandler {
  /**
   * Bytes from the client. Everything written with `conn.write()` during this loop turn is sent
   * in one socket write when the turn ends (Redis's beforeSleep flush).
   */
  data(chunk: Buffer): void;
  /** The client half-closed its side (FIN). Called before the connection ends. */
  end?(): void;
  /**
   * Whether a client's FIN leaves the connection half-open: true (the default, HTTP's
   * request-then-shutdown clients) keeps it until in-flight work and queued output are done.
   * false treats the FIN as a disconnect, as Redis and PostgreSQL treat a read of 0 bytes:
   * output already queued is still sent, in-flight work is abandoned (its later writes are
   * dropped) and the socket closes at once, so no client waiting on an event (a blocked pop,
   * a subscription) lingers in CLOSE-WAIT. A getter can decide per connection state.
   */
  readonly halfClose?: boolean;
  /** The connection is gone: closed, reset, timed out or dropped. Called exactly once. */
  close?(error?: Error): void;
}

export interface ConnectionLimits {
  /** Unsent bytes above which the server stops reading from this client. */
  outputHighWaterMark: number;
  /** Unsent bytes above which the client is dropped; 0 = unlimited. */
  maxOutputBytes: number;
  /** Close after this long without input; 0 = never. */
  idleTimeoutMs: number;
}

/** Writes smaller than this are concatenated into one buffer; larger ones go out as a writev. */
const CONCAT_LIMIT = 64 * 1024;

let nextConnectionId = 1;

/**
 * One client socket: buffered output flushed once per loop turn, backpressure, limits, and the
 * in-flight work counter that graceful shutdown waits on.
 */
export class Connection {
  readonly id = nextConnectionId++;
  readonly createdAt = Date.now();
  /** Last time input arrived (ms since epoch). */
  lastActivity = this.createdAt;
  /** Set while the server drains: handlers should finish and not keep the connection alive. */
  closing = false;
  /** Per-connection overrides of the server's limits (e.g. Redis's pubsub output class). */
  readonly limits: ConnectionLimits;
  /** Child logger tagged with the connection id. */
  readonly log: Logger;

  private readonly output: Array<Buffer | string> = [];
  private outputBytes = 0;
  private busy = 0;
  private readEnded = false;
  /** The client's FIN was a disconnect (handler.halfClose false): see ConnectionHandler. */
  private peerGone = false;
  private pausedByHandler = false;
  private pausedForOutput = false;
  private drainWaiters: Array<() => void> = [];
  private isClosed = false;
  private closeError: Error | undefined;

  constructor(
    readonly socket: Socket,
    readonly transport: 'tcp' | 'unix',
    limits: ConnectionLimits,
    logger: Logger,
    private readonly scheduler: FlushScheduler,
  ) {
    this.limits = { ...limits };
    this.log = logger.child({ conn: this.id });
    socket.on('drain', () => this.onDrain());
  }

  get remoteAddress(): string {
    return this.transport === 'unix' ? '' : (this.socket.remoteAddress ?? '');
  }

  get remotePort(): number {
    return this.socket.remotePort ?? 0;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Bytes accepted by write() but not yet handed to the kernel. */
  get pendingOutput(): number {
    return this.outputBytes + this.socket.writableLength;
  }

  /** Whether in-flight work (begun with beginWork) is still running. */
  get working(): boolean {
    return this.busy > 0;
  }

  /** Queues bytes; they leave in one write at the end of this loop turn. */
  write(data: Buffer | string): void {
    // After end() the socket refuses writes with an error event; late replies are dropped here.
    if (this.isClosed || this.socket.destroyed || this.socket.writableEnded) return;
    const size = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    if (size === 0) return;
    this.output.push(data);
    this.outputBytes += size;
    if (this.limits.maxOutputBytes > 0 && this.pendingOutput > this.limits.maxOutputBytes) {
      this.destroy(
        new StrataError(
          ErrorCode.OUTPUT_LIMIT,
          `output buffer of ${this.pendingOutput} bytes exceeds ${this.limits.maxOutputBytes}`,
        ),
      );
      return;
    }
    if (this.output.length === 1) scheduleFlush(this.scheduler, this);
  }

  /** Hands queued output to the socket now. Normally called by the loop-turn scheduler. */
  flush(): void {
    if (this.output.length === 0 || this.isClosed || this.socket.destroyed) return;
    const { output } = this;
    if (output.length === 1) {
      this.socket.write(output[0]!);
    } else if (this.outputBytes <= CONCAT_LIMIT) {
      this.socket.write(
        output.every((part) => typeof part === 'string')
          ? output.join('')
          : Buffer.concat(
              output.map((part) => (typeof part === 'string' ? Buffer.from(part) : part)),
            ),
      );
    } else {
      this.socket.cork();
      for (const part of output) this.socket.write(part);
      this.socket.uncork();
    }
    output.length = 0;
    this.outputBytes = 0;
    // Pausing waits for 'drain', which the socket only emits once a write has returned false
    // (its own 16 KiB mark): below that, a smaller outputHighWaterMark must not pause, or
    // nothing would ever resume reading.
    if (
      this.socket.writableLength > this.limits.outputHighWaterMark &&
      this.socket.writableNeedDrain &&
      !this.pausedForOutput
    ) {
      this.pausedForOutput = true;
      this.socket.pause();
    }
  }

  /** Resolves once unsent output is back under the high-water mark (for streaming bodies). */
  waitForDrain(): Promise<void> {
    this.flush();
    if (
      this.isClosed ||
      this.socket.writableLength <= this.limits.outputHighWaterMark ||
      !this.socket.writableNeedDrain
    ) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Stops reading from the client until resumeReading(), e.g. while a request body is not wanted. */
  pauseReading(): void {
    this.pausedByHandler = true;
    this.socket.pause();
  }

  resumeReading(): void {
    this.pausedByHandler = false;
    if (!this.pausedForOutput && !this.isClosed) this.socket.resume();
  }

  /** Marks async work in flight: graceful shutdown and half-close wait for it. */
  beginWork(): void {
    this.busy++;
  }

  endWork(): void {
    if (this.busy > 0) this.busy--;
    if (this.busy === 0 && (this.closing || this.readEnded)) this.end();
  }

  /** Sends what is queued, then closes our side. */
  end(data?: Buffer | string): void {
    if (this.isClosed) return;
    if (data !== undefined) this.write(data);
    this.flush();
    this.socket.end();
    // While the server shuts down, or once the peer is gone, nobody waits for the client's
    // FIN: close once all is sent.
    if (this.closing || this.peerGone) this.socket.once('finish', () => this.socket.destroy());
  }

  /** Closes at once, discarding unsent output. */
  destroy(error?: Error): void {
    if (this.isClosed) return;
    if (error) this.closeError = error;
    this.output.length = 0;
    this.outputBytes = 0;
    this.socket.destroy();
  }

  /** @internal Called by the server for a client FIN. */
  onReadEnd(handler: ConnectionHandler): void {
    this.readEnded = true;
    handler.end?.();
    if (handler.halfClose === false) {
      this.peerGone = true;
      this.busy = 0;
      this.end();
    } else if (this.busy === 0) {
      this.end();
    }
  }

  /** @internal Called by the server when the socket is gone; returns the error to report. */
  markClosed(): Error | undefined {
    this.isClosed = true;
    this.output.length = 0;
    this.outputBytes = 0;
    for (const resolve of this.drainWaiters.splice(0)) resolve();
    return this.closeError;
  }

  /** @internal Records the socket error that caused the close. */
  recordError(error: Error): void {
    this.closeError ??= error;
  }

  private onDrain(): void {
    // The client is reading what we send: that is activity too (Redis counts writes as
    // interaction), so a long download is not cut by the idle timeout.
    this.lastActivity = Date.now();
    if (this.pausedForOutput) {
      this.pausedForOutput = false;
      if (!this.pausedByHandler) this.socket.resume();
    }
    for (const resolve of this.drainWaiters.splice(0)) resolve();
  }
}
