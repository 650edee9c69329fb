import type { Logger, TimerWheel } from '@strata/common';
import type { AccessLog } from './access-log.js';
import type { HttpdConfig } from './options.js';
import type { HttpResponse } from './response.js';
import type { HttpRequest } from './session.js';

/** Counters every worker keeps; exported as metrics. */
export interface HttpdStats {
  requests: number;
  /** Responses by status class: 2xx, 3xx, 4xx, 5xx. */
  responses: Record<'2xx' | '3xx' | '4xx' | '5xx', number>;
  bytesSent: number;
  timeouts: number;
  cacheHits: number;
  cacheMisses: number;
}

export function emptyStats(): HttpdStats {
  return {
    requests: 0,
    responses: { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 },
    bytesSent: 0,
    timeouts: 0,
    cacheHits: 0,
    cacheMisses: 0,
  };
}

/**
 * What a connection needs from its server. `config` is replaced on SIGHUP; sessions read it
 * per request, so a reload applies to the next request everywhere.
 */
export interface ServerContext {
  config: HttpdConfig;
  wheel: TimerWheel;
  logger: Logger;
  stats: HttpdStats;
  accessLog: AccessLog | undefined;
  /** Answers one request: synchronously, or with a promise when it needs I/O. */
  handle(request: HttpRequest, response: HttpResponse): Promise<void> | undefined;
}
