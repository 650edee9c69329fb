import { connect } from 'node:net';
import type { Reply } from '../client/reply.js';
import type { ClientRequest } from '../client/request.js';
import type { ClientSession } from '../client/session.js';
import { Tunnel } from '../client/tunnel.js';
import { literalIsPrivate, upstreamErrorStatus } from '../upstream/agent.js';
import { splitAuthority } from '../upstream/target.js';
import type { ProxyContext } from './context.js';
import { deny } from './deny.js';

/** A --connect-ports list ("443,8443,1000-2000") as a predicate. */
export function parsePortList(list: string): (port: number) => boolean {
  const ranges: Array<[number, number]> = [];
  for (const item of list.split(',')) {
    const text = item.trim();
    const match = /^(\d+)(?:-(\d+))?$/.exec(text);
    const low = match ? Number(match[1]) : Number.NaN;
    const high = match?.[2] !== undefined ? Number(match[2]) : low;
    if (!match || low < 1 || high > 65535 || low > high) {
      throw new Error(`--connect-ports: bad port or range '${text}'`);
    }
    ranges.push([low, high]);
  }
  return (port) => ranges.some(([low, high]) => port >= low && port <= high);
}

/**
 * CONNECT host:port: checked like any request (ports, filters by host, private targets),
 * then a TCP connection to the target and a byte tunnel. Resolves when the tunnel closes.
 */
export function openTunnel(
  ctx: ProxyContext,
  request: ClientRequest,
  reply: Reply,
  session: ClientSession,
): Promise<void> | undefined {
  const target = splitAuthority(request.head.target, 443);
  if (!target || !/:\d+$/.test(request.head.target)) {
    reply.sendError(400, 'CONNECT wants host:port');
    return undefined;
  }
  if (!ctx.connectPorts(target.port)) {
    deny(ctx, reply, `CONNECT to port ${target.port} is not allowed (--connect-ports)`);
    return undefined;
  }
  const refused = ctx.filter.check({
    url: request.head.target,
    host: target.hostname,
    hostPath: target.hostname,
  });
  if (refused !== undefined) {
    deny(ctx, reply, `denied by rule: ${refused}`);
    return undefined;
  }
  if (!ctx.config.allowPrivate && literalIsPrivate(target.hostname)) {
    deny(ctx, reply, 'the target is a private address');
    return undefined;
  }
  return new Promise<void>((resolve) => {
    const upstream = connect({
      host: target.hostname,
      port: target.port,
      allowHalfOpen: true,
      lookup: ctx.lookup,
      timeout: ctx.config.connectTimeout,
    });
    const onOpenError = (err: Error) => {
      upstream.destroy();
      const status = upstreamErrorStatus(err);
      if (status === 403) deny(ctx, reply, 'the target is a private address');
      else reply.sendError(status, status === 504 ? 'CONNECT timed out' : 'CONNECT failed');
      resolve();
    };
    upstream.once('error', onOpenError);
    upstream.once('timeout', () =>
      onOpenError(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })),
    );
    request.abort.signal.addEventListener('abort', () => upstream.destroy(), { once: true });
    upstream.once('connect', () => {
      upstream.off('error', onOpenError);
      upstream.removeAllListeners('timeout');
      upstream.setTimeout(0);
      ctx.stats.tunnels++;
      reply.status = 200;
      reply.result = 'TCP_TUNNEL';
      reply.hierarchy = `HIER_DIRECT/${upstream.remoteAddress ?? target.hostname}`;
      request.conn.limits.idleTimeoutMs = ctx.config.tunnelIdleTimeout;
      request.conn.write('HTTP/1.1 200 Connection established\r\n\r\n');
      const tunnel = new Tunnel(request.conn, upstream, (t) => {
        reply.bytesSent = t.toClient;
        reply.end();
        resolve();
      });
      session.tunnel(tunnel);
    });
  });
}
