import type { Dispatcher } from 'undici';
import type { FieldList } from '../cache/entry.js';
import type { ClientRequest } from '../client/request.js';
import { appendVia, endToEnd, endToEndResponse } from '../upstream/hop-by-hop.js';
import type { Target } from '../upstream/target.js';
import type { ProxyContext } from './context.js';

/** The origin's answer: status, end-to-end fields (Via added) and the body stream. */
export interface UpstreamResponse {
  status: number;
  fields: FieldList;
  body: Dispatcher.ResponseData['body'];
  requestTime: number;
  responseTime: number;
}

/** Validators of a stored response, sent instead of the client's own conditionals. */
export interface Validators {
  etag: string | undefined;
  lastModified: string | undefined;
}

/** Request fields never forwarded as they are: the proxy sets Host and answers Expect. */
const DROP_ALWAYS = new Set(['host', 'expect']);
/** What a revalidation replaces: the client's conditionals and ranges (a full copy is wanted). */
const DROP_FOR_REVALIDATION = new Set([
  ...DROP_ALWAYS,
  'if-none-match',
  'if-modified-since',
  'if-match',
  'if-unmodified-since',
  'if-range',
  'range',
]);

export interface SendOptions {
  /** Conditional request for a stored response (revalidation). */
  validators?: Validators;
  /** Forward the client's body (false for revalidations and background refreshes). */
  withBody: boolean;
  signal: AbortSignal;
}

/** The header fields sent upstream for a client request, as undici's flat list. */
export function upstreamFields(
  ctx: ProxyContext,
  request: ClientRequest,
  target: Target,
  validators: Validators | undefined,
  withBody: boolean,
): string[] {
  const { head } = request;
  const { config } = ctx;
  const fields = endToEnd(
    head.rawHeaders,
    head.headers.connection,
    validators ? DROP_FOR_REVALIDATION : DROP_ALWAYS,
  ).filter(([name]) => withBody || name !== 'content-length');
  if (validators?.etag !== undefined) fields.push(['if-none-match', validators.etag]);
  if (validators?.lastModified !== undefined) {
    fields.push(['if-modified-since', validators.lastModified]);
  }
  appendVia(fields, head.version, config.viaName);
  if (!config.noForwardedFor && request.remoteAddress !== '') {
    const at = fields.findIndex(([name]) => name === 'x-forwarded-for');
    if (at < 0) fields.push(['x-forwarded-for', request.remoteAddress]);
    else fields[at] = ['x-forwarded-for', `${fields[at]![1]}, ${request.remoteAddress}`];
  }
  // A gateway keeps the client's Host unless told otherwise; a forward proxy sends the
  // target's authority (RFC 9112 §3.2.2).
  const reverse = ctx.origin !== undefined && !head.target.includes('://');
  const host =
    reverse && !config.originHostHeader && head.host !== '' ? head.host : target.authority;
  const flat: string[] = ['host', host];
  for (const [name, value] of fields) flat.push(name, value);
  return flat;
}

/** Sends one request to the target through the pooled agent; resolves at the response head. */
export async function sendUpstream(
  ctx: ProxyContext,
  request: ClientRequest,
  target: Target,
  options: SendOptions,
): Promise<UpstreamResponse> {
  const { head } = request;
  const withBody = options.withBody && request.body !== undefined;
  if (withBody) request.wantBody();
  ctx.stats.upstreamRequests++;
  const requestTime = Date.now();
  const response = await ctx.agent.request({
    origin: target.origin,
    path: target.path,
    method: head.method as Dispatcher.HttpMethod,
    headers: upstreamFields(ctx, request, target, options.validators, withBody),
    body: withBody ? request.body : undefined,
    signal: options.signal,
  });
  const responseTime = Date.now();
  ctx.observeUpstream((responseTime - requestTime) / 1000);
  const fields = endToEndResponse(response.headers);
  appendVia(fields, '1.1', ctx.config.viaName);
  return { status: response.statusCode, fields, body: response.body, requestTime, responseTime };
}
