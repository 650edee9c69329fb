/** float4/float8 text output as PostgreSQL 12+ (shortest round-trip digits, %g-like layout). */
export function formatFloat(v: number, single: boolean): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return 'Infinity';
  if (v === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const exp = single ? shortestSingle(v) : v.toExponential();
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(exp)!;
  const sign = m[1];
  const digits = m[2] + (m[3] ?? '');
  const e = Number(m[4]);
  const limit = single ? 6 : 15;
  if (e < -4 || e >= limit) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const ee = Math.abs(e) < 10 ? `0${Math.abs(e)}` : String(Math.abs(e));
    return `${sign}${mant}e${e < 0 ? '-' : '+'}${ee}`;
  }
  if (e < 0) return `${sign}0.${'0'.repeat(-e - 1)}${digits}`;
  if (digits.length <= e + 1) return sign + digits + '0'.repeat(e + 1 - digits.length);
  return `${sign}${digits.slice(0, e + 1)}.${digits.slice(e + 1)}`;
}

function shortestSingle(v: number): string {
  for (let p = 1; p <= 9; p++) {
    const s = v.toExponential(p - 1);
    if (Math.fround(Number(s)) === v) return s.replace(/\.?0+e/, 'e');
  }
  return v.toExponential(8);
}

/** float8in: accepts what strtod accepts plus Infinity/NaN spellings. */
export function parseFloatText(text: string): number | null {
  const s = text.trim().toLowerCase();
  if (s === 'nan') return Number.NaN;
  if (s === 'infinity' || s === '+infinity' || s === 'inf' || s === '+inf')
    return Number.POSITIVE_INFINITY;
  if (s === '-infinity' || s === '-inf') return Number.NEGATIVE_INFINITY;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(s)) return null;
  return Number(s);
}
