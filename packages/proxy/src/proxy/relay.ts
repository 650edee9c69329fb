import { type CachedResponse, type FieldList, derive } from '../cache/entry.js';
import { varyNames, varyValues } from '../cache/vary.js';
import type { BodyFraming, CacheResult, Reply } from '../client/reply.js';
import type { ProxyContext } from './context.js';
import type { UpstreamResponse } from './upstream-request.js';

/** `X-Cache: HIT from NAME`, as Squid reports whether a response came from its cache. */
export function xCache(ctx: ProxyContext, result: CacheResult): [string, string] {
  const hit = result.includes('HIT') || result === 'TCP_REFRESH_UNMODIFIED';
  return ['x-cache', `${hit ? 'HIT' : 'MISS'} from ${ctx.config.viaName}`];
}

function framingOf(method: string, status: number, fields: FieldList): BodyFraming {
  if (status === 204 || status === 304) return { kind: 'none' };
  const length = fields.find(([name]) => name === 'content-length')?.[1];
  if (length !== undefined && /^\d+$/.test(length)) {
    return { kind: 'length', length: Number(length) };
  }
  return method === 'HEAD' ? { kind: 'none' } : { kind: 'stream' };
}

/** Builds a cache entry from a complete response. */
export function makeEntry(
  key: string,
  upstream: Pick<UpstreamResponse, 'status' | 'fields' | 'requestTime' | 'responseTime'>,
  body: Buffer,
  requestHeaders: Record<string, string>,
): CachedResponse {
  const names = varyNames(upstream.fields);
  const entry: CachedResponse = {
    key,
    status: upstream.status,
    fields: upstream.fields.filter(([name]) => name !== 'content-length'),
    body,
    requestTime: upstream.requestTime,
    responseTime: upstream.responseTime,
    varyNames: names,
    varyValues: varyValues(names, requestHeaders),
    directives: new Map(),
    etag: undefined,
    lastModified: undefined,
    date: upstream.responseTime,
    ageValue: 0,
  };
  derive(entry);
  return entry;
}

/**
 * Streams the origin's response to the client (waiting for the client to drain, so a slow
 * client slows the origin read instead of filling memory). With `captureLimit` the body is
 * also collected up to that many bytes; returns it when the response completed within the
 * limit, undefined otherwise (not storable, too large, or cut: a truncated body is never
 * stored). A response that breaks off mid-body cuts the client connection too.
 */
export async function relay(
  ctx: ProxyContext,
  reply: Reply,
  upstream: UpstreamResponse,
  result: CacheResult,
  captureLimit: number | undefined,
): Promise<Buffer | undefined> {
  const { head } = reply.request;
  reply.result = result;
  const framing = framingOf(head.method, upstream.status, upstream.fields);
  reply.writeHead(upstream.status, [...upstream.fields, xCache(ctx, result)], framing);
  let captured: Buffer[] | undefined = captureLimit === undefined ? undefined : [];
  let size = 0;
  try {
    for await (const chunk of upstream.body) {
      const data = chunk as Buffer;
      reply.write(data);
      if (captured) {
        size += data.length;
        if (size > captureLimit!) captured = undefined;
        else captured.push(data);
      }
      await reply.drain();
      if (reply.conn.closed) throw new Error('client gone');
    }
  } catch (err) {
    ctx.stats.upstreamErrors++;
    reply.conn.log.debug({ err }, 'response body broke off');
    reply.result = 'TCP_MISS_ABORTED';
    reply.abort();
    return undefined;
  }
  if (framing.kind === 'length' && head.method !== 'HEAD' && size !== framing.length && captured) {
    captured = undefined;
  }
  reply.end();
  return captured ? Buffer.concat(captured, size) : undefined;
}
