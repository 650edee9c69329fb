/**
 * The request path turned into path segments under the root, or refused. Percent-decoding
 * happens exactly once; everything that could step outside the root or mean two things to two
 * layers is a 400: `..` segments, NUL, encoded slashes and backslashes, raw backslashes,
 * malformed escapes and invalid UTF-8.
 */
export type RequestPath =
  | {
      ok: true;
      /** Decoded segments without empty and `.` ones: the file is root/segments.join('/'). */
      segments: string[];
      /** The path ended in '/' (a directory was asked for). */
      trailingSlash: boolean;
      /** The path as received, without query (for redirects). */
      rawPath: string;
      /** `?query` or ''. */
      query: string;
    }
  | { ok: false; why: string };

const BAD_ESCAPE = /%(?![0-9a-fA-F]{2})/;
const FORBIDDEN_ESCAPE = /%(2f|5c|00)/i;

export function parseRequestPath(path: string): RequestPath {
  const q = path.indexOf('?');
  const hash = path.indexOf('#');
  const end = Math.min(q < 0 ? path.length : q, hash < 0 ? path.length : hash);
  const rawPath = path.slice(0, end);
  const query = q >= 0 && (hash < 0 || q < hash) ? path.slice(q, hash > q ? hash : undefined) : '';
  if (rawPath[0] !== '/') return { ok: false, why: 'path does not start with /' };
  if (rawPath.includes('\\')) return { ok: false, why: 'backslash in path' };
  if (BAD_ESCAPE.test(rawPath)) return { ok: false, why: 'malformed percent-escape' };
  if (FORBIDDEN_ESCAPE.test(rawPath)) return { ok: false, why: 'encoded slash, backslash or NUL' };
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return { ok: false, why: 'path is not UTF-8' };
  }
  const segments: string[] = [];
  for (const segment of decoded.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') return { ok: false, why: 'dot-dot segment' };
    segments.push(segment);
  }
  return { ok: true, segments, trailingSlash: decoded.endsWith('/'), rawPath, query };
}
