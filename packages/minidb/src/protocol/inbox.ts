import type { LengthPrefixedFrame } from '@strata/common';

/**
 * Frontend messages received and not yet handled, in order. The connection's message loop
 * takes from it; a handler in the middle of COPY takes the CopyData messages the same way.
 */
export class Inbox {
  private frames: LengthPrefixedFrame[] = [];
  private head = 0;
  private waiter: ((frame: LengthPrefixedFrame | null) => void) | undefined;
  private ended = false;
  private queuedBytes = 0;

  get length(): number {
    return this.frames.length - this.head;
  }

  /** Payload bytes waiting, for input backpressure. */
  get bytes(): number {
    return this.queuedBytes;
  }

  push(frame: LengthPrefixedFrame): void {
    if (this.ended) return;
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = undefined;
      waiter(frame);
      return;
    }
    this.frames.push(frame);
    this.queuedBytes += frame.payload.length;
  }

  /** The next message now, or a promise of it; null once closed and empty. */
  next(): LengthPrefixedFrame | null | Promise<LengthPrefixedFrame | null> {
    if (this.head < this.frames.length) {
      const frame = this.frames[this.head++]!;
      this.queuedBytes -= frame.payload.length;
      if (this.head === this.frames.length) {
        this.frames = [];
        this.head = 0;
      }
      return frame;
    }
    if (this.ended) return null;
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  /** No more input (the client half-closed): what is queued is still read, then null. */
  end(): void {
    this.ended = true;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.(null);
  }

  /** The client is gone: pending messages are dropped and a waiting reader gets null. */
  close(): void {
    this.ended = true;
    this.frames = [];
    this.head = 0;
    this.queuedBytes = 0;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.(null);
  }
}
