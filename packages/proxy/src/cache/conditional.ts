import { parseDate } from './entry.js';

/** Weak comparison of entity tags (RFC 9110 §8.8.3.2): W/ prefixes are ignored. */
function weakEqual(a: string, b: string): boolean {
  return a.replace(/^W\//, '') === b.replace(/^W\//, '');
}

/** If-None-Match: does the list ("*" or tags) match the stored ETag? */
export function noneMatchHits(header: string, etag: string | undefined): boolean {
  if (header.trim() === '*') return true;
  if (etag === undefined) return false;
  return header.split(',').some((tag) => weakEqual(tag.trim(), etag));
}

/**
 * RFC 9110 §13.2.2 for a GET/HEAD answered from the cache: true when the client's own
 * conditional says it already has this representation (answer 304). If-None-Match wins over
 * If-Modified-Since.
 */
export function notModified(
  headers: Record<string, string>,
  etag: string | undefined,
  lastModified: string | undefined,
): boolean {
  const inm = headers['if-none-match'];
  if (inm !== undefined) return noneMatchHits(inm, etag);
  const ims = parseDate(headers['if-modified-since']);
  const modified = parseDate(lastModified);
  return ims !== undefined && modified !== undefined && modified <= ims;
}

/** If-Range (RFC 9110 §13.1.5): a strong ETag equal to the stored one, or the exact date. */
export function ifRangeHolds(
  value: string,
  etag: string | undefined,
  lastModified: string | undefined,
): boolean {
  if (value.startsWith('"') || value.startsWith('W/')) {
    return etag !== undefined && !etag.startsWith('W/') && value === etag;
  }
  return lastModified !== undefined && value === lastModified;
}
