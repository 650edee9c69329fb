import { SqlError } from '../../engine/errors.js';
import type { Expr, SelectStmt } from '../parse/ast.js';
import { arrayTypeOf, elementType, Oid } from '../types/oids.js';
import { compareValues, hashKey } from '../types/values.js';
import type { CompileContext } from './context.js';
import { compileExpr, resolveParam } from './expr.js';
import { compileComparison } from './expr-ops.js';
import type { QueryPlan } from './query-types.js';
import type { Compiled, Env } from './scope.js';
import { Scope } from './scope.js';

/**
 * Subqueries in expressions. An uncorrelated subquery runs once per statement execution
 * (its rows are cached on the execution context); a correlated one runs per outer row.
 */
function planSubquery(
  query: SelectStmt,
  cc: CompileContext,
): { plan: QueryPlan; rows: (env: Env) => unknown[][] } {
  const correlated = { value: false };
  const inner: CompileContext = {
    ...cc,
    scope: new Scope([], cc.scope),
    aggregates: undefined,
    windows: undefined,
    correlated,
    usedColumns: undefined,
  };
  const plan = cc.planQuery(query, inner);
  if (correlated.value) {
    cc.correlated.value = true;
    return { plan, rows: (env) => plan.run(env) };
  }
  const key = Symbol('subquery');
  return {
    plan,
    rows: (env) => {
      const cache = env.ctx as unknown as Record<symbol, unknown[][] | undefined>;
      let rows = cache[key];
      if (!rows) {
        rows = plan.run(env);
        cache[key] = rows;
      }
      return rows;
    },
  };
}

export function compileScalarSubquery(query: SelectStmt, cc: CompileContext): Compiled {
  const { plan, rows } = planSubquery(query, cc);
  if (plan.columns.length !== 1)
    throw new SqlError('42601', 'subquery must return only one column', {
      position: query.pos + 1,
    });
  return {
    type: plan.columns[0].type,
    typmod: plan.columns[0].typmod,
    name: plan.columns[0].name,
    eval: (env) => {
      const r = rows(env);
      if (r.length > 1)
        throw new SqlError(
          '21000',
          'more than one row returned by a subquery used as an expression',
        );
      return r.length ? r[0][0] : null;
    },
  };
}

export function compileExists(query: SelectStmt, cc: CompileContext): Compiled {
  const { rows } = planSubquery(query, cc);
  return { type: Oid.bool, typmod: -1, eval: (env) => rows(env).length > 0 };
}

export function compileInSubquery(e: Expr & { kind: 'insubquery' }, cc: CompileContext): Compiled {
  return quantified(compileExpr(e.arg, cc), '=', 'any', e.query, cc, e.pos, e.negated);
}

export function compileQuantified(e: Expr & { kind: 'quantified' }, cc: CompileContext): Compiled {
  const left = compileExpr(e.left, cc);
  if (e.query) return quantified(left, e.op, e.quantifier, e.query, cc, e.pos, false);
  return quantifiedArray(left, e.op, e.quantifier, compileExpr(e.array!, cc), e.pos, cc);
}

function quantified(
  left: Compiled,
  op: string,
  q: 'any' | 'all',
  query: SelectStmt,
  cc: CompileContext,
  pos: number,
  negated: boolean,
): Compiled {
  const { plan, rows } = planSubquery(query, cc);
  if (plan.columns.length !== 1)
    throw new SqlError(
      '42601',
      plan.columns.length > 1 ? 'subquery has too many columns' : 'subquery has too few columns',
      { position: pos + 1 },
    );
  const right: Compiled = { type: plan.columns[0].type, typmod: -1, eval: (env) => env.row[0] };
  const cmp = compileComparison(
    op,
    left.paramIndex !== undefined ? resolveParam(left, right.type, cc) : left,
    right,
    pos,
  );
  const [l, r] = cmp.operands!;
  const fast = op === '=' && q === 'any';
  let lastRows: unknown[][] | null = null;
  let set: Set<string> | null = null;
  let hasNull = false;
  return {
    type: Oid.bool,
    typmod: -1,
    eval: (env) => {
      const x = l.eval(env);
      const rs = rows(env);
      let result: boolean | null;
      if (rs.length === 0) result = q === 'all';
      else if (x === null) result = null;
      else if (fast) {
        if (rs !== lastRows) {
          // Hashed IN: the converted values of the subquery, built once per result set.
          set = new Set();
          hasNull = false;
          for (const row of rs) {
            const v = r.eval({ ...env, row });
            if (v === null) hasNull = true;
            else set.add(hashKey(v));
          }
          lastRows = rs;
        }
        result = set!.has(hashKey(x)) ? true : hasNull ? null : false;
      } else {
        result = q === 'all';
        let sawNull = false;
        for (const row of rs) {
          const y = r.eval({ ...env, row });
          if (y === null) {
            sawNull = true;
            continue;
          }
          const ok = satisfies(op, compareValues(x, y));
          if (q === 'any' && ok) {
            result = true;
            break;
          }
          if (q === 'all' && !ok) {
            result = false;
            break;
          }
        }
        if (sawNull && result === (q === 'all')) result = null;
      }
      return result === null ? null : negated ? !result : result;
    },
  };
}

function satisfies(op: string, c: number): boolean {
  switch (op) {
    case '=':
      return c === 0;
    case '<>':
      return c !== 0;
    case '<':
      return c < 0;
    case '>':
      return c > 0;
    case '<=':
      return c <= 0;
    default:
      return c >= 0;
  }
}

function quantifiedArray(
  left: Compiled,
  op: string,
  q: 'any' | 'all',
  arr: Compiled,
  pos: number,
  cc: CompileContext,
): Compiled {
  let array = arr;
  if (array.paramIndex !== undefined)
    array = resolveParam(array, arrayTypeOf(left.type === Oid.unknown ? Oid.text : left.type), cc);
  const elemType = elementType(array.type) || Oid.text;
  const right: Compiled = { type: elemType, typmod: -1, eval: (env) => env.row[0] };
  const cmp = compileComparison(
    op,
    left.paramIndex !== undefined ? resolveParam(left, elemType, cc) : left,
    right,
    pos,
  );
  const [l, r] = cmp.operands!;
  return {
    type: Oid.bool,
    typmod: -1,
    eval: (env) => {
      const values = array.eval(env) as unknown[] | null;
      if (values === null) return null;
      if (values.length === 0) return q === 'all';
      const x = l.eval(env);
      if (x === null) return null;
      let sawNull = false;
      for (const v of values) {
        const y = v === null ? null : r.eval({ ...env, row: [v] });
        if (y === null) {
          sawNull = true;
          continue;
        }
        const ok = satisfies(op, compareValues(x, y));
        if (q === 'any' && ok) return true;
        if (q === 'all' && !ok) return false;
      }
      return sawNull ? null : q === 'all';
    },
  };
}
