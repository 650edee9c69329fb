import { type Directives, parseCacheControl } from './directives.js';

/** Header fields as [name, value] pairs, names lowercased, in arrival order. */
export type FieldList = Array<[string, string]>;

/** One stored response (RFC 9111 §3) with what freshness and matching need, derived once. */
export interface CachedResponse {
  /** Primary cache key: the target URI. */
  key: string;
  status: number;
  fields: FieldList;
  body: Buffer;
  /** When the request that fetched it was sent and its response arrived (ms since epoch). */
  requestTime: number;
  responseTime: number;
  /** Request header values the Vary names select, normalised (see vary.ts). */
  varyNames: string[];
  varyValues: string[];
  /** Derived from fields by derive(); recomputed after a 304 updates them. */
  directives: Directives;
  etag: string | undefined;
  lastModified: string | undefined;
  /** Date of the response in ms, or responseTime when absent/invalid. */
  date: number;
  /** Age field value in seconds (0 when absent). */
  ageValue: number;
}

export function field(fields: FieldList, name: string): string | undefined {
  let out: string | undefined;
  for (const [n, v] of fields) {
    if (n === name) out = out === undefined ? v : `${out}, ${v}`;
  }
  return out;
}

/** Parses an HTTP-date into ms, or undefined. */
export function parseDate(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Fills the derived members from the fields. */
export function derive(entry: CachedResponse): void {
  const { fields } = entry;
  entry.directives = parseCacheControl(field(fields, 'cache-control'));
  entry.etag = field(fields, 'etag');
  entry.lastModified = field(fields, 'last-modified');
  entry.date = parseDate(field(fields, 'date')) ?? entry.responseTime;
  const age = Number(field(fields, 'age'));
  entry.ageValue = Number.isFinite(age) && age > 0 ? Math.floor(age) : 0;
}

/** The in-memory footprint of an entry, for the LRU's size limit. */
export function entrySize(entry: CachedResponse): number {
  let size = entry.body.length + entry.key.length + 200;
  for (const [n, v] of entry.fields) size += n.length + v.length + 16;
  return size;
}
