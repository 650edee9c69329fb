import { randomBytes } from 'node:crypto';
import { ifRangeHolds, notModified } from '../cache/conditional.js';
import { fieldNames } from '../cache/directives.js';
import { type CachedResponse, type FieldList, field } from '../cache/entry.js';
import { currentAge } from '../cache/freshness.js';
import { multipartBody, parseRange } from '../cache/range.js';
import type { CacheResult, Reply } from '../client/reply.js';
import type { ProxyContext } from './context.js';
import { xCache } from './relay.js';

/** Fields a 304 carries from the stored response (RFC 9110 §15.4.5). */
const NOT_MODIFIED_FIELDS = new Set([
  'cache-control',
  'content-location',
  'date',
  'etag',
  'expires',
  'vary',
  'last-modified',
  'via',
  'age',
  'x-cache',
]);

/**
 * Answers a request from a stored response: the stored fields with a fresh Age (RFC 9111
 * §4.2.3) and X-Cache, a 304 when the client's own conditional matches, the body for GET or
 * only the head for HEAD, and byte ranges (206, multipart/byteranges, 416) cut from a full 200.
 */
export function serveCached(
  ctx: ProxyContext,
  reply: Reply,
  entry: CachedResponse,
  result: CacheResult,
): void {
  const { head } = reply.request;
  const hidden = new Set(['age', ...fieldNames(entry.directives.get('no-cache'))]);
  const fields: FieldList = entry.fields.filter(([name]) => !hidden.has(name));
  fields.push(['age', String(Math.floor(currentAge(entry, Date.now())))]);
  reply.hierarchy = 'NONE/-';
  if (entry.status === 200 && notModified(head.headers, entry.etag, entry.lastModified)) {
    reply.result = result === 'TCP_HIT' || result === 'TCP_MEM_HIT' ? 'TCP_IMS_HIT' : result;
    const kept = fields.filter(([name]) => NOT_MODIFIED_FIELDS.has(name));
    kept.push(xCache(ctx, reply.result));
    reply.writeHead(304, kept, { kind: 'none' });
    reply.end();
    return;
  }
  reply.result = result;
  fields.push(xCache(ctx, result));
  const range = head.headers.range;
  const ifRange = head.headers['if-range'];
  if (
    range !== undefined &&
    head.method === 'GET' &&
    entry.status === 200 &&
    (ifRange === undefined || ifRangeHolds(ifRange, entry.etag, entry.lastModified))
  ) {
    if (serveRanges(ctx, reply, entry, fields, range)) return;
  }
  const before = reply.bytesSent;
  reply.send(entry.status, fields, entry.body);
  ctx.stats.bytesFromCache += reply.bytesSent - before;
}

/** Returns false when the Range header is to be ignored (the whole object is sent). */
function serveRanges(
  ctx: ProxyContext,
  reply: Reply,
  entry: CachedResponse,
  fields: FieldList,
  header: string,
): boolean {
  const { body } = entry;
  const ranges = parseRange(header, body.length, ctx.config.maxRanges);
  if (ranges === undefined) return false;
  if (ranges === 'unsatisfiable') {
    reply.writeHead(416, [...fields, ['content-range', `bytes */${body.length}`]], {
      kind: 'length',
      length: 0,
    });
    reply.end();
    return true;
  }
  if (ranges.length === 1) {
    const { start, end } = ranges[0]!;
    const part = body.subarray(start, end + 1);
    reply.send(206, [...fields, ['content-range', `bytes ${start}-${end}/${body.length}`]], part);
  } else {
    const boundary = randomBytes(12).toString('hex');
    const multipart = multipartBody(body, ranges, field(entry.fields, 'content-type'), boundary);
    const others = fields.filter(([name]) => name !== 'content-type');
    others.push(['content-type', `multipart/byteranges; boundary=${boundary}`]);
    reply.send(206, others, multipart);
  }
  ctx.stats.bytesFromCache += reply.bytesSent;
  return true;
}
