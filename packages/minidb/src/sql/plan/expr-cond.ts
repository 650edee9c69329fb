import { SqlError } from '../../engine/errors.js';
import type { Expr } from '../parse/ast.js';
import { Oid } from '../types/oids.js';
import { compareValues, hashKey } from '../types/values.js';
import { coerce, commonType } from './coerce.js';
import type { CompileContext } from './context.js';
import {
  compileExpr,
  constant,
  constantValue,
  isNullConstant,
  resolveParam,
  toBool,
} from './expr.js';
import { compileBinary, compileComparison, resolveUnknowns } from './expr-ops.js';
import type { Compiled } from './scope.js';

/**
 * Conditional forms with PostgreSQL's evaluation order: AND/OR short-circuit left to right,
 * CASE arms in order; a constant condition makes later arms unreachable, so they are not
 * folded (a 1/0 there raises nothing), as PostgreSQL's planner does.
 */

export function compileLogical(
  kind: 'and' | 'or',
  args: Expr[],
  pos: number,
  cc: CompileContext,
): Compiled {
  const decisive = kind === 'or';
  const compiled: Compiled[] = [];
  let decided = false;
  for (const a of args) {
    const c = toBool(
      compileExpr(a, decided ? { ...cc, noFold: true } : cc),
      kind.toUpperCase(),
      a.pos,
    );
    if (!decided && c.constant && !cc.noFold && constantValue(c) === decisive) decided = true;
    compiled.push(c);
  }
  if (decided) return constant(Oid.bool, decisive);
  const fs = compiled.map((c) => c.eval);
  void pos;
  return {
    type: Oid.bool,
    typmod: -1,
    constant: compiled.every((c) => c.constant),
    eval: (env) => {
      let sawNull = false;
      for (const f of fs) {
        const v = f(env);
        if (v === decisive) return decisive;
        if (v === null) sawNull = true;
      }
      return sawNull ? null : !decisive;
    },
  };
}

/** NOT, IS [NOT] NULL, IS [NOT] TRUE/FALSE/UNKNOWN, IS [NOT] DISTINCT FROM. */
export function compileTest(
  e: Expr & { kind: 'not' | 'isnull' | 'istruth' | 'distinctfrom' },
  cc: CompileContext,
): Compiled {
  if (e.kind === 'distinctfrom') {
    const [l, r] =
      compileBinary('=', compileExpr(e.left, cc), compileExpr(e.right, cc), e.pos, cc).operands ??
      [];
    if (!l)
      throw new SqlError('42883', 'operator does not exist for IS DISTINCT FROM', {
        position: e.pos + 1,
      });
    const neg = e.negated;
    return {
      type: Oid.bool,
      typmod: -1,
      constant: l.constant && r.constant,
      eval: (env) => {
        const a = l.eval(env);
        const b = r.eval(env);
        if (a === null || b === null) return (a === null && b === null) === neg;
        return (compareValues(a, b) !== 0) !== neg;
      },
    };
  }
  const what = e.kind === 'not' ? 'NOT' : 'IS';
  const arg =
    e.kind === 'isnull' ? compileExpr(e.arg, cc) : toBool(compileExpr(e.arg, cc), what, e.arg.pos);
  const f = arg.eval;
  const base = { type: Oid.bool, typmod: -1, constant: arg.constant };
  if (e.kind === 'not')
    return {
      ...base,
      eval: (env) => {
        const v = f(env);
        return v === null ? null : !v;
      },
    };
  const neg = e.negated;
  if (e.kind === 'isnull') return { ...base, eval: (env) => (f(env) === null) !== neg };
  const want = e.value;
  return { ...base, eval: (env) => (f(env) === want) !== neg };
}

/** BETWEEN is `a >= low AND a <= high` (NOT BETWEEN: `a < low OR a > high`), as PostgreSQL rewrites it. */
export function betweenAsComparisons(e: Expr & { kind: 'between' }): Expr {
  const pos = e.pos;
  const range = (low: Expr, high: Expr): Expr =>
    e.negated
      ? {
          kind: 'or',
          args: [
            { kind: 'binary', op: '<', left: e.arg, right: low, pos },
            { kind: 'binary', op: '>', left: e.arg, right: high, pos },
          ],
          pos,
        }
      : {
          kind: 'and',
          args: [
            { kind: 'binary', op: '>=', left: e.arg, right: low, pos },
            { kind: 'binary', op: '<=', left: e.arg, right: high, pos },
          ],
          pos,
        };
  if (!e.symmetric) return range(e.low, e.high);
  const both = [range(e.low, e.high), range(e.high, e.low)];
  return e.negated ? { kind: 'and', args: both, pos } : { kind: 'or', args: both, pos };
}

/**
 * `x IN (list)`: the items without column references form one array test evaluated first,
 * then the others one by one (PostgreSQL's transformAExprIn), OR'ed (AND'ed for NOT IN).
 */
export function compileInList(e: Expr & { kind: 'inlist' }, cc: CompileContext): Compiled {
  const arg = compileExpr(e.arg, cc);
  const items = e.list.map((i) => compileExpr(i, cc));
  const t = commonType([arg.type, ...items.map((i) => i.type)], 'IN', e.pos);
  const a = coerce(arg.paramIndex !== undefined ? resolveParam(arg, t, cc) : arg, t, e.pos);
  const typed = items.map((i) =>
    coerce(i.paramIndex !== undefined ? resolveParam(i, t, cc) : i, t, e.pos),
  );
  // NULL IN (...) is NULL once the items are folded (each comparison is strict).
  if (isNullConstant(a)) return constant(Oid.bool, null);
  const consts = typed.filter((c) => c.constant);
  const ordered = consts.length > 1 ? [...consts, ...typed.filter((c) => !c.constant)] : typed;
  const neg = e.negated;
  const allConstant = a.constant && typed.every((c) => c.constant);
  if (consts.length > 1) {
    // The constant part is one hashed test, as PostgreSQL's = ANY(array).
    const values = consts.map(constantValue);
    const set = new Set(values.filter((v) => v !== null).map(hashKey));
    const hasNull = values.some((v) => v === null);
    const rest = typed.filter((c) => !c.constant).map((c) => c.eval);
    const f = a.eval;
    return {
      type: Oid.bool,
      typmod: -1,
      constant: allConstant,
      eval: (env) => {
        const x = f(env);
        let sawNull = hasNull || x === null;
        if (x !== null && set.has(hashKey(x))) return !neg;
        for (const r of rest) {
          const y = r(env);
          if (x === null || y === null) sawNull = true;
          else if (compareValues(x, y) === 0) return !neg;
        }
        return sawNull ? null : neg;
      },
    };
  }
  const f = a.eval;
  const fs = ordered.map((c) => c.eval);
  return {
    type: Oid.bool,
    typmod: -1,
    constant: allConstant,
    eval: (env) => {
      const x = f(env);
      let sawNull = false;
      for (const g of fs) {
        const y = g(env);
        if (x === null || y === null) sawNull = true;
        else if (compareValues(x, y) === 0) return !neg;
      }
      return sawNull ? null : neg;
    },
  };
}

export function compileCase(e: Expr & { kind: 'case' }, cc: CompileContext): Compiled {
  const operand = e.operand ? compileExpr(e.operand, cc) : null;
  const arms: { cond: Compiled; result: Compiled }[] = [];
  let decided = false;
  let elseC: Compiled | null = null;
  for (const w of e.whens) {
    const ctx = decided ? { ...cc, noFold: true } : cc;
    const raw = compileExpr(w.when, ctx);
    const cond = operand
      ? compileComparison('=', ...resolveUnknowns(operand, raw, w.when.pos, ctx), w.when.pos)
      : toBool(raw, 'CASE/WHEN', w.when.pos);
    // A condition that is constant false or NULL makes its arm unreachable: not folded.
    const constCond = !decided && !cc.noFold && cond.constant ? constantValue(cond) : undefined;
    const result = compileExpr(
      w.result,
      constCond === false || constCond === null || decided ? { ...cc, noFold: true } : cc,
    );
    arms.push({ cond, result });
    if (constCond === true) decided = true;
  }
  if (e.else) elseC = compileExpr(e.else, decided ? { ...cc, noFold: true } : cc);
  const all = elseC ? [...arms.map((a) => a.result), elseC] : arms.map((a) => a.result);
  const t = commonType(
    all.map((r) => r.type),
    'CASE',
    e.pos,
  );
  const rs = arms.map((a) => coerce(a.result, t, e.pos).eval);
  const el = elseC ? coerce(elseC, t, e.pos).eval : () => null;
  const cs = arms.map((a) => a.cond.eval);
  return {
    type: t,
    typmod: -1,
    constant:
      operand === null
        ? arms.every((a) => a.cond.constant && a.result.constant) &&
          (elseC ? elseC.constant === true : true)
        : false,
    eval: (env) => {
      for (let i = 0; i < cs.length; i++) if (cs[i](env) === true) return rs[i](env);
      return el(env);
    },
  };
}
