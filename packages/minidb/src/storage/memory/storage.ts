import { SqlError } from '../../engine/errors.js';
import { compareValues } from '../../sql/types/values.js';
import type {
  IndexStore,
  KeyComparator,
  RowId,
  Storage,
  TableStore,
  Transaction,
  TreeKey,
} from '../api.js';
import { compareKeys, SortedTree } from './sorted-tree.js';
import { MemoryTable } from './table.js';
import { TransactionManager } from './transactions.js';

/** Index entries are (key, rowId) pairs in one ordered tree; duplicates differ by row id. */
class MemoryIndex implements IndexStore {
  private readonly tree: SortedTree<true>;

  constructor(
    readonly relationId: number,
    compare: KeyComparator,
  ) {
    this.tree = new SortedTree<true>((a, b) => {
      const c = compare(a.slice(0, -1), b.slice(0, -1));
      return c !== 0 ? c : (a[a.length - 1] as number) - (b[b.length - 1] as number);
    });
    this.compare = compare;
  }

  private readonly compare: KeyComparator;

  add(key: TreeKey, rowId: RowId): void {
    this.tree.set([...key, rowId], true);
  }

  lookup(key: TreeKey): RowId[] {
    const out: RowId[] = [];
    const c = this.tree.seek([...key, 0]);
    while (c.next()) {
      const k = c.key!;
      if (this.compare(k.slice(0, -1), key) !== 0) break;
      out.push(k[k.length - 1] as number);
    }
    return out;
  }

  *range(
    low: TreeKey | null,
    lowInclusive: boolean,
    high: TreeKey | null,
    highInclusive: boolean,
    descending = false,
  ): Iterable<RowId> {
    const ids: RowId[] = [];
    const c = this.tree.seek(
      low ? [...low, lowInclusive ? 0 : Number.MAX_SAFE_INTEGER] : undefined,
    );
    while (c.next()) {
      const k = c.key!;
      const key = k.slice(0, -1);
      if (low && !lowInclusive && this.prefixCompare(key, low) === 0) continue;
      if (high) {
        const cmp = this.prefixCompare(key, high);
        if (cmp > 0 || (cmp === 0 && !highInclusive)) break;
      }
      if (descending) ids.push(k[k.length - 1] as number);
      else yield k[k.length - 1] as number;
    }
    for (let i = ids.length - 1; i >= 0; i--) yield ids[i];
  }

  /** Compares only the bound's columns (a bound may name a prefix of the key). */
  private prefixCompare(key: TreeKey, bound: TreeKey): number {
    return this.compare(key.slice(0, bound.length), bound);
  }

  clear(): void {
    this.tree.clear();
  }
}

/** Everything in memory: correct under concurrent sessions (MVCC), gone at exit. */
export class MemoryStorage implements Storage {
  private readonly manager = new TransactionManager();
  private readonly tables = new Map<number, MemoryTable>();
  private readonly indexes = new Map<number, MemoryIndex>();

  begin(): Transaction {
    return this.manager.begin();
  }

  createTable(relationId: number): TableStore {
    const t = new MemoryTable(relationId, this.manager);
    this.tables.set(relationId, t);
    return t;
  }

  createIndex(relationId: number, compare: KeyComparator = compareKeys(compareValues)): IndexStore {
    const i = new MemoryIndex(relationId, compare);
    this.indexes.set(relationId, i);
    return i;
  }

  table(relationId: number): TableStore {
    const t = this.tables.get(relationId);
    if (!t) throw new SqlError('XX000', `could not open relation with OID ${relationId}`);
    return t;
  }

  index(relationId: number): IndexStore {
    const i = this.indexes.get(relationId);
    if (!i) throw new SqlError('XX000', `could not open index with OID ${relationId}`);
    return i;
  }

  drop(relationId: number): void {
    this.tables.delete(relationId);
    this.indexes.delete(relationId);
  }

  async close(): Promise<void> {
    this.tables.clear();
    this.indexes.clear();
  }
}
