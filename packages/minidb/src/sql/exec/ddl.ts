import { SqlError } from '../../engine/errors.js';
import type { Catalog, ColumnMeta, ConstraintMeta, IndexMeta, TableMeta } from '../catalog.js';
import type { Expr, Statement, TableConstraint } from '../parse/ast.js';
import { resolveTypeName } from '../plan/expr.js';
import { compareKeys } from '../../storage/memory/sorted-tree.js';
import { compareValues } from '../types/values.js';
import type { ExecContext } from './context.js';

type CreateTable = Statement & { kind: 'create-table' };

const SERIALS: Record<string, string> = {
  serial: 'integer',
  serial4: 'integer',
  bigserial: 'bigint',
  serial8: 'bigint',
  smallserial: 'smallint',
  serial2: 'smallint',
};

function schemaOf(catalog: Catalog, schema: string | undefined): string {
  const s = schema ?? 'public';
  if (!catalog.schemas.has(s)) throw new SqlError('3F000', `schema "${s}" does not exist`);
  return s;
}

/** CREATE TABLE: columns, serial sequences, constraints and their indexes. */
export function createTable(stmt: CreateTable, ctx: ExecContext): string {
  const { catalog, txn } = ctx;
  const schema = schemaOf(catalog, stmt.name.schema);
  if (catalog.relationExists(schema, stmt.name.name)) {
    if (stmt.ifNotExists) {
      ctx.notice({
        severity: 'NOTICE',
        code: '42P07',
        message: `relation "${stmt.name.name}" already exists, skipping`,
      });
      return 'CREATE TABLE';
    }
    throw new SqlError('42P07', `relation "${stmt.name.name}" already exists`);
  }
  const oid = catalog.allocateOid();
  const table: TableMeta = {
    oid,
    schema,
    name: stmt.name.name,
    kind: 'r',
    columns: [],
    store: catalog.storage.createTable(oid),
    indexes: [],
    constraints: [],
  };
  const names = new Set<string>();
  stmt.columns.forEach((c, i) => {
    if (names.has(c.name))
      throw new SqlError('42701', `column "${c.name}" specified more than once`);
    names.add(c.name);
    const serial = SERIALS[c.type.name];
    const { oid: type, typmod } = resolveTypeName(
      serial ?? c.type.name,
      c.type.mods,
      c.type.array,
      c.type.pos,
    );
    const col: ColumnMeta = {
      name: c.name,
      type,
      typmod,
      notNull: c.notNull || c.primaryKey,
      attnum: i + 1,
      identity: c.identity,
    };
    if (c.default) {
      col.default = c.default;
      col.defaultText = exprText(c.default);
    }
    if (serial || c.identity) {
      const seqName = `${table.name}_${c.name}_seq`;
      catalog.addSequence(txn, {
        oid: catalog.allocateOid(),
        schema,
        name: seqName,
        value: 1n,
        increment: 1n,
        min: 1n,
        max: type === 20 ? 2n ** 63n - 1n : type === 21 ? 32767n : 2147483647n,
        called: false,
        ownedBy: oid,
      });
      col.default = {
        kind: 'func',
        name: ['nextval'],
        args: [{ kind: 'literal', value: seqName, literalType: 'string', pos: 0 }],
        distinct: false,
        star: false,
        pos: 0,
      };
      col.defaultText = `nextval('${seqName}'::regclass)`;
      col.notNull = true;
    }
    table.columns.push(col);
  });
  catalog.addTable(txn, table);
  stmt.columns.forEach((c, i) => {
    if (c.primaryKey) addKeyConstraint(ctx, table, 'p', [i]);
    if (c.unique) addKeyConstraint(ctx, table, 'u', [i]);
    if (c.check) addCheck(catalog, table, c.check, `${table.name}_${c.name}_check`);
    if (c.references)
      addForeignKey(
        catalog,
        table,
        [i],
        c.references.table,
        c.references.columns,
        c.references.onDelete,
        c.references.onUpdate,
        undefined,
      );
  });
  for (const con of stmt.constraints) addTableConstraint(ctx, table, con);
  return 'CREATE TABLE';
}

/** A table constraint of CREATE TABLE or ALTER TABLE ADD; keys are checked against existing rows. */
export function addTableConstraint(ctx: ExecContext, table: TableMeta, con: TableConstraint): void {
  const columnIndex = (name: string) => {
    const i = table.columns.findIndex((c) => c.name === name);
    if (i < 0) throw new SqlError('42703', `column "${name}" named in key does not exist`);
    return i;
  };
  if (con.kind === 'primary' || con.kind === 'unique') {
    const cols = con.columns.map(columnIndex);
    if (con.kind === 'primary') for (const k of cols) table.columns[k].notNull = true;
    addKeyConstraint(ctx, table, con.kind === 'primary' ? 'p' : 'u', cols, con.name);
  } else if (con.kind === 'check')
    addCheck(ctx.catalog, table, con.expr, con.name ?? `${table.name}_check`);
  else if (con.kind === 'foreign')
    addForeignKey(
      ctx.catalog,
      table,
      con.columns.map(columnIndex),
      con.ref.table,
      con.ref.columns,
      con.ref.onDelete,
      con.ref.onUpdate,
      con.name,
    );
}

export function exprText(e: Expr): string {
  switch (e.kind) {
    case 'literal':
      return e.literalType === 'string'
        ? `'${String(e.value).replace(/'/g, "''")}'::text`
        : e.value === null
          ? 'NULL'
          : String(e.value);
    case 'func':
      return `${e.name.join('.')}(${e.args.map(exprText).join(', ')})`;
    case 'column':
      return e.parts.join('.');
    case 'binary':
      return `(${exprText(e.left)} ${e.op} ${exprText(e.right)})`;
    case 'cast':
      return `${exprText(e.arg)}::${e.type.name}`;
    default:
      return '?';
  }
}

function addCheck(catalog: Catalog, table: TableMeta, expr: Expr, name: string): void {
  table.constraints.push({
    oid: catalog.allocateOid(),
    name,
    kind: 'c',
    columns: [],
    check: expr,
    checkText: `CHECK (${exprText(expr)})`,
  });
}

function addForeignKey(
  catalog: Catalog,
  table: TableMeta,
  cols: number[],
  refName: string,
  refCols: string[] | undefined,
  onDelete: string,
  onUpdate: string,
  name: string | undefined,
): void {
  const ref = refName === table.name ? table : catalog.getTable(undefined, refName);
  const pk = ref.constraints.find((c) => c.kind === 'p');
  const target = refCols
    ? refCols.map((n) => ref.columns.findIndex((c) => c.name === n))
    : pk?.columns;
  if (!target || target.some((i) => i < 0))
    throw new SqlError(
      '42830',
      `there is no unique constraint matching given keys for referenced table "${ref.name}"`,
    );
  const conName = name ?? `${table.name}_${cols.map((i) => table.columns[i].name).join('_')}_fkey`;
  table.constraints.push({
    oid: catalog.allocateOid(),
    name: conName,
    kind: 'f',
    columns: cols,
    ref: { tableOid: ref.oid, columns: target, onDelete, onUpdate },
  });
}

/** PRIMARY KEY / UNIQUE: a unique index plus the constraint row; existing rows are checked. */
export function addKeyConstraint(
  ctx: ExecContext,
  table: TableMeta,
  kind: 'p' | 'u',
  cols: number[],
  name?: string,
): ConstraintMeta {
  const { catalog, txn } = ctx;
  if (kind === 'p' && table.constraints.some((c) => c.kind === 'p')) {
    throw new SqlError('42P16', `multiple primary keys for table "${table.name}" are not allowed`);
  }
  const colNames = cols.map((i) => table.columns[i].name);
  const conName =
    name ?? (kind === 'p' ? `${table.name}_pkey` : `${table.name}_${colNames.join('_')}_key`);
  if (catalog.relationExists(table.schema, conName))
    throw new SqlError('42P07', `relation "${conName}" already exists`);
  const index = buildIndex(ctx, table, conName, cols, true, kind === 'p');
  const con: ConstraintMeta = {
    oid: catalog.allocateOid(),
    name: conName,
    kind,
    columns: cols,
    indexOid: index.oid,
  };
  catalog.changeTable(txn, table, () => table.constraints.push(con));
  return con;
}

export function buildIndex(
  ctx: ExecContext,
  table: TableMeta,
  name: string,
  cols: number[],
  unique: boolean,
  primary: boolean,
): IndexMeta {
  const { catalog, txn } = ctx;
  const oid = catalog.allocateOid();
  const store = catalog.storage.createIndex(oid, compareKeys(compareValues));
  const index: IndexMeta = {
    oid,
    name,
    schema: table.schema,
    tableOid: table.oid,
    columns: cols,
    unique,
    primary,
    store,
  };
  const seen = new Map<string, true>();
  for (const row of table.store.scan(txn)) {
    const key = cols.map((i) => row.values[i]);
    if (primary && key.some((v) => v === null)) {
      throw new SqlError(
        '23502',
        `column "${table.columns[cols[key.indexOf(null)]].name}" of relation "${table.name}" contains null values`,
      );
    }
    if (unique && !key.some((v) => v === null)) {
      const k = JSON.stringify(key, (_, v) => (typeof v === 'bigint' ? `${v}n` : v));
      if (seen.has(k)) {
        throw new SqlError('23505', `could not create unique index "${name}"`, {
          detail: `Key (${cols.map((i) => table.columns[i].name).join(', ')})=(${key.join(', ')}) is duplicated.`,
        });
      }
      seen.set(k, true);
    }
    store.add(key, row.rowId);
  }
  catalog.addIndex(txn, table, index);
  return index;
}
