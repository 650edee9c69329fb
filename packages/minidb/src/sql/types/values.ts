import { SqlError } from '../../engine/errors.js';
import type { Interval } from './datetime.js';
import { Decimal } from './numeric.js';
import { Oid } from './oids.js';

/** Comparison of two non-null values of the same type (the btree ordering). */
export function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') {
    // NaN sorts above everything, as in PostgreSQL.
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : -1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (a instanceof Decimal && b instanceof Decimal) return a.cmp(b);
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return Buffer.compare(a, b);
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (a[i] === null || b[i] === null) {
        if (a[i] !== b[i]) return a[i] === null ? 1 : -1;
        continue;
      }
      const c = compareValues(a[i], b[i]);
      if (c) return c;
    }
    return a.length - b.length;
  }
  if (isInterval(a) && isInterval(b)) {
    const x = intervalMicros(a);
    const y = intervalMicros(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  // Mixed representations of one numeric type (int8 as number and bigint).
  if (
    (typeof a === 'number' || typeof a === 'bigint') &&
    (typeof b === 'number' || typeof b === 'bigint')
  ) {
    return compareValues(BigInt(a), BigInt(b));
  }
  throw new SqlError('XX000', `cannot compare ${typeof a} with ${typeof b}`);
}

export function isInterval(v: unknown): v is Interval {
  return typeof v === 'object' && v !== null && 'months' in v && 'micros' in v;
}

/** Interval ordering as PostgreSQL: 30-day months, 24-hour days. */
export function intervalMicros(iv: Interval): number {
  return (iv.months * 30 + iv.days) * 86_400_000_000 + iv.micros;
}

/** A hashable key for GROUP BY, DISTINCT and hash joins: equal values give equal keys. */
export function hashKey(v: unknown): string {
  if (v === null) return '\u0000N';
  switch (typeof v) {
    case 'number':
      return Object.is(v, -0) ? 'n0' : `n${v}`;
    case 'bigint':
      return `n${v}`;
    case 'string':
      return `s${v}`;
    case 'boolean':
      return v ? 'bt' : 'bf';
    default:
      if (v instanceof Decimal) return v.nan ? 'nNaN' : `n${v.normalize().toString()}`;
      if (Buffer.isBuffer(v)) return `x${v.toString('hex')}`;
      if (Array.isArray(v)) return `a[${v.map(hashKey).join(',')}]`;
      if (isInterval(v)) return `i${intervalMicros(v)}`;
      return `o${JSON.stringify(v)}`;
  }
}

export function rowKey(values: readonly unknown[]): string {
  let k = '';
  for (const v of values) k += `${hashKey(v)}\u0001`;
  return k;
}

/** Whether a value is in the representation of the given type (ints as numbers, int8 as bigint...). */
export function isIntegerType(oid: number): boolean {
  return oid === Oid.int2 || oid === Oid.int4 || oid === Oid.int8;
}
