/**
 * Number parsing and formatting with Redis's exact rules: integers are strict (no sign '+', no
 * leading zeros, no spaces, int64 range), floats follow strtod minus whitespace and NaN, and
 * doubles are printed as C's "%.17g".
 */

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const STRICT_INTEGER = /^(0|-?[1-9][0-9]*)$/;

/** Parses an int64 exactly as Redis's string2ll; undefined if not one. */
export function parseInt64(text: string): bigint | undefined {
  if (text.length === 0 || text.length > 20 || !STRICT_INTEGER.test(text)) return undefined;
  const n = BigInt(text);
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
}

/** Like parseInt64 as a JS number (exact up to 2^53; counts, indexes, TTLs). */
export function parseSafeInteger(text: string): number | undefined {
  if (text.length <= 15) {
    return text.length > 0 && STRICT_INTEGER.test(text) ? Number(text) : undefined;
  }
  const n = parseInt64(text);
  return n === undefined ? undefined : Number(n);
}

export function inInt64Range(n: bigint): boolean {
  return n >= INT64_MIN && n <= INT64_MAX;
}

const INFINITY = /^([+-]?)inf(inity)?$/i;

/** Parses a double as Redis's getDoubleFromObject (strtod, no spaces, no NaN, no overflow). */
export function parseDouble(text: string): number | undefined {
  if (text.length === 0 || text.length > 5000) return undefined;
  const first = text.charCodeAt(0);
  if (first === 0x20 || (first >= 0x09 && first <= 0x0d)) return undefined;
  const inf = INFINITY.exec(text);
  if (inf) return inf[1] === '-' ? -Infinity : Infinity;
  if (/[^0-9eE.+\-xXa-fA-FpP]/.test(text) || /^[+-]?0[bBoO]/.test(text)) return undefined;
  const n = Number(text);
  if (Number.isNaN(n) || !Number.isFinite(n)) return undefined;
  return n;
}

/** C's printf("%.17g") as Redis 7.0 uses for doubles (ZSCORE, RESP3 doubles). */
export function formatDouble(d: number): string {
  if (d === Number.POSITIVE_INFINITY) return 'inf';
  if (d === Number.NEGATIVE_INFINITY) return '-inf';
  if (Number.isNaN(d)) return 'nan';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const exponential = d.toExponential(16);
  const e = exponential.indexOf('e');
  const exp = Number(exponential.slice(e + 1));
  if (exp < -4 || exp >= 17) {
    const mantissa = stripZeros(exponential.slice(0, e));
    const abs = Math.abs(exp);
    return `${mantissa}e${exp < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
  }
  return stripZeros(d.toFixed(16 - exp));
}

function stripZeros(text: string): string {
  if (!text.includes('.')) return text;
  let end = text.length;
  while (text.charCodeAt(end - 1) === 0x30) end--;
  if (text.charCodeAt(end - 1) === 0x2e) end--;
  return text.slice(0, end);
}

/**
 * Adds two decimal strings exactly and prints the sum as Redis's INCRBYFLOAT does (long double,
 * "%.17Lf", trailing zeros trimmed). Exact decimal arithmetic reproduces Redis's output for
 * everything its 64-bit long double mantissa represents.
 */
export function addDecimalStrings(a: number, b: number, textA: string, textB: string): string {
  const x = toDecimal(textA) ?? toDecimal(formatDouble(a));
  const y = toDecimal(textB) ?? toDecimal(formatDouble(b));
  if (!x || !y) return formatLongDouble(a + b);
  const scale = Math.max(x.scale, y.scale);
  const sum = x.digits * 10n ** BigInt(scale - x.scale) + y.digits * 10n ** BigInt(scale - y.scale);
  return decimalToText(sum, scale);
}

interface Decimal {
  digits: bigint;
  /** Value = digits / 10^scale. */
  scale: number;
}

function toDecimal(text: string): Decimal | undefined {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const fraction = m[3] ?? '';
  let digits = BigInt((m[2] || '0') + fraction);
  let scale = fraction.length - Number(m[4] ?? 0);
  if (Math.abs(scale) > 400) return undefined;
  if (scale < 0) {
    digits *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { digits: m[1] === '-' ? -digits : digits, scale };
}

/** Rounds to 17 decimals (half away from zero) and trims trailing zeros. */
function decimalToText(digits: bigint, scale: number): string {
  if (scale > 17) {
    const drop = 10n ** BigInt(scale - 17);
    const negative = digits < 0n;
    let abs = negative ? -digits : digits;
    abs = (abs + drop / 2n) / drop;
    digits = negative ? -abs : abs;
    scale = 17;
  }
  const negative = digits < 0n;
  let text = (negative ? -digits : digits).toString().padStart(scale + 1, '0');
  if (scale > 0) text = `${text.slice(0, text.length - scale)}.${text.slice(text.length - scale)}`;
  text = stripZeros(text);
  return negative && text !== '0' ? `-${text}` : text;
}

/** "%.17Lf" with trailing zeros trimmed, from a double. */
export function formatLongDouble(d: number): string {
  if (Math.abs(d) >= 1e21) return BigInt(Math.trunc(d)).toString();
  return stripZeros(d.toFixed(17));
}
