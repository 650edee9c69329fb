import { SqlError } from '../../engine/errors.js';
import { Decimal } from '../types/numeric.js';
import { Oid, typeInfo } from '../types/oids.js';
import { formatText, parseText } from '../types/text.js';

/** Value conversions between types: the cast table (pg_cast), explicit table over magic. */

export type Converter = (v: unknown) => unknown;

const INT_LIMITS: Record<number, [number, number, string]> = {
  [Oid.int2]: [-32768, 32767, 'smallint out of range'],
  [Oid.int4]: [-2147483648, 2147483647, 'integer out of range'],
};

const NUMERIC_RANK: Record<number, number> = {
  [Oid.int2]: 1,
  [Oid.int4]: 2,
  [Oid.int8]: 3,
  [Oid.numeric]: 4,
  [Oid.float4]: 5,
  [Oid.float8]: 6,
  [Oid.oid]: 2,
};

export function numericRank(oid: number): number {
  return NUMERIC_RANK[oid] ?? 0;
}

export function checkInt(oid: number, v: number): number {
  const lim = INT_LIMITS[oid];
  if (v < lim[0] || v > lim[1] || Number.isNaN(v)) throw new SqlError('22003', lim[2]);
  return v;
}

export function checkInt8(v: bigint): bigint {
  if (v < -(2n ** 63n) || v >= 2n ** 63n) throw new SqlError('22003', 'bigint out of range');
  return v;
}

/** rint(): round half to even, as float to integer casts. */
function rint(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Decimal) return v.toNumber();
  return Number(v);
}

/** Numeric conversions (implicit widening and explicit narrowing). */
function numericConverter(from: number, to: number): Converter | null {
  if (!NUMERIC_RANK[from] || !NUMERIC_RANK[to]) return null;
  switch (to) {
    case Oid.int2:
    case Oid.int4:
    case Oid.oid:
      if (from === Oid.int8)
        return (v) => checkInt(to === Oid.oid ? Oid.int4 : to, Number(v as bigint));
      if (from === Oid.numeric) {
        return (v) => {
          const d = v as Decimal;
          if (d.nan)
            throw new SqlError(
              '22003',
              `cannot convert NaN to ${to === Oid.int2 ? 'smallint' : 'integer'}`,
            );
          return checkInt(to === Oid.oid ? Oid.int4 : to, Number(d.toBigInt()));
        };
      }
      if (from === Oid.float4 || from === Oid.float8)
        return (v) => checkInt(to === Oid.oid ? Oid.int4 : to, rint(v as number));
      return to === Oid.int2 ? (v) => checkInt(Oid.int2, v as number) : (v) => v;
    case Oid.int8:
      if (from === Oid.numeric) {
        return (v) => {
          const d = v as Decimal;
          if (d.nan) throw new SqlError('22003', 'cannot convert NaN to bigint');
          return checkInt8(d.toBigInt());
        };
      }
      if (from === Oid.float4 || from === Oid.float8) {
        return (v) => {
          const n = v as number;
          if (!Number.isFinite(n) || Math.abs(n) >= 9.223372036854776e18)
            throw new SqlError('22003', 'bigint out of range');
          return BigInt(rint(n));
        };
      }
      return (v) => BigInt(v as number);
    case Oid.numeric:
      if (from === Oid.float4 || from === Oid.float8) return (v) => Decimal.fromNumber(v as number);
      if (from === Oid.numeric) return (v) => v;
      return (v) => Decimal.fromInt(v as number | bigint);
    case Oid.float4:
      return (v) => {
        const n = Math.fround(toNumber(v));
        if (!Number.isFinite(n) && Number.isFinite(toNumber(v)))
          throw new SqlError('22003', 'value out of range: overflow');
        return n;
      };
    case Oid.float8:
      return (v) => toNumber(v);
    default:
      return null;
  }
}

const STRING_TYPES = new Set<number>([
  Oid.text,
  Oid.varchar,
  Oid.bpchar,
  Oid.name,
  Oid.unknown,
  Oid.char,
]);

export function isStringType(oid: number): boolean {
  return STRING_TYPES.has(oid);
}

/** Implicit casts PostgreSQL applies without being asked (pg_cast castcontext 'i'). */
export function implicitConverter(from: number, to: number): Converter | null {
  if (from === to) return (v) => v;
  const rf = NUMERIC_RANK[from];
  const rt = NUMERIC_RANK[to];
  if (rf && rt && rf < rt && from !== Oid.oid && to !== Oid.oid) return numericConverter(from, to);
  if (
    isStringType(from) &&
    (to === Oid.text || to === Oid.varchar || to === Oid.name || to === Oid.bpchar)
  )
    return (v) => v;
  if (from === Oid.date && (to === Oid.timestamp || to === Oid.timestamptz))
    return (v) => (v as number) * 86_400_000_000;
  if (from === Oid.timestamp && to === Oid.timestamptz) return (v) => v;
  if ((from === Oid.json || from === Oid.jsonb) && (to === Oid.json || to === Oid.jsonb))
    return (v) => v;
  return null;
}

/** Explicit casts (CAST, ::). Returns null when PostgreSQL has no such cast (42846). */
export function explicitConverter(from: number, to: number): Converter | null {
  const implicit = implicitConverter(from, to);
  if (implicit) return implicit;
  const numeric = numericConverter(from, to);
  if (numeric) return numeric;
  if (isStringType(from)) return (v) => parseText(to, v as string);
  if (isStringType(to)) return (v) => formatText(from, v);
  if (from === Oid.int4 && to === Oid.bool) return (v) => v !== 0;
  if (from === Oid.bool && to === Oid.int4) return (v) => (v ? 1 : 0);
  if ((from === Oid.timestamp || from === Oid.timestamptz) && to === Oid.date)
    return (v) => Math.floor((v as number) / 86_400_000_000);
  if (from === Oid.timestamptz && to === Oid.timestamp) return (v) => v;
  if ((from === Oid.timestamp || from === Oid.timestamptz) && to === Oid.time) {
    return (v) => (((v as number) % 86_400_000_000) + 86_400_000_000) % 86_400_000_000;
  }
  if (
    (from === Oid.oid || from === Oid.int4 || from === Oid.int8) &&
    (to === Oid.regclass || to === Oid.regtype || to === Oid.oid)
  ) {
    return (v) => Number(v);
  }
  if (
    (from === Oid.regclass || from === Oid.regtype) &&
    (to === Oid.oid || to === Oid.int4 || to === Oid.int8)
  ) {
    return to === Oid.int8 ? (v) => BigInt(v as number) : (v) => v;
  }
  return null;
}

export function cannotCast(from: number, to: number, pos?: number): SqlError {
  return new SqlError(
    '42846',
    `cannot cast type ${typeInfo(from).name} to ${typeInfo(to).name}`,
    pos === undefined ? {} : { position: pos + 1 },
  );
}

/** Applies a declared length (varchar(n), char(n)) or numeric(p,s) to a value. */
export function applyTypmod(oid: number, typmod: number, explicit: boolean): Converter | null {
  if (typmod < 0) return null;
  if (oid === Oid.varchar || oid === Oid.bpchar) {
    const n = typmod - 4;
    return (v) => {
      let s = v as string;
      if ([...s].length > n) {
        const trimmed = [...s].slice(0, n).join('');
        if (!explicit && s.slice(trimmed.length).trim() !== '') {
          throw new SqlError(
            '22001',
            `value too long for type ${oid === Oid.varchar ? 'character varying' : 'character'}(${n})`,
          );
        }
        s = trimmed;
      }
      return oid === Oid.bpchar ? s.padEnd(n, ' ') : s;
    };
  }
  if (oid === Oid.numeric) {
    const precision = (typmod - 4) >> 16;
    const scale = (typmod - 4) & 0xffff;
    return (v) => {
      const d = (v as Decimal).round(scale);
      if (d.nan) return d;
      const intDigits = d.abs().trunc(0).digits.toString().replace(/^0$/, '').length;
      if (intDigits > precision - scale) {
        throw new SqlError('22003', 'numeric field overflow', {
          detail: `A field with precision ${precision}, scale ${scale} must round to an absolute value less than ${precision - scale === 0 ? '1' : `10^${precision - scale}`}.`,
        });
      }
      return d;
    };
  }
  return null;
}
