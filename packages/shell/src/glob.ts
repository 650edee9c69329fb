/**
 * Shell patterns (`* ? [...]`) for case, [[ ]], ${x#p} and pathname expansion.
 * A pattern is a string in which a backslash quotes the next character (the expander escapes
 * quoted text this way), so quoted `*` never acts as a wildcard.
 */
import { readdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

const CLASSES: Record<string, string> = {
  alpha: 'a-zA-Z',
  digit: '0-9',
  alnum: '0-9a-zA-Z',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  print: ' -~',
  graph: '!-~',
  cntrl: '\\x00-\\x1f\\x7f',
  xdigit: '0-9a-fA-F',
  word: '0-9a-zA-Z_',
};

const escapeRe = (c: string): string => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const escapeClass = (c: string): string => c.replace(/[\]\\^[-]/g, '\\$&');

/** True if the pattern has an unquoted wildcard. */
export function hasGlobChars(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '*' || c === '?') return true;
    else if ((c === '+' || c === '@' || c === '!') && p2(pattern, i)) return true;
    else if (c === '[' && bracketEnd(pattern, i) > 0) return true;
  }
  return false;
}

/** True when an extglob group `X(...)` starts at i. */
const p2 = (p: string, i: number): boolean => p[i + 1] === '(' && extEnd(p, i + 1) > 0;

/** Index of the `)` closing an extglob group whose `(` is at `open`, or -1. */
function extEnd(p: string, open: number): number {
  let depth = 0;
  for (let i = open; i < p.length; i++) {
    if (p[i] === '\\') i++;
    else if (p[i] === '(') depth++;
    else if (p[i] === ')' && --depth === 0) return i;
  }
  return -1;
}

/** Splits an extglob body on top-level `|`. */
function alternatives(body: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\') {
      cur += c + (body[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === '|' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** Index of the `]` closing a bracket expression opened at `start`, or -1. */
function bracketEnd(p: string, start: number): number {
  let i = start + 1;
  if (p[i] === '!' || p[i] === '^') i++;
  if (p[i] === ']') i++;
  for (; i < p.length; i++) {
    if (p[i] === '\\') i++;
    else if (p[i] === '[' && p[i + 1] === ':') {
      const close = p.indexOf(':]', i + 2);
      if (close > 0) i = close + 1;
    } else if (p[i] === ']') return i;
  }
  return -1;
}

function bracketToRegex(body: string): string {
  let neg = false;
  let i = 0;
  if (body[0] === '!' || body[0] === '^') {
    neg = true;
    i = 1;
  }
  let out = '';
  for (; i < body.length; i++) {
    const c = body[i];
    if (c === '[' && body[i + 1] === ':') {
      const close = body.indexOf(':]', i + 2);
      if (close > 0) {
        out += CLASSES[body.slice(i + 2, close)] ?? '';
        i = close + 1;
        continue;
      }
    }
    if (c === '\\' && i + 1 < body.length) {
      out += escapeClass(body[++i]);
      continue;
    }
    if (c === '-' && out !== '' && i + 1 < body.length) {
      out += '-';
      continue;
    }
    out += escapeClass(c);
  }
  return `[${neg ? '^' : ''}${out}]`;
}

/** Converts a pattern to a regex source (without anchors). `*` never matches `/` if pathname. */
export function patternToRegexSource(p: string, pathname = false): string {
  let out = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if ('?*+@!'.includes(c) && p[i + 1] === '(') {
      // extglob: ?(a|b) *(a|b) +(a|b) @(a|b) !(a|b)
      const end = extEnd(p, i + 1);
      if (end > 0) {
        const alts = alternatives(p.slice(i + 2, end))
          .map((a) => patternToRegexSource(a, pathname))
          .join('|');
        const any = pathname ? '[^/]*' : '[\\s\\S]*';
        if (c === '?') out += `(?:${alts})?`;
        else if (c === '*') out += `(?:${alts})*`;
        else if (c === '+') out += `(?:${alts})+`;
        else if (c === '@') out += `(?:${alts})`;
        else {
          // !(p)rest: no way of matching p followed by the rest here, then anything + rest
          const rest = patternToRegexSource(p.slice(end + 1), pathname);
          return `${out}(?!(?:${alts})${rest}$)${any}${rest}`;
        }
        i = end;
        continue;
      }
    }
    if (c === '\\') {
      if (i + 1 < p.length) out += escapeRe(p[++i]);
      else out += '\\\\';
    } else if (c === '*') out += pathname ? '[^/]*' : '[\\s\\S]*';
    else if (c === '?') out += pathname ? '[^/]' : '[\\s\\S]';
    else if (c === '[') {
      const end = bracketEnd(p, i);
      if (end < 0) out += '\\[';
      else {
        out += bracketToRegex(p.slice(i + 1, end));
        i = end;
      }
    } else out += escapeRe(c);
  }
  return out;
}

const regexCache = new Map<string, RegExp>();

export function patternToRegex(p: string): RegExp {
  let re = regexCache.get(p);
  if (!re) {
    re = new RegExp(`^${patternToRegexSource(p)}$`, 'u');
    if (regexCache.size > 500) regexCache.clear();
    regexCache.set(p, re);
  }
  return re;
}

export function matchPattern(p: string, s: string): boolean {
  if (!hasGlobChars(p)) return unescapePattern(p) === s;
  return patternToRegex(p).test(s);
}

/** Removes the backslash quoting of a pattern (used when a glob matches nothing). */
export function unescapePattern(p: string): string {
  let out = '';
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '\\' && i + 1 < p.length) i++;
    out += p[i];
  }
  return out;
}

/** Pathname expansion of one pattern; returns [] when nothing matches. */
export function expandPathname(
  pattern: string,
  cwd: string,
  options: { skipDots: boolean } = { skipDots: true },
): string[] {
  const absolute = pattern.startsWith('/');
  const segments = splitSegments(pattern);
  let results: string[] = [absolute ? '/' : ''];
  for (let si = 0; si < segments.length; si++) {
    const seg = segments[si];
    if (seg === '') continue;
    const last = si === segments.length - 1;
    const next: string[] = [];
    for (const base of results) {
      const prefix = base === '' ? '' : base.endsWith('/') ? base : `${base}/`;
      if (!hasGlobChars(seg)) {
        const name = unescapePattern(seg);
        const path = prefix + name;
        if (exists(resolve(cwd, path), !last)) next.push(path);
        continue;
      }
      let entries: string[];
      try {
        entries = readdirSync(resolve(cwd, base || '.'));
      } catch {
        continue;
      }
      if (!options.skipDots) entries.push('.', '..');
      const re = new RegExp(`^${patternToRegexSource(seg, true)}$`, 'u');
      const dotOk = unescapePattern(seg).startsWith('.');
      const matched = entries
        .filter((e) => (dotOk || !e.startsWith('.')) && re.test(e))
        .sort(byBytes);
      for (const e of matched) {
        const path = prefix + e;
        if (!last && !exists(resolve(cwd, path), true)) continue;
        next.push(path);
      }
    }
    results = next;
    if (results.length === 0) return [];
  }
  if (pattern.endsWith('/')) results = results.map((r) => (r.endsWith('/') ? r : `${r}/`));
  return results;
}

function byBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function splitSegments(p: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '\\' && i + 1 < p.length) {
      cur += p[i] + p[i + 1];
      i++;
    } else if (p[i] === '/') {
      out.push(cur);
      cur = '';
    } else cur += p[i];
  }
  out.push(cur);
  return out;
}

function exists(path: string, mustBeDir: boolean): boolean {
  try {
    const st = statSync(path);
    return !mustBeDir || st.isDirectory();
  } catch {
    return false;
  }
}
