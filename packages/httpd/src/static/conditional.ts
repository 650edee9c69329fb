import type { RequestHead } from '@strata/common/http';

/** What the preconditions of RFC 9110 §13.2.2 decide for a GET/HEAD of an existing file. */
export type Precondition = 'proceed' | 'not-modified' | 'failed';

/** Entity tags of an If-Match / If-None-Match list (`*` kept as is). */
function tags(list: string): string[] {
  return list
    .split(',')
    .map((tag) => tag.trim())
    .filter(Boolean);
}

function opaque(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}

/** The three HTTP date formats (RFC 9110 §5.6.7): IMF-fixdate, RFC 850 and asctime. */
const HTTP_DATE =
  /^(?:\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT|\w{6,9}, \d{2}-\w{3}-\d{2} \d{2}:\d{2}:\d{2} GMT|\w{3} \w{3} [ \d]\d \d{2}:\d{2}:\d{2} \d{4})$/;

/**
 * Seconds since the epoch from an HTTP date, or undefined when it is not one (a validator
 * that does not parse is ignored, never guessed at: `Date.parse('2024')` would succeed).
 */
export function parseHttpDate(text: string): number | undefined {
  const trimmed = text.trim();
  if (!HTTP_DATE.test(trimmed)) return undefined;
  const ms = Date.parse(trimmed.endsWith('GMT') ? trimmed : `${trimmed} GMT`);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

export function evaluatePreconditions(
  head: RequestHead,
  etag: string,
  mtimeMs: number,
): Precondition {
  const { headers } = head;
  const modified = Math.floor(mtimeMs / 1000);
  const ifMatch = headers['if-match'];
  if (ifMatch !== undefined) {
    // Strong comparison: a weak tag never matches.
    const list = tags(ifMatch);
    if (!list.includes('*') && !list.some((tag) => !tag.startsWith('W/') && tag === etag)) {
      return 'failed';
    }
  } else {
    const since = headers['if-unmodified-since'];
    const date = since === undefined ? undefined : parseHttpDate(since);
    if (date !== undefined && modified > date) return 'failed';
  }
  const ifNoneMatch = headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    // Weak comparison.
    const list = tags(ifNoneMatch);
    if (list.includes('*') || list.some((tag) => opaque(tag) === opaque(etag))) {
      return 'not-modified';
    }
  } else {
    const since = headers['if-modified-since'];
    const date = since === undefined ? undefined : parseHttpDate(since);
    if (date !== undefined && modified <= date) return 'not-modified';
  }
  return 'proceed';
}

/**
 * If-Range (RFC 9110 §13.1.5): the Range applies only when the validator still matches,
 * an entity tag by strong comparison or a date equal to Last-Modified.
 */
export function ifRangeAllows(head: RequestHead, etag: string, mtimeMs: number): boolean {
  const value = head.headers['if-range'];
  if (value === undefined) return true;
  const trimmed = value.trim();
  if (trimmed.startsWith('"') || trimmed.startsWith('W/')) return trimmed === etag;
  return parseHttpDate(trimmed) === Math.floor(mtimeMs / 1000);
}
