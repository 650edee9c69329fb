/**
 * The storage interface the SQL engine runs on (issue 11; issue 12 adds a durable
 * implementation). Tables and indexes are ordered key/value trees read through cursors;
 * every read and write goes through a transaction handle that decides visibility (MVCC).
 */

/** Keys of a tree: tuples compared element by element (NULLs last, as btree). */
export type TreeKey = readonly unknown[];

export type KeyComparator = (a: TreeKey, b: TreeKey) => number;

export interface Cursor<V> {
  /** Current entry, or null past the end. */
  readonly key: TreeKey | null;
  readonly value: V | null;
  next(): boolean;
}

/** An ordered map from keys to values; keys may repeat when the tree allows duplicates. */
export interface OrderedTree<V> {
  readonly size: number;
  get(key: TreeKey): V | undefined;
  set(key: TreeKey, value: V): void;
  delete(key: TreeKey): boolean;
  /** Positions at the first key >= from (or the first key), ascending. */
  seek(from?: TreeKey): Cursor<V>;
  clear(): void;
}

export type RowId = number;

/** One row as stored: its id and its column values (visible to the reading transaction). */
export interface StoredRow {
  rowId: RowId;
  values: unknown[];
}

/** A table's rows, keyed by row id, with versions for MVCC. */
export interface TableStore {
  readonly relationId: number;
  scan(txn: Transaction): Iterable<StoredRow>;
  fetch(txn: Transaction, rowId: RowId): unknown[] | null;
  insert(txn: Transaction, values: unknown[]): RowId;
  /** Replaces the row; throws SqlError 40001 when a concurrent transaction changed it. */
  update(txn: Transaction, rowId: RowId, values: unknown[]): void;
  delete(txn: Transaction, rowId: RowId): void;
  /** Every version of a row not known dead: for uniqueness checks across snapshots. */
  liveVersions(txn: Transaction, rowId: RowId): { values: unknown[]; inProgress: boolean }[];
  /** Drops versions no snapshot can see any more; returns how many. */
  vacuum(): number;
  approximateRows(): number;
}

/** A secondary (or primary key) index: key -> row ids; entries are rechecked on fetch. */
export interface IndexStore {
  readonly relationId: number;
  add(key: TreeKey, rowId: RowId): void;
  /** Row ids whose key equals `key` (stale entries possible: callers recheck). */
  lookup(key: TreeKey): RowId[];
  /** Row ids with keys in [low, high] (either bound may be open), in key order. */
  range(
    low: TreeKey | null,
    lowInclusive: boolean,
    high: TreeKey | null,
    highInclusive: boolean,
    descending?: boolean,
  ): Iterable<RowId>;
  clear(): void;
}

export interface Transaction {
  readonly xid: number;
  /** Current command id: rows written by this command are not seen by it. */
  readonly commandId: number;
  /** Starts a new command within the transaction (each statement). */
  nextCommand(): void;
  /** A savepoint marker; rolling back to it undoes everything written since. */
  savepoint(): number;
  rollbackTo(marker: number): void;
  releaseTo(marker: number): void;
  /** Work to undo (catalog changes) when the transaction or the savepoint rolls back. */
  onRollback(undo: () => void): void;
  commit(): void;
  abort(): void;
  readonly state: 'active' | 'committed' | 'aborted';
}

export interface Storage {
  begin(): Transaction;
  createTable(relationId: number): TableStore;
  createIndex(relationId: number, compare?: KeyComparator): IndexStore;
  table(relationId: number): TableStore;
  index(relationId: number): IndexStore;
  drop(relationId: number): void;
  close(): Promise<void>;
}
