import type { Connection, ConnectionHandler, WheelTimer } from '@strata/common';
import {
  CONTINUE_RESPONSE,
  type HttpParseError,
  type RequestHead,
  RequestParser,
} from '@strata/common/http';
import { HttpResponse } from './response.js';
import type { ServerContext } from './context.js';

/** One request as the handlers see it. */
export interface HttpRequest {
  head: RequestHead;
  /** When its first byte was parsed (ms since epoch). */
  startedAt: number;
  /** Last request this connection will serve (limit reached, close asked, or shutdown). */
  last: boolean;
}

/** What a request turned into when it could not be parsed. */
interface FailedRequest {
  error: HttpParseError;
  startedAt: number;
}

type Phase = 'head' | 'body' | 'idle' | 'busy';

/**
 * One client connection speaking HTTP/1.1: parses whatever arrives, queues pipelined requests
 * and answers them strictly in order, one at a time (a cache hit is answered synchronously, so
 * a pipelined burst leaves in one write). Owns the header, request and keep-alive timeouts.
 */
export class HttpSession implements ConnectionHandler {
  private readonly parser: RequestParser;
  private readonly queue: Array<HttpRequest | FailedRequest> = [];
  /** The request whose body is still arriving. */
  private receiving: HttpRequest | undefined;
  /** A request waiting for `100 Continue`, sent once the responses before it are out. */
  private awaitingContinue: HttpRequest | undefined;
  private busy = false;
  private finished = false;
  private accepted = 0;
  private phase: Phase = 'head';
  private phaseSince: number;
  private timer: WheelTimer | undefined;
  private readingPaused = false;

  constructor(
    private readonly conn: Connection,
    private readonly context: ServerContext,
  ) {
    const { config } = context;
    this.phaseSince = conn.createdAt;
    this.parser = new RequestParser(
      {
        onHead: (head) => this.onHead(head),
        onBody: () => {}, // a static server reads request bodies only to discard them
        onComplete: () => this.onComplete(),
        onError: (error) => this.onParseError(error),
      },
      {
        maxRequestLineBytes: config.maxRequestLine,
        maxHeaderBytes: config.maxHeaderSize,
        maxHeaderCount: config.maxHeaders,
        maxBodyBytes: config.maxBody,
      },
    );
    this.updateTimer();
  }

  data(chunk: Buffer): void {
    if (this.finished) return;
    const wasIdle = this.parser.idle;
    this.parser.execute(chunk);
    if (wasIdle && !this.parser.idle && this.receiving === undefined) {
      this.phaseSince = Date.now(); // a new head began
    }
    if (this.queue.length >= this.context.config.maxPipeline && !this.readingPaused) {
      this.readingPaused = true;
      this.conn.pauseReading();
    }
    this.pump();
  }

  close(): void {
    this.finished = true;
    this.context.wheel.cancel(this.timer);
    this.timer = undefined;
  }

  private onHead(head: RequestHead): void {
    this.accepted++;
    const request: HttpRequest = {
      head,
      startedAt: Date.now(),
      last: !head.keepAlive || this.accepted >= this.context.config.maxRequests,
    };
    if (request.last) this.parser.stop(); // nothing after this request is read
    if (head.body === 'none' || request.last) {
      // A body that follows a final request is never read: the connection closes after it.
      this.queue.push(request);
      return;
    }
    this.receiving = request;
    this.phaseSince = request.startedAt;
    if (head.expectContinue && head.version === '1.1') this.awaitingContinue = request;
  }

  private onComplete(): void {
    if (this.receiving) {
      // The body came without waiting for 100 Continue: too late to send one.
      if (this.awaitingContinue === this.receiving) this.awaitingContinue = undefined;
      this.queue.push(this.receiving);
      this.receiving = undefined;
    }
  }

  private onParseError(error: HttpParseError): void {
    this.receiving = undefined;
    this.awaitingContinue = undefined;
    this.queue.push({ error, startedAt: this.phaseSince });
  }

  /** Answers queued requests in order; returns when one goes async or the queue is empty. */
  private pump(): void {
    while (!this.busy && !this.finished && this.queue.length > 0) {
      const request = this.queue.shift()!;
      const pending = 'error' in request ? this.answerParseError(request) : this.serve(request);
      if (pending) {
        this.busy = true;
        this.conn.beginWork();
        pending
          .catch((err: unknown) => this.conn.log.error({ err }, 'request handler failed'))
          .finally(() => {
            this.busy = false;
            this.pump();
            // After pump: a next async request has begun its own work, so the count never
            // touches zero between two queued requests of a half-closed connection.
            this.conn.endWork();
          });
        break;
      }
    }
    if (this.busy || this.finished) {
      this.setPhase('busy');
      return;
    }
    if (this.readingPaused) {
      this.readingPaused = false;
      this.conn.resumeReading();
    }
    if (this.awaitingContinue) {
      this.conn.write(CONTINUE_RESPONSE);
      this.awaitingContinue = undefined;
    }
    if (this.receiving) this.setPhase('body');
    else if (this.parser.idle && this.accepted > 0) this.setPhase('idle');
    else this.setPhase('head');
  }

  private serve(request: HttpRequest): Promise<void> | undefined {
    if (this.conn.closing) request.last = true;
    const response = new HttpResponse(this.conn, request, this.context, () =>
      this.onResponseDone(request),
    );
    try {
      return this.context.handle(request, response) ?? undefined;
    } catch (err) {
      this.conn.log.error({ err }, 'request handler threw');
      if (!response.headersSent) response.sendError(500);
      else this.conn.destroy(err as Error);
      return undefined;
    }
  }

  private answerParseError(failed: FailedRequest): undefined {
    const request: HttpRequest = {
      head: placeholderHead(),
      startedAt: failed.startedAt,
      last: true,
    };
    this.conn.log.debug({ reason: failed.error.reason }, failed.error.message);
    const response = new HttpResponse(this.conn, request, this.context, () =>
      this.onResponseDone(request),
    );
    response.sendError(failed.error.status);
    return undefined;
  }

  private onResponseDone(request: HttpRequest): void {
    if (request.last || this.conn.closing) {
      this.finished = true;
      this.queue.length = 0;
      this.parser.stop();
      this.conn.end();
    }
  }

  private setPhase(phase: Phase): void {
    if (phase !== this.phase) {
      if (phase === 'idle') this.phaseSince = Date.now();
      this.phase = phase;
    }
    this.updateTimer();
  }

  private deadline(): number {
    const { config } = this.context;
    switch (this.phase) {
      case 'head':
        return this.phaseSince + config.headerTimeout;
      case 'body':
        return this.phaseSince + config.requestTimeout;
      case 'idle':
        return this.phaseSince + config.idleTimeout;
      case 'busy':
        return Number.POSITIVE_INFINITY;
    }
  }

  /**
   * One wheel timer per connection, moved only when the deadline comes earlier: a keep-alive
   * connection answering request after request does not touch the wheel at all.
   */
  private updateTimer(): void {
    const deadline = this.deadline();
    if (this.finished || deadline === Number.POSITIVE_INFINITY) return;
    if (this.timer && this.timer.slot !== -1 && this.timer.deadline <= deadline) return;
    this.context.wheel.cancel(this.timer);
    this.timer = this.context.wheel.schedule(deadline - Date.now(), () => this.onTimer());
  }

  private onTimer(): void {
    this.timer = undefined;
    if (this.finished || this.conn.closed) return;
    if (Date.now() < this.deadline()) {
      this.updateTimer();
      return;
    }
    const phase = this.phase;
    const nothingAsked = phase === 'idle' || (phase === 'head' && this.parser.idle);
    this.finished = true;
    this.parser.stop();
    if (nothingAsked) {
      // Nothing was asked: close quietly, as nginx does.
      this.conn.end();
      return;
    }
    this.conn.log.debug({ phase }, 'request timeout');
    this.context.stats.timeouts++;
    const request: HttpRequest = {
      head: placeholderHead(),
      startedAt: this.phaseSince,
      last: true,
    };
    new HttpResponse(this.conn, request, this.context, () => this.conn.end()).sendError(408);
  }
}

/** Stands in for a request that never got a valid head (parse errors, timeouts). */
function placeholderHead(): RequestHead {
  return {
    method: '-',
    target: '-',
    path: '/',
    host: '',
    version: '1.1',
    rawHeaders: [],
    headers: Object.create(null) as Record<string, string>,
    keepAlive: false,
    body: 'none',
    contentLength: 0,
    expectContinue: false,
    connect: false,
  };
}

/** Creates the handler of each accepted connection. */
export function sessionFactory(context: ServerContext): (conn: Connection) => HttpSession {
  return (conn) => new HttpSession(conn, context);
}
