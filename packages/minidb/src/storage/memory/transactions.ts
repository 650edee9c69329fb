import { SqlError } from '../../engine/errors.js';
import type { Transaction } from '../api.js';

type XidStatus = 'in-progress' | 'committed' | 'aborted';

/**
 * Transaction ids, their status and snapshots. Each savepoint level gets its own sub-id so a
 * rollback to a savepoint is just marking those ids aborted (as PostgreSQL's subtransactions).
 */
export class TransactionManager {
  private nextXid = 1;
  private readonly status = new Map<number, XidStatus>();
  readonly active = new Set<MemoryTransaction>();

  allocate(): number {
    const xid = this.nextXid++;
    this.status.set(xid, 'in-progress');
    return xid;
  }

  statusOf(xid: number): XidStatus {
    return this.status.get(xid) ?? 'aborted';
  }

  setStatus(xid: number, s: XidStatus): void {
    this.status.set(xid, s);
  }

  get horizon(): number {
    return this.nextXid;
  }

  begin(): MemoryTransaction {
    const txn = new MemoryTransaction(this);
    this.active.add(txn);
    return txn;
  }

  /** Oldest xid any active snapshot may still need (versions deleted before it are dead). */
  oldestSnapshotXmin(): number {
    let min = this.nextXid;
    for (const t of this.active) min = Math.min(min, t.snapshotXmin);
    return min;
  }
}

export class MemoryTransaction implements Transaction {
  readonly xid: number;
  commandId = 0;
  state: 'active' | 'committed' | 'aborted' = 'active';
  /** Xids allocated at or after this were not committed when the snapshot was taken. */
  readonly snapshotXmax: number;
  /** In-progress transactions at snapshot time. */
  readonly snapshotActive: Set<number>;
  readonly snapshotXmin: number;
  /** Own ids: the top id and one per savepoint level; current is the last. */
  private readonly ownXids: number[];
  currentXid: number;
  private readonly undo: { fn: () => void }[] = [];
  /** Per open savepoint level: undo length and index of its first sub-id in ownXids. */
  private readonly levels: { undoLength: number; xidIndex: number }[] = [];

  constructor(private readonly manager: TransactionManager) {
    this.xid = manager.allocate();
    this.currentXid = this.xid;
    this.ownXids = [this.xid];
    this.snapshotXmax = manager.horizon;
    this.snapshotActive = new Set();
    let xmin = this.xid;
    for (const t of manager.active) {
      for (const x of t.ownIds()) {
        this.snapshotActive.add(x);
        xmin = Math.min(xmin, x);
      }
    }
    this.snapshotXmin = xmin;
  }

  ownIds(): readonly number[] {
    return this.ownXids;
  }

  isOwn(xid: number): boolean {
    return (
      xid >= this.xid && this.ownXids.includes(xid) && this.manager.statusOf(xid) !== 'aborted'
    );
  }

  /** Whether the effects of `xid` are visible to this transaction (own writes of earlier commands included). */
  sees(xid: number, cid: number): boolean {
    if (this.isOwn(xid)) return cid < this.commandId;
    if (xid >= this.snapshotXmax || this.snapshotActive.has(xid)) return false;
    return this.manager.statusOf(xid) === 'committed';
  }

  statusOf(xid: number): 'own' | 'in-progress' | 'committed' | 'aborted' {
    if (this.isOwn(xid)) return 'own';
    return this.manager.statusOf(xid);
  }

  nextCommand(): void {
    this.commandId++;
  }

  savepoint(): number {
    const sub = this.manager.allocate();
    this.levels.push({ undoLength: this.undo.length, xidIndex: this.ownXids.length });
    this.ownXids.push(sub);
    this.currentXid = sub;
    return this.levels.length;
  }

  rollbackTo(marker: number): void {
    // Abort every sub-id from this level up, undo, then open a fresh sub-id at the same level.
    const level = this.levels[marker - 1];
    for (let k = level.xidIndex; k < this.ownXids.length; k++)
      this.manager.setStatus(this.ownXids[k], 'aborted');
    while (this.undo.length > level.undoLength) this.undo.pop()!.fn();
    this.levels.length = marker - 1;
    this.savepoint();
  }

  releaseTo(marker: number): void {
    // Released levels' writes stay under their sub-ids, which commit with the top id.
    this.levels.length = marker - 1;
  }

  onRollback(fn: () => void): void {
    this.undo.push({ fn });
  }

  commit(): void {
    if (this.state !== 'active') throw new SqlError('25P02', 'transaction is not active');
    for (const x of this.ownXids)
      if (this.manager.statusOf(x) === 'in-progress') this.manager.setStatus(x, 'committed');
    this.state = 'committed';
    this.manager.active.delete(this);
  }

  abort(): void {
    if (this.state !== 'active') return;
    for (const x of this.ownXids) this.manager.setStatus(x, 'aborted');
    while (this.undo.length) this.undo.pop()!.fn();
    this.state = 'aborted';
    this.manager.active.delete(this);
  }
}
