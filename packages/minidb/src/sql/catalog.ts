import { SqlError } from '../engine/errors.js';
import type { IndexStore, Storage, TableStore, Transaction } from '../storage/api.js';
import type { Expr, SelectStmt } from './parse/ast.js';

/** Schemas, tables, indexes, views and sequences. Changes are undone when their transaction rolls back. */

export interface ColumnMeta {
  name: string;
  type: number;
  typmod: number;
  notNull: boolean;
  default?: Expr;
  /** Default expression as PostgreSQL shows it (pg_get_expr). */
  defaultText?: string;
  identity?: 'always' | 'by-default';
  attnum: number;
}

export interface IndexMeta {
  oid: number;
  name: string;
  schema: string;
  tableOid: number;
  /** Positions of the key columns in the table's column list. */
  columns: number[];
  unique: boolean;
  primary: boolean;
  store: IndexStore;
}

export interface ConstraintMeta {
  oid: number;
  name: string;
  kind: 'p' | 'u' | 'c' | 'f';
  columns: number[];
  check?: Expr;
  checkText?: string;
  indexOid?: number;
  ref?: { tableOid: number; columns: number[]; onDelete: string; onUpdate: string };
}

export interface TableMeta {
  oid: number;
  schema: string;
  name: string;
  kind: 'r' | 'v';
  columns: ColumnMeta[];
  store: TableStore;
  indexes: IndexMeta[];
  constraints: ConstraintMeta[];
  view?: SelectStmt;
  viewText?: string;
}

export interface SequenceMeta {
  oid: number;
  schema: string;
  name: string;
  value: bigint;
  increment: bigint;
  min: bigint;
  max: bigint;
  called: boolean;
  /** Column that owns it (serial), dropped with its table. */
  ownedBy?: number;
}

export const NAMESPACE_OIDS: Record<string, number> = {
  pg_catalog: 11,
  public: 2200,
  information_schema: 13000,
};

export class Catalog {
  private nextOid = 16384;
  readonly schemas = new Map<string, number>(Object.entries(NAMESPACE_OIDS));
  private readonly tables = new Map<string, TableMeta>();
  private readonly byOid = new Map<number, TableMeta>();
  readonly sequences = new Map<string, SequenceMeta>();
  readonly indexes = new Map<string, IndexMeta>();
  readonly constraintNames = new Set<string>();
  /** Bumped by every DDL change: prepared plans built against an older version are rebuilt. */
  version = 0;

  constructor(readonly storage: Storage) {}

  allocateOid(): number {
    return this.nextOid++;
  }

  private key(schema: string, name: string): string {
    return `${schema}.${name}`;
  }

  allTables(): TableMeta[] {
    return [...this.tables.values()];
  }

  findTable(schema: string | undefined, name: string): TableMeta | undefined {
    if (schema) return this.tables.get(this.key(schema, name));
    return this.tables.get(this.key('public', name));
  }

  tableByOid(oid: number): TableMeta | undefined {
    return this.byOid.get(oid);
  }

  getTable(schema: string | undefined, name: string, pos?: number): TableMeta {
    const t = this.findTable(schema, name);
    if (!t) {
      const full = schema ? `${schema}.${name}` : name;
      throw new SqlError(
        '42P01',
        `relation "${full}" does not exist`,
        pos === undefined ? {} : { position: pos + 1 },
      );
    }
    return t;
  }

  /** Any relation name in a schema (tables, views, indexes, sequences share one namespace). */
  relationExists(schema: string, name: string): boolean {
    const k = this.key(schema, name);
    return this.tables.has(k) || this.indexes.has(k) || this.sequences.has(k);
  }

  addTable(txn: Transaction, meta: TableMeta): void {
    const k = this.key(meta.schema, meta.name);
    this.tables.set(k, meta);
    this.byOid.set(meta.oid, meta);
    this.version++;
    txn.onRollback(() => {
      this.tables.delete(k);
      this.byOid.delete(meta.oid);
      this.version++;
    });
  }

  removeTable(txn: Transaction, meta: TableMeta): void {
    const k = this.key(meta.schema, meta.name);
    this.tables.delete(k);
    this.byOid.delete(meta.oid);
    const indexes = meta.indexes.slice();
    for (const ix of indexes) this.indexes.delete(this.key(ix.schema, ix.name));
    const seqs = [...this.sequences.entries()].filter(([, s]) => s.ownedBy === meta.oid);
    for (const [sk] of seqs) this.sequences.delete(sk);
    this.version++;
    txn.onRollback(() => {
      this.tables.set(k, meta);
      this.byOid.set(meta.oid, meta);
      for (const ix of indexes) this.indexes.set(this.key(ix.schema, ix.name), ix);
      for (const [sk, s] of seqs) this.sequences.set(sk, s);
      this.version++;
    });
  }

  renameTable(txn: Transaction, meta: TableMeta, name: string): void {
    const old = meta.name;
    this.tables.delete(this.key(meta.schema, old));
    meta.name = name;
    this.tables.set(this.key(meta.schema, name), meta);
    this.version++;
    txn.onRollback(() => {
      this.tables.delete(this.key(meta.schema, name));
      meta.name = old;
      this.tables.set(this.key(meta.schema, old), meta);
      this.version++;
    });
  }

  addIndex(txn: Transaction, table: TableMeta, index: IndexMeta): void {
    const k = this.key(index.schema, index.name);
    this.indexes.set(k, index);
    table.indexes.push(index);
    this.version++;
    txn.onRollback(() => {
      this.indexes.delete(k);
      table.indexes.splice(table.indexes.indexOf(index), 1);
      this.version++;
    });
  }

  removeIndex(txn: Transaction, index: IndexMeta): void {
    const k = this.key(index.schema, index.name);
    const table = this.byOid.get(index.tableOid)!;
    const at = table.indexes.indexOf(index);
    this.indexes.delete(k);
    table.indexes.splice(at, 1);
    this.version++;
    txn.onRollback(() => {
      this.indexes.set(k, index);
      table.indexes.splice(at, 0, index);
      this.version++;
    });
  }

  addSequence(txn: Transaction, seq: SequenceMeta): void {
    const k = this.key(seq.schema, seq.name);
    this.sequences.set(k, seq);
    txn.onRollback(() => this.sequences.delete(k));
  }

  removeSequence(txn: Transaction, seq: SequenceMeta): void {
    const k = this.key(seq.schema, seq.name);
    this.sequences.delete(k);
    txn.onRollback(() => this.sequences.set(k, seq));
  }

  findSequence(schema: string | undefined, name: string): SequenceMeta | undefined {
    return this.sequences.get(this.key(schema ?? 'public', name));
  }

  addSchema(txn: Transaction, name: string): void {
    this.schemas.set(name, this.allocateOid());
    txn.onRollback(() => this.schemas.delete(name));
  }

  /** Records a change to a table's definition (columns, constraints) to undo on rollback. */
  changeTable(txn: Transaction, meta: TableMeta, apply: () => void): void {
    const saved = {
      columns: meta.columns.map((c) => ({ ...c })),
      constraints: meta.constraints.slice(),
    };
    apply();
    this.version++;
    txn.onRollback(() => {
      meta.columns = saved.columns;
      meta.constraints = saved.constraints;
      this.version++;
    });
  }
}
