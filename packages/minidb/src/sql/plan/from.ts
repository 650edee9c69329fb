import { SqlError } from '../../engine/errors.js';
import type { TableMeta } from '../catalog.js';
import type { Expr, FromItem } from '../parse/ast.js';
import { Oid } from '../types/oids.js';
import { rowKey } from '../types/values.js';
import type { CompileContext } from './context.js';
import { compileExpr, constantValue, toBool } from './expr.js';
import { compileComparison } from './expr-ops.js';
import { planIndexLookup } from './index-scan.js';
import type { Compiled, Env, ScopeColumn } from './scope.js';
import { Scope } from './scope.js';

/** A row source of FROM: its columns (indexes relative to itself) and its rows. */
export interface Source {
  columns: ScopeColumn[];
  run(env: Env): unknown[][];
  describe: string[];
  /** A stored table's scan (with the row id last when `withRowId`): an index may replace it. */
  table?: { meta: TableMeta; withRowId: boolean };
}

export interface FromOptions {
  /** Adds the row id as a trailing hidden column `ctid` of this table (UPDATE/DELETE targets). */
  withRowIdFor?: TableMeta;
}

function shift(columns: ScopeColumn[], offset: number): ScopeColumn[] {
  return columns.map((c) => ({ ...c, index: c.index + offset }));
}

export function tableColumns(t: TableMeta, alias: string, columnAliases?: string[]): ScopeColumn[] {
  return t.columns.map((c, i) => ({
    table: alias,
    name: columnAliases?.[i] ?? c.name,
    type: c.type,
    typmod: c.typmod,
    index: i,
    tableOid: t.oid,
    columnNumber: c.attnum,
  }));
}

function tableSource(
  item: FromItem & { kind: 'table' },
  cc: CompileContext,
  opts: FromOptions,
): Source {
  const alias = item.alias ?? item.name;
  const cte = !item.schema ? cc.ctes.get(item.name) : undefined;
  if (cte) {
    const columns = cte.plan.columns.map((c, i) => ({
      table: alias,
      name: item.columnAliases?.[i] ?? c.name,
      type: c.type,
      typmod: c.typmod,
      index: i,
      tableOid: 0,
      columnNumber: 0,
    }));
    return { columns, run: (env) => cte.plan.run(env), describe: [`CTE Scan on ${item.name}`] };
  }
  const virtual = cc.systemRelation?.(item.schema, item.name);
  if (virtual) {
    const columns = virtual.columns.map((c, i) => ({
      table: alias,
      name: c.name,
      type: c.type,
      typmod: -1,
      index: i,
      tableOid: 0,
      columnNumber: 0,
    }));
    return {
      columns,
      run: (env) => virtual.rows(env.ctx),
      describe: [`Function Scan on ${item.name}`],
    };
  }
  const t = cc.catalog.getTable(item.schema, item.name, item.pos);
  if (t.kind === 'v') {
    const plan = cc.planQuery(t.view!, {
      ...cc,
      scope: new Scope([]),
      correlated: { value: false },
      aggregates: undefined,
      windows: undefined,
      ctes: new Map(),
    });
    const columns = plan.columns.map((c, i) => ({
      table: alias,
      name: item.columnAliases?.[i] ?? t.columns[i]?.name ?? c.name,
      type: c.type,
      typmod: c.typmod,
      index: i,
      tableOid: 0,
      columnNumber: 0,
    }));
    return { columns, run: (env) => plan.run(env), describe: [`Subquery Scan on ${alias}`] };
  }
  const columns = tableColumns(t, alias, item.columnAliases);
  const store = t.store;
  if (opts.withRowIdFor === t) {
    columns.push({
      table: alias,
      name: 'ctid',
      type: Oid.int8,
      typmod: -1,
      index: columns.length,
      tableOid: t.oid,
      columnNumber: -1,
      hidden: true,
    });
    return {
      columns,
      run: (env) => {
        const out: unknown[][] = [];
        for (const r of store.scan(env.ctx.txn)) out.push([...r.values, r.rowId]);
        return out;
      },
      describe: [`Seq Scan on ${t.name}${alias !== t.name ? ` ${alias}` : ''}`],
      table: { meta: t, withRowId: true },
    };
  }
  return {
    table: { meta: t, withRowId: false },
    columns,
    run: (env) => {
      const out: unknown[][] = [];
      for (const r of store.scan(env.ctx.txn)) out.push(r.values);
      return out;
    },
    describe: [`Seq Scan on ${t.name}${alias !== t.name ? ` ${alias}` : ''}`],
  };
}

function subquerySource(item: FromItem & { kind: 'subquery' }, cc: CompileContext): Source {
  const correlated = { value: false };
  const parent = item.lateral ? cc.scope : cc.scope.parent;
  const plan = cc.planQuery(item.query, {
    ...cc,
    scope: new Scope([], parent),
    correlated,
    aggregates: undefined,
    windows: undefined,
  });
  const columns = plan.columns.map((c, i) => ({
    table: item.alias,
    name: item.columnAliases?.[i] ?? c.name,
    type: c.type,
    typmod: c.typmod,
    index: i,
    tableOid: 0,
    columnNumber: 0,
  }));
  return {
    columns,
    run: (env) => plan.run(env),
    describe: [`Subquery Scan on ${item.alias}`, ...plan.explain('  ')],
  };
}

function functionSource(item: FromItem & { kind: 'function' }, cc: CompileContext): Source {
  const f = item.func as Expr & { kind: 'func' };
  const name = f.name[f.name.length - 1];
  const alias = item.alias ?? name;
  const tableFn = cc.tableFunction?.(
    name,
    f.args.map((a) => compileExpr(a, cc)),
    f.pos,
  );
  if (!tableFn)
    throw new SqlError('42883', `function ${name} does not exist`, { position: f.pos + 1 });
  const columns = tableFn.columns.map((c, i) => ({
    table: alias,
    name: item.columnAliases?.[i] ?? (tableFn.columns.length === 1 ? alias : c.name),
    type: c.type,
    typmod: -1,
    index: i,
    tableOid: 0,
    columnNumber: 0,
  }));
  return { columns, run: (env) => tableFn.rows(env), describe: [`Function Scan on ${name}`] };
}

export interface PlannedFrom {
  scope: Scope;
  run(env: Env): unknown[][];
  describe: string[];
}

/** One FROM item (table, subquery, function, join tree) with its columns at offset 0. */
function planItem(item: FromItem, cc: CompileContext, opts: FromOptions): Source {
  switch (item.kind) {
    case 'table':
      return tableSource(item, cc, opts);
    case 'subquery':
      return subquerySource(item, cc);
    case 'function':
      return functionSource(item, cc);
    case 'join':
      return planJoinItem(item, cc, opts);
  }
}

/** Splits an AND tree into conjuncts. */
export function conjuncts(e: Expr | undefined): Expr[] {
  if (!e) return [];
  if (e.kind === 'and') return e.args.flatMap(conjuncts);
  return [e];
}

interface EquiKey {
  left: Compiled;
  right: Compiled;
}

/** Equality conjuncts usable as hash keys between the left columns and the right source. */
function equiKeys(
  conds: Expr[],
  leftScope: Scope,
  rightSource: Source,
  cc: CompileContext,
): { keys: EquiKey[]; rest: Expr[] } {
  const keys: EquiKey[] = [];
  const rest: Expr[] = [];
  const rightScope = new Scope(rightSource.columns, cc.scope.parent);
  for (const c of conds) {
    if (c.kind === 'binary' && c.op === '=') {
      const key =
        tryKey(c.left, c.right, leftScope, rightScope, cc) ??
        tryKey(c.right, c.left, leftScope, rightScope, cc);
      if (key) {
        keys.push(key);
        continue;
      }
    }
    rest.push(c);
  }
  return { keys, rest };
}

function onlyUses(e: Expr, scope: Scope, cc: CompileContext): Compiled | null {
  const used = new Set<number>();
  const correlated = { value: false };
  try {
    const c = compileExpr(e, {
      ...cc,
      scope,
      usedColumns: used,
      correlated,
      aggregates: undefined,
      windows: undefined,
    });
    if (used.size === 0 || correlated.value) return null;
    return c;
  } catch {
    return null;
  }
}

function tryKey(
  l: Expr,
  r: Expr,
  leftScope: Scope,
  rightScope: Scope,
  cc: CompileContext,
): EquiKey | null {
  const lc = onlyUses(l, leftScope, cc);
  if (!lc) return null;
  const rc = onlyUses(r, rightScope, cc);
  if (!rc) return null;
  const cmp = compileComparison('=', lc, rc, l.pos);
  return { left: cmp.operands![0], right: cmp.operands![1] };
}

type JoinType = 'inner' | 'left' | 'right' | 'full' | 'cross';

/** Joins two row sets: a hash join on equality keys, a nested loop otherwise. */
function joinRows(
  env: Env,
  leftRows: unknown[][],
  rightRows: unknown[][],
  rightWidth: number,
  leftWidth: number,
  type: JoinType,
  keys: EquiKey[],
  filter: ((env: Env) => unknown) | null,
): unknown[][] {
  const out: unknown[][] = [];
  const nullRight = new Array(rightWidth).fill(null);
  const nullLeft = new Array(leftWidth).fill(null);
  const rightMatched =
    type === 'right' || type === 'full' ? new Uint8Array(rightRows.length) : null;
  let candidates: (left: unknown[]) => Iterable<number>;
  if (keys.length) {
    const table = new Map<string, number[]>();
    const renv: Env = { row: [], outer: env.outer, ctx: env.ctx };
    rightRows.forEach((row, i) => {
      renv.row = row;
      const vals = keys.map((k) => k.right.eval(renv));
      if (vals.some((v) => v === null)) return;
      const k = rowKey(vals);
      const list = table.get(k);
      if (list) list.push(i);
      else table.set(k, [i]);
    });
    const lenv: Env = { row: [], outer: env.outer, ctx: env.ctx };
    candidates = (left) => {
      lenv.row = left;
      const vals = keys.map((k) => k.left.eval(lenv));
      if (vals.some((v) => v === null)) return [];
      return table.get(rowKey(vals)) ?? [];
    };
  } else {
    const all = rightRows.map((_, i) => i);
    candidates = () => all;
  }
  const jenv: Env = { row: [], outer: env.outer, ctx: env.ctx };
  for (const left of leftRows) {
    let matched = false;
    for (const i of candidates(left)) {
      const row = left.concat(rightRows[i]);
      if (filter) {
        jenv.row = row;
        if (filter(jenv) !== true) continue;
      }
      matched = true;
      if (rightMatched) rightMatched[i] = 1;
      out.push(row);
    }
    if (!matched && (type === 'left' || type === 'full')) out.push(left.concat(nullRight));
  }
  if (rightMatched) {
    rightRows.forEach((r, i) => {
      if (!rightMatched[i]) out.push(nullLeft.concat(r));
    });
  }
  return out;
}

function planJoinItem(
  item: FromItem & { kind: 'join' },
  cc: CompileContext,
  opts: FromOptions,
): Source {
  const left = planItem(item.left, cc, opts);
  const right = planItem(
    item.right,
    item.right.kind === 'subquery' && item.right.lateral
      ? { ...cc, scope: new Scope(left.columns, cc.scope.parent) }
      : cc,
    opts,
  );
  const leftWidth = left.columns.length;
  const columns = [...left.columns, ...shift(right.columns, leftWidth)];
  let conds: Expr[] = conjuncts(item.on);
  let usingCols = item.using;
  if (item.natural) {
    const rightNames = new Set(right.columns.filter((c) => !c.hidden).map((c) => c.name));
    usingCols = left.columns.filter((c) => !c.hidden && rightNames.has(c.name)).map((c) => c.name);
  }
  if (usingCols) {
    for (const name of usingCols) {
      const l = left.columns.find((c) => c.name === name && !c.hidden);
      const r = right.columns.find((c) => c.name === name && !c.hidden);
      if (!l || !r)
        throw new SqlError(
          '42703',
          `column "${name}" specified in USING clause does not exist in ${l ? 'right' : 'left'} table`,
        );
      const rc = columns[leftWidth + right.columns.indexOf(r)];
      rc.hidden = true;
      conds = conds.concat([
        {
          kind: 'binary',
          op: '=',
          left: { kind: 'column', parts: [l.table ?? '', l.name], pos: item.pos },
          right: { kind: 'column', parts: [r.table ?? '', r.name], pos: item.pos },
          pos: item.pos,
        },
      ]);
    }
  }
  const leftScope = new Scope(left.columns, cc.scope.parent);
  const { keys, rest } =
    item.joinType === 'cross' ? { keys: [], rest: [] } : equiKeys(conds, leftScope, right, cc);
  const joinScope = new Scope(columns, cc.scope.parent);
  const filter = rest.length
    ? toBool(
        compileExpr({ kind: 'and', args: rest, pos: item.pos }, { ...cc, scope: joinScope }),
        'JOIN/ON',
        item.pos,
      ).eval
    : null;
  const rightWidth = right.columns.length;
  const type = item.joinType;
  const lateral = item.right.kind === 'subquery' && item.right.lateral;
  return {
    columns,
    run: (env) => {
      const lrows = left.run(env);
      if (lateral) {
        const out: unknown[][] = [];
        for (const l of lrows) {
          const rrows = right.run({ row: l, outer: env.outer, ctx: env.ctx });
          out.push(...joinRows(env, [l], rrows, rightWidth, leftWidth, type, keys, filter));
        }
        return out;
      }
      return joinRows(env, lrows, right.run(env), rightWidth, leftWidth, type, keys, filter);
    },
    describe: [
      `${keys.length ? 'Hash' : 'Nested Loop'} ${type === 'inner' || type === 'cross' ? '' : `${type[0].toUpperCase()}${type.slice(1)} `}Join`,
      ...left.describe.map((l) => `  ${l}`),
      ...right.describe.map((l) => `  ${l}`),
    ],
  };
}

/**
 * The FROM list with the WHERE conjuncts pushed down: sources are joined left to right, each
 * join hashing on the equality conjuncts between what is joined so far and the next source.
 */
export function planFrom(
  items: FromItem[],
  where: Expr | undefined,
  cc: CompileContext,
  opts: FromOptions = {},
): PlannedFrom {
  if (items.length === 0) {
    const scope = new Scope([], cc.scope.parent);
    const filter = where
      ? toBool(compileExpr(where, { ...cc, scope }), 'WHERE', where.pos).eval
      : null;
    return {
      scope,
      run: (env) => {
        if (!filter) return [[]];
        return filter({ row: [], outer: env.outer, ctx: env.ctx }) === true ? [[]] : [];
      },
      describe: ['Result'],
    };
  }
  const sources = items.map((item) => planItem(item, cc, opts));
  const all: ScopeColumn[] = [];
  const offsets: number[] = [];
  for (const s of sources) {
    offsets.push(all.length);
    all.push(...shift(s.columns, all.length));
  }
  checkDuplicateAliases(sources);
  const fullScope = new Scope(all, cc.scope.parent);
  const pending = conjuncts(where);
  // Conjuncts that reference only columns before `width` can run after that join step.
  // Conjuncts after a constant FALSE are not folded (PostgreSQL stops simplifying there); a
  // constant FALSE or NULL conjunct gates the whole scan, evaluated once before it.
  let gated = false;
  const usage = pending.map((c) => {
    const used = new Set<number>();
    const ctx = { ...cc, scope: fullScope, usedColumns: used, noFold: cc.noFold || gated };
    const compiled = toBool(compileExpr(c, ctx), 'WHERE', c.pos);
    if (compiled.constant && !ctx.noFold && constantValue(compiled) !== true) gated = true;
    return { expr: c, compiled, maxColumn: used.size ? Math.max(...used) : -1 };
  });
  const only = sources.length === 1 ? sources[0] : null;
  const lookup =
    only?.table && !gated
      ? planIndexLookup(pending, only.table.meta, fullScope, only.table.withRowId, cc)
      : null;
  if (lookup) sources[0] = { ...only!, run: lookup.run, describe: [lookup.describe] };
  const steps: {
    source: Source;
    keys: EquiKey[];
    filter: ((env: Env) => unknown) | null;
    width: number;
  }[] = [];
  let applied = new Set<number>();
  for (let k = 0; k < sources.length; k++) {
    const width = offsets[k] + sources[k].columns.length;
    let keys: EquiKey[] = [];
    if (k > 0) {
      const candidates = usage.filter(
        (u, i) => !applied.has(i) && u.maxColumn < width && u.maxColumn >= offsets[k],
      );
      const leftScope = new Scope(all.slice(0, offsets[k]), cc.scope.parent);
      const found = equiKeys(
        candidates.map((u) => u.expr),
        leftScope,
        sources[k],
        cc,
      );
      keys = found.keys;
      const used = new Set(
        candidates.filter((u) => !found.rest.includes(u.expr)).map((u) => usage.indexOf(u)),
      );
      applied = new Set([...applied, ...used]);
    }
    const now = usage
      .map((u, i) => ({ u, i }))
      .filter(({ u, i }) => !applied.has(i) && u.maxColumn < width);
    for (const { i } of now) applied.add(i);
    const fs = now.map(({ u }) => u.compiled.eval);
    const filter =
      fs.length === 0
        ? null
        : fs.length === 1
          ? fs[0]
          : (env: Env) => {
              for (const f of fs) if (f(env) !== true) return false;
              return true;
            };
    steps.push({ source: sources[k], keys, filter, width });
  }
  return {
    scope: fullScope,
    run: (env) => {
      if (gated) return [];
      let rows: unknown[][] | null = null;
      for (const step of steps) {
        const srcRows = step.source.run(env);
        if (rows === null) {
          rows = srcRows;
          if (step.filter) {
            const fenv: Env = { row: [], outer: env.outer, ctx: env.ctx };
            rows = rows.filter((r) => {
              fenv.row = r;
              return step.filter!(fenv) === true;
            });
          }
        } else {
          rows = joinRows(
            env,
            rows,
            srcRows,
            step.source.columns.length,
            0,
            'inner',
            step.keys,
            step.filter,
          );
        }
      }
      return rows!;
    },
    describe: describeSteps(steps),
  };
}

function describeSteps(steps: { source: Source; keys: EquiKey[] }[]): string[] {
  let lines = steps[0].source.describe;
  for (const s of steps.slice(1)) {
    lines = [
      `${s.keys.length ? 'Hash Join' : 'Nested Loop'}`,
      ...lines.map((l) => `  ${l}`),
      ...s.source.describe.map((l) => `  ${l}`),
    ];
  }
  return lines;
}

function checkDuplicateAliases(sources: Source[]): void {
  const seen = new Set<string>();
  for (const s of sources) {
    const names = new Set(s.columns.map((c) => c.table).filter((t): t is string => t !== null));
    for (const n of names) {
      if (seen.has(n)) throw new SqlError('42712', `table name "${n}" specified more than once`);
      seen.add(n);
    }
  }
}
