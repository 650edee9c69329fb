import { Readable } from 'node:stream';
import type { RequestHead } from '@strata/common/http';
import { CONTINUE_RESPONSE } from '@strata/common/http';
import type { Connection } from '@strata/common';

/**
 * One client request as the proxy handles it. Its body (if any) is a stream fed by the
 * session's parser while the request is already being forwarded; when the upstream side
 * reads slower than the client sends, the client connection stops being read.
 */
export class ClientRequest {
  readonly startedAt = Date.now();
  /** Last request on this connection (close asked, limit reached, body left unread...). */
  last: boolean;
  readonly body: Readable | undefined;
  /** The whole body has arrived (or there is none). */
  bodyComplete: boolean;
  /** Aborted when the client goes away: cancels the upstream request. */
  readonly abort = new AbortController();
  private continued = false;

  constructor(
    readonly head: RequestHead,
    readonly conn: Connection,
    last: boolean,
  ) {
    this.last = last;
    this.bodyComplete = head.body === 'none';
    this.body = this.bodyComplete
      ? undefined
      : new Readable({
          highWaterMark: 64 * 1024,
          read: () => conn.resumeReading(),
        });
  }

  get remoteAddress(): string {
    return this.conn.remoteAddress;
  }

  /** Body bytes from the parser; false when the consumer is behind (pause the client). */
  pushBody(data: Buffer): boolean {
    return this.body!.push(data);
  }

  endBody(): void {
    this.bodyComplete = true;
    this.body?.push(null);
  }

  /**
   * The body is about to be read: a client waiting on `Expect: 100-continue` is told to send
   * it (the proxy answers the expectation itself; it is not forwarded).
   */
  wantBody(): void {
    if (this.continued || this.bodyComplete || !this.head.expectContinue) return;
    this.continued = true;
    if (this.head.version === '1.1') this.conn.write(CONTINUE_RESPONSE);
  }
}
