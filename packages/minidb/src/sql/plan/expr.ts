import { SqlError } from '../../engine/errors.js';
import type { Expr } from '../parse/ast.js';
import { Decimal } from '../types/numeric.js';
import { arrayTypeOf, elementType, Oid, TYPE_NAMES, typeInfo, typmodFor } from '../types/oids.js';
import { coerce, commonType } from './coerce.js';
import type { CompileContext } from './context.js';
import {
  betweenAsComparisons,
  compileCase,
  compileInList,
  compileLogical,
  compileTest,
} from './expr-cond.js';
import { compileBinary, compileUnary } from './expr-ops.js';
import { compileFunction } from './func-call.js';
import { compileLike } from './like.js';
import type { Compiled, Env } from './scope.js';
import {
  compileExists,
  compileInSubquery,
  compileQuantified,
  compileScalarSubquery,
} from './subquery.js';

const CONSTANT_ENV = { row: [], outer: null, ctx: undefined } as unknown as Env;

/** Value of a constant expression (evaluated at plan time, as PostgreSQL folds constants). */
export function constantValue(c: Compiled): unknown {
  return c.eval(CONSTANT_ENV);
}

/** Whether `c` is the constant NULL (a strict operator or function of it is NULL). */
export function isNullConstant(c: Compiled): boolean {
  if (!c.constant || c.paramIndex !== undefined) return false;
  try {
    return constantValue(c) === null;
  } catch {
    return false;
  }
}

/**
 * Compiles an expression AST to a closure over the row environment. Constant subexpressions
 * are evaluated here, so their errors are raised at plan time as in PostgreSQL (except in
 * arms that constant conditions make unreachable: `noFold`).
 */
export function compileExpr(e: Expr, cc: CompileContext): Compiled {
  const c = compileNode(e, cc);
  if (
    !c.constant ||
    c.folded ||
    cc.noFold ||
    c.unknownLiteral !== undefined ||
    c.paramIndex !== undefined
  )
    return c;
  let value: unknown;
  try {
    value = constantValue(c);
  } catch (err) {
    // Raised after the whole statement is analysed: name and type errors come first.
    if (!cc.foldErrors || !(err instanceof SqlError)) throw err;
    cc.foldErrors.push({ phase: cc.phase ?? 0, error: err });
    return { ...c, constant: false };
  }
  return {
    type: c.type,
    typmod: c.typmod,
    name: c.name,
    eval: () => value,
    constant: true,
    folded: true,
  };
}

function compileNode(e: Expr, cc: CompileContext): Compiled {
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
      return compileLogical(e.kind, e.args, e.pos, cc);
    case 'not':
    case 'isnull':
    case 'istruth':
    case 'distinctfrom':
      return compileTest(e, cc);
    case 'between':
      return compileExpr(betweenAsComparisons(e), cc);
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
        if (n >= -2147483648 && n <= 2147483647) return constant(Oid.int4, n === 0 ? 0 : n);
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
