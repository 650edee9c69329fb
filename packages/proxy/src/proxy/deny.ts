import type { Reply } from '../client/reply.js';
import type { ProxyContext } from './context.js';

/** 403 naming why, as Squid's ERR_ACCESS_DENIED page does; the origin is never contacted. */
export function deny(ctx: ProxyContext, reply: Reply, why: string): void {
  ctx.stats.denied++;
  reply.result = 'TCP_DENIED';
  reply.sendError(403, `Forbidden: ${why}`, [['x-squid-error', 'ERR_ACCESS_DENIED 0']]);
}
