import { CommandError, Errors } from '../command-error.js';
import type { SortedSet } from '../structures/sorted-set.js';
import type { Stream } from '../structures/stream.js';
import type { HashValue } from '../values/hash.js';
import type { ListValue } from '../values/list.js';
import type { SetValue } from '../values/set.js';
import type { StringValue, ValueType } from '../values/types.js';
import { Entry, entryBytes } from './entry.js';
import { ScanDict } from './scan-dict.js';

/**
 * The value class behind each type. zset and stream are the classes of
 * src/structures/sorted-set.ts (SortedSet) and src/structures/stream.ts (Stream); commands of
 * those families cast to them.
 */
export interface ValueTypeMap {
  string: StringValue;
  list: ListValue;
  hash: HashValue;
  set: SetValue;
  zset: SortedSet;
  stream: Stream;
}

/** What a database needs from the server around it. */
export interface KeyspaceHooks {
  /** Records an access for LRU/LFU (no-op while a command asks for no touch). */
  touch(entry: Entry): void;
  /** A fresh LRU/LFU value for a new key. */
  initialLru(): number;
  /** A key was removed because its TTL passed: notify, propagate DEL, invalidate WATCH. */
  expired(db: Database, key: string): void;
  /** A key blocked clients may wait for was created or grew (list, zset, stream). */
  ready(db: Database, key: string): void;
  /** A key was modified by a command (WATCH invalidation). */
  modified(db: Database, key: string): void;
  /** Keyspace hit/miss counters for INFO stats. */
  hit(found: boolean): void;
  /** Whether expired keys may be deleted now (false while loading or on a replica). */
  readonly expireEnabled: boolean;
}

const BLOCKABLE: ReadonlySet<ValueType> = new Set(['list', 'zset', 'stream']);

/** One of the numbered databases (SELECT n). */
export class Database {
  dict = new ScanDict<Entry>();
  /** The keys that have a TTL, for sampling by the active expiry cycle and volatile-* eviction. */
  expires = new ScanDict<Entry>();
  /** Sum of entryBytes over the keys, maintained as keys change. */
  usedBytes = 0;

  constructor(
    public index: number,
    private readonly hooks: KeyspaceHooks,
  ) {}

  get size(): number {
    return this.dict.size;
  }

  /** The entry if present and not expired, without touching LRU or hit counters. */
  peek(key: string): Entry | undefined {
    const entry = this.dict.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt !== 0 && this.expireIfNeeded(entry)) return undefined;
    return entry;
  }

  /** Lookup for reading: lazy expiry, LRU/LFU touch, keyspace hit/miss stats. */
  lookupRead(key: string): Entry | undefined {
    const entry = this.peek(key);
    this.hooks.hit(entry !== undefined);
    if (entry !== undefined) this.hooks.touch(entry);
    return entry;
  }

  /** Lookup for writing: lazy expiry and LRU/LFU touch. */
  lookupWrite(key: string): Entry | undefined {
    const entry = this.peek(key);
    if (entry !== undefined) this.hooks.touch(entry);
    return entry;
  }

  /** The value if the key exists and has `type`; throws WRONGTYPE if it has another type. */
  getTyped<T extends ValueType>(
    key: string,
    type: T,
    forWrite = false,
  ): ValueTypeMap[T] | undefined {
    const entry = forWrite ? this.lookupWrite(key) : this.lookupRead(key);
    if (entry === undefined) return undefined;
    if (entry.type !== type) throw new CommandError(Errors.wrongType);
    return entry.value as ValueTypeMap[T];
  }

  /** Adds a key that does not exist (callers checked). Signals blocked clients for list/zset/stream. */
  add<T extends ValueType>(key: string, type: T, value: ValueTypeMap[T]): Entry {
    const entry = new Entry(key, type, value, this.hooks.initialLru());
    this.dict.set(key, entry);
    this.account(entry);
    if (BLOCKABLE.has(type)) this.hooks.ready(this, key);
    return entry;
  }

  /**
   * Sets a key to a value whatever it held before (SET, RESTORE REPLACE, *STORE commands).
   * The TTL is cleared unless keepTtl.
   */
  setKey<T extends ValueType>(
    key: string,
    type: T,
    value: ValueTypeMap[T],
    keepTtl = false,
  ): Entry {
    const existing = this.dict.get(key);
    if (existing === undefined || (existing.expiresAt !== 0 && this.expireIfNeeded(existing))) {
      return this.add(key, type, value);
    }
    existing.type = type;
    existing.value = value;
    if (!keepTtl && existing.expiresAt !== 0) this.removeExpire(existing);
    this.account(existing);
    if (BLOCKABLE.has(type)) this.hooks.ready(this, key);
    return existing;
  }

  /** Removes a key; returns whether it existed (expired keys count as absent). */
  delete(key: string): boolean {
    const entry = this.dict.get(key);
    if (entry === undefined) return false;
    if (entry.expiresAt !== 0 && this.expireIfNeeded(entry)) return false;
    this.remove(entry);
    return true;
  }

  /** Removes an entry known to be present, without expiry checks. */
  remove(entry: Entry): void {
    this.dict.delete(entry.key);
    if (entry.expiresAt !== 0) this.expires.delete(entry.key);
    this.usedBytes -= entry.mem;
    entry.mem = 0;
  }

  /** Sets an absolute expiry time in ms. */
  setExpire(entry: Entry, whenMs: number): void {
    if (entry.expiresAt === 0) this.expires.set(entry.key, entry);
    entry.expiresAt = whenMs;
    this.account(entry);
  }

  removeExpire(entry: Entry): boolean {
    if (entry.expiresAt === 0) return false;
    entry.expiresAt = 0;
    this.expires.delete(entry.key);
    this.account(entry);
    return true;
  }

  /** Deletes the entry if its TTL has passed; returns true if it is (now) gone. */
  expireIfNeeded(entry: Entry): boolean {
    if (entry.expiresAt === 0 || entry.expiresAt > Date.now()) return false;
    if (!this.hooks.expireEnabled) return false;
    this.remove(entry);
    this.hooks.expired(this, entry.key);
    return true;
  }

  /** Recomputes the bytes of an entry after a change (values keep O(1) byte counters). */
  account(entry: Entry): void {
    if (this.dict.get(entry.key) !== entry) return;
    const bytes = entryBytes(entry);
    this.usedBytes += bytes - entry.mem;
    entry.mem = bytes;
  }

  /** WATCH invalidation and memory accounting after a command changed `key`. */
  signalModifiedKey(key: string): void {
    const entry = this.dict.get(key);
    if (entry !== undefined) this.account(entry);
    this.hooks.modified(this, key);
  }

  /** Wakes clients blocked on `key` (XADD on an existing stream, pushes to an existing list). */
  signalKeyAsReady(key: string): void {
    this.hooks.ready(this, key);
  }

  /** A random key that is not expired, or undefined. */
  randomKey(): string | undefined {
    for (let tries = 0; tries < 100 && this.dict.size > 0; tries++) {
      const key = this.dict.randomKey()!;
      const entry = this.dict.get(key)!;
      if (entry.expiresAt !== 0 && this.expireIfNeeded(entry)) continue;
      return key;
    }
    return this.dict.size > 0 ? this.dict.randomKey() : undefined;
  }

  /** Empties the database; returns the number of keys removed. */
  flush(): number {
    const removed = this.dict.size;
    this.dict.clear();
    this.expires.clear();
    this.usedBytes = 0;
    return removed;
  }

  /** Exchanges contents with another database (SWAPDB). */
  swapWith(other: Database): void {
    const fields = ['dict', 'expires', 'usedBytes'] as const;
    for (const field of fields) {
      const mine = this[field];
      (this as { [K in typeof field]: unknown })[field] = other[field];
      (other as { [K in typeof field]: unknown })[field] = mine;
    }
  }
}
