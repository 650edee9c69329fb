import type { Encoding } from './file-cache.js';

/**
 * The content codings a client accepts, best first (RFC 9110 §12.5.3): q-values decide, brotli
 * wins a tie with gzip; `*` stands for any coding not named; q=0 refuses.
 */
export function acceptedEncodings(header: string | undefined): Encoding[] {
  if (!header) return [];
  const weights = new Map<string, number>();
  for (const item of header.split(',')) {
    const [name, ...params] = item.split(';');
    const coding = name!.trim().toLowerCase();
    if (!coding) continue;
    let q = 1;
    for (const param of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(param);
      if (m) q = Number(m[1]);
    }
    weights.set(coding === 'x-gzip' ? 'gzip' : coding, Number.isNaN(q) ? 0 : q);
  }
  const star = weights.get('*') ?? 0;
  const result: Array<[Encoding, number]> = [];
  for (const encoding of ['br', 'gzip'] as const) {
    const q = weights.get(encoding) ?? star;
    if (q > 0) result.push([encoding, q]);
  }
  return result.sort((a, b) => b[1] - a[1]).map(([encoding]) => encoding);
}
