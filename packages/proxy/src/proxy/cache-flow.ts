import { type Directives, parseCacheControl } from '../cache/directives.js';
import { type CachedResponse, type FieldList, derive, field } from '../cache/entry.js';
import { staleIfErrorAllows, storability, usability } from '../cache/freshness.js';
import type { CacheResult, Reply } from '../client/reply.js';
import type { ClientRequest } from '../client/request.js';
import { upstreamErrorStatus } from '../upstream/agent.js';
import type { Target } from '../upstream/target.js';
import type { ProxyContext } from './context.js';
import { failRequest } from './fail.js';
import { makeEntry, relay } from './relay.js';
import { serveCached } from './serve-cached.js';
import { type UpstreamResponse, sendUpstream } from './upstream-request.js';

/** What one cacheable request (GET or HEAD with the cache on) needs along the way. */
interface Lookup {
  ctx: ProxyContext;
  request: ClientRequest;
  reply: Reply;
  target: Target;
  requestCc: Directives;
}

const heuristicMax = (ctx: ProxyContext) => Math.floor(ctx.config.heuristicMax / 1000);

/**
 * RFC 9111 §4 for one GET or HEAD: a fresh stored response is served; a stale one is served
 * if the client accepts it (max-stale) or refreshed in the background (stale-while-revalidate),
 * else revalidated; a miss waits for an identical miss already in flight (collapsing) or goes
 * upstream, storing what may be stored.
 */
export async function serveCacheable(
  ctx: ProxyContext,
  request: ClientRequest,
  reply: Reply,
  target: Target,
): Promise<void> {
  const { head } = request;
  const requestCc = parseCacheControl(head.headers['cache-control']);
  const lookup: Lookup = { ctx, request, reply, target, requestCc };
  if (serveStored(lookup, 'TCP_MEM_HIT')) return;
  if (requestCc.has('only-if-cached')) {
    reply.sendError(504, 'Not in the cache (only-if-cached)');
    return;
  }
  const stored = ctx.cache!.lookup(target.url, head.headers);
  if (stored) {
    await revalidate(lookup, stored);
    return;
  }
  const collapsible = head.method === 'GET' && head.headers.range === undefined;
  const pending = collapsible ? ctx.pending.get(target.url) : undefined;
  if (pending && pending.waiters < ctx.config.maxWaiters) {
    pending.waiters++;
    ctx.stats.collapsed++;
    await pending.promise;
    if (serveStored(lookup, 'TCP_CF_HIT')) return;
    await fetchMiss(lookup, false);
    return;
  }
  await fetchMiss(lookup, collapsible && !pending);
}

/** Serves a stored response that needs no trip upstream; false when there is none. */
function serveStored(lookup: Lookup, hit: CacheResult): boolean {
  const { ctx, request, reply, target, requestCc } = lookup;
  const { head } = request;
  const entry = ctx.cache!.lookup(target.url, head.headers);
  if (!entry) return false;
  const pragma = /(^|,)\s*no-cache\s*(,|$)/i.test(head.headers.pragma ?? '');
  const { usability: use } = usability(entry, requestCc, pragma, Date.now(), heuristicMax(ctx));
  switch (use.use) {
    case 'fresh':
      serveCached(ctx, reply, entry, hit);
      return true;
    case 'stale-ok':
      serveCached(ctx, reply, entry, 'TCP_STALE_HIT');
      return true;
    case 'stale-while-revalidate':
      serveCached(ctx, reply, entry, 'TCP_STALE_HIT');
      refreshInBackground(lookup, entry);
      return true;
    case 'revalidate':
      if (!requestCc.has('only-if-cached')) return false;
      reply.sendError(504, 'Stored response needs revalidation (only-if-cached)');
      return true;
  }
}

/** The response is to be stored: returns the size limit to capture, undefined if not. */
function captureLimit(lookup: Lookup, upstream: UpstreamResponse): number | undefined {
  const { ctx, request, requestCc } = lookup;
  const { head } = request;
  if (head.headers.range !== undefined) return undefined;
  const decision = storability(
    head.method,
    head.headers,
    requestCc,
    upstream.status,
    upstream.fields,
    parseCacheControl(field(upstream.fields, 'cache-control')),
  );
  if (!decision.storable) return undefined;
  const limit = Math.min(ctx.config.maxObjectSize, ctx.config.memCacheSize);
  const length = Number(field(upstream.fields, 'content-length') ?? 0);
  return length > limit ? undefined : limit;
}

/** Stores a captured body; returns the entry. */
function store(lookup: Lookup, upstream: UpstreamResponse, body: Buffer): CachedResponse {
  const entry = makeEntry(lookup.target.url, upstream, body, lookup.request.head.headers);
  lookup.ctx.cache!.store(entry);
  return entry;
}

/** A miss: one request upstream; as leader, identical misses wait for what it stores. */
async function fetchMiss(lookup: Lookup, leader: boolean): Promise<void> {
  const { ctx, request, reply, target } = lookup;
  let release: (entry: CachedResponse | undefined) => void = () => {};
  if (leader) {
    const promise = new Promise<CachedResponse | undefined>((resolve) => {
      release = resolve;
    });
    ctx.pending.set(target.url, { promise, waiters: 0 });
  }
  const done = (entry: CachedResponse | undefined) => {
    if (!leader) return;
    leader = false;
    ctx.pending.delete(target.url);
    release(entry);
  };
  try {
    let upstream: UpstreamResponse;
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
    const limit = captureLimit(lookup, upstream);
    if (limit === undefined) done(undefined); // the waiters go upstream on their own now
    const noCache = lookup.requestCc.has('no-cache');
    const body = await relay(
      ctx,
      reply,
      upstream,
      noCache ? 'TCP_CLIENT_REFRESH_MISS' : 'TCP_MISS',
      limit,
    );
    done(body === undefined ? undefined : store(lookup, upstream, body));
  } finally {
    done(undefined);
  }
}

/**
 * Every field of a 304 replaces the stored ones of that name (RFC 9111 §3.2); the age is the
 * 304's own (its Age, or none), since the freshened response dates from it.
 */
export function applyNotModified(entry: CachedResponse, upstream: UpstreamResponse): void {
  const replaced = new Set(
    upstream.fields.map(([name]) => name).filter((name) => name !== 'content-length'),
  );
  replaced.add('age');
  const kept: FieldList = entry.fields.filter(([name]) => !replaced.has(name));
  for (const pair of upstream.fields) if (replaced.has(pair[0])) kept.push(pair);
  entry.fields = kept;
  entry.requestTime = upstream.requestTime;
  entry.responseTime = upstream.responseTime;
  derive(entry);
}

/** A stored response that must be validated before use (RFC 9111 §4.3). */
async function revalidate(lookup: Lookup, entry: CachedResponse): Promise<void> {
  const { ctx, request, reply, target, requestCc } = lookup;
  if (entry.etag === undefined && entry.lastModified === undefined) {
    await fetchMiss(lookup, false);
    return;
  }
  const now = () => Date.now();
  const staleAllowed = () => staleIfErrorAllows(entry, requestCc, now(), heuristicMax(ctx));
  let upstream: UpstreamResponse;
  try {
    upstream = await sendUpstream(ctx, request, target, {
      validators: { etag: entry.etag, lastModified: entry.lastModified },
      withBody: false,
      signal: request.abort.signal,
    });
  } catch (err) {
    if (!request.abort.signal.aborted && staleAllowed()) {
      serveCached(ctx, reply, entry, 'TCP_REFRESH_FAIL_OLD');
      return;
    }
    const mustRevalidate =
      entry.directives.has('must-revalidate') || entry.directives.has('proxy-revalidate');
    failRequest(ctx, request, reply, err, mustRevalidate ? 504 : upstreamErrorStatus(err));
    return;
  }
  reply.hierarchy = `HIER_DIRECT/${target.hostname}`;
  if (upstream.status === 304) {
    await upstream.body.dump();
    applyNotModified(entry, upstream);
    ctx.cache!.updated(entry);
    serveCached(ctx, reply, entry, 'TCP_REFRESH_UNMODIFIED');
    return;
  }
  if (upstream.status >= 500 && staleAllowed()) {
    await upstream.body.dump();
    serveCached(ctx, reply, entry, 'TCP_REFRESH_FAIL_OLD');
    return;
  }
  const limit = captureLimit(lookup, upstream);
  if (limit === undefined && upstream.status < 500) ctx.cache!.delete(target.url, 'invalidation');
  const body = await relay(ctx, reply, upstream, 'TCP_REFRESH_MODIFIED', limit);
  if (body !== undefined) store(lookup, upstream, body);
}

/** stale-while-revalidate: one background refresh per key, its result stored for the next. */
function refreshInBackground(lookup: Lookup, entry: CachedResponse): void {
  const { ctx, request, target } = lookup;
  if (ctx.refreshing.has(target.url)) return;
  ctx.refreshing.add(target.url);
  const signal = AbortSignal.timeout(ctx.config.upstreamTimeout);
  const validators = { etag: entry.etag, lastModified: entry.lastModified };
  void (async () => {
    const upstream = await sendUpstream(ctx, request, target, {
      validators,
      withBody: false,
      signal,
    });
    if (upstream.status === 304) {
      await upstream.body.dump();
      applyNotModified(entry, upstream);
      ctx.cache!.updated(entry);
      return;
    }
    const limit = captureLimit(lookup, upstream);
    if (limit === undefined) {
      await upstream.body.dump();
      return;
    }
    const body = Buffer.from(await upstream.body.arrayBuffer());
    if (body.length <= limit) store(lookup, upstream, body);
  })()
    .catch((err: unknown) => ctx.logger.debug({ err }, 'background refresh failed'))
    .finally(() => ctx.refreshing.delete(target.url));
}
