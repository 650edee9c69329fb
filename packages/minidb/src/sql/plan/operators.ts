import { SqlError } from '../../engine/errors.js';
import { Decimal } from '../types/numeric.js';
import { Oid, typeInfo } from '../types/oids.js';
import { compareValues, intervalMicros } from '../types/values.js';
import { checkInt, checkInt8, numericRank } from './convert.js';

/** Binary operator implementations by operand type: the operator table (pg_operator). */

export type BinaryFn = (a: unknown, b: unknown) => unknown;

export interface OperatorImpl {
  /** Type both operands are converted to before calling fn. */
  left: number;
  right: number;
  result: number;
  fn: BinaryFn;
}

function divisionByZero(): SqlError {
  return new SqlError('22012', 'division by zero');
}

function intArith(oid: number, op: string): BinaryFn | null {
  const check = (v: number) => checkInt(oid, v);
  switch (op) {
    case '+':
      return (a, b) => check((a as number) + (b as number));
    case '-':
      return (a, b) => check((a as number) - (b as number));
    case '*':
      return (a, b) => {
        const r = (a as number) * (b as number);
        if (!Number.isSafeInteger(r))
          throw new SqlError(
            '22003',
            oid === Oid.int2 ? 'smallint out of range' : 'integer out of range',
          );
        return check(r);
      };
    case '/':
      return (a, b) => {
        if (b === 0) throw divisionByZero();
        return check(Math.trunc((a as number) / (b as number)));
      };
    case '%':
      return (a, b) => {
        if (b === 0) throw divisionByZero();
        const r = (a as number) % (b as number);
        return r === 0 ? 0 : r;
      };
    default:
      return null;
  }
}

function int8Arith(op: string): BinaryFn | null {
  switch (op) {
    case '+':
      return (a, b) => checkInt8((a as bigint) + (b as bigint));
    case '-':
      return (a, b) => checkInt8((a as bigint) - (b as bigint));
    case '*':
      return (a, b) => checkInt8((a as bigint) * (b as bigint));
    case '/':
      return (a, b) => {
        if (b === 0n) throw divisionByZero();
        return checkInt8((a as bigint) / (b as bigint));
      };
    case '%':
      return (a, b) => {
        if (b === 0n) throw divisionByZero();
        return (a as bigint) % (b as bigint);
      };
    default:
      return null;
  }
}

function floatCheck(r: number, a: number, b: number): number {
  if (!Number.isFinite(r) && Number.isFinite(a) && Number.isFinite(b))
    throw new SqlError('22003', 'value out of range: overflow');
  if (r === 0 && a !== 0 && b !== 0 && Number.isFinite(a)) {
    // underflow only matters for * and /, checked by callers
  }
  return r;
}

function floatArith(op: string, single: boolean): BinaryFn | null {
  const round = single ? Math.fround : (x: number) => x;
  switch (op) {
    case '+':
      return (a, b) => floatCheck(round((a as number) + (b as number)), a as number, b as number);
    case '-':
      return (a, b) => floatCheck(round((a as number) - (b as number)), a as number, b as number);
    case '*':
      return (a, b) => floatCheck(round((a as number) * (b as number)), a as number, b as number);
    case '/':
      return (a, b) => {
        if (b === 0) throw divisionByZero();
        return floatCheck(round((a as number) / (b as number)), a as number, b as number);
      };
    case '^':
      return (a, b) => {
        const x = a as number;
        const y = b as number;
        if (x === 0 && y < 0)
          throw new SqlError('2201F', 'zero raised to a negative power is undefined');
        if (x < 0 && !Number.isInteger(y))
          throw new SqlError(
            '2201F',
            'a negative number raised to a non-integer power yields a complex result',
          );
        return floatCheck(x ** y, x, y);
      };
    default:
      return null;
  }
}

function numericArith(op: string): BinaryFn | null {
  switch (op) {
    case '+':
      return (a, b) => (a as Decimal).add(b as Decimal);
    case '-':
      return (a, b) => (a as Decimal).sub(b as Decimal);
    case '*':
      return (a, b) => (a as Decimal).mul(b as Decimal);
    case '/':
      return (a, b) => (a as Decimal).div(b as Decimal);
    case '%':
      return (a, b) => (a as Decimal).mod(b as Decimal);
    case '^':
      return (a, b) => numericPower(a as Decimal, b as Decimal);
    default:
      return null;
  }
}

function numericPower(a: Decimal, b: Decimal): Decimal {
  if (a.sign() === 0 && b.sign() < 0)
    throw new SqlError('2201F', 'zero raised to a negative power is undefined');
  if (b.isInteger() && b.abs().cmp(Decimal.fromInt(1000)) <= 0) {
    const n = Number(b.toBigInt());
    let r = Decimal.fromInt(1);
    for (let i = 0; i < Math.abs(n); i++) r = r.mul(a);
    if (n < 0) return Decimal.fromInt(1).divScale(r, Math.max(16, a.scale));
    const scale = Math.max(a.scale * Math.abs(n) > 16 ? 16 : a.scale * n, 16);
    return r.round(Math.min(r.scale, scale)).withScale(Math.max(16, Math.min(r.scale, scale)));
  }
  return Decimal.fromNumber(a.toNumber() ** b.toNumber()).withScale(16);
}

export const COMPARISON_OPS = new Set(['=', '<>', '<', '>', '<=', '>=']);

export function comparisonFn(op: string): BinaryFn {
  switch (op) {
    case '=':
      return (a, b) => compareValues(a, b) === 0;
    case '<>':
      return (a, b) => compareValues(a, b) !== 0;
    case '<':
      return (a, b) => compareValues(a, b) < 0;
    case '>':
      return (a, b) => compareValues(a, b) > 0;
    case '<=':
      return (a, b) => compareValues(a, b) <= 0;
    default:
      return (a, b) => compareValues(a, b) >= 0;
  }
}

const DATE_US = 86_400_000_000;

type Iv = { months: number; days: number; micros: number };

function addInterval(ts: number, iv: Iv, sign: number): number {
  let t = ts;
  if (iv.months) {
    const d = new Date(Math.floor(t / 1000));
    const day = d.getUTCDate();
    d.setUTCDate(1);
    d.setUTCMonth(d.getUTCMonth() + sign * iv.months);
    const dim = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
    d.setUTCDate(Math.min(day, dim));
    t = d.getTime() * 1000 + (((t % 1000) + 1000) % 1000);
  }
  return t + sign * (iv.days * DATE_US + iv.micros);
}

/** Date/time arithmetic: the handful of operators PostgreSQL defines across these types. */
function datetimeOperator(op: string, l: number, r: number): OperatorImpl | null {
  const D = Oid.date;
  const TS = Oid.timestamp;
  const TZ = Oid.timestamptz;
  const IV = Oid.interval;
  const isTs = (t: number) => t === TS || t === TZ;
  if (l === D && r === D && op === '-')
    return { left: D, right: D, result: Oid.int4, fn: (a, b) => (a as number) - (b as number) };
  if (l === D && r === Oid.int4 && (op === '+' || op === '-')) {
    return {
      left: D,
      right: Oid.int4,
      result: D,
      fn: (a, b) => (a as number) + (op === '+' ? 1 : -1) * (b as number),
    };
  }
  if (l === Oid.int4 && r === D && op === '+')
    return { left: Oid.int4, right: D, result: D, fn: (a, b) => (a as number) + (b as number) };
  if ((isTs(l) || l === D) && r === IV && (op === '+' || op === '-')) {
    const result = l === D ? TS : l;
    const toTs = l === D ? (v: unknown) => (v as number) * DATE_US : (v: unknown) => v as number;
    return {
      left: l,
      right: IV,
      result,
      fn: (a, b) => addInterval(toTs(a), b as Iv, op === '+' ? 1 : -1),
    };
  }
  if (l === IV && (isTs(r) || r === D) && op === '+') {
    const toTs = r === D ? (v: unknown) => (v as number) * DATE_US : (v: unknown) => v as number;
    return {
      left: IV,
      right: r,
      result: r === D ? TS : r,
      fn: (a, b) => addInterval(toTs(b), a as Iv, 1),
    };
  }
  if (isTs(l) && isTs(r) && op === '-') {
    return {
      left: l,
      right: r,
      result: IV,
      fn: (a, b) => {
        const diff = (a as number) - (b as number);
        const days = Math.trunc(diff / DATE_US);
        return { months: 0, days, micros: diff - days * DATE_US };
      },
    };
  }
  if (l === IV && r === IV && (op === '+' || op === '-')) {
    const s = op === '+' ? 1 : -1;
    return {
      left: IV,
      right: IV,
      result: IV,
      fn: (a, b) => {
        const x = a as Iv;
        const y = b as Iv;
        return {
          months: x.months + s * y.months,
          days: x.days + s * y.days,
          micros: x.micros + s * y.micros,
        };
      },
    };
  }
  if (l === IV && numericRank(r) && (op === '*' || op === '/')) {
    return {
      left: IV,
      right: Oid.float8,
      result: IV,
      fn: (a, b) => {
        const x = a as Iv;
        const f = op === '*' ? (b as number) : 1 / (b as number);
        if (op === '/' && b === 0) throw divisionByZero();
        const months = x.months * f;
        const days = x.days * f + (months - Math.trunc(months)) * 30;
        const micros = x.micros * f + (days - Math.trunc(days)) * DATE_US;
        return { months: Math.trunc(months), days: Math.trunc(days), micros: Math.round(micros) };
      },
    };
  }
  void intervalMicros;
  return null;
}

/** Arithmetic between numeric types: both sides promoted to the wider type. */
export function arithmeticOperator(op: string, l: number, r: number): OperatorImpl | null {
  const dt = datetimeOperator(op, l, r);
  if (dt) return dt;
  const rl = numericRank(l);
  const rr = numericRank(r);
  if (!rl || !rr || l === Oid.oid || r === Oid.oid) return null;
  let t = rl >= rr ? l : r;
  if (op === '^') t = t === Oid.numeric ? Oid.numeric : Oid.float8;
  if (t === Oid.float4 && (l === Oid.float8 || r === Oid.float8)) t = Oid.float8;
  // float4 mixed with an integer type is float8 in PostgreSQL (float48 operators).
  if (t === Oid.float4 && l !== r) t = Oid.float8;
  let fn: BinaryFn | null;
  if (t === Oid.int2 || t === Oid.int4) fn = intArith(t, op);
  else if (t === Oid.int8) fn = int8Arith(op);
  else if (t === Oid.numeric) fn = numericArith(op);
  else fn = floatArith(op, t === Oid.float4);
  if (!fn) return null;
  return { left: t, right: t, result: t, fn };
}

export function operatorDoesNotExist(
  op: string,
  l: number | null,
  r: number,
  pos: number,
): SqlError {
  const sig =
    l === null ? `${op} ${typeInfo(r).name}` : `${typeInfo(l).name} ${op} ${typeInfo(r).name}`;
  return new SqlError('42883', `operator does not exist: ${sig}`, {
    position: pos + 1,
    hint: 'No operator matches the given name and argument types. You might need to add explicit type casts.',
  });
}
