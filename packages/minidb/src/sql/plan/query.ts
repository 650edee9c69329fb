import { SqlError } from '../../engine/errors.js';
import type { QueryBody, SelectStmt } from '../parse/ast.js';
import { Oid } from '../types/oids.js';
import { rowKey } from '../types/values.js';
import { coerce, commonType } from './coerce.js';
import type { CompileContext, CteBinding } from './context.js';
import { compileExpr } from './expr.js';
import type { OutputColumn, QueryPlan } from './query-types.js';
import type { Compiled, Env } from './scope.js';
import { Scope } from './scope.js';
import { applyLimit, type CoreOptions, dedupe, planSelectCore } from './select.js';
import { sortRows, type SortKey } from './sort.js';

/** A whole query: WITH, the body (select, VALUES, set operations), ORDER BY and LIMIT. */
export function planQuery(stmt: SelectStmt, cc: CompileContext): QueryPlan {
  let ctx = cc;
  if (stmt.with) {
    const ctes = new Map(cc.ctes);
    ctx = { ...cc, ctes };
    for (const cte of stmt.with.ctes) {
      if (cte.query.kind !== 'query')
        throw new SqlError('0A000', 'data-modifying statements in WITH are not supported');
      const binding =
        stmt.with.recursive && references(cte.query, cte.name)
          ? planRecursive(cte.name, cte.query, cte.columns, ctx)
          : materialized(cc.planQuery(cte.query, { ...ctx, ctes: new Map(ctes) }), cte.columns);
      ctes.set(cte.name, binding);
    }
  }
  const opts: CoreOptions = { orderBy: stmt.orderBy, limit: stmt.limit, offset: stmt.offset };
  if (stmt.body.kind === 'select') return planSelectCore(stmt.body, ctx, opts);
  const body = planBody(stmt.body, ctx);
  return withOrderAndLimit(body, opts, ctx);
}

function references(stmt: SelectStmt, name: string): boolean {
  return JSON.stringify(stmt).includes(`"kind":"table","name":"${name}"`);
}

/** A CTE runs once per statement execution; its rows are cached on the execution context. */
function materialized(plan: QueryPlan, names?: string[]): CteBinding {
  const key = Symbol('cte');
  const columns = plan.columns.map((c, i) => ({ ...c, name: names?.[i] ?? c.name }));
  return {
    recursive: false,
    plan: {
      columns,
      run: (env) => {
        const cache = env.ctx as unknown as Record<symbol, unknown[][] | undefined>;
        let rows = cache[key];
        if (!rows) {
          rows = plan.run(env);
          cache[key] = rows;
        }
        return rows;
      },
      explain: (indent) => plan.explain(indent),
    },
  };
}

/** WITH RECURSIVE: the non-recursive term, then the recursive term over the working table until empty. */
function planRecursive(
  name: string,
  query: SelectStmt,
  names: string[] | undefined,
  cc: CompileContext,
): CteBinding {
  const body = query.body;
  if (body.kind !== 'setop' || body.op !== 'union')
    throw new SqlError(
      '42P19',
      `recursive query "${name}" does not have the form non-recursive-term UNION [ALL] recursive-term`,
    );
  const base = planBody(body.left, cc);
  const columns = base.columns.map((c, i) => ({ ...c, name: names?.[i] ?? c.name }));
  let working: unknown[][] = [];
  const selfBinding: CteBinding = {
    recursive: true,
    plan: { columns, run: () => working, explain: (i) => [`${i}WorkTable Scan on ${name}`] },
  };
  const ctes = new Map(cc.ctes);
  ctes.set(name, selfBinding);
  const step = planBody(body.right, { ...cc, ctes });
  const all = body.all;
  const key = Symbol('recursive');
  return {
    recursive: true,
    plan: {
      columns,
      run: (env) => {
        const cache = env.ctx as unknown as Record<symbol, unknown[][] | undefined>;
        const cached = cache[key];
        if (cached) return cached;
        const seen = new Set<string>();
        const out: unknown[][] = [];
        const add = (rows: unknown[][]) => {
          const fresh: unknown[][] = [];
          for (const r of rows) {
            if (!all) {
              const k = rowKey(r);
              if (seen.has(k)) continue;
              seen.add(k);
            }
            fresh.push(r);
            out.push(r);
          }
          return fresh;
        };
        working = add(base.run(env));
        let rounds = 0;
        while (working.length) {
          env.ctx.checkCancel();
          if (++rounds > 1_000_000)
            throw new SqlError('54001', 'recursive query iteration limit exceeded');
          working = add(step.run(env));
        }
        cache[key] = out;
        return out;
      },
      explain: (indent) => [
        `${indent}Recursive Union`,
        ...base.explain(`${indent}  `),
        ...step.explain(`${indent}  `),
      ],
    },
  };
}

function planBody(body: QueryBody, cc: CompileContext): QueryPlan {
  switch (body.kind) {
    case 'select':
      return planSelectCore(body, cc, { orderBy: [] });
    case 'query':
      return cc.planQuery(body, cc);
    case 'values':
      return planValues(body.rows, body.pos, cc);
    case 'setop':
      return planSetOp(body, cc);
  }
}

function planValues(
  rows: import('../parse/ast.js').Expr[][],
  pos: number,
  cc: CompileContext,
): QueryPlan {
  const width = rows[0].length;
  if (rows.some((r) => r.length !== width))
    throw new SqlError('42601', 'VALUES lists must all be the same length', { position: pos + 1 });
  const scope = new Scope([], cc.scope.parent);
  const compiled = rows.map((r) => r.map((e) => compileExpr(e, { ...cc, scope })));
  const types = Array.from({ length: width }, (_, k) =>
    commonType(
      compiled.map((r) => r[k].type),
      'VALUES',
      pos,
    ),
  );
  const evals = compiled.map((r) => r.map((c, k) => coerce(c, types[k], pos).eval));
  const columns: OutputColumn[] = types.map((t, k) => ({
    name: `column${k + 1}`,
    type: t,
    typmod: -1,
    tableOid: 0,
    columnNumber: 0,
  }));
  return {
    columns,
    run: (outer) => {
      const env: Env = { row: [], outer, ctx: outer.ctx };
      return evals.map((r) => r.map((f) => f(env)));
    },
    explain: (indent) => [`${indent}Values Scan`],
  };
}

function castRows(plan: QueryPlan, types: number[], pos: number): (env: Env) => unknown[][] {
  const convs = plan.columns.map((c, k) => {
    if (c.type === types[k]) return null;
    return coerce(
      { type: c.type, typmod: -1, eval: (env) => env.row[k] } as Compiled,
      types[k],
      pos,
    ).eval;
  });
  if (convs.every((c) => c === null)) return (env) => plan.run(env);
  return (env) =>
    plan.run(env).map((row) => {
      const e: Env = { row, outer: env.outer, ctx: env.ctx };
      return row.map((v, k) => (convs[k] ? convs[k]!(e) : v));
    });
}

function planSetOp(body: QueryBody & { kind: 'setop' }, cc: CompileContext): QueryPlan {
  const left = planBody(body.left, cc);
  const right = planBody(body.right, cc);
  const opName = body.op.toUpperCase();
  if (left.columns.length !== right.columns.length) {
    throw new SqlError('42601', `each ${opName} query must have the same number of columns`, {
      position: body.pos + 1,
    });
  }
  const types = left.columns.map((c, k) =>
    commonType([c.type, right.columns[k].type], opName, body.pos),
  );
  const columns = left.columns.map((c, k) => ({
    ...c,
    type: types[k] === Oid.unknown ? Oid.text : types[k],
    typmod: c.type === types[k] ? c.typmod : -1,
  }));
  const runLeft = castRows(left, types, body.pos);
  const runRight = castRows(right, types, body.pos);
  const { op, all } = body;
  return {
    columns,
    run: (env) => {
      const l = runLeft(env);
      const r = runRight(env);
      if (op === 'union') return all ? l.concat(r) : dedupe(l.concat(r), columns.length);
      const counts = new Map<string, number>();
      for (const row of r) {
        const k = rowKey(row);
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      const out: unknown[][] = [];
      const emitted = new Set<string>();
      for (const row of l) {
        const k = rowKey(row);
        const n = counts.get(k) ?? 0;
        if (op === 'intersect') {
          if (n === 0) continue;
          if (all) counts.set(k, n - 1);
          else if (emitted.has(k)) continue;
        } else {
          if (all) {
            if (n > 0) {
              counts.set(k, n - 1);
              continue;
            }
          } else if (n > 0 || emitted.has(k)) continue;
        }
        emitted.add(k);
        out.push(row);
      }
      return out;
    },
    explain: (indent) => [
      `${indent}${all ? '' : 'Hash'}${opName === 'UNION' ? 'Append' : `SetOp ${opName}`}`,
      ...left.explain(`${indent}  `),
      ...right.explain(`${indent}  `),
    ],
  };
}

/** ORDER BY / LIMIT over a VALUES or set operation result: output columns only. */
function withOrderAndLimit(plan: QueryPlan, opts: CoreOptions, cc: CompileContext): QueryPlan {
  const keys: SortKey[] = opts.orderBy.map((o) => {
    let index = -1;
    if (o.expr.kind === 'literal' && o.expr.literalType === 'number')
      index = Number(o.expr.value) - 1;
    else if (o.expr.kind === 'column') {
      const name = o.expr.parts[o.expr.parts.length - 1];
      index = plan.columns.findIndex((c) => c.name === name);
    }
    if (index < 0 || index >= plan.columns.length) {
      throw new SqlError('42P10', 'invalid UNION/INTERSECT/EXCEPT ORDER BY clause', {
        position: o.expr.pos + 1,
        detail: 'Only result column names can be used, not expressions or functions.',
      });
    }
    return { index, desc: o.desc, nullsFirst: o.nulls ? o.nulls === 'first' : o.desc };
  });
  const scope = new Scope([], cc.scope.parent);
  const limit = opts.limit
    ? coerce(compileExpr(opts.limit, { ...cc, scope }), Oid.int8, opts.limit.pos)
    : null;
  const offset = opts.offset
    ? coerce(compileExpr(opts.offset, { ...cc, scope }), Oid.int8, opts.offset.pos)
    : null;
  if (!keys.length && !limit && !offset) return plan;
  return {
    columns: plan.columns,
    run: (env) => {
      const rows = plan.run(env).slice();
      if (keys.length) sortRows(rows, keys);
      return applyLimit(rows, limit, offset, env);
    },
    explain: (indent) => [
      `${indent}${keys.length ? 'Sort' : 'Limit'}`,
      ...plan.explain(`${indent}  `),
    ],
  };
}
