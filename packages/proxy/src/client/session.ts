import type { Connection, ConnectionHandler, TimerWheel, WheelTimer } from '@strata/common';
import { type HttpParseError, type RequestHead, RequestParser } from '@strata/common/http';
import { Reply } from './reply.js';
import { ClientRequest } from './request.js';
import type { Tunnel } from './tunnel.js';

/** What a session needs from the proxy. */
export interface RequestHandler {
  /** Answers one request; a CONNECT may hand the connection to a tunnel with session.tunnel. */
  handle(request: ClientRequest, reply: Reply, session: ClientSession): Promise<void> | undefined;
  /** A reply is complete (access log, counters). */
  completed(reply: Reply): void;
}

export interface SessionLimits {
  maxRequestLine: number;
  maxHeaderSize: number;
  maxHeaders: number;
  maxBody: number;
  maxRequests: number;
  /** A request head must be complete this long after its first byte (408 beyond). */
  headerTimeout: number;
  wheel: TimerWheel;
}

/**
 * One client connection: parses requests (common's strict parser), answers them in order one
 * at a time while later pipelined ones wait, streams request bodies to the handler as they
 * arrive, and aborts whatever is in flight when the client goes away. After a CONNECT the
 * connection's bytes belong to the tunnel.
 */
export class ClientSession implements ConnectionHandler {
  private readonly parser: RequestParser;
  private readonly queue: Array<ClientRequest | HttpParseError> = [];
  private receiving: ClientRequest | undefined;
  private current: ClientRequest | undefined;
  private accepted = 0;
  private finished = false;
  private tunnelled: Tunnel | undefined;
  private headTimer: WheelTimer | undefined;

  constructor(
    readonly conn: Connection,
    private readonly handler: RequestHandler,
    private readonly limits: SessionLimits,
  ) {
    this.parser = new RequestParser(
      {
        onHead: (head) => this.onHead(head),
        onBody: (data) => {
          if (this.receiving && !this.receiving.pushBody(data)) conn.pauseReading();
        },
        onComplete: () => {
          this.receiving?.endBody();
          this.receiving = undefined;
        },
        onError: (error) => {
          this.receiving?.body?.destroy(error);
          this.receiving = undefined;
          this.queue.push(error);
        },
      },
      {
        maxRequestLineBytes: limits.maxRequestLine,
        maxHeaderBytes: limits.maxHeaderSize,
        maxHeaderCount: limits.maxHeaders,
        maxBodyBytes: limits.maxBody,
      },
    );
  }

  data(chunk: Buffer): void {
    if (this.tunnelled) {
      this.tunnelled.fromClient(chunk);
      return;
    }
    if (this.finished) return;
    this.parser.execute(chunk);
    // A head has begun and is not complete: it gets --header-timeout from now (slowloris).
    if (!this.parser.idle && !this.receiving && !this.headTimer && !this.finished) {
      this.headTimer = this.limits.wheel.schedule(this.limits.headerTimeout, () =>
        this.onHeadTimeout(),
      );
    }
    this.pump();
  }

  private onHeadTimeout(): void {
    this.headTimer = undefined;
    if (this.finished) return;
    this.finished = true;
    this.parser.stop();
    this.conn.log.debug('request head timeout');
    if (this.current) {
      this.current.last = true; // the connection closes once the response in flight is sent
      return;
    }
    const request = new ClientRequest(placeholderHead(), this.conn, true);
    const reply = new Reply(this.conn, request, (r) => {
      this.handler.completed(r);
      this.conn.end();
    });
    reply.sendError(408, 'Request Timeout: the request head did not arrive in time');
  }

  /**
   * The client's FIN. In a tunnel it is passed on (half-close). Otherwise it ends what is in
   * flight, as Squid does by default (half_closed_clients off): a client that stops sending
   * is taken as gone, and its upstream requests are aborted rather than left running.
   */
  end(): void {
    if (this.tunnelled) {
      this.tunnelled.clientEnded();
      return;
    }
    if (this.current || this.queue.length > 0) {
      this.close();
      this.conn.destroy();
    }
  }

  close(): void {
    this.finished = true;
    this.limits.wheel.cancel(this.headTimer);
    this.headTimer = undefined;
    this.receiving?.body?.destroy(new Error('client connection closed'));
    this.receiving = undefined;
    this.tunnelled?.destroy();
    this.current?.abort.abort();
    for (const item of this.queue) if (item instanceof ClientRequest) item.abort.abort();
    this.queue.length = 0;
  }

  /** Hands the connection to a CONNECT tunnel; bytes already read after the head go first. */
  tunnel(tunnel: Tunnel): void {
    this.tunnelled = tunnel;
    this.finished = true;
    const early = this.parser.tunnelData;
    if (early && early.length > 0) tunnel.fromClient(early);
    this.conn.resumeReading();
  }

  private onHead(head: RequestHead): void {
    this.limits.wheel.cancel(this.headTimer);
    this.headTimer = undefined;
    this.accepted++;
    const last = !head.keepAlive || head.connect || this.accepted >= this.limits.maxRequests;
    const request = new ClientRequest(head, this.conn, last);
    if (last && head.body === 'none') this.parser.stop();
    // Until the tunnel is up, the client's next bytes wait in the socket.
    if (head.connect) this.conn.pauseReading();
    if (!request.bodyComplete) this.receiving = request;
    this.queue.push(request);
  }

  /** Serves queued requests in order; returns while one is in flight. */
  private pump(): void {
    while (!this.current && !this.finished && this.queue.length > 0) {
      const item = this.queue.shift()!;
      if (!(item instanceof ClientRequest)) {
        this.answerParseError(item);
        return;
      }
      this.serve(item);
    }
  }

  private serve(request: ClientRequest): void {
    this.current = request;
    const reply = new Reply(this.conn, request, (r) => this.onReplyDone(r));
    this.conn.beginWork();
    let pending: Promise<void> | undefined;
    try {
      pending = this.handler.handle(request, reply, this);
    } catch (err) {
      pending = Promise.reject(err);
    }
    if (!pending) {
      if (!reply.finished && !this.tunnelled)
        this.failed(reply, new Error('handler left no reply'));
      this.conn.endWork();
      return;
    }
    pending
      .catch((err: unknown) => this.failed(reply, err))
      .finally(() => {
        if (!reply.finished && !this.tunnelled) reply.abort();
        this.conn.endWork();
      });
  }

  private failed(reply: Reply, err: unknown): void {
    if (reply.finished) return;
    this.conn.log.error({ err }, 'request handler failed');
    if (reply.headersSent) reply.abort();
    else reply.sendError(500, 'Internal proxy error');
  }

  private onReplyDone(reply: Reply): void {
    this.handler.completed(reply);
    const request = reply.request;
    if (this.current === request) this.current = undefined;
    if (this.tunnelled) return;
    // A body the handler never read may still be arriving: it cannot be skipped safely.
    if (!request.bodyComplete) request.last = true;
    if (request.last || this.conn.closing) {
      this.finished = true;
      this.parser.stop();
      this.queue.length = 0;
      this.conn.end();
      return;
    }
    queueMicrotask(() => this.pump());
  }

  private answerParseError(error: HttpParseError): void {
    this.finished = true;
    this.conn.log.debug({ reason: error.reason }, error.message);
    const request = new ClientRequest(placeholderHead(), this.conn, true);
    const reply = new Reply(this.conn, request, (r) => {
      this.handler.completed(r);
      this.conn.end();
    });
    reply.sendError(error.status, error.message);
  }
}

/** Stands in for a request that never got a valid head. */
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
