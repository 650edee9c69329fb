/**
 * A Map with Redis's dict guarantees on top: SCAN cursors that never miss an element present for
 * the whole scan, and O(1) random sampling (RANDOMKEY, SPOP, eviction and expiry sampling).
 *
 * Lookups go through the Map. Alongside it every key sits in a bucket chosen by its hash in a
 * power-of-two table; the cursor walks buckets with Redis's reverse-binary increment, which stays
 * correct when the table grows or shrinks between calls. Resizes are incremental (a few buckets
 * per write plus `rehashStep` from the server cron), so a million keys never rehash at once.
 */

const MIN_BUCKETS = 4;

/** A bucket holds one key as a bare string (the common case: no array allocated) or several. */
type Bucket = string | string[] | undefined;

interface Table {
  buckets: Bucket[];
  mask: number;
}

function newTable(size: number): Table {
  return { buckets: new Array<Bucket>(size), mask: size - 1 };
}

/** FNV-1a over the latin1 chars. */
export function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function reverseBits(v: number): number {
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  return ((v >>> 16) | (v << 16)) >>> 0;
}

/** Redis's cursor step: increment the reversed bits above the mask. */
function nextCursor(v: number, mask: number): number {
  v = (v | ~mask) >>> 0;
  v = reverseBits(v);
  v = (v + 1) >>> 0;
  return reverseBits(v);
}

export class ScanDict<V> {
  private readonly map = new Map<string, V>();
  private t0: Table = newTable(MIN_BUCKETS);
  /** The table being rehashed into, or undefined. */
  private t1: Table | undefined;
  private rehashIndex = 0;

  get size(): number {
    return this.map.size;
  }

  get(key: string): V | undefined {
    return this.map.get(key);
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  /** Sets the value; returns true when the key is new. */
  set(key: string, value: V): boolean {
    const before = this.map.size;
    this.map.set(key, value);
    if (this.map.size === before) return false;
    this.insertBucket(key);
    return true;
  }

  delete(key: string): boolean {
    if (!this.map.delete(key)) return false;
    this.removeBucket(key);
    return true;
  }

  clear(): void {
    this.map.clear();
    this.t0 = newTable(MIN_BUCKETS);
    this.t1 = undefined;
  }

  keys(): IterableIterator<string> {
    return this.map.keys();
  }

  values(): IterableIterator<V> {
    return this.map.values();
  }

  entries(): IterableIterator<[string, V]> {
    return this.map.entries();
  }

  [Symbol.iterator](): IterableIterator<[string, V]> {
    return this.map.entries();
  }

  /** A uniformly chosen bucket, then a random element of it, as dictGetRandomKey does. */
  randomKey(): string | undefined {
    if (this.map.size === 0) return undefined;
    if (this.t1) this.rehashStep(1);
    for (;;) {
      let bucket: Bucket;
      if (this.t1) {
        // Buckets below rehashIndex in t0 are empty; draw from the rest of t0 plus t1.
        const span = this.t0.buckets.length - this.rehashIndex + this.t1.buckets.length;
        const pick = this.rehashIndex + Math.floor(Math.random() * span);
        bucket =
          pick < this.t0.buckets.length
            ? this.t0.buckets[pick]
            : this.t1.buckets[pick - this.t0.buckets.length];
      } else {
        bucket = this.t0.buckets[Math.floor(Math.random() * this.t0.buckets.length)];
      }
      if (typeof bucket === 'string') return bucket;
      if (bucket && bucket.length > 0) return bucket[Math.floor(Math.random() * bucket.length)];
    }
  }

  /**
   * Visits the buckets for `cursor`, calling `visit` for each key, and returns the next cursor
   * (0 when the scan is complete). Keys may be visited more than once across a scan.
   */
  scan(cursor: number, visit: (key: string) => void): number {
    let v = cursor >>> 0;
    if (this.map.size === 0) return 0;
    const emit = (bucket: Bucket) => {
      if (typeof bucket === 'string') visit(bucket);
      else if (bucket) for (const key of bucket.slice()) visit(key);
    };
    if (!this.t1) {
      const { mask } = this.t0;
      emit(this.t0.buckets[v & mask]);
      return nextCursor(v, mask);
    }
    let small = this.t0;
    let large = this.t1;
    if (small.mask > large.mask) [small, large] = [large, small];
    const m0 = small.mask;
    const m1 = large.mask;
    emit(small.buckets[v & m0]);
    // Then every bucket of the larger table that expands the small table's bucket.
    do {
      emit(large.buckets[v & m1]);
      v = nextCursor(v, m1);
    } while (v & (m0 ^ m1));
    return v;
  }

  /** Moves up to `n` buckets to the new table; returns true while a rehash is still running. */
  rehashStep(n: number): boolean {
    const t1 = this.t1;
    if (!t1) return false;
    const from = this.t0.buckets;
    let emptyVisits = n * 10;
    while (n > 0 && this.rehashIndex < from.length) {
      const bucket = from[this.rehashIndex];
      if (bucket === undefined) {
        this.rehashIndex++;
        if (--emptyVisits === 0) break;
        continue;
      }
      if (typeof bucket === 'string') pushTo(t1, bucket);
      else for (const key of bucket) pushTo(t1, key);
      from[this.rehashIndex] = undefined;
      this.rehashIndex++;
      n--;
    }
    if (this.rehashIndex >= from.length) {
      this.t0 = t1;
      this.t1 = undefined;
      this.rehashIndex = 0;
    }
    return this.t1 !== undefined;
  }

  /** Approximate bytes of the bucket index (memory accounting). */
  get overheadBytes(): number {
    return (this.t0.buckets.length + (this.t1?.buckets.length ?? 0)) * 8 + this.map.size * 40;
  }

  private insertBucket(key: string): void {
    if (this.t1) {
      this.rehashStep(1);
      if (this.t1) {
        pushTo(this.t1, key);
        return;
      }
    } else if (this.map.size > this.t0.buckets.length) {
      this.startRehash(this.t0.buckets.length * 2);
      pushTo(this.t1 ?? this.t0, key);
      return;
    }
    pushTo(this.t0, key);
  }

  private removeBucket(key: string): void {
    const h = hashKey(key);
    if (this.t1) this.rehashStep(1);
    const removedFromT0 = removeFrom(this.t0, h, key);
    if (!removedFromT0 && this.t1) removeFrom(this.t1, h, key);
    // Shrink when the table is mostly empty (keeps random sampling O(1)).
    const size = this.t0.buckets.length;
    if (!this.t1 && size > MIN_BUCKETS && this.map.size * 8 < size) {
      let target = MIN_BUCKETS;
      while (target < this.map.size) target *= 2;
      this.startRehash(target);
    }
  }

  private startRehash(size: number): void {
    this.t1 = newTable(size);
    this.rehashIndex = 0;
    this.rehashStep(1);
  }
}

function pushTo(table: Table, key: string): void {
  const index = hashKey(key) & table.mask;
  const bucket = table.buckets[index];
  if (bucket === undefined) table.buckets[index] = key;
  else if (typeof bucket === 'string') table.buckets[index] = [bucket, key];
  else bucket.push(key);
}

function removeFrom(table: Table, hash: number, key: string): boolean {
  const index = hash & table.mask;
  const bucket = table.buckets[index];
  if (bucket === undefined) return false;
  if (typeof bucket === 'string') {
    if (bucket !== key) return false;
    table.buckets[index] = undefined;
    return true;
  }
  const at = bucket.indexOf(key);
  if (at === -1) return false;
  const last = bucket.pop()!;
  if (at < bucket.length) bucket[at] = last;
  if (bucket.length === 1) table.buckets[index] = bucket[0];
  return true;
}

/**
 * One SCAN call over a dict: walks buckets until `count` keys were gathered (or count*10
 * buckets were visited, as Redis bounds the work), returning the next cursor and the keys.
 */
export function scanBatch<V>(
  dict: ScanDict<V>,
  cursor: number | undefined,
  count: number,
): { cursor: number; keys: string[] } {
  const keys: string[] = [];
  // undefined: a cursor past every table (see parseScanCursor); the scan is over.
  if (cursor === undefined) return { cursor: 0, keys };
  let budget = count * 10;
  do {
    cursor = dict.scan(cursor, (key) => keys.push(key));
  } while (cursor !== 0 && --budget > 0 && keys.length < count);
  return { cursor, keys };
}
