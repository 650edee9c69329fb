import { SqlError } from '../../engine/errors.js';
import type { RowId, StoredRow, TableStore } from '../api.js';
import type { MemoryTransaction, TransactionManager } from './transactions.js';
import type { Transaction } from '../api.js';

/** One version of a row: created by (xmin, cmin), deleted by (xmax, cmax) when xmax != 0. */
interface Version {
  xmin: number;
  cmin: number;
  xmax: number;
  cmax: number;
  values: unknown[];
}

function serializationFailure(): SqlError {
  return new SqlError('40001', 'could not serialize access due to concurrent update');
}

/** A table as a map row id -> version chain (oldest first); ids grow, so appends stay ordered. */
export class MemoryTable implements TableStore {
  private readonly rows = new Map<RowId, Version[]>();
  private nextRowId = 1;

  constructor(
    readonly relationId: number,
    private readonly manager: TransactionManager,
  ) {}

  private visible(txn: MemoryTransaction, chain: Version[]): Version | null {
    for (let k = chain.length - 1; k >= 0; k--) {
      const v = chain[k];
      if (!txn.sees(v.xmin, v.cmin)) continue;
      if (v.xmax !== 0 && txn.sees(v.xmax, v.cmax)) return null;
      return v;
    }
    return null;
  }

  *scan(t: Transaction): Iterable<StoredRow> {
    const txn = t as MemoryTransaction;
    for (const [rowId, chain] of this.rows) {
      const v = this.visible(txn, chain);
      if (v) yield { rowId, values: v.values };
    }
  }

  fetch(t: Transaction, rowId: RowId): unknown[] | null {
    const chain = this.rows.get(rowId);
    if (!chain) return null;
    return this.visible(t as MemoryTransaction, chain)?.values ?? null;
  }

  insert(t: Transaction, values: unknown[]): RowId {
    const txn = t as MemoryTransaction;
    const rowId = this.nextRowId++;
    this.rows.set(rowId, [{ xmin: txn.currentXid, cmin: txn.commandId, xmax: 0, cmax: 0, values }]);
    return rowId;
  }

  /** Marks the visible version deleted, after checking no concurrent writer got there first. */
  private lockForWrite(txn: MemoryTransaction, rowId: RowId): Version[] {
    const chain = this.rows.get(rowId);
    if (!chain) throw serializationFailure();
    const newest = chain[chain.length - 1];
    const creator = txn.statusOf(newest.xmin);
    if (
      creator === 'in-progress' ||
      (creator === 'committed' && !txn.sees(newest.xmin, newest.cmin))
    ) {
      throw serializationFailure();
    }
    if (newest.xmax !== 0) {
      const deleter = txn.statusOf(newest.xmax);
      if (deleter === 'in-progress' || deleter === 'committed') throw serializationFailure();
      if (deleter === 'own') throw new SqlError('XX000', 'tuple already updated by self');
    }
    newest.xmax = txn.currentXid;
    newest.cmax = txn.commandId;
    return chain;
  }

  update(t: Transaction, rowId: RowId, values: unknown[]): void {
    const txn = t as MemoryTransaction;
    const chain = this.lockForWrite(txn, rowId);
    chain.push({ xmin: txn.currentXid, cmin: txn.commandId, xmax: 0, cmax: 0, values });
  }

  delete(t: Transaction, rowId: RowId): void {
    this.lockForWrite(t as MemoryTransaction, rowId);
  }

  liveVersions(t: Transaction, rowId: RowId): { values: unknown[]; inProgress: boolean }[] {
    const txn = t as MemoryTransaction;
    const out: { values: unknown[]; inProgress: boolean }[] = [];
    for (const v of this.rows.get(rowId) ?? []) {
      const created = txn.statusOf(v.xmin);
      if (created === 'aborted') continue;
      const deleted = v.xmax === 0 ? 'aborted' : txn.statusOf(v.xmax);
      if (deleted === 'committed' || deleted === 'own') continue;
      out.push({
        values: v.values,
        inProgress: created === 'in-progress' || deleted === 'in-progress',
      });
    }
    return out;
  }

  vacuum(): number {
    const horizon = this.manager.oldestSnapshotXmin();
    let removed = 0;
    for (const [rowId, chain] of this.rows) {
      const keep = chain.filter((v) => {
        const dead =
          this.manager.statusOf(v.xmin) === 'aborted' ||
          (v.xmax !== 0 && v.xmax < horizon && this.manager.statusOf(v.xmax) === 'committed');
        return !dead;
      });
      removed += chain.length - keep.length;
      if (keep.length === 0) this.rows.delete(rowId);
      else if (keep.length !== chain.length) this.rows.set(rowId, keep);
    }
    return removed;
  }

  approximateRows(): number {
    return this.rows.size;
  }
}
