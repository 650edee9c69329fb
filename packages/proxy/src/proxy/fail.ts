import type { Reply } from '../client/reply.js';
import type { ClientRequest } from '../client/request.js';
import { upstreamErrorStatus } from '../upstream/agent.js';
import type { ProxyContext } from './context.js';
import { deny } from './deny.js';

/**
 * The upstream request failed before a response head: 504 for a timeout, 502 for a refusal,
 * reset or unresolvable name, 403 for a name that resolved to a private address. A client
 * that went away gets nothing (its abort is what failed the request).
 */
export function failRequest(
  ctx: ProxyContext,
  request: ClientRequest,
  reply: Reply,
  err: unknown,
  status = upstreamErrorStatus(err),
): void {
  if (request.abort.signal.aborted) {
    reply.result = 'TCP_MISS_ABORTED';
    reply.abort();
    return;
  }
  if (status === 403) {
    deny(ctx, reply, 'the target is a private address');
    return;
  }
  ctx.stats.upstreamErrors++;
  reply.result = 'TCP_MISS';
  reply.conn.log.debug({ err }, 'upstream request failed');
  reply.sendError(
    status,
    status === 504
      ? 'Gateway Timeout: the origin did not answer in time'
      : 'Bad Gateway: the origin refused, reset or could not be reached',
  );
}
