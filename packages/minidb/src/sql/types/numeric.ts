import { SqlError } from '../../engine/errors.js';

/**
 * An exact decimal: `digits * 10^-scale`, as PostgreSQL's numeric (the display scale is kept,
 * so 1.50 stays 1.50). NaN is represented by `nan`.
 */
export class Decimal {
  constructor(
    readonly digits: bigint,
    readonly scale: number,
    readonly nan = false,
  ) {}

  static readonly NaN = new Decimal(0n, 0, true);

  static fromInt(v: number | bigint): Decimal {
    return new Decimal(BigInt(v), 0);
  }

  static parse(text: string): Decimal | null {
    const s = text.trim();
    if (/^nan$/i.test(s)) return Decimal.NaN;
    const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(s);
    if (!m || (m[2] === '' && (m[3] === undefined || m[3] === ''))) return null;
    const frac = m[3] ?? '';
    let digits = BigInt((m[2] || '0') + frac);
    let scale = frac.length;
    if (m[4]) {
      const exp = Number(m[4]);
      if (Math.abs(exp) > 1000) return null;
      scale -= exp;
      if (scale < 0) {
        digits *= 10n ** BigInt(-scale);
        scale = 0;
      }
    }
    if (m[1] === '-') digits = -digits;
    return new Decimal(digits, scale);
  }

  static fromNumber(v: number): Decimal {
    if (Number.isNaN(v)) return Decimal.NaN;
    if (!Number.isFinite(v)) throw new SqlError('22003', 'cannot convert infinity to numeric');
    // Float to numeric keeps 15 significant digits, as PostgreSQL does.
    const d = Decimal.parse(v.toPrecision(15))!;
    return d.normalize();
  }

  /** Strips trailing fractional zeros. */
  normalize(): Decimal {
    let { digits, scale } = this;
    while (scale > 0 && digits % 10n === 0n) {
      digits /= 10n;
      scale--;
    }
    return new Decimal(digits, scale);
  }

  withScale(scale: number): Decimal {
    if (this.nan || scale === this.scale) return this;
    if (scale > this.scale)
      return new Decimal(this.digits * 10n ** BigInt(scale - this.scale), scale);
    return new Decimal(roundDiv(this.digits, 10n ** BigInt(this.scale - scale)), scale);
  }

  add(o: Decimal): Decimal {
    if (this.nan || o.nan) return Decimal.NaN;
    const s = Math.max(this.scale, o.scale);
    return new Decimal(this.withScale(s).digits + o.withScale(s).digits, s);
  }

  sub(o: Decimal): Decimal {
    if (this.nan || o.nan) return Decimal.NaN;
    const s = Math.max(this.scale, o.scale);
    return new Decimal(this.withScale(s).digits - o.withScale(s).digits, s);
  }

  mul(o: Decimal): Decimal {
    if (this.nan || o.nan) return Decimal.NaN;
    return new Decimal(this.digits * o.digits, this.scale + o.scale);
  }

  neg(): Decimal {
    return this.nan ? this : new Decimal(-this.digits, this.scale);
  }

  abs(): Decimal {
    return this.digits < 0n ? this.neg() : this;
  }

  sign(): number {
    return this.digits > 0n ? 1 : this.digits < 0n ? -1 : 0;
  }

  /** Division with PostgreSQL's result scale (select_div_scale): at least 16 significant digits. */
  div(o: Decimal): Decimal {
    if (this.nan || o.nan) return Decimal.NaN;
    if (o.digits === 0n) throw new SqlError('22012', 'division by zero');
    return this.divScale(o, divScale(this, o));
  }

  divScale(o: Decimal, rscale: number): Decimal {
    // this/o = (a/10^sa) / (b/10^sb); result digits at rscale = a*10^(rscale+sb-sa) / b.
    const shift = rscale + o.scale - this.scale;
    let num = this.digits;
    let den = o.digits;
    if (shift >= 0) num *= 10n ** BigInt(shift);
    else den *= 10n ** BigInt(-shift);
    return new Decimal(roundDiv(num, den), rscale);
  }

  /** Integer-truncating modulo (sign of the dividend), as numeric_mod. */
  mod(o: Decimal): Decimal {
    if (this.nan || o.nan) return Decimal.NaN;
    if (o.digits === 0n) throw new SqlError('22012', 'division by zero');
    const s = Math.max(this.scale, o.scale);
    return new Decimal(this.withScale(s).digits % o.withScale(s).digits, s);
  }

  cmp(o: Decimal): number {
    // NaN sorts above every number, as in PostgreSQL.
    if (this.nan || o.nan) return this.nan === o.nan ? 0 : this.nan ? 1 : -1;
    const s = Math.max(this.scale, o.scale);
    const a = this.withScale(s).digits;
    const b = o.withScale(s).digits;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  /** Rounds half away from zero to `scale` digits (negative scales round to tens...). */
  round(scale: number): Decimal {
    if (this.nan) return this;
    if (scale >= this.scale) return this.withScale(scale);
    if (scale >= 0) return this.withScale(scale);
    const f = 10n ** BigInt(this.scale - scale);
    return new Decimal(roundDiv(this.digits, f) * 10n ** BigInt(-scale), 0);
  }

  trunc(scale: number): Decimal {
    if (this.nan || scale >= this.scale) return this.withScale(Math.max(scale, 0));
    const f = 10n ** BigInt(this.scale - Math.max(scale, 0));
    return new Decimal(this.digits / f, Math.max(scale, 0));
  }

  floor(): Decimal {
    const t = this.trunc(0);
    return this.digits < 0n && t.withScale(this.scale).digits !== this.digits
      ? t.sub(Decimal.fromInt(1))
      : t;
  }

  ceil(): Decimal {
    const t = this.trunc(0);
    return this.digits > 0n && t.withScale(this.scale).digits !== this.digits
      ? t.add(Decimal.fromInt(1))
      : t;
  }

  isInteger(): boolean {
    return this.scale === 0 || this.digits % 10n ** BigInt(this.scale) === 0n;
  }

  /** Rounded to an integer (half away from zero), as numeric to int casts. */
  toBigInt(): bigint {
    return this.round(0).digits;
  }

  toNumber(): number {
    if (this.nan) return Number.NaN;
    return Number(this.toString());
  }

  toString(): string {
    if (this.nan) return 'NaN';
    const neg = this.digits < 0n;
    let s = (neg ? -this.digits : this.digits).toString();
    if (this.scale > 0) {
      s = s.padStart(this.scale + 1, '0');
      s = `${s.slice(0, s.length - this.scale)}.${s.slice(s.length - this.scale)}`;
    }
    return neg ? `-${s}` : s;
  }
}

function roundDiv(num: bigint, den: bigint): bigint {
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const q = num / den;
  const r = num % den;
  if (r === 0n) return q;
  const twice = (r < 0n ? -r : r) * 2n;
  if (twice >= den) return num < 0n ? q - 1n : q + 1n;
  return q;
}

/** First base-10000 digit and its weight, as PostgreSQL's NumericVar holds them. */
function leadingGroup(d: Decimal): [number, number] {
  const abs = d.digits < 0n ? -d.digits : d.digits;
  if (abs === 0n) return [0, 0];
  // Integer part digits and fractional digits aligned to groups of 4 around the point.
  const text = abs.toString();
  const intLen = text.length - d.scale;
  let groups: string[];
  let weight: number;
  if (intLen > 0) {
    const intPart = text.slice(0, intLen);
    const lead = intPart.length % 4 || 4;
    weight = Math.ceil(intPart.length / 4) - 1;
    groups = [intPart.slice(0, lead)];
  } else {
    const frac = '0'.repeat(-intLen) + text;
    const padded = frac + '0'.repeat((4 - (frac.length % 4)) % 4);
    let k = 0;
    while (padded.slice(k * 4, k * 4 + 4) === '0000') k++;
    weight = -k - 1;
    groups = [padded.slice(k * 4, k * 4 + 4)];
  }
  return [Number(groups[0]), weight];
}

function divScale(a: Decimal, b: Decimal): number {
  const [first1, weight1] = leadingGroup(a);
  const [first2, weight2] = leadingGroup(b);
  let qweight = weight1 - weight2;
  if (first1 <= first2) qweight--;
  let rscale = 16 - qweight * 4;
  rscale = Math.max(rscale, a.scale, b.scale, 0);
  return Math.min(rscale, 1000);
}
