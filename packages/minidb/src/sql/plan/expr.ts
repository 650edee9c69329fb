import { SqlError } from '../../engine/errors.js';
import type { Expr } from '../parse/ast.js';
import { Decimal } from '../types/numeric.js';
import { arrayTypeOf, elementType, Oid, TYPE_NAMES, typeInfo, typmodFor } from '../types/oids.js';
import { compareValues, hashKey as hashOf } from '../types/values.js';
import { coerce, commonType } from './coerce.js';
import type { CompileContext } from './context.js';
import { isStringType } from './convert.js';
import { compileFunction } from './func-call.js';
import { compileLike } from './like.js';
import {
  arithmeticOperator,
  COMPARISON_OPS,
  comparisonFn,
  operatorDoesNotExist,
} from './operators.js';
import type { Compiled, Env } from './scope.js';
import {
  compileExists,
  compileInSubquery,
  compileQuantified,
  compileScalarSubquery,
} from './subquery.js';

/** Compiles an expression AST to a closure over the row environment. */
export function compileExpr(e: Expr, cc: CompileContext): Compiled {
  if (cc.aggregates) {
    const g = cc.aggregates.groupExpr(e);
    if (g) return g;
  }
  switch (e.kind) {
    case 'literal':
      return compileLiteral(e);
    case 'column':
      return compileColumn(e.parts, e.pos, cc);
    case 'param':
      return compileParam(e.index, e.pos, cc);
    case 'unary':
      return compileUnary(e.op, compileExpr(e.arg, cc), e.pos);
    case 'binary':
      return compileBinary(e.op, compileExpr(e.left, cc), compileExpr(e.right, cc), e.pos, cc);
    case 'and':
    case 'or':
      return compileLogical(
        e.kind,
        e.args.map((a) => toBool(compileExpr(a, cc), e.kind.toUpperCase(), a.pos)),
      );
    case 'not': {
      const a = toBool(compileExpr(e.arg, cc), 'NOT', e.arg.pos);
      return {
        type: Oid.bool,
        typmod: -1,
        eval: (env) => {
          const v = a.eval(env);
          return v === null ? null : !v;
        },
      };
    }
    case 'isnull': {
      const a = compileExpr(e.arg, cc);
      const neg = e.negated;
      return { type: Oid.bool, typmod: -1, eval: (env) => (a.eval(env) === null) !== neg };
    }
    case 'istruth': {
      const a = toBool(compileExpr(e.arg, cc), 'IS', e.arg.pos);
      const want = e.value;
      const neg = e.negated;
      return { type: Oid.bool, typmod: -1, eval: (env) => (a.eval(env) === want) !== neg };
    }
    case 'distinctfrom': {
      const eq = compileBinary('=', compileExpr(e.left, cc), compileExpr(e.right, cc), e.pos, cc);
      const [l, r] = eq.operands!;
      const neg = e.negated;
      return {
        type: Oid.bool,
        typmod: -1,
        eval: (env) => {
          const a = l.eval(env);
          const b = r.eval(env);
          if (a === null || b === null) return (a === null && b === null) === neg;
          return (compareValues(a, b) !== 0) !== neg;
        },
      };
    }
    case 'between':
      return compileBetween(e, cc);
    case 'inlist':
      return compileInList(e, cc);
    case 'case':
      return compileCase(e, cc);
    case 'cast': {
      const arg = compileExpr(e.arg, cc);
      if (arg.paramIndex !== undefined) {
        const { oid, typmod } = resolveTypeName(e.type.name, e.type.mods, e.type.array, e.type.pos);
        return coerce(resolveParam(arg, oid, cc), oid, e.pos, true, typmod);
      }
      return compileCast(arg, e.type.name, e.type.mods, e.type.array, e.pos);
    }
    case 'func':
      return compileFunction(e, cc);
    case 'like':
      return compileLike(e, cc);
    case 'subquery':
      return compileScalarSubquery(e.query, cc);
    case 'exists':
      return compileExists(e.query, cc);
    case 'insubquery':
      return compileInSubquery(e, cc);
    case 'quantified':
      return compileQuantified(e, cc);
    case 'array':
      return compileArray(
        e.items.map((i) => compileExpr(i, cc)),
        e.pos,
      );
    case 'subscript': {
      const arr = compileExpr(e.arg, cc);
      const idx = coerce(compileExpr(e.index, cc), Oid.int4, e.index.pos);
      const elem = elementType(arr.type) || Oid.text;
      return {
        type: elem,
        typmod: -1,
        eval: (env) => {
          const a = arr.eval(env) as unknown[] | null;
          const i = idx.eval(env) as number | null;
          if (a === null || i === null) return null;
          return a[i - 1] ?? null;
        },
      };
    }
    case 'row': {
      const items = e.items.map((i) => compileExpr(i, cc));
      return {
        type: Oid.record,
        typmod: -1,
        eval: (env) => items.map((i) => i.eval(env)),
        operands: items,
      };
    }
    case 'star':
      throw new SqlError('42601', 'row expansion via "*" is not supported here', {
        position: e.pos + 1,
      });
    case 'default':
      throw new SqlError('42601', 'DEFAULT is not allowed in this context', {
        position: e.pos + 1,
      });
  }
}

export function constant(type: number, value: unknown): Compiled {
  return { type, typmod: -1, eval: () => value, constant: true };
}

function compileLiteral(e: Expr & { kind: 'literal' }): Compiled {
  switch (e.literalType) {
    case 'null':
      return {
        type: Oid.unknown,
        typmod: -1,
        eval: () => null,
        unknownLiteral: null,
        constant: true,
      };
    case 'bool':
      return constant(Oid.bool, e.value);
    case 'string':
      return {
        type: Oid.unknown,
        typmod: -1,
        eval: () => e.value,
        unknownLiteral: e.value as string,
        constant: true,
      };
    default: {
      const text = e.value as string;
      if (/^-?\d+$/.test(text)) {
        const n = Number(text);
        if (n >= -2147483648 && n <= 2147483647) return constant(Oid.int4, n);
        const b = BigInt(text);
        if (b >= -(2n ** 63n) && b < 2n ** 63n) return constant(Oid.int8, b);
      }
      return constant(Oid.numeric, Decimal.parse(text));
    }
  }
}

function compileColumn(parts: string[], pos: number, cc: CompileContext): Compiled {
  if (cc.aggregates) {
    // Inside a grouped query a bare column must be grouped or inside an aggregate.
    const { depth, column } = cc.aggregates.inputScope.resolve(parts, pos);
    if (depth === 0) {
      const name = column.table ? `${column.table}.${column.name}` : column.name;
      throw new SqlError(
        '42803',
        `column "${name}" must appear in the GROUP BY clause or be used in an aggregate function`,
        { position: pos + 1 },
      );
    }
  }
  const { depth, column } = cc.scope.resolve(parts, pos);
  const index = column.index;
  const base = {
    type: column.type,
    typmod: column.typmod,
    name: column.name,
    source: { tableOid: column.tableOid, column: column.columnNumber },
  };
  if (depth === 0) {
    cc.usedColumns?.add(index);
    return { ...base, eval: (env) => env.row[index] };
  }
  cc.correlated.value = true;
  return {
    ...base,
    eval: (env) => {
      let e: Env = env;
      for (let d = 0; d < depth; d++) e = e.outer!;
      return e.row[index];
    },
  };
}

function compileParam(index: number, pos: number, cc: CompileContext): Compiled {
  const type = cc.paramTypes[index - 1] ?? 0;
  if (type === 0 || type === Oid.unknown) {
    // Inferred from context: it behaves as an unknown literal until coerced; record text.
    return {
      type: Oid.unknown,
      typmod: -1,
      eval: (env) => env.ctx.params[index - 1] ?? null,
      paramIndex: index,
    };
  }
  void pos;
  return { type, typmod: -1, eval: (env) => env.ctx.params[index - 1] ?? null };
}

/** Coerces an open parameter: records the inferred type for ParameterDescription. */
export function resolveParam(c: Compiled, target: number, cc: CompileContext): Compiled {
  if (c.paramIndex === undefined) return c;
  const index = c.paramIndex;
  if (
    cc.paramTypes[index - 1] === undefined ||
    cc.paramTypes[index - 1] === 0 ||
    cc.paramTypes[index - 1] === Oid.unknown
  ) {
    cc.paramTypes[index - 1] = target;
  }
  return { type: target, typmod: -1, eval: (env) => env.ctx.params[index - 1] ?? null };
}

export function toBool(c: Compiled, what: string, pos: number): Compiled {
  if (c.type === Oid.bool) return c;
  if (c.type === Oid.unknown) return coerce(c, Oid.bool, pos);
  throw new SqlError(
    '42804',
    `argument of ${what} must be type boolean, not type ${typeName(c.type)}`,
    { position: pos + 1 },
  );
}

function typeName(oid: number): string {
  return typeInfo(oid).name;
}

function compileLogical(kind: 'and' | 'or', args: Compiled[]): Compiled {
  const fs = args.map((a) => a.eval);
  if (kind === 'and') {
    return {
      type: Oid.bool,
      typmod: -1,
      eval: (env) => {
        let sawNull = false;
        for (const f of fs) {
          const v = f(env);
          if (v === false) return false;
          if (v === null) sawNull = true;
        }
        return sawNull ? null : true;
      },
    };
  }
  return {
    type: Oid.bool,
    typmod: -1,
    eval: (env) => {
      let sawNull = false;
      for (const f of fs) {
        const v = f(env);
        if (v === true) return true;
        if (v === null) sawNull = true;
      }
      return sawNull ? null : false;
    },
  };
}

function compileUnary(op: string, a: Compiled, pos: number): Compiled {
  if (op === '+') return a;
  if (op === '-') {
    const zero =
      a.type === Oid.int8
        ? constant(Oid.int8, 0n)
        : a.type === Oid.numeric
          ? constant(Oid.numeric, Decimal.fromInt(0))
          : constant(a.type === Oid.unknown ? Oid.int4 : a.type, 0);
    if (a.type === Oid.interval) {
      return {
        type: a.type,
        typmod: -1,
        eval: (env) => {
          const v = a.eval(env) as { months: number; days: number; micros: number } | null;
          return v && { months: -v.months, days: -v.days, micros: -v.micros };
        },
      };
    }
    if (a.type === Oid.float8 || a.type === Oid.float4) {
      return {
        type: a.type,
        typmod: -1,
        eval: (env) => {
          const v = a.eval(env);
          return v === null ? null : -(v as number);
        },
      };
    }
    if (a.type === Oid.numeric) {
      return {
        type: a.type,
        typmod: -1,
        eval: (env) => {
          const v = a.eval(env);
          return v === null ? null : (v as Decimal).neg();
        },
      };
    }
    const impl = arithmeticOperator('-', zero.type, a.type === Oid.unknown ? Oid.int4 : a.type);
    if (!impl) throw operatorDoesNotExist('-', null, a.type, pos);
    const arg = coerce(a, impl.right, pos);
    return {
      type: impl.result,
      typmod: -1,
      eval: (env) => {
        const v = arg.eval(env);
        return v === null ? null : impl.fn(zero.eval(env), v);
      },
    };
  }
  if (op === '@') {
    return {
      type: a.type,
      typmod: -1,
      eval: (env) => {
        const v = a.eval(env);
        if (v === null) return null;
        return v instanceof Decimal
          ? v.abs()
          : typeof v === 'bigint'
            ? v < 0n
              ? -v
              : v
            : Math.abs(v as number);
      },
    };
  }
  throw operatorDoesNotExist(op, null, a.type, pos);
}

/** Resolves unknown literals and parameters against the other operand's type. */
function resolveUnknowns(
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
  const a = coerce(l, impl.left, pos).eval;
  const b = coerce(r, impl.right, pos).eval;
  const fn = impl.fn;
  return {
    type: impl.result,
    typmod: -1,
    constant: l.constant && r.constant,
    eval: (env) => {
      const x = a(env);
      if (x === null) return null;
      const y = b(env);
      if (y === null) return null;
      return fn(x, y);
    },
  };
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
  const a = coerce(l, t, pos).eval;
  const b = coerce(r, t, pos).eval;
  const fn = comparisonFn(op);
  const result: Compiled = {
    type: Oid.bool,
    typmod: -1,
    eval: (env) => {
      const x = a(env);
      if (x === null) return null;
      const y = b(env);
      if (y === null) return null;
      return fn(x, y);
    },
  };
  result.operands = [
    { ...l, type: t, eval: a },
    { ...r, type: t, eval: b },
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
  const a = textOf(l).eval;
  const b = textOf(r).eval;
  return {
    type: Oid.text,
    typmod: -1,
    eval: (env) => {
      const x = a(env);
      if (x === null) return null;
      const y = b(env);
      if (y === null) return null;
      return (x as string) + (y as string);
    },
  };
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

function compileBetween(e: Expr & { kind: 'between' }, cc: CompileContext): Compiled {
  const arg = compileExpr(e.arg, cc);
  const lo = compileComparison(
    '>=',
    ...resolveUnknowns(arg, compileExpr(e.low, cc), e.pos, cc),
    e.pos,
  );
  const hi = compileComparison(
    '<=',
    ...resolveUnknowns(arg, compileExpr(e.high, cc), e.pos, cc),
    e.pos,
  );
  const [a, l] = lo.operands!;
  const [, h] = hi.operands!;
  const neg = e.negated;
  const sym = e.symmetric;
  return {
    type: Oid.bool,
    typmod: -1,
    eval: (env) => {
      const x = a.eval(env);
      let low = l.eval(env);
      let high = h.eval(env);
      if (sym && low !== null && high !== null && compareValues(low, high) > 0)
        [low, high] = [high, low];
      const c1 = x === null || low === null ? null : compareValues(x, low) >= 0;
      const c2 = x === null || high === null ? null : compareValues(x, high) <= 0;
      let r: boolean | null;
      if (c1 === false || c2 === false) r = false;
      else if (c1 === null || c2 === null) r = null;
      else r = true;
      return r === null ? null : r !== neg;
    },
  };
}

function compileInList(e: Expr & { kind: 'inlist' }, cc: CompileContext): Compiled {
  const arg = compileExpr(e.arg, cc);
  const items = e.list.map((i) => compileExpr(i, cc));
  const t = commonType([arg.type, ...items.map((i) => i.type)], 'IN', e.pos);
  const a = coerce(arg.paramIndex !== undefined ? resolveParam(arg, t, cc) : arg, t, e.pos).eval;
  const fs = items.map((i) =>
    coerce(i.paramIndex !== undefined ? resolveParam(i, t, cc) : i, t, i.constant ? e.pos : e.pos),
  );
  const neg = e.negated;
  const allConst = fs.every((f) => f.constant);
  if (allConst && fs.length > 4) {
    const values = fs.map((f) => f.eval(null as unknown as Env));
    const set = new Set(values.filter((v) => v !== null).map((v) => hashOf(v)));
    const hasNull = values.some((v) => v === null);
    return {
      type: Oid.bool,
      typmod: -1,
      eval: (env) => {
        const x = a(env);
        if (x === null) return null;
        if (set.has(hashOf(x))) return !neg;
        return hasNull ? null : neg;
      },
    };
  }
  return {
    type: Oid.bool,
    typmod: -1,
    eval: (env) => {
      const x = a(env);
      if (x === null) return null;
      let sawNull = false;
      for (const f of fs) {
        const y = f.eval(env);
        if (y === null) sawNull = true;
        else if (compareValues(x, y) === 0) return !neg;
      }
      return sawNull ? null : neg;
    },
  };
}

function compileCase(e: Expr & { kind: 'case' }, cc: CompileContext): Compiled {
  const operand = e.operand ? compileExpr(e.operand, cc) : null;
  const conds = e.whens.map((w) => {
    const c = compileExpr(w.when, cc);
    if (operand)
      return compileComparison('=', ...resolveUnknowns(operand, c, w.when.pos, cc), w.when.pos);
    return toBool(c, 'CASE/WHEN', w.when.pos);
  });
  const results = e.whens.map((w) => compileExpr(w.result, cc));
  const elseC = e.else ? compileExpr(e.else, cc) : null;
  const all = elseC ? [...results, elseC] : results;
  const t = commonType(
    all.map((r) => r.type),
    'CASE',
    e.pos,
  );
  const rs = results.map((r) => coerce(r, t, e.pos).eval);
  const el = elseC ? coerce(elseC, t, e.pos).eval : () => null;
  const cs = conds.map((c) => c.eval);
  return {
    type: t,
    typmod: -1,
    eval: (env) => {
      for (let i = 0; i < cs.length; i++) if (cs[i](env) === true) return rs[i](env);
      return el(env);
    },
  };
}

export function resolveTypeName(
  name: string,
  mods: number[],
  array: boolean,
  pos: number,
): { oid: number; typmod: number } {
  let oid = TYPE_NAMES[name];
  if (name === 'float' && mods.length && mods[0] <= 24) oid = Oid.float4;
  if (oid === undefined)
    throw new SqlError('42704', `type "${name}" does not exist`, { position: pos + 1 });
  const typmod = name === 'float' ? -1 : typmodFor(oid, mods);
  if (array) return { oid: arrayTypeOf(oid), typmod: -1 };
  if (
    (name === 'char' || name === 'character' || name === 'bpchar') &&
    mods.length === 0 &&
    name !== 'bpchar'
  )
    return { oid, typmod: 5 };
  return { oid, typmod };
}

export function compileCast(
  arg: Compiled,
  name: string,
  mods: number[],
  array: boolean,
  pos: number,
): Compiled {
  const { oid, typmod } = resolveTypeName(name, mods, array, pos);
  if (elementType(oid) && elementType(arg.type)) {
    const elem = elementType(oid);
    const inner = coerce(
      { type: elementType(arg.type), typmod: -1, eval: (env) => env.row[0] },
      elem,
      pos,
      true,
    );
    return {
      type: oid,
      typmod: -1,
      eval: (env) => {
        const v = arg.eval(env) as unknown[] | null;
        if (v === null) return null;
        return v.map((x) => (x === null ? null : inner.eval({ ...env, row: [x] })));
      },
    };
  }
  const c = coerce(arg, oid, pos, true, typmod);
  return { ...c, name: c.name ?? undefined };
}

function compileArray(items: Compiled[], pos: number): Compiled {
  const t = commonType(
    items.map((i) => i.type),
    'ARRAY',
    pos,
  );
  const fs = items.map((i) => coerce(i, t, pos).eval);
  const arrType = elementType(t) ? t : arrayTypeOf(t);
  return { type: arrType || Oid.text, typmod: -1, eval: (env) => fs.map((f) => f(env)) };
}
