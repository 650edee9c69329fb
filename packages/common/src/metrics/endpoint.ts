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
  idleTimeoutMs: 60_000,
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

function scrapeHandler(conn: Connection, render: () => string, logger?: Logger): ConnectionHandler {
  let head: RequestHead | undefined;
  const parser = new RequestParser(
    {
      onHead(parsed) {
        head = parsed;
      },
      onBody() {},
      onComplete() {
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
      maxBodyBytes: METRICS_ENDPOINT_LIMITS.maxBodyBytes,
      maxHeaderBytes: METRICS_ENDPOINT_LIMITS.maxHeaderBytes,
      requireHost: false,
    },
  );
  return {
    data(chunk) {
      parser.execute(chunk);
      if (parser.finished && !conn.closed) conn.end();
    },
  };
}

/** Starts the scrape listener; the caller closes the returned server. */
export async function startMetricsEndpoint(options: MetricsEndpointOptions): Promise<StrataServer> {
  const server = new StrataServer({
    port: options.port,
    host: options.host,
    maxConnections: METRICS_ENDPOINT_LIMITS.maxConnections,
    idleTimeoutMs: METRICS_ENDPOINT_LIMITS.idleTimeoutMs,
    ...(options.logger ? { logger: options.logger } : {}),
    onConnection: (conn) => scrapeHandler(conn, options.render, options.logger),
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
