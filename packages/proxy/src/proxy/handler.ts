import type { Reply } from '../client/reply.js';
import type { ClientRequest } from '../client/request.js';
import type { ClientSession, RequestHandler } from '../client/session.js';
import { literalIsPrivate } from '../upstream/agent.js';
import { type Target, forwardTarget, resolveReference, reverseTarget } from '../upstream/target.js';
import { serveCacheable } from './cache-flow.js';
import { openTunnel } from './connect.js';
import type { ProxyContext } from './context.js';
import { deny } from './deny.js';
import { failRequest } from './fail.js';
import { relay } from './relay.js';
import { sendUpstream } from './upstream-request.js';

/** Methods that change state: a success invalidates what the cache holds (RFC 9111 §4.4). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/**
 * Every client request, in order: client network (--allow-from), PURGE and the stats page
 * (--purge-from), proxy authentication, the target (absolute-form, CONNECT, or the --origin),
 * URL filters, private targets; then the cache for GET/HEAD or a plain relay for the rest.
 */
export class ProxyHandler implements RequestHandler {
  constructor(
    private readonly ctx: () => ProxyContext,
    private readonly onCompleted: (reply: Reply) => void,
  ) {}

  completed(reply: Reply): void {
    this.onCompleted(reply);
  }

  handle(request: ClientRequest, reply: Reply, session: ClientSession): Promise<void> | undefined {
    const ctx = this.ctx();
    const { head } = request;
    const client = request.remoteAddress;
    if (client !== '' && !ctx.allowFrom.has(client)) {
      deny(ctx, reply, 'your address is not allowed to use this proxy (--allow-from)');
      return undefined;
    }
    const admin = client === '' || ctx.purgeFrom.has(client);
    if (head.method === 'GET' && head.target === ctx.config.adminPath && admin) {
      this.sendStats(ctx, reply);
      return undefined;
    }
    if (ctx.auth.enabled && !ctx.auth.allows(head.headers['proxy-authorization'])) {
      reply.result = 'TCP_DENIED';
      reply.sendError(407, 'Proxy Authentication Required', [
        ['proxy-authenticate', 'Basic realm="strata-proxy"'],
      ]);
      return undefined;
    }
    if (head.connect) return openTunnel(ctx, request, reply, session);
    const target = this.targetOf(ctx, request);
    if (!target) {
      reply.sendError(400, 'Invalid URL: this proxy forwards http:// absolute URLs and CONNECT');
      return undefined;
    }
    if (target.url.length > ctx.config.maxFilterUrl) {
      reply.sendError(414, 'URI Too Long');
      return undefined;
    }
    if (head.method === 'PURGE') {
      this.purge(ctx, reply, target, admin);
      return undefined;
    }
    const refused = ctx.filter.check({
      url: target.url,
      host: target.hostname,
      hostPath: `${target.authority}${target.path}`,
    });
    if (refused !== undefined) {
      deny(ctx, reply, `denied by rule: ${refused}`);
      return undefined;
    }
    const isOrigin =
      ctx.origin !== undefined &&
      target.hostname === ctx.origin.hostname &&
      target.port === ctx.origin.port;
    if (!ctx.config.allowPrivate && !isOrigin && literalIsPrivate(target.hostname)) {
      deny(ctx, reply, 'the target is a private address');
      return undefined;
    }
    if (ctx.cache && (head.method === 'GET' || head.method === 'HEAD')) {
      return serveCacheable(ctx, request, reply, target);
    }
    return this.passThrough(ctx, request, reply, target);
  }

  private targetOf(ctx: ProxyContext, request: ClientRequest): Target | undefined {
    const { head } = request;
    if (head.target.startsWith('/')) {
      return ctx.origin ? reverseTarget(ctx.origin, head.target) : undefined;
    }
    return forwardTarget(head);
  }

  /** Not cacheable: relayed as is; an unsafe method's success invalidates (RFC 9111 §4.4). */
  private async passThrough(
    ctx: ProxyContext,
    request: ClientRequest,
    reply: Reply,
    target: Target,
  ): Promise<void> {
    let upstream: Awaited<ReturnType<typeof sendUpstream>>;
    try {
      upstream = await sendUpstream(ctx, request, target, {
        withBody: true,
        signal: request.abort.signal,
      });
    } catch (err) {
      failRequest(ctx, request, reply, err);
      return;
    }
    reply.hierarchy = `HIER_DIRECT/${target.hostname}`;
    const { method } = request.head;
    if (ctx.cache && !SAFE_METHODS.has(method) && upstream.status < 400) {
      ctx.cache.delete(target.url, 'invalidation');
      for (const name of ['location', 'content-location']) {
        const value = upstream.fields.find(([n]) => n === name)?.[1];
        const other = value === undefined ? undefined : resolveReference(value, target);
        if (other && other.origin === target.origin) ctx.cache.delete(other.url, 'invalidation');
      }
    }
    await relay(ctx, reply, upstream, 'TCP_MISS', undefined);
  }

  private purge(ctx: ProxyContext, reply: Reply, target: Target, admin: boolean): void {
    if (!admin) {
      deny(ctx, reply, 'PURGE is allowed from --purge-from networks only');
      return;
    }
    const purged = ctx.cache?.delete(target.url, 'purge') ?? false;
    reply.result = purged ? 'TCP_HIT' : 'TCP_MISS';
    reply.send(purged ? 200 : 404, [], Buffer.alloc(0));
  }

  private sendStats(ctx: ProxyContext, reply: Reply): void {
    const body = Buffer.from(
      `${JSON.stringify(
        {
          proxy: ctx.stats,
          cache: ctx.cache?.stats ?? null,
          pendingMisses: ctx.pending.size,
          refreshing: ctx.refreshing.size,
        },
        null,
        2,
      )}\n`,
    );
    reply.result = 'NONE';
    reply.send(
      200,
      [
        ['content-type', 'application/json'],
        ['cache-control', 'no-store'],
      ],
      body,
    );
  }
}
