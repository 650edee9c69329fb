import { SqlError } from '../../engine/errors.js';
import type { IndexMeta, TableMeta } from '../catalog.js';
import { formatText } from '../types/text.js';
import { compareValues } from '../types/values.js';
import type { ExecContext } from './context.js';
import type { Compiled, Env } from '../plan/scope.js';

/** NOT NULL, CHECK, UNIQUE/PRIMARY KEY and FOREIGN KEY checks for a new row version. */

function keyText(table: TableMeta, index: IndexMeta, key: unknown[]): string {
  const cols = index.columns.map((i) => table.columns[i].name).join(', ');
  const vals = key
    .map((v, k) => (v === null ? 'null' : formatText(table.columns[index.columns[k]].type, v)))
    .join(', ');
  return `Key (${cols})=(${vals}) already exists.`;
}

export function checkNotNull(table: TableMeta, row: unknown[]): void {
  table.columns.forEach((c, i) => {
    if (c.notNull && row[i] === null) {
      throw new SqlError(
        '23502',
        `null value in column "${c.name}" of relation "${table.name}" violates not-null constraint`,
        { table: table.name, column: c.name, schema: table.schema },
      );
    }
  });
}

export function checkChecks(
  table: TableMeta,
  row: unknown[],
  checks: { name: string; fn: Compiled }[],
  ctx: ExecContext,
): void {
  const env: Env = { row, outer: null, ctx };
  for (const c of checks) {
    if (c.fn.eval(env) === false) {
      throw new SqlError(
        '23514',
        `new row for relation "${table.name}" violates check constraint "${c.name}"`,
        { table: table.name, constraint: c.name, schema: table.schema },
      );
    }
  }
}

/** A conflicting live row for a unique index, or null. `self` is the row being updated. */
export function findConflict(
  ctx: ExecContext,
  table: TableMeta,
  index: IndexMeta,
  key: unknown[],
  self: number | null,
): number | null {
  if (key.some((v) => v === null)) return null;
  for (const rowId of index.store.lookup(key)) {
    if (rowId === self) continue;
    for (const v of table.store.liveVersions(ctx.txn, rowId)) {
      const same = index.columns.every((c, k) => compareValues(v.values[c], key[k]) === 0);
      if (!same) continue;
      if (v.inProgress)
        throw new SqlError('40001', 'could not serialize access due to concurrent update');
      return rowId;
    }
  }
  return null;
}

export function checkUnique(
  ctx: ExecContext,
  table: TableMeta,
  row: unknown[],
  self: number | null,
): void {
  for (const index of table.indexes) {
    if (!index.unique) continue;
    const key = index.columns.map((i) => row[i]);
    if (findConflict(ctx, table, index, key, self) !== null) {
      const con = table.constraints.find((c) => c.indexOid === index.oid);
      throw new SqlError(
        '23505',
        `duplicate key value violates unique constraint "${index.name}"`,
        {
          detail: keyText(table, index, key),
          table: table.name,
          schema: table.schema,
          constraint: con?.name ?? index.name,
        },
      );
    }
  }
}

export function addToIndexes(table: TableMeta, row: unknown[], rowId: number): void {
  for (const index of table.indexes)
    index.store.add(
      index.columns.map((i) => row[i]),
      rowId,
    );
}

/** The referenced row must exist (MATCH SIMPLE: a NULL in the key skips the check). */
export function checkForeignKeys(ctx: ExecContext, table: TableMeta, row: unknown[]): void {
  for (const con of table.constraints) {
    if (con.kind !== 'f' || !con.ref) continue;
    const key = con.columns.map((i) => row[i]);
    if (key.some((v) => v === null)) continue;
    const ref = ctx.catalog.tableByOid(con.ref.tableOid)!;
    const found = findRows(ctx, ref, con.ref.columns, key).length > 0;
    if (!found) {
      const cols = con.columns.map((i) => table.columns[i].name).join(', ');
      throw new SqlError(
        '23503',
        `insert or update on table "${table.name}" violates foreign key constraint "${con.name}"`,
        {
          detail: `Key (${cols})=(${key.map((v, k) => formatText(table.columns[con.columns[k]].type, v)).join(', ')}) is not present in table "${ref.name}".`,
          table: table.name,
          constraint: con.name,
        },
      );
    }
  }
}

/** Visible rows whose columns equal the key, through an index when one covers the columns. */
export function findRows(
  ctx: ExecContext,
  table: TableMeta,
  cols: number[],
  key: unknown[],
): { rowId: number; values: unknown[] }[] {
  const index = table.indexes.find(
    (ix) => ix.columns.length === cols.length && ix.columns.every((c, k) => c === cols[k]),
  );
  const matches = (values: unknown[]) =>
    cols.every((c, k) => values[c] !== null && compareValues(values[c], key[k]) === 0);
  if (index) {
    const out: { rowId: number; values: unknown[] }[] = [];
    for (const rowId of index.store.lookup(key)) {
      const values = table.store.fetch(ctx.txn, rowId);
      if (values && matches(values)) out.push({ rowId, values });
    }
    return out;
  }
  return [...table.store.scan(ctx.txn)].filter((r) => matches(r.values));
}
