import type { Logger } from 'pino';
import type { HttpParseError } from '../http/errors.js';
import { type RequestHead, RequestParser } from '../http/parser.js';
import { type ResponseHeaders, httpDate, serializeResponseHead } from '../http/serializer.js';
import type { Connection, ConnectionHandler } from '../net/connection.js';
import { StrataServer } from '../net/server.js';
import { PROMETHEUS_CONTENT_TYPE } from './prometheus.js';

/**
 * The Prometheus scrape endpoint: `GET /metrics` (and HEAD) over HTTP/1.1 with keep-alive, on
 * the shared server loop and HTTP parser. Anything else gets 404, 405 or the parser's 4xx.
 */

/** Limits of the metrics listener; scrapers are few and their requests tiny. */
export const METRICS_ENDPOINT_LIMITS = {
  maxConnections: 64,
  /** A connection without any input for this long is closed. */
  idleTimeoutMs: 60_000,
  /**
   * A request must be complete this long after its first byte (408 beyond), so a client
   * dripping bytes cannot hold one of the few connections forever.
   */
  requestTimeoutMs: 10_000,
  /** A scrape has no body; a larger one is refused with 413. */
  maxBodyBytes: 64 * 1024,
  maxHeaderBytes: 16 * 1024,
};

export interface MetricsEndpointOptions {
  port: number;
  host: string;
  /** Renders the body of a scrape. */
  render: () => string;
  logger?: Logger | undefined;
  /** Overrides of METRICS_ENDPOINT_LIMITS (tests use short timeouts). */
  limits?: Partial<typeof METRICS_ENDPOINT_LIMITS>;
}

function respond(
  conn: Connection,
  status: number,
  body: string,
  options: { headers?: ResponseHeaders; close: boolean; head?: boolean },
): void {
  const length = Buffer.byteLength(body);
  conn.write(
    serializeResponseHead({
      status,
      headers: {
        Date: httpDate(),
        'Content-Type': status === 200 ? PROMETHEUS_CONTENT_TYPE : 'text/plain; charset=utf-8',
        'Content-Length': length,
        ...options.headers,
        ...(options.close ? { Connection: 'close' } : {}),
      },
    }),
  );
  if (!options.head && length > 0) conn.write(body);
  if (options.close) conn.end();
}

function scrapeHandler(
  conn: Connection,
  render: () => string,
  limits: typeof METRICS_ENDPOINT_LIMITS,
  logger?: Logger,
): ConnectionHandler {
  let head: RequestHead | undefined;
  /** When the first byte of the request in progress arrived. */
  let requestStarted = 0;
  const parser = new RequestParser(
    {
      onHead(parsed) {
        head = parsed;
      },
      onBody() {},
      onComplete() {
        requestStarted = Date.now();
        const request = head!;
        const close = !request.keepAlive;
        const path = request.path.split('?', 1)[0];
        const isHead = request.method === 'HEAD';
        if (path !== '/metrics') {
          respond(conn, 404, 'Not Found: metrics are served at /metrics\n', { close });
        } else if (request.method !== 'GET' && !isHead) {
          respond(conn, 405, 'Method Not Allowed\n', { headers: { Allow: 'GET, HEAD' }, close });
        } else {
          let body: string;
          try {
            body = render();
          } catch (err) {
            logger?.error({ err }, 'rendering metrics failed');
            respond(conn, 500, 'Internal Server Error\n', { close });
            return;
          }
          respond(conn, 200, body, { close, head: isHead });
        }
      },
      onError(error: HttpParseError) {
        respond(conn, error.status, `${error.message}\n`, { close: true });
      },
    },
    {
      maxBodyBytes: limits.maxBodyBytes,
      maxHeaderBytes: limits.maxHeaderBytes,
      requireHost: false,
    },
  );
  return {
    data(chunk) {
      if (parser.idle) requestStarted = Date.now();
      parser.execute(chunk);
      if (parser.finished) {
        if (!conn.closed) conn.end();
      } else if (!parser.idle && Date.now() - requestStarted > limits.requestTimeoutMs) {
        parser.stop();
        respond(conn, 408, 'Request Timeout\n', { close: true });
      }
    },
  };
}

/** Starts the scrape listener; the caller closes the returned server. */
export async function startMetricsEndpoint(options: MetricsEndpointOptions): Promise<StrataServer> {
  const limits = { ...METRICS_ENDPOINT_LIMITS, ...options.limits };
  const server = new StrataServer({
    port: options.port,
    host: options.host,
    maxConnections: limits.maxConnections,
    idleTimeoutMs: limits.idleTimeoutMs,
    ...(options.logger ? { logger: options.logger } : {}),
    onConnection: (conn) => scrapeHandler(conn, options.render, limits, options.logger),
    onReject: (socket) =>
      socket.write(
        serializeResponseHead({
          status: 503,
          headers: { 'Content-Length': 0, Connection: 'close' },
        }),
      ),
  });
  await server.listen();
  return server;
}
