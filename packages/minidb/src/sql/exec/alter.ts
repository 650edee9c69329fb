import { SqlError } from '../../engine/errors.js';
import type { TableMeta } from '../catalog.js';
import type { AlterAction, Statement } from '../parse/ast.js';
import { coerceForAssignment } from '../plan/coerce.js';
import { compileExpr, resolveTypeName } from '../plan/expr.js';
import { Scope } from '../plan/scope.js';
import type { ExecContext } from './context.js';
import { addTableConstraint, exprText } from './ddl.js';
import { compileContext } from './statement.js';

/** ALTER TABLE: each action in order, undone with the transaction (catalog.changeTable). */
export function alterTable(stmt: Statement & { kind: 'alter-table' }, ctx: ExecContext): string {
  const table = ctx.catalog.findTable(stmt.table.schema ?? 'public', stmt.table.name);
  if (table?.kind !== 'r') {
    if (stmt.ifExists && !table) {
      ctx.notice({
        severity: 'NOTICE',
        code: '00000',
        message: `relation "${stmt.table.name}" does not exist, skipping`,
      });
      return 'ALTER TABLE';
    }
    if (!table) throw new SqlError('42P01', `relation "${stmt.table.name}" does not exist`);
    throw new SqlError('42809', `"${table.name}" is not a table`);
  }
  for (const action of stmt.actions)
    ctx.catalog.changeTable(ctx.txn, table, () => applyAction(ctx, table, action));
  return 'ALTER TABLE';
}

function columnIndex(table: TableMeta, name: string): number {
  const k = table.columns.findIndex((c) => c.name === name);
  if (k < 0)
    throw new SqlError('42703', `column "${name}" of relation "${table.name}" does not exist`);
  return k;
}

function applyAction(ctx: ExecContext, table: TableMeta, action: AlterAction): void {
  switch (action.kind) {
    case 'add-constraint':
      addTableConstraint(ctx, table, action.constraint);
      return;
    case 'add-column':
      addColumn(ctx, table, action);
      return;
    case 'rename-column': {
      const k = columnIndex(table, action.from);
      if (table.columns.some((c) => c.name === action.to))
        throw new SqlError(
          '42701',
          `column "${action.to}" of relation "${table.name}" already exists`,
        );
      table.columns[k] = { ...table.columns[k], name: action.to };
      return;
    }
    case 'rename-constraint': {
      const k = table.constraints.findIndex((c) => c.name === action.from);
      if (k < 0)
        throw new SqlError(
          '42704',
          `constraint "${action.from}" for table "${table.name}" does not exist`,
        );
      table.constraints[k] = { ...table.constraints[k], name: action.to };
      return;
    }
    case 'drop-constraint': {
      const k = table.constraints.findIndex((c) => c.name === action.name);
      if (k < 0) {
        if (action.ifExists) return;
        throw new SqlError(
          '42704',
          `constraint "${action.name}" of relation "${table.name}" does not exist`,
        );
      }
      const con = table.constraints[k];
      table.constraints.splice(k, 1);
      const index = table.indexes.find((ix) => ix.oid === con.indexOid);
      if (index) ctx.catalog.removeIndex(ctx.txn, index);
      return;
    }
    case 'rename-table':
      if (ctx.catalog.relationExists(table.schema, action.name))
        throw new SqlError('42P07', `relation "${action.name}" already exists`);
      ctx.catalog.renameTable(ctx.txn, table, action.name);
      return;
    case 'drop-column':
      // Rows are stored positionally and plans address columns by position: dropping one
      // needs attribute numbers kept apart from positions, which the storage does not have yet.
      throw new SqlError('0A000', 'ALTER TABLE DROP COLUMN is not supported yet');
  }
}

/** ADD COLUMN: the new value (the default, or NULL) is written into every existing row. */
function addColumn(
  ctx: ExecContext,
  table: TableMeta,
  action: AlterAction & { kind: 'add-column' },
): void {
  const c = action.column;
  if (table.columns.some((col) => col.name === c.name)) {
    if (action.ifNotExists) return;
    throw new SqlError('42701', `column "${c.name}" of relation "${table.name}" already exists`);
  }
  if (c.primaryKey || c.unique || c.references || c.check || c.identity)
    throw new SqlError('0A000', 'ADD COLUMN with constraints is not supported yet');
  const { oid: type, typmod } = resolveTypeName(c.type.name, c.type.mods, c.type.array, c.type.pos);
  const fill = c.default
    ? coerceForAssignment(
        compileExpr(c.default, { ...compileContext(ctx.catalog, []), scope: new Scope([]) }),
        type,
        typmod,
        0,
        c.name,
      )
    : null;
  const rows = [...table.store.scan(ctx.txn)];
  for (const row of rows) {
    const value = fill ? fill.eval({ row: [], outer: null, ctx }) : null;
    if (value === null && c.notNull)
      throw new SqlError(
        '23502',
        `column "${c.name}" of relation "${table.name}" contains null values`,
      );
    table.store.update(ctx.txn, row.rowId, [...row.values, value]);
  }
  table.columns.push({
    name: c.name,
    type,
    typmod,
    notNull: c.notNull,
    attnum: table.columns.length + 1,
    ...(c.default ? { default: c.default, defaultText: exprText(c.default) } : {}),
  });
}
