import type { IndexMeta, TableMeta } from '../catalog.js';
import type { Expr } from '../parse/ast.js';
import type { CompileContext } from './context.js';
import { compileExpr } from './expr.js';
import type { Compiled, Env } from './scope.js';
import type { Scope } from './scope.js';

/** An index lookup replacing a table's scan: its rows and its EXPLAIN line. */
export interface IndexLookup {
  run(env: Env): unknown[][];
  describe: string;
}

/**
 * `col = expr` conjuncts (expr not referencing the table, of the column's own type) that cover
 * every column of an index become an index lookup instead of a scan. The WHERE filter still
 * runs on the rows found: index entries may be stale (old versions), so rows are rechecked.
 */
export function planIndexLookup(
  conjuncts: Expr[],
  table: TableMeta,
  tableScope: Scope,
  withRowId: boolean,
  cc: CompileContext,
): IndexLookup | null {
  if (table.indexes.length === 0) return null;
  const keys = new Map<number, Compiled>();
  for (const c of conjuncts) {
    if (c.kind !== 'binary' || c.op !== '=') continue;
    for (const [col, other] of [
      [c.left, c.right],
      [c.right, c.left],
    ]) {
      const k = tableColumnOf(col, table, tableScope, cc);
      if (k < 0 || keys.has(k)) continue;
      const value = independentValue(other, tableScope, cc);
      if (value && value.type === table.columns[k].type) keys.set(k, value);
    }
  }
  if (keys.size === 0) return null;
  const index = bestIndex(table.indexes, keys);
  if (!index) return null;
  const evals = index.columns.map((k) => keys.get(k)!.eval);
  return {
    describe: `Index Scan using ${index.name} on ${table.name}`,
    run: (env) => {
      const key = evals.map((f) => f(env));
      if (key.some((v) => v === null || v === undefined)) return [];
      const out: unknown[][] = [];
      for (const rowId of new Set(index.store.lookup(key))) {
        const values = table.store.fetch(env.ctx.txn, rowId);
        if (values) out.push(withRowId ? [...values, rowId] : values);
      }
      return out;
    },
  };
}

/** Unique indexes first; among them, the one with the fewest columns all bound. */
function bestIndex(indexes: IndexMeta[], keys: Map<number, Compiled>): IndexMeta | null {
  const usable = indexes.filter((ix) => ix.columns.every((k) => keys.has(k)));
  usable.sort((a, b) => Number(b.unique) - Number(a.unique) || a.columns.length - b.columns.length);
  return usable[0] ?? null;
}

function tableColumnOf(e: Expr, table: TableMeta, scope: Scope, cc: CompileContext): number {
  if (e.kind !== 'column') return -1;
  try {
    const c = compileExpr(e, { ...cc, scope });
    if (c.source?.tableOid !== table.oid) return -1;
    return table.columns.findIndex((col) => col.attnum === c.source!.column);
  } catch {
    return -1;
  }
}

/** The expression compiled in the table's scope, or null when it reads the table's columns. */
function independentValue(e: Expr, scope: Scope, cc: CompileContext): Compiled | null {
  const used = new Set<number>();
  try {
    const c = compileExpr(e, {
      ...cc,
      scope,
      usedColumns: used,
      aggregates: undefined,
      windows: undefined,
    });
    return used.size === 0 ? c : null;
  } catch {
    return null;
  }
}
