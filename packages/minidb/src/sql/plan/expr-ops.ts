import { SqlError } from '../../engine/errors.js';
import { Decimal } from '../types/numeric.js';
import { elementType, Oid } from '../types/oids.js';
import { compareValues } from '../types/values.js';
import { coerce, commonType } from './coerce.js';
import type { CompileContext } from './context.js';
import { isStringType } from './convert.js';
import { constant, isNullConstant, resolveParam } from './expr.js';
import {
  arithmeticOperator,
  COMPARISON_OPS,
  comparisonFn,
  operatorDoesNotExist,
} from './operators.js';
import type { Compiled } from './scope.js';

/** Operators: arithmetic, comparison (also of rows), concatenation, JSON. */

/** A strict binary operator: both operands are evaluated, then NULL in gives NULL out. */
function strictBinary(
  type: number,
  a: Compiled,
  b: Compiled,
  fn: (x: unknown, y: unknown) => unknown,
): Compiled {
  if (isNullConstant(a) || isNullConstant(b)) return { ...constant(type, null), typmod: -1 };
  const fa = a.eval;
  const fb = b.eval;
  return {
    type,
    typmod: -1,
    constant: a.constant && b.constant,
    eval: (env) => {
      const x = fa(env);
      const y = fb(env);
      return x === null || y === null ? null : fn(x, y);
    },
  };
}

function strictUnary(type: number, a: Compiled, fn: (v: unknown) => unknown): Compiled {
  const f = a.eval;
  return {
    type,
    typmod: -1,
    constant: a.constant,
    eval: (env) => {
      const v = f(env);
      return v === null ? null : fn(v);
    },
  };
}

type Iv = { months: number; days: number; micros: number };

export function compileUnary(op: string, a: Compiled, pos: number): Compiled {
  if (op === '+') return a;
  if (a.type === Oid.unknown) a = coerce(a, Oid.int4, pos);
  if (op === '-') {
    switch (a.type) {
      case Oid.interval:
        return strictUnary(a.type, a, (v) => ({
          months: -(v as Iv).months,
          days: -(v as Iv).days,
          micros: -(v as Iv).micros,
        }));
      case Oid.float4:
      case Oid.float8:
        return strictUnary(a.type, a, (v) => -(v as number));
      case Oid.numeric:
        return strictUnary(a.type, a, (v) => (v as Decimal).neg());
      case Oid.int8:
        return strictUnary(a.type, a, (v) => {
          if (v === -(2n ** 63n)) throw new SqlError('22003', 'bigint out of range');
          return -(v as bigint);
        });
      case Oid.int2:
      case Oid.int4:
        return strictUnary(a.type, a, (v) => {
          if (v === (a.type === Oid.int2 ? -32768 : -2147483648))
            throw new SqlError(
              '22003',
              a.type === Oid.int2 ? 'smallint out of range' : 'integer out of range',
            );
          return v === 0 ? 0 : -(v as number);
        });
    }
  }
  if (op === '@' && arithmeticOperator('+', a.type, a.type)) {
    return strictUnary(a.type, a, (v) =>
      v instanceof Decimal
        ? v.abs()
        : typeof v === 'bigint'
          ? v < 0n
            ? -v
            : v
          : Math.abs(v as number),
    );
  }
  throw operatorDoesNotExist(op, null, a.type, pos);
}

/** Resolves unknown literals and parameters against the other operand's type. */
export function resolveUnknowns(
  l: Compiled,
  r: Compiled,
  pos: number,
  cc: CompileContext,
): [Compiled, Compiled] {
  if (l.type === Oid.unknown && r.type !== Oid.unknown) {
    l = l.paramIndex !== undefined ? resolveParam(l, r.type, cc) : coerce(l, r.type, pos);
  } else if (r.type === Oid.unknown && l.type !== Oid.unknown) {
    r = r.paramIndex !== undefined ? resolveParam(r, l.type, cc) : coerce(r, l.type, pos);
  } else if (l.type === Oid.unknown && r.type === Oid.unknown) {
    l = l.paramIndex !== undefined ? resolveParam(l, Oid.text, cc) : coerce(l, Oid.text, pos);
    r = r.paramIndex !== undefined ? resolveParam(r, Oid.text, cc) : coerce(r, Oid.text, pos);
  }
  return [l, r];
}

export function compileBinary(
  op: string,
  l: Compiled,
  r: Compiled,
  pos: number,
  cc: CompileContext,
): Compiled {
  if (op === '||') return compileConcat(l, r, pos, cc);
  [l, r] = resolveUnknowns(l, r, pos, cc);
  if (COMPARISON_OPS.has(op)) return compileComparison(op, l, r, pos);
  const custom = compileSpecialOperator(op, l, r);
  if (custom) return custom;
  const impl = arithmeticOperator(op, l.type, r.type);
  if (!impl) throw operatorDoesNotExist(op, l.type, r.type, pos);
  return strictBinary(impl.result, coerce(l, impl.left, pos), coerce(r, impl.right, pos), impl.fn);
}

function comparableType(l: number, r: number): number | null {
  if (l === r) return l;
  if (isStringType(l) && isStringType(r)) return Oid.text;
  return commonTypeOrNull(l, r);
}

function commonTypeOrNull(l: number, r: number): number | null {
  try {
    return commonType([l, r], 'comparison', 0);
  } catch {
    return null;
  }
}

export function compileComparison(op: string, l: Compiled, r: Compiled, pos: number): Compiled {
  if (l.type === Oid.record && r.type === Oid.record && l.operands && r.operands)
    return compileRowComparison(op, l.operands, r.operands, pos);
  const t = comparableType(l.type, r.type);
  if (t === null) throw operatorDoesNotExist(op, l.type, r.type, pos);
  const a = coerce(l, t, pos);
  const b = coerce(r, t, pos);
  const result = strictBinary(Oid.bool, a, b, comparisonFn(op));
  result.operands = [
    { ...a, type: t },
    { ...b, type: t },
  ];
  return result;
}

function compileRowComparison(op: string, ls: Compiled[], rs: Compiled[], pos: number): Compiled {
  if (ls.length !== rs.length)
    throw new SqlError('42601', 'unequal number of entries in row expressions', {
      position: pos + 1,
    });
  const pairs = ls.map((l, i) => compileComparison('=', l, rs[i], pos).operands!);
  const fn = comparisonFn(op);
  return {
    type: Oid.bool,
    typmod: -1,
    eval: (env) => {
      let sawNull = false;
      for (const [a, b] of pairs) {
        const x = a.eval(env);
        const y = b.eval(env);
        if (x === null || y === null) {
          if (op !== '=' && op !== '<>') return null;
          sawNull = true;
          continue;
        }
        const c = compareValues(x, y);
        if (c !== 0) return op === '=' ? false : op === '<>' ? true : fn(x, y);
      }
      if (sawNull) return null;
      return op === '=' || op === '<=' || op === '>=';
    },
  };
}

function compileConcat(l: Compiled, r: Compiled, pos: number, cc: CompileContext): Compiled {
  const textOf = (c: Compiled): Compiled => {
    if (c.type === Oid.unknown)
      return c.paramIndex !== undefined ? resolveParam(c, Oid.text, cc) : coerce(c, Oid.text, pos);
    if (elementType(c.type)) return c;
    return coerce(c, Oid.text, pos, true);
  };
  if (elementType(l.type) || elementType(r.type)) {
    const arrType = elementType(l.type) ? l.type : r.type;
    return {
      type: arrType,
      typmod: -1,
      eval: (env) => {
        const a = l.eval(env);
        const b = r.eval(env);
        if (a === null) return b === null ? null : Array.isArray(b) ? b : [b];
        if (b === null) return a;
        return [...(Array.isArray(a) ? a : [a]), ...(Array.isArray(b) ? b : [b])];
      },
    };
  }
  return strictBinary(Oid.text, textOf(l), textOf(r), (x, y) => (x as string) + (y as string));
}

/** JSON operators (-> ->> @>) and a few others outside the arithmetic table. */
function compileSpecialOperator(op: string, l: Compiled, r: Compiled): Compiled | null {
  if ((l.type === Oid.json || l.type === Oid.jsonb) && (op === '->' || op === '->>')) {
    const asText = op === '->>';
    return {
      type: asText ? Oid.text : l.type,
      typmod: -1,
      eval: (env) => {
        const doc = l.eval(env);
        const key = r.eval(env);
        if (doc === null || key === null) return null;
        const parsed = JSON.parse(doc as string);
        const v =
          typeof key === 'number'
            ? Array.isArray(parsed)
              ? parsed[key < 0 ? parsed.length + key : key]
              : undefined
            : parsed?.[key as string];
        if (v === undefined) return null;
        if (asText) return typeof v === 'string' ? v : v === null ? null : JSON.stringify(v);
        return JSON.stringify(v);
      },
    };
  }
  if (l.type === Oid.jsonb && r.type === Oid.jsonb && op === '@>') {
    return {
      type: Oid.bool,
      typmod: -1,
      eval: (env) => {
        const a = l.eval(env);
        const b = r.eval(env);
        if (a === null || b === null) return null;
        return jsonContains(JSON.parse(a as string), JSON.parse(b as string));
      },
    };
  }
  return null;
}

function jsonContains(a: unknown, b: unknown): boolean {
  if (Array.isArray(b))
    return Array.isArray(a) && b.every((x) => a.some((y) => jsonContains(y, x)));
  if (b !== null && typeof b === 'object') {
    if (a === null || typeof a !== 'object' || Array.isArray(a)) return false;
    return Object.entries(b).every(
      ([k, v]) => k in (a as object) && jsonContains((a as Record<string, unknown>)[k], v),
    );
  }
  if (Array.isArray(a)) return a.some((y) => jsonContains(y, b));
  return a === b;
}
