import type { Logger } from '@strata/common';
import type { Agent } from 'undici';
import type { ProxyAuth } from '../access/auth.js';
import type { UrlFilter } from '../access/filter.js';
import type { NetworkList } from '../access/networks.js';
import type { CachedResponse } from '../cache/entry.js';
import type { MemoryCache } from '../cache/memory-cache.js';
import type { ProxyConfig } from '../cli.js';
import type { guardedLookup } from '../upstream/agent.js';
import type { Target } from '../upstream/target.js';

/** Counters each process keeps; exported as metrics and in the stats endpoint. */
export interface ProxyStats {
  requests: number;
  /** Replies by Squid result code (TCP_HIT, TCP_MISS...). */
  results: Record<string, number>;
  /** Body bytes sent from the cache, and in total. */
  bytesFromCache: number;
  bytesSent: number;
  upstreamRequests: number;
  upstreamErrors: number;
  tunnels: number;
  denied: number;
  collapsed: number;
}

export function emptyStats(): ProxyStats {
  return {
    requests: 0,
    results: {},
    bytesFromCache: 0,
    bytesSent: 0,
    upstreamRequests: 0,
    upstreamErrors: 0,
    tunnels: 0,
    denied: 0,
    collapsed: 0,
  };
}

/** A miss in flight that later identical requests wait on (request collapsing). */
export interface PendingMiss {
  /** Resolves with the stored entry, or undefined when the response was not stored. */
  promise: Promise<CachedResponse | undefined>;
  waiters: number;
}

/**
 * What every request handler reads. Rules (filter, auth) are replaced whole on SIGHUP;
 * handlers read them per request.
 */
export interface ProxyContext {
  config: ProxyConfig;
  logger: Logger;
  agent: Agent;
  /** The resolver with the private-address guard, for CONNECT as for the agent. */
  lookup: ReturnType<typeof guardedLookup>;
  cache: MemoryCache | undefined;
  filter: UrlFilter;
  auth: ProxyAuth;
  allowFrom: NetworkList;
  purgeFrom: NetworkList;
  origin: Target | undefined;
  connectPorts: (port: number) => boolean;
  stats: ProxyStats;
  pending: Map<string, PendingMiss>;
  /** Keys being refreshed in the background (stale-while-revalidate): once each. */
  refreshing: Set<string>;
  /** Upstream latency to the response head, in seconds. */
  observeUpstream(seconds: number): void;
}
