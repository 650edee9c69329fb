import { SqlError } from '../../engine/errors.js';
import type { TableMeta } from '../catalog.js';
import type { Expr, SelectItem, Statement } from '../parse/ast.js';
import { coerce, coerceForAssignment } from '../plan/coerce.js';
import type { CompileContext } from '../plan/context.js';
import { compileExpr, toBool } from '../plan/expr.js';
import { planFrom, tableColumns } from '../plan/from.js';
import type { OutputColumn } from '../plan/query-types.js';
import type { Compiled, Env } from '../plan/scope.js';
import { Scope } from '../plan/scope.js';
import { Oid } from '../types/oids.js';
import {
  addToIndexes,
  checkChecks,
  checkForeignKeys,
  checkNotNull,
  checkUnique,
  findConflict,
} from './constraints.js';
import type { ExecContext } from './context.js';

export interface DmlPlan {
  columns: OutputColumn[] | null;
  run(ctx: ExecContext): { tag: string; rows: unknown[][] };
}

function compileChecks(table: TableMeta, cc: CompileContext) {
  const scope = new Scope(tableColumns(table, table.name));
  return table.constraints
    .filter((c) => c.kind === 'c')
    .map((c) => ({
      name: c.name,
      fn: toBool(compileExpr(c.check!, { ...cc, scope }), 'CHECK', 0),
    }));
}

function compileReturning(
  items: SelectItem[] | undefined,
  scope: Scope,
  cc: CompileContext,
): { columns: OutputColumn[]; evals: Compiled[] } | null {
  if (!items) return null;
  const columns: OutputColumn[] = [];
  const evals: Compiled[] = [];
  for (const item of items) {
    if (item.expr.kind === 'star') {
      for (const c of scope.columns.filter((c) => !c.hidden)) {
        columns.push({
          name: c.name,
          type: c.type,
          typmod: c.typmod,
          tableOid: c.tableOid,
          columnNumber: c.columnNumber,
        });
        const index = c.index;
        evals.push({ type: c.type, typmod: c.typmod, eval: (env) => env.row[index] });
      }
      continue;
    }
    const c = compileExpr(item.expr, { ...cc, scope });
    const name =
      item.alias ??
      (item.expr.kind === 'column'
        ? item.expr.parts[item.expr.parts.length - 1]
        : item.expr.kind === 'func'
          ? item.expr.name[item.expr.name.length - 1]
          : '?column?');
    columns.push({
      name,
      type: c.type === Oid.unknown ? Oid.text : c.type,
      typmod: c.typmod,
      tableOid: c.source?.tableOid ?? 0,
      columnNumber: c.source?.column ?? 0,
    });
    evals.push(c.type === Oid.unknown ? coerce(c, Oid.text, 0) : c);
  }
  return { columns, evals };
}

function defaultFor(table: TableMeta, k: number, cc: CompileContext): Compiled {
  const col = table.columns[k];
  if (!col.default) return { type: col.type, typmod: col.typmod, eval: () => null };
  return coerceForAssignment(
    compileExpr(col.default, { ...cc, scope: new Scope([]) }),
    col.type,
    col.typmod,
    0,
    col.name,
  );
}

/**
 * INSERT: VALUES or a query, defaults, constraints, ON CONFLICT and RETURNING. `supplied`
 * replaces the source with rows already converted, in target column order (COPY FROM).
 */
export function planInsert(
  stmt: Statement & { kind: 'insert' },
  cc: CompileContext,
  supplied?: (env: Env) => unknown[][],
): DmlPlan {
  const table = cc.catalog.getTable(stmt.table.schema, stmt.table.name, stmt.table.pos);
  if (table.kind !== 'r') throw new SqlError('0A000', `cannot insert into view "${table.name}"`);
  const targets = (stmt.columns ?? table.columns.map((c) => c.name)).map((name) => {
    const k = table.columns.findIndex((c) => c.name === name);
    if (k < 0)
      throw new SqlError('42703', `column "${name}" of relation "${table.name}" does not exist`);
    return k;
  });
  const defaults = table.columns.map((_, k) => defaultFor(table, k, cc));
  let produce: (env: Env) => unknown[][];
  const scope0 = new Scope([]);
  if (supplied) {
    const isTarget = table.columns.map((_, k) => targets.includes(k));
    produce = (env) =>
      supplied(env).map((src) => {
        const out = table.columns.map((_, k) => (isTarget[k] ? null : defaults[k].eval(env)));
        for (let i = 0; i < targets.length; i++) out[targets[i]] = src[i];
        return out;
      });
  } else if (stmt.source === 'default') {
    produce = (env) => [table.columns.map((_, k) => defaults[k].eval(env))];
  } else if (
    stmt.source.body.kind === 'values' &&
    !stmt.source.orderBy.length &&
    !stmt.source.limit &&
    !stmt.source.with
  ) {
    const rows = stmt.source.body.rows.map((r) => {
      if (r.length > targets.length)
        throw new SqlError('42601', 'INSERT has more expressions than target columns');
      if (r.length < targets.length)
        throw new SqlError('42601', 'INSERT has more target columns than expressions');
      return r.map((e, i) => {
        const k = targets[i];
        const col = table.columns[k];
        if (e.kind === 'default') return defaults[k];
        return coerceForAssignment(
          compileExpr(e, { ...cc, scope: scope0 }),
          col.type,
          col.typmod,
          e.pos,
          col.name,
        );
      });
    });
    produce = (env) =>
      rows.map((r) => {
        const out = table.columns.map((_, k) =>
          targets.includes(k) ? null : defaults[k].eval(env),
        );
        r.forEach((c, i) => {
          out[targets[i]] = c.eval(env);
        });
        return out;
      });
  } else {
    const plan = cc.planQuery(stmt.source, { ...cc, scope: scope0 });
    if (plan.columns.length > targets.length)
      throw new SqlError('42601', 'INSERT has more expressions than target columns');
    const convs = plan.columns.map((c, i) => {
      const col = table.columns[targets[i]];
      return coerceForAssignment(
        { type: c.type, typmod: c.typmod, eval: (env) => env.row[i] },
        col.type,
        col.typmod,
        0,
        col.name,
      ).eval;
    });
    produce = (env) =>
      plan.run(env).map((src) => {
        const e: Env = { row: src, outer: null, ctx: env.ctx };
        const out = table.columns.map((_, k) =>
          targets.slice(0, src.length).includes(k) ? null : defaults[k].eval(env),
        );
        convs.forEach((f, i) => {
          out[targets[i]] = f(e);
        });
        return out;
      });
  }
  const checks = compileChecks(table, cc);
  const tableScope = new Scope(tableColumns(table, stmt.alias ?? table.name));
  const returning = compileReturning(stmt.returning, tableScope, cc);
  const conflict = stmt.onConflict;
  let conflictSet: { k: number; c: Compiled }[] = [];
  let conflictWhere: Compiled | null = null;
  if (conflict?.action === 'update') {
    // DO UPDATE sees the existing row and EXCLUDED (the proposed row) side by side.
    const width = table.columns.length;
    const scope = new Scope([
      ...tableColumns(table, stmt.alias ?? table.name),
      ...tableColumns(table, 'excluded').map((c) => ({ ...c, index: c.index + width })),
    ]);
    conflictSet = conflict.set.map((s) => {
      const k = table.columns.findIndex((c) => c.name === s.column);
      if (k < 0)
        throw new SqlError(
          '42703',
          `column "${s.column}" of relation "${table.name}" does not exist`,
        );
      const col = table.columns[k];
      return {
        k,
        c: coerceForAssignment(
          compileExpr(s.value, { ...cc, scope }),
          col.type,
          col.typmod,
          s.value.pos,
          col.name,
        ),
      };
    });
    if (conflict.where)
      conflictWhere = toBool(
        compileExpr(conflict.where, { ...cc, scope }),
        'WHERE',
        conflict.where.pos,
      );
  }
  const arbiters = conflict ? arbiterIndexes(table, conflict.columns) : [];
  return {
    columns: returning?.columns ?? null,
    run: (ctx) => {
      const env: Env = { row: [], outer: null, ctx };
      const out: unknown[][] = [];
      let count = 0;
      for (const row of produce(env)) {
        checkNotNull(table, row);
        checkChecks(table, row, checks, ctx);
        if (arbiters.length) {
          let existing: number | null = null;
          for (const ix of arbiters) {
            existing ??= findConflict(
              ctx,
              table,
              ix,
              ix.columns.map((i) => row[i]),
              null,
            );
          }
          if (existing !== null) {
            if (conflict!.action === 'nothing') continue;
            const old = table.store.fetch(ctx.txn, existing);
            if (!old)
              throw new SqlError('40001', 'could not serialize access due to concurrent update');
            const e: Env = { row: [...old, ...row], outer: null, ctx };
            if (conflictWhere && conflictWhere.eval(e) !== true) continue;
            const updated = old.slice();
            for (const s of conflictSet) updated[s.k] = s.c.eval(e);
            writeUpdate(ctx, table, existing, updated, checks);
            count++;
            if (returning)
              out.push(returning.evals.map((c) => c.eval({ row: updated, outer: null, ctx })));
            continue;
          }
        }
        checkUnique(ctx, table, row, null);
        checkForeignKeys(ctx, table, row);
        const rowId = table.store.insert(ctx.txn, row);
        addToIndexes(table, row, rowId);
        count++;
        if (returning) out.push(returning.evals.map((c) => c.eval({ row, outer: null, ctx })));
      }
      return { tag: `INSERT 0 ${count}`, rows: out };
    },
  };
}

/** Without a conflict target every unique index is an arbiter (DO NOTHING), as in PostgreSQL. */
function arbiterIndexes(table: TableMeta, columns: string[] | undefined) {
  if (!columns) return table.indexes.filter((i) => i.unique);
  const cols = columns.map((n) => table.columns.findIndex((c) => c.name === n));
  const index = table.indexes.find(
    (i) => i.unique && i.columns.length === cols.length && cols.every((c) => i.columns.includes(c)),
  );
  if (!index)
    throw new SqlError(
      '42P10',
      'there is no unique or exclusion constraint matching the ON CONFLICT specification',
    );
  return [index];
}

function writeUpdate(
  ctx: ExecContext,
  table: TableMeta,
  rowId: number,
  row: unknown[],
  checks: { name: string; fn: Compiled }[],
): void {
  checkNotNull(table, row);
  checkChecks(table, row, checks, ctx);
  checkUnique(ctx, table, row, rowId);
  checkForeignKeys(ctx, table, row);
  table.store.update(ctx.txn, rowId, row);
  addToIndexes(table, row, rowId);
}

/** UPDATE [FROM] and DELETE [USING]: the target's rows joined with the other sources. */
export function planModify(
  stmt: Statement & ({ kind: 'update' } | { kind: 'delete' }),
  cc: CompileContext,
): DmlPlan {
  const table = cc.catalog.getTable(stmt.table.schema, stmt.table.name, stmt.table.pos);
  if (table.kind !== 'r') throw new SqlError('0A000', `cannot ${stmt.kind} view "${table.name}"`);
  const others = stmt.kind === 'update' ? stmt.from : stmt.using;
  const target = {
    kind: 'table' as const,
    schema: stmt.table.schema,
    name: stmt.table.name,
    alias: stmt.alias,
    pos: stmt.table.pos,
  };
  const from = planFrom([target, ...others], stmt.where, cc, { withRowIdFor: table });
  const width = table.columns.length;
  const checks = compileChecks(table, cc);
  const sets =
    stmt.kind === 'update'
      ? stmt.set.map((s) => {
          const k = table.columns.findIndex((c) => c.name === s.column);
          if (k < 0)
            throw new SqlError(
              '42703',
              `column "${s.column}" of relation "${table.name}" does not exist`,
            );
          const col = table.columns[k];
          const value: Expr = s.value;
          if (value.kind === 'default') return { k, c: defaultFor(table, k, cc) };
          return {
            k,
            c: coerceForAssignment(
              compileExpr(value, { ...cc, scope: from.scope }),
              col.type,
              col.typmod,
              value.pos,
              col.name,
            ),
          };
        })
      : [];
  const returning = compileReturning(stmt.returning, from.scope, cc);
  const referencing = cc.catalog
    .allTables()
    .flatMap((t) =>
      t.constraints
        .filter((c) => c.kind === 'f' && c.ref?.tableOid === table.oid)
        .map((c) => ({ t, c })),
    );
  return {
    columns: returning?.columns ?? null,
    run: (ctx) => {
      const env: Env = { row: [], outer: null, ctx };
      const rows = from.run(env);
      const done = new Set<number>();
      const out: unknown[][] = [];
      for (const r of rows) {
        const rowId = r[width] as number;
        if (done.has(rowId)) continue;
        done.add(rowId);
        env.row = r;
        if (stmt.kind === 'delete') {
          enforceReferences(ctx, table, r.slice(0, width), referencing);
          table.store.delete(ctx.txn, rowId);
          if (returning) out.push(returning.evals.map((c) => c.eval(env)));
          continue;
        }
        const updated = r.slice(0, width);
        for (const s of sets) updated[s.k] = s.c.eval(env);
        writeUpdate(ctx, table, rowId, updated, checks);
        if (returning) {
          const after = [...updated, ...r.slice(width)];
          out.push(returning.evals.map((c) => c.eval({ row: after, outer: null, ctx })));
        }
      }
      return { tag: `${stmt.kind.toUpperCase()} ${done.size}`, rows: out };
    },
  };
}

import type { ConstraintMeta } from '../catalog.js';
import { findRows } from './constraints.js';

/** ON DELETE actions of foreign keys pointing at the deleted row. */
function enforceReferences(
  ctx: ExecContext,
  table: TableMeta,
  row: unknown[],
  refs: { t: TableMeta; c: ConstraintMeta }[],
): void {
  for (const { t, c } of refs) {
    const key = c.ref!.columns.map((i) => row[i]);
    if (key.some((v) => v === null)) continue;
    const children = findRows(ctx, t, c.columns, key);
    if (children.length === 0) continue;
    const action = c.ref!.onDelete;
    if (action === 'cascade') {
      for (const child of children) t.store.delete(ctx.txn, child.rowId);
    } else if (action === 'set null') {
      for (const child of children) {
        const v = child.values.slice();
        for (const i of c.columns) v[i] = null;
        t.store.update(ctx.txn, child.rowId, v);
        addToIndexes(t, v, child.rowId);
      }
    } else {
      throw new SqlError(
        '23503',
        `update or delete on table "${table.name}" violates foreign key constraint "${c.name}" on table "${t.name}"`,
        {
          detail: `Key (${c.ref!.columns.map((i) => table.columns[i].name).join(', ')})=(${key.join(', ')}) is still referenced from table "${t.name}".`,
        },
      );
    }
  }
}
