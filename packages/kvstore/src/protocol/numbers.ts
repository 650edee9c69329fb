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

/** C's printf("%.17g") as Redis 7.0 uses for doubles (ZSCORE, RESP3 doubles); "%.14g" for Lua. */
export function formatDouble(d: number, precision = 17): string {
  if (d === Number.POSITIVE_INFINITY) return 'inf';
  if (d === Number.NEGATIVE_INFINITY) return '-inf';
  if (Number.isNaN(d)) return 'nan';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const { digits, exp } = significantDigits(Math.abs(d), precision);
  const sign = d < 0 ? '-' : '';
  if (exp < -4 || exp >= precision) {
    const mantissa = stripZeros(digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits);
    const abs = Math.abs(exp);
    return `${sign}${mantissa}e${exp < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
  }
  if (exp < 0) return `${sign}${stripZeros(`0.${'0'.repeat(-exp - 1)}${digits}`)}`;
  const whole = digits.slice(0, exp + 1);
  return `${sign}${stripZeros(`${whole}.${digits.slice(exp + 1)}`)}`;
}

/**
 * The first `precision` significant digits of a positive double and its decimal exponent,
 * rounded as printf does: to nearest, exact ties to even (JavaScript's toExponential rounds
 * ties up: 123456789012345 to 14 digits is ...234 in C, ...235 in JS).
 */
function significantDigits(d: number, precision: number): { digits: string; exp: number } {
  const rounded = d.toExponential(precision - 1);
  const e = rounded.indexOf('e');
  let digits = rounded.slice(0, e).replace('.', '');
  let exp = Number(rounded.slice(e + 1));
  if (precision < 80) {
    const exact = d.toExponential(Math.min(100, precision + 40));
    const x = exact.indexOf('e');
    const all = exact.slice(0, x).replace('.', '');
    const tie = all[precision] === '5' && /^0*$/.test(all.slice(precision + 1));
    if (tie && Number(all[precision - 1]) % 2 === 0) {
      digits = all.slice(0, precision);
      exp = Number(exact.slice(x + 1));
    }
  }
  return { digits, exp };
}

function stripZeros(text: string): string {
  if (!text.includes('.')) return text;
  let end = text.length;
  while (text.charCodeAt(end - 1) === 0x30) end--;
  if (text.charCodeAt(end - 1) === 0x2e) end--;
  return text.slice(0, end);
}

/**
 * INCRBYFLOAT's arithmetic: Redis parses both operands with strtold, adds them as x87 80-bit
 * long doubles (64-bit significand) and prints "%.17Lf" with trailing zeros trimmed. The
 * operands and the sum are rounded to 64 significant bits exactly as the hardware does, so the
 * text matches Redis digit for digit (e.g. 5.6 + 1e3 = 1005.59999999999999998).
 */
export function longDoubleAdd(textA: string, textB: string): string | undefined {
  const a = toLongDouble(textA);
  const b = toLongDouble(textB);
  if (!a || !b) return undefined;
  const exp = Math.min(a.exp, b.exp);
  const sum = roundSignificand({
    num: (a.m << BigInt(a.exp - exp)) + (b.m << BigInt(b.exp - exp)),
    den: 1n,
    exp,
  });
  return formatLongDoubleFixed(sum);
}

/** A long double: m * 2^exp with |m| < 2^64. */
interface LongDouble {
  m: bigint;
  exp: number;
}

/** (num / den) * 2^exp rounded to a 64-bit significand, ties to even. */
function roundSignificand(x: { num: bigint; den: bigint; exp: number }): LongDouble {
  let { num, den, exp } = x;
  if (num === 0n) return { m: 0n, exp: 0 };
  const negative = num < 0n;
  if (negative) num = -num;
  // Scale so that 2^63 <= num/den < 2^64.
  const bits = num.toString(2).length - den.toString(2).length;
  const shift = 63 - bits;
  if (shift > 0) num <<= BigInt(shift);
  else den <<= BigInt(-shift);
  exp -= shift;
  while (num / den >= 1n << 64n) {
    den <<= 1n;
    exp++;
  }
  while (num / den < 1n << 63n) {
    num <<= 1n;
    exp--;
  }
  let m = num / den;
  const remainder = num - m * den;
  if (remainder * 2n > den || (remainder * 2n === den && (m & 1n) === 1n)) m++;
  if (m === 1n << 64n) {
    m >>= 1n;
    exp++;
  }
  return { m: negative ? -m : m, exp };
}

function toLongDouble(text: string): LongDouble | undefined {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) return undefined;
  const fraction = match[3] ?? '';
  const power = Number(match[4] ?? 0) - fraction.length;
  if (Math.abs(power) > 5000) return undefined;
  let num = BigInt((match[2] || '0') + fraction);
  let den = 1n;
  if (power >= 0) num *= 10n ** BigInt(power);
  else den = 10n ** BigInt(-power);
  if (match[1] === '-') num = -num;
  return roundSignificand({ num, den, exp: 0 });
}

/** printf("%.17Lf") of a long double, trailing zeros (and a bare point) removed, "-0" as "0". */
function formatLongDoubleFixed(x: LongDouble): string {
  const negative = x.m < 0n;
  const m = negative ? -x.m : x.m;
  const scale = 10n ** 17n;
  let scaled: bigint;
  if (x.exp >= 0) scaled = (m << BigInt(x.exp)) * scale;
  else {
    const den = 1n << BigInt(-x.exp);
    const num = m * scale;
    scaled = num / den;
    const remainder = num - scaled * den;
    if (remainder * 2n > den || (remainder * 2n === den && (scaled & 1n) === 1n)) scaled++;
  }
  const digits = scaled.toString().padStart(18, '0');
  let text = `${digits.slice(0, -17)}.${digits.slice(-17)}`;
  text = stripZeros(text);
  return negative && text !== '0' ? `-${text}` : text;
}
