import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import type { Database } from '../keyspace/database.js';
import type { Entry } from '../keyspace/entry.js';
import { type Arg, encodeCommands, entryCommands } from './resp-encode.js';

/** First command of a snapshot file: identifies our format (the loader skips it). */
export const SNAPSHOT_HEADER: Arg[] = ['STRATA-SNAPSHOT', '1'];

/**
 * A point-in-time dump of every database, written incrementally without stopping clients.
 *
 * Instead of fork()'s copy-on-write, the job copies before write: a command about to modify a key
 * the job has not written yet first has that key's current value written (beforeKeyWrite), and a
 * key created after the start is marked so the iterator skips it. The file therefore holds the
 * dataset exactly as it was when the job started.
 */
export class SnapshotJob {
  private readonly fd: number;
  private readonly iterators: Array<Iterator<[string, Entry]>>;
  /** Keys already handled per db (written, or absent at the start). */
  private readonly done: Array<Set<string>>;
  private readonly startedAt = Date.now();
  private dbCursor = 0;
  private pending: Arg[][] = [];
  private pendingBytes = 0;
  private currentDb = -1;
  finished = false;
  keysWritten = 0;

  constructor(
    readonly path: string,
    private readonly dbs: readonly Database[],
    /** Commands written before the keys: the FUNCTION LOAD of each library. */
    prelude: readonly Arg[][] = [],
  ) {
    this.fd = openSync(path, 'w', 0o644);
    this.iterators = dbs.map((db) => db.dict.entries());
    this.done = dbs.map(() => new Set<string>());
    this.pending.push(SNAPSHOT_HEADER, ...prelude);
  }

  /** Writes keys for about `budgetMs`; returns true when every key is written. */
  step(budgetMs: number): boolean {
    const deadline = performance.now() + budgetMs;
    let n = 0;
    while (this.dbCursor < this.dbs.length) {
      const next = this.iterators[this.dbCursor]!.next();
      if (next.done) {
        this.dbCursor++;
        continue;
      }
      const [key, entry] = next.value;
      this.writeKey(this.dbCursor, key, entry);
      if (++n % 64 === 0 && performance.now() > deadline) {
        this.flush(false);
        return false;
      }
    }
    this.flush(true);
    return true;
  }

  /** Before `key` in `db` changes: write its value as of the start, if not done yet. */
  beforeKeyWrite(db: Database, key: string): void {
    const index = this.dbs.indexOf(db);
    // A database already iterated to its end had every key written: nothing to do.
    if (index === -1 || index < this.dbCursor) return;
    const done = this.done[index]!;
    if (done.has(key)) return;
    const entry = db.dict.get(key);
    if (entry) this.writeKey(index, key, entry);
    else done.add(key);
  }

  /** Writes everything left at once (before SWAPDB, FLUSHALL and other whole-db changes). */
  finishNow(): void {
    while (!this.step(1000)) {
      /* keep going */
    }
  }

  /** fsyncs and closes the file. */
  close(): void {
    this.flush(true);
    fsyncSync(this.fd);
    closeSync(this.fd);
  }

  /** Closes and leaves the caller to delete the file. */
  abort(): void {
    try {
      closeSync(this.fd);
    } catch {
      /* already closed */
    }
  }

  get ageMs(): number {
    return Date.now() - this.startedAt;
  }

  private writeKey(dbIndex: number, key: string, entry: Entry): void {
    const done = this.done[dbIndex]!;
    if (done.has(key)) return;
    done.add(key);
    if (entry.expiresAt !== 0 && entry.expiresAt <= this.startedAt) return;
    if (dbIndex !== this.currentDb) {
      this.pending.push(['SELECT', String(dbIndex)]);
      this.currentDb = dbIndex;
    }
    for (const command of entryCommands(entry, key)) {
      this.pending.push(command);
      for (const arg of command) this.pendingBytes += arg.length + 16;
    }
    this.keysWritten++;
    if (this.pendingBytes > 1024 * 1024) this.flush(false);
  }

  private flush(force: boolean): void {
    if (this.pending.length === 0 || (!force && this.pendingBytes < 64 * 1024)) return;
    const bytes = encodeCommands(this.pending);
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(this.fd, bytes, offset);
    this.pending = [];
    this.pendingBytes = 0;
  }
}
