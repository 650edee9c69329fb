/** Pathname expansion: a pattern (see pattern.ts) matched segment by segment. */
import { readdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { hasGlobChars, matchPattern, unescapePattern } from './pattern.js';

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
      const dotOk = unescapePattern(seg).startsWith('.');
      const matched = entries
        .filter((e) => (dotOk || !e.startsWith('.')) && matchPattern(seg, e))
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
