import { deltaSeconds, type Directives } from './directives.js';
import { type CachedResponse, type FieldList, field, parseDate } from './entry.js';

/** Status codes a cache may store and reuse with heuristic freshness (RFC 9110 §15.1). */
const HEURISTIC_STATUS = new Set([200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501]);
/** Status codes this cache understands well enough to store (full responses only). */
const UNDERSTOOD_STATUS = new Set([
  ...HEURISTIC_STATUS,
  302,
  303,
  307,
  400,
  403,
  500,
  502,
  503,
  504,
]);

export interface StoreDecision {
  storable: boolean;
  /** Why not, for the access log and tests. */
  reason: string;
}

/**
 * RFC 9111 §3 for a shared cache: may this response to this request be stored? Only full
 * responses to GET are stored (HEAD is answered from them, ranges are cut from them).
 */
export function storability(
  method: string,
  requestHeaders: Record<string, string>,
  requestCc: Directives,
  status: number,
  fields: FieldList,
  responseCc: Directives,
): StoreDecision {
  const no = (reason: string) => ({ storable: false, reason });
  if (method !== 'GET') return no('method');
  if (!UNDERSTOOD_STATUS.has(status)) return no('status');
  if (requestCc.has('no-store') || responseCc.has('no-store')) return no('no-store');
  if (responseCc.has('private')) return no('private');
  if (
    field(fields, 'vary')
      ?.split(',')
      .some((name) => name.trim() === '*')
  )
    return no('vary-star');
  const explicit =
    responseCc.has('public') || responseCc.has('s-maxage') || responseCc.has('max-age');
  if (
    requestHeaders.authorization !== undefined &&
    !(responseCc.has('public') || responseCc.has('s-maxage') || responseCc.has('must-revalidate'))
  ) {
    return no('authorization');
  }
  const hasExpires = field(fields, 'expires') !== undefined;
  if (!explicit && !hasExpires && !HEURISTIC_STATUS.has(status)) return no('status');
  // No freshness at all and no validator: it could never be reused (no default TTL).
  const validator =
    field(fields, 'etag') !== undefined || field(fields, 'last-modified') !== undefined;
  if (!explicit && !hasExpires && !validator) return no('no-freshness');
  return { storable: true, reason: '' };
}

/** RFC 9111 §4.2.1: the freshness lifetime in seconds; heuristic only where §4.2.2 allows. */
export function freshnessLifetime(entry: CachedResponse, heuristicMaxSeconds: number): number {
  const cc = entry.directives;
  const sMaxAge = deltaSeconds(cc, 's-maxage');
  if (sMaxAge !== undefined) return sMaxAge;
  const maxAge = deltaSeconds(cc, 'max-age');
  if (maxAge !== undefined) return maxAge;
  const expiresText = field(entry.fields, 'expires');
  if (expiresText !== undefined) {
    // An invalid Expires (e.g. "0") means already expired (§5.3).
    const expires = parseDate(expiresText);
    return expires === undefined ? 0 : Math.max(0, Math.floor((expires - entry.date) / 1000));
  }
  if (!HEURISTIC_STATUS.has(entry.status) && !cc.has('public')) return 0;
  const lastModified = parseDate(entry.lastModified);
  if (lastModified === undefined || lastModified >= entry.date) return 0;
  return Math.min(Math.floor((entry.date - lastModified) / 10_000), heuristicMaxSeconds);
}

/**
 * RFC 9111 §4.2.3: current_age in seconds at `now`, with the fraction kept (the Age field
 * sends it floored): so `max-age=0` from a client means "revalidate" unless the stored
 * response is less than a millisecond old.
 */
export function currentAge(entry: CachedResponse, now: number): number {
  const apparentAge = Math.max(0, entry.responseTime - entry.date) / 1000;
  const responseDelay = (entry.responseTime - entry.requestTime) / 1000;
  const correctedAgeValue = entry.ageValue + responseDelay;
  const correctedInitialAge = Math.max(apparentAge, correctedAgeValue);
  const residentTime = (now - entry.responseTime) / 1000;
  return correctedInitialAge + residentTime;
}

/** How a stored response may be used for one request (RFC 9111 §4.2, §5.2.1). */
export type Usability =
  | { use: 'fresh' }
  /** Stale but acceptable to the client (max-stale), no revalidation needed. */
  | { use: 'stale-ok' }
  /** Stale; may be served while a background refresh runs (stale-while-revalidate). */
  | { use: 'stale-while-revalidate' }
  /** Must be validated with the origin before use. */
  | { use: 'revalidate' };

export function usability(
  entry: CachedResponse,
  requestCc: Directives,
  pragmaNoCache: boolean,
  now: number,
  heuristicMaxSeconds: number,
): { usability: Usability; age: number; lifetime: number } {
  const lifetime = freshnessLifetime(entry, heuristicMaxSeconds);
  const age = currentAge(entry, now);
  const result = (use: Usability['use']) => ({ usability: { use } as Usability, age, lifetime });
  const cc = entry.directives;
  // no-cache in the response (unqualified) or the request: always ask the origin.
  if (cc.get('no-cache') === true || requestCc.has('no-cache')) return result('revalidate');
  if (pragmaNoCache && !requestCc.size) return result('revalidate');
  const maxAge = deltaSeconds(requestCc, 'max-age');
  const minFresh = deltaSeconds(requestCc, 'min-fresh') ?? 0;
  const fresh =
    age < lifetime && lifetime - age >= minFresh && (maxAge === undefined || age <= maxAge);
  if (fresh) return result('fresh');
  const noStale = cc.has('must-revalidate') || cc.has('proxy-revalidate') || cc.has('s-maxage');
  if (noStale) return result('revalidate');
  const staleness = age - lifetime;
  if (requestCc.has('max-stale') && (maxAge === undefined || age <= maxAge)) {
    const limit = deltaSeconds(requestCc, 'max-stale');
    if (limit === undefined || staleness <= limit) return result('stale-ok');
  }
  const swr =
    deltaSeconds(cc, 'stale-while-revalidate') ?? deltaSeconds(requestCc, 'stale-while-revalidate');
  if (swr !== undefined && staleness <= swr && age >= lifetime)
    return result('stale-while-revalidate');
  return result('revalidate');
}

/**
 * stale-if-error (RFC 5861 §4), from the response or the request: may this stale entry stand
 * in for an upstream failure or a 5xx?
 */
export function staleIfErrorAllows(
  entry: CachedResponse,
  requestCc: Directives,
  now: number,
  heuristicMaxSeconds: number,
): boolean {
  const cc = entry.directives;
  if (cc.has('must-revalidate') || cc.has('proxy-revalidate') || cc.has('s-maxage')) return false;
  const limit = deltaSeconds(requestCc, 'stale-if-error') ?? deltaSeconds(cc, 'stale-if-error');
  if (limit === undefined) return false;
  return currentAge(entry, now) - freshnessLifetime(entry, heuristicMaxSeconds) <= limit;
}
