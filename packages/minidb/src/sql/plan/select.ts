import { SqlError } from '../../engine/errors.js';
import { AGGREGATES, type AggregateImpl } from '../functions/aggregates.js';
import type { Expr, OrderItem, SelectCore } from '../parse/ast.js';
import { Oid } from '../types/oids.js';
import { rowKey } from '../types/values.js';
import { coerce } from './coerce.js';
import type { AggregateCollector, CompileContext } from './context.js';
import { compileExpr, toBool } from './expr.js';
import { planFrom } from './from.js';
import { containsAggregate } from './func-call.js';
import type { OutputColumn, QueryPlan } from './query-types.js';
import type { Compiled, Env } from './scope.js';
import { Scope } from './scope.js';
import { sortRows, type SortKey } from './sort.js';

/** A structural key of an expression (positions dropped) for matching GROUP BY expressions. */
export function exprKey(e: Expr): string {
  return JSON.stringify(e, (k, v) => (k === 'pos' ? undefined : v));
}

interface AggSlot {
  impl: AggregateImpl;
  args: Compiled[];
  distinct: boolean;
  filter: Compiled | null;
  star: boolean;
}

function defaultName(e: Expr): string {
  switch (e.kind) {
    case 'column':
      return e.parts[e.parts.length - 1];
    case 'func':
      return e.name[e.name.length - 1];
    case 'cast':
      return e.arg.kind === 'literal' || e.arg.kind === 'param'
        ? e.type.name === 'double precision'
          ? 'float8'
          : e.type.name
        : defaultName(e.arg);
    case 'case':
      // PostgreSQL names a CASE after its ELSE branch when that is a column reference.
      return e.else && e.else.kind === 'column' ? defaultName(e.else) : 'case';
    case 'exists':
      return 'exists';
    case 'array':
      return 'array';
    case 'subquery': {
      const body = e.query.body;
      return body.kind === 'select' && body.items.length === 1
        ? defaultName(body.items[0].expr)
        : '?column?';
    }
    default:
      return '?column?';
  }
}

/** The select list with stars expanded: expressions and output names. */
function expandItems(core: SelectCore, scope: Scope): { expr: Expr; name: string }[] {
  const out: { expr: Expr; name: string }[] = [];
  for (const item of core.items) {
    if (item.expr.kind === 'star') {
      const table = item.expr.table;
      const cols = scope.columns.filter((c) => !c.hidden && (!table || c.table === table));
      if (table && cols.length === 0 && !scope.tables().has(table)) {
        throw new SqlError('42P01', `missing FROM-clause entry for table "${table}"`, {
          position: item.expr.pos + 1,
        });
      }
      if (!table && scope.columns.length === 0)
        throw new SqlError('42601', 'SELECT * with no tables specified is not valid', {
          position: item.expr.pos + 1,
        });
      for (const c of cols)
        out.push({
          expr: { kind: 'column', parts: [c.table ?? '', c.name], pos: item.expr.pos },
          name: c.name,
        });
      continue;
    }
    out.push({ expr: item.expr, name: item.alias ?? defaultName(item.expr) });
  }
  return out;
}

export interface CoreOptions {
  orderBy: OrderItem[];
  limit?: Expr;
  offset?: Expr;
}

/** SELECT ... FROM ... WHERE ... GROUP BY ... HAVING, with ORDER BY / LIMIT applied here. */
export function planSelectCore(core: SelectCore, cc: CompileContext, opts: CoreOptions): QueryPlan {
  const from = planFrom(core.from, core.where, { ...cc, phase: 1 });
  const inputScope = from.scope;
  const items = expandItems(core, inputScope);
  const groupExprs = core.groupBy.map((g) => resolveGroupItem(g, items));
  const grouped =
    groupExprs.length > 0 ||
    items.some((i) => containsAggregate(i.expr)) ||
    core.having !== undefined ||
    opts.orderBy.some((o) => containsAggregate(o.expr));
  let outScope = inputScope;
  let post: CompileContext = { ...cc, scope: inputScope };
  const slots: AggSlot[] = [];
  let groupCompiled: Compiled[] = [];
  if (grouped) {
    const inputCc: CompileContext = { ...cc, scope: inputScope };
    groupCompiled = groupExprs.map((g) => compileExpr(g, inputCc));
    const keys = groupExprs.map(exprKey);
    outScope = new Scope([], inputScope.parent);
    const collector: AggregateCollector = {
      inputScope,
      groupExpr: (e) => {
        const i = keys.indexOf(exprKey(e));
        if (i < 0) {
          // A bare column also matches a GROUP BY of the same column written with its table.
          if (e.kind !== 'column') return null;
          const target = inputScope.resolve(e.parts, e.pos);
          const j = groupExprs.findIndex(
            (g) =>
              g.kind === 'column' &&
              inputScope.resolve(g.parts, g.pos).column.index === target.column.index &&
              target.depth === 0,
          );
          if (j < 0) return null;
          return slotRead(j, groupCompiled[j]);
        }
        return slotRead(i, groupCompiled[i]);
      },
      add: (call, compileArg) => {
        const name = call.name[call.name.length - 1];
        const args = call.star ? [] : call.args.map(compileArg);
        const impl = AGGREGATES[name](
          args.map((a) => (a.type === Oid.unknown ? Oid.text : a.type)),
          call.pos,
        );
        const converted = args.map((a, k) =>
          k === 0 && impl.input !== null
            ? coerce(a, impl.input, call.pos)
            : a.type === Oid.unknown
              ? coerce(a, Oid.text, call.pos)
              : a,
        );
        const filter = call.filter
          ? toBool(compileArg(call.filter), 'FILTER', call.filter.pos)
          : null;
        slots.push({ impl, args: converted, distinct: call.distinct, filter, star: call.star });
        const index = groupExprs.length + slots.length - 1;
        return { type: impl.result, typmod: -1, eval: (env) => env.row[index] };
      },
    };
    post = { ...cc, scope: outScope, aggregates: collector };
  }
  const outputs = items.map((i) => compileExpr(i.expr, post));
  const columns: OutputColumn[] = outputs.map((o, k) => ({
    name: items[k].name,
    type: o.type === Oid.unknown ? Oid.text : o.type,
    typmod: o.typmod,
    tableOid: o.source?.tableOid ?? 0,
    columnNumber: o.source?.column ?? 0,
  }));
  const outputEvals = outputs.map((o) =>
    o.type === Oid.unknown ? coerce(o, Oid.text, 0).eval : o.eval,
  );
  const having = core.having
    ? toBool(compileExpr(core.having, post), 'HAVING', core.having.pos).eval
    : null;
  // ORDER BY items: output ordinals and names first, then expressions over the input.
  const sortKeys: SortKey[] = [];
  const hidden: ((env: Env) => unknown)[] = [];
  for (const o of opts.orderBy) {
    let index = -1;
    if (o.expr.kind === 'literal' && o.expr.literalType === 'number') {
      const n = Number(o.expr.value);
      if (!Number.isInteger(n) || n < 1 || n > items.length)
        throw new SqlError('42P10', `ORDER BY position ${o.expr.value} is not in select list`, {
          position: o.expr.pos + 1,
        });
      index = n - 1;
    } else if (o.expr.kind === 'column' && o.expr.parts.length === 1) {
      const name = o.expr.parts[0];
      const matches = items.map((it, k) => (it.name === name ? k : -1)).filter((k) => k >= 0);
      if (matches.some((k) => exprKey(items[k].expr) !== exprKey(items[matches[0]].expr))) {
        throw new SqlError('42702', `ORDER BY "${name}" is ambiguous`, {
          position: o.expr.pos + 1,
        });
      }
      if (matches.length) index = matches[0];
    }
    if (index < 0) {
      const k = items.findIndex((it) => exprKey(it.expr) === exprKey(o.expr));
      if (k >= 0) index = k;
    }
    if (index < 0) {
      if (core.distinct && !core.distinctOn)
        throw new SqlError(
          '42P10',
          'for SELECT DISTINCT, ORDER BY expressions must appear in select list',
          { position: o.expr.pos + 1 },
        );
      const c = compileExpr(o.expr, post);
      index = items.length + hidden.length;
      hidden.push(c.eval);
    }
    sortKeys.push({ index, desc: o.desc, nullsFirst: o.nulls ? o.nulls === 'first' : o.desc });
  }
  const distinctOn = core.distinctOn?.map((d) => compileExpr(d, post).eval);
  const limitC = opts.limit
    ? coerce(
        compileExpr(opts.limit, { ...cc, scope: new Scope([], cc.scope.parent) }),
        Oid.int8,
        opts.limit.pos,
      )
    : null;
  const offsetC = opts.offset
    ? coerce(
        compileExpr(opts.offset, { ...cc, scope: new Scope([], cc.scope.parent) }),
        Oid.int8,
        opts.offset.pos,
      )
    : null;
  const visible = items.length;
  return {
    columns,
    run: (outer) => {
      const env: Env = { row: [], outer, ctx: outer.ctx };
      const inner: Env = { row: [], outer: outer, ctx: outer.ctx };
      let rows = from.run(inner);
      if (grouped)
        rows = aggregate(rows, groupCompiled, slots, inner, grouped && groupExprs.length === 0);
      if (having) {
        rows = rows.filter((r) => {
          env.row = r;
          return having(env) === true;
        });
      }
      let out: unknown[][] = new Array(rows.length);
      for (let i = 0; i < rows.length; i++) {
        env.row = rows[i];
        const o = new Array(visible + hidden.length);
        for (let k = 0; k < visible; k++) o[k] = outputEvals[k](env);
        for (let k = 0; k < hidden.length; k++) o[visible + k] = hidden[k](env);
        if (distinctOn) o.push(rowKey(distinctOn.map((d) => d(env))));
        out[i] = o;
      }
      if (core.distinct && !distinctOn) out = dedupe(out, visible);
      if (sortKeys.length) sortRows(out, sortKeys);
      if (distinctOn) {
        const seen = new Set<unknown>();
        out = out.filter((r) => {
          const k = r[r.length - 1];
          if (seen.has(k)) return false;
          seen.add(k);
          return true;
        });
      }
      out = applyLimit(out, limitC, offsetC, env);
      if (hidden.length || distinctOn) for (let i = 0; i < out.length; i++) out[i].length = visible;
      return out;
    },
    explain: (indent) => [
      `${indent}${grouped ? 'HashAggregate' : 'Result'}`,
      ...from.describe.map((l) => `${indent}  ${l}`),
    ],
  };
}

function slotRead(index: number, c: Compiled): Compiled {
  return {
    type: c.type,
    typmod: c.typmod,
    name: c.name,
    source: c.source,
    eval: (env) => env.row[index],
  };
}

/** GROUP BY 1 and GROUP BY alias refer to select items (input columns win over aliases). */
function resolveGroupItem(g: Expr, items: { expr: Expr; name: string }[]): Expr {
  if (g.kind === 'literal' && g.literalType === 'number') {
    const n = Number(g.value);
    if (!Number.isInteger(n) || n < 1 || n > items.length)
      throw new SqlError('42P10', `GROUP BY position ${g.value} is not in select list`, {
        position: g.pos + 1,
      });
    return items[n - 1].expr;
  }
  return g;
}

export function dedupe(rows: unknown[][], width: number): unknown[][] {
  const seen = new Set<string>();
  const out: unknown[][] = [];
  for (const r of rows) {
    const k = rowKey(width === r.length ? r : r.slice(0, width));
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(r);
  }
  return out;
}

export function applyLimit(
  rows: unknown[][],
  limit: Compiled | null,
  offset: Compiled | null,
  env: Env,
): unknown[][] {
  let start = 0;
  if (offset) {
    const v = offset.eval(env);
    if (v !== null) {
      if ((v as bigint) < 0n) throw new SqlError('2201X', 'OFFSET must not be negative');
      start = Number(v);
    }
  }
  let end = rows.length;
  if (limit) {
    const v = limit.eval(env);
    if (v !== null) {
      if ((v as bigint) < 0n) throw new SqlError('2201W', 'LIMIT must not be negative');
      end = Math.min(end, start + Number(v));
    }
  }
  return start === 0 && end === rows.length ? rows : rows.slice(start, end);
}

/** Hash aggregation: one state per group key; a query without GROUP BY has one group. */
function aggregate(
  rows: unknown[][],
  groups: Compiled[],
  slots: AggSlot[],
  env: Env,
  single: boolean,
): unknown[][] {
  const table = new Map<
    string,
    { key: unknown[]; states: unknown[]; seen: (Set<string> | null)[] }
  >();
  const order: string[] = [];
  const aenv: Env = { row: [], outer: env.outer, ctx: env.ctx };
  const newGroup = (key: unknown[]) => ({
    key,
    states: slots.map((s) => s.impl.init()),
    seen: slots.map((s) => (s.distinct ? new Set<string>() : null)),
  });
  if (single) {
    table.set('', newGroup([]));
    order.push('');
  }
  for (const row of rows) {
    aenv.row = row;
    const key = groups.map((g) => g.eval(aenv));
    const k = single ? '' : rowKey(key);
    let g = table.get(k);
    if (!g) {
      g = newGroup(key);
      table.set(k, g);
      order.push(k);
    }
    for (let s = 0; s < slots.length; s++) {
      const slot = slots[s];
      if (slot.filter && slot.filter.eval(aenv) !== true) continue;
      let value: unknown;
      if (slot.star) value = true;
      else if (slot.args.length === 1) value = slot.args[0].eval(aenv);
      else value = slot.args.map((a) => a.eval(aenv));
      if (
        slot.impl.strict &&
        (value === null ||
          (Array.isArray(value) && !slot.star && slot.args.length > 1 && value[0] === null))
      )
        continue;
      if (slot.distinct) {
        const dk = rowKey([value]);
        if (g.seen[s]!.has(dk)) continue;
        g.seen[s]!.add(dk);
      }
      g.states[s] = slot.impl.step(g.states[s], value);
    }
  }
  return order.map((k) => {
    const g = table.get(k)!;
    return [...g.key, ...g.states.map((st, s) => slots[s].impl.final(st))];
  });
}
