import { SqlError } from '../../engine/errors.js';
import type { ColumnInfo } from '../../engine/api.js';
import type { Catalog } from '../catalog.js';
import type { Statement } from '../parse/ast.js';
import type { CompileContext } from '../plan/context.js';
import { planQuery } from '../plan/query.js';
import type { OutputColumn } from '../plan/query-types.js';
import { Scope } from '../plan/scope.js';
import { typeInfo } from '../types/oids.js';
import type { ExecContext } from './context.js';
import { alterTable } from './alter.js';
import { buildIndex, createTable } from './ddl.js';
import { planInsert, planModify } from './dml.js';

/** A statement ready to run: its result columns and its execution. */
export interface ExecutablePlan {
  columns: OutputColumn[] | null;
  run(ctx: ExecContext): { tag: string; rows: unknown[][] } | { tag: string };
}

export function toColumnInfo(c: OutputColumn): ColumnInfo {
  return {
    name: c.name,
    tableOid: c.tableOid,
    columnNumber: c.columnNumber,
    typeOid: c.type,
    typeSize: typeInfo(c.type).len,
    typmod: c.typmod,
  };
}

export function compileContext(catalog: Catalog, paramTypes: number[]): CompileContext {
  return {
    catalog,
    paramTypes,
    scope: new Scope([]),
    correlated: { value: false },
    ctes: new Map(),
    planQuery: (stmt, ctx) => planQuery(stmt, ctx),
    foldErrors: [],
  };
}

/** Throws the first error constant folding met, once the statement is fully analysed. */
function raiseFoldErrors(cc: CompileContext): void {
  const errors = cc.foldErrors ?? [];
  if (errors.length === 0) return;
  throw errors.reduce((a, b) => (b.phase < a.phase ? b : a)).error;
}

/** Plans queries and DML; runs DDL directly (it is planned and executed at once). */
export function planStatement(stmt: Statement, cc: CompileContext): ExecutablePlan {
  const plan = planStatementKind(stmt, cc);
  raiseFoldErrors(cc);
  return plan;
}

function planStatementKind(stmt: Statement, cc: CompileContext): ExecutablePlan {
  switch (stmt.kind) {
    case 'query': {
      const plan = planQuery(stmt, cc);
      return {
        columns: plan.columns,
        run: (ctx) => {
          const rows = plan.run({ row: [], outer: null, ctx });
          return { tag: `SELECT ${rows.length}`, rows };
        },
      };
    }
    case 'insert':
      return planInsert(stmt, cc);
    case 'update':
    case 'delete':
      return planModify(stmt, cc);
    case 'create-table':
      return { columns: null, run: (ctx) => ({ tag: createTable(stmt, ctx) }) };
    case 'create-index':
      return {
        columns: null,
        run: (ctx) => {
          const table = ctx.catalog.getTable(stmt.table.schema, stmt.table.name, stmt.table.pos);
          const name = stmt.name ?? `${table.name}_${stmt.columns.join('_')}_idx`;
          if (ctx.catalog.relationExists(table.schema, name)) {
            if (stmt.ifNotExists) return { tag: 'CREATE INDEX' };
            throw new SqlError('42P07', `relation "${name}" already exists`);
          }
          const cols = stmt.columns.map((n) => {
            const k = table.columns.findIndex((c) => c.name === n);
            if (k < 0) throw new SqlError('42703', `column "${n}" does not exist`);
            return k;
          });
          buildIndex(ctx, table, name, cols, stmt.unique, false);
          return { tag: 'CREATE INDEX' };
        },
      };
    case 'drop':
      return { columns: null, run: (ctx) => ({ tag: runDrop(stmt, ctx) }) };
    case 'alter-table':
      return { columns: null, run: (ctx) => ({ tag: alterTable(stmt, ctx) }) };
    case 'truncate':
      return {
        columns: null,
        run: (ctx) => {
          for (const n of stmt.names) {
            const t = ctx.catalog.getTable(n.schema, n.name, n.pos);
            for (const r of [...t.store.scan(ctx.txn)]) t.store.delete(ctx.txn, r.rowId);
          }
          return { tag: 'TRUNCATE TABLE' };
        },
      };
    case 'create-view':
      return {
        columns: null,
        run: (ctx) => {
          const schema = stmt.name.schema ?? 'public';
          const existing = ctx.catalog.findTable(schema, stmt.name.name);
          if (existing && !stmt.orReplace)
            throw new SqlError('42P07', `relation "${stmt.name.name}" already exists`);
          const plan = planQuery(stmt.query, compileContext(ctx.catalog, []));
          if (existing) ctx.catalog.removeTable(ctx.txn, existing);
          const oid = ctx.catalog.allocateOid();
          ctx.catalog.addTable(ctx.txn, {
            oid,
            schema,
            name: stmt.name.name,
            kind: 'v',
            columns: plan.columns.map((c, i) => ({
              name: stmt.columns?.[i] ?? c.name,
              type: c.type,
              typmod: c.typmod,
              notNull: false,
              attnum: i + 1,
            })),
            store: ctx.catalog.storage.createTable(oid),
            indexes: [],
            constraints: [],
            view: stmt.query,
          });
          return { tag: 'CREATE VIEW' };
        },
      };
    case 'create-sequence':
      return {
        columns: null,
        run: (ctx) => {
          const schema = stmt.name.schema ?? 'public';
          if (ctx.catalog.relationExists(schema, stmt.name.name)) {
            if (stmt.ifNotExists) return { tag: 'CREATE SEQUENCE' };
            throw new SqlError('42P07', `relation "${stmt.name.name}" already exists`);
          }
          const inc = BigInt(stmt.increment ?? 1);
          const start = BigInt(stmt.start ?? (inc > 0n ? 1 : -1));
          ctx.catalog.addSequence(ctx.txn, {
            oid: ctx.catalog.allocateOid(),
            schema,
            name: stmt.name.name,
            value: start,
            increment: inc,
            min: inc > 0n ? 1n : -(2n ** 63n),
            max: inc > 0n ? 2n ** 63n - 1n : -1n,
            called: false,
          });
          return { tag: 'CREATE SEQUENCE' };
        },
      };
    case 'create-schema':
      return {
        columns: null,
        run: (ctx) => {
          if (ctx.catalog.schemas.has(stmt.name)) {
            if (stmt.ifNotExists) return { tag: 'CREATE SCHEMA' };
            throw new SqlError('42P06', `schema "${stmt.name}" already exists`);
          }
          ctx.catalog.addSchema(ctx.txn, stmt.name);
          return { tag: 'CREATE SCHEMA' };
        },
      };
    case 'noop':
      return { columns: null, run: () => ({ tag: stmt.tag }) };
    default:
      throw new SqlError('0A000', `${stmt.kind} is not supported`);
  }
}

function runDrop(stmt: Statement & { kind: 'drop' }, ctx: ExecContext): string {
  const tag = `DROP ${stmt.object.toUpperCase()}`;
  for (const n of stmt.names) {
    const schema = n.schema ?? 'public';
    if (stmt.object === 'table' || stmt.object === 'view') {
      const t = ctx.catalog.findTable(schema, n.name);
      if (!t || (t.kind === 'v') !== (stmt.object === 'view')) {
        if (stmt.ifExists) {
          ctx.notice({
            severity: 'NOTICE',
            code: '00000',
            message: `${stmt.object} "${n.name}" does not exist, skipping`,
          });
          continue;
        }
        throw new SqlError('42P01', `${stmt.object} "${n.name}" does not exist`);
      }
      const dependents = ctx.catalog
        .allTables()
        .filter(
          (o) => o !== t && o.constraints.some((c) => c.kind === 'f' && c.ref?.tableOid === t.oid),
        );
      if (dependents.length && !stmt.cascade) {
        throw new SqlError(
          '2BP01',
          `cannot drop table ${t.name} because other objects depend on it`,
          { hint: 'Use DROP ... CASCADE to drop the dependent objects too.' },
        );
      }
      for (const d of dependents)
        ctx.catalog.changeTable(ctx.txn, d, () => {
          d.constraints = d.constraints.filter((c) => c.ref?.tableOid !== t.oid);
        });
      ctx.catalog.removeTable(ctx.txn, t);
    } else if (stmt.object === 'index') {
      const ix = ctx.catalog.indexes.get(`${schema}.${n.name}`);
      if (!ix) {
        if (stmt.ifExists) continue;
        throw new SqlError('42704', `index "${n.name}" does not exist`);
      }
      ctx.catalog.removeIndex(ctx.txn, ix);
    } else if (stmt.object === 'sequence') {
      const seq = ctx.catalog.findSequence(schema, n.name);
      if (!seq) {
        if (stmt.ifExists) continue;
        throw new SqlError('42P01', `sequence "${n.name}" does not exist`);
      }
      ctx.catalog.removeSequence(ctx.txn, seq);
    } else {
      if (!ctx.catalog.schemas.has(n.name)) {
        if (stmt.ifExists) continue;
        throw new SqlError('3F000', `schema "${n.name}" does not exist`);
      }
      ctx.catalog.schemas.delete(n.name);
    }
  }
  return tag;
}
