/**
 * An associative array that lists its keys in bash's order. bash keeps them in a chained
 * hash table and walks it bucket by bucket, so `${!m[@]}` comes out in that order, which
 * scripts (and their tests) end up depending on. The observable rules, checked against
 * bash 5.2 with generated key sets (test/bash-parity.test.ts):
 * - the bucket is the 32-bit FNV-1 hash of the key's UTF-8 bytes (each byte taken as a
 *   signed char, as on x86-64), masked to the bucket count;
 * - a new key goes to the front of its bucket; replacing a value keeps the key's place;
 * - the table starts with 1024 buckets; before an insertion that finds twice as many keys
 *   as buckets, it grows fourfold, moving keys bucket by bucket, each to the front of its
 *   new bucket;
 * - emptying the array (`m=()`) keeps the bucket count; a new `declare -A` starts over.
 */

const INITIAL_BUCKETS = 1024;
const GROW_AT_KEYS_PER_BUCKET = 2;
const GROWTH = 4;
const FNV_OFFSET = 2166136261;
const FNV_PRIME = 16777619;

function bashHash(key: string): number {
  let h = FNV_OFFSET;
  for (const byte of Buffer.from(key)) {
    h = Math.imul(h, FNV_PRIME) >>> 0;
    // a char above 127 is negative: its sign extends across the word
    h = (h ^ (byte < 128 ? byte : byte | 0xffffff00)) >>> 0;
  }
  return h;
}

export class AssocArray {
  private readonly store = new Map<string, string>();
  /** Keys per bucket, newest first; buckets are created on first use. */
  private buckets: (string[] | undefined)[] = new Array(INITIAL_BUCKETS);

  get size(): number {
    return this.store.size;
  }

  get(key: string): string | undefined {
    return this.store.get(key);
  }

  has(key: string): boolean {
    return this.store.has(key);
  }

  set(key: string, value: string): void {
    if (!this.store.has(key)) {
      if (this.store.size >= this.buckets.length * GROW_AT_KEYS_PER_BUCKET) this.grow();
      this.place(key);
    }
    this.store.set(key, value);
  }

  delete(key: string): void {
    if (!this.store.delete(key)) return;
    const bucket = this.buckets[this.bucketOf(key)]!;
    bucket.splice(bucket.indexOf(key), 1);
  }

  clear(): void {
    this.store.clear();
    this.buckets = new Array(this.buckets.length);
  }

  *keys(): IterableIterator<string> {
    for (const bucket of this.buckets) if (bucket) yield* bucket;
  }

  *values(): IterableIterator<string> {
    for (const key of this.keys()) yield this.store.get(key)!;
  }

  *entries(): IterableIterator<[string, string]> {
    for (const key of this.keys()) yield [key, this.store.get(key)!];
  }

  clone(): AssocArray {
    const copy = new AssocArray();
    for (const [k, v] of this.store) copy.store.set(k, v);
    copy.buckets = this.buckets.map((b) => b?.slice());
    return copy;
  }

  private bucketOf(key: string): number {
    return bashHash(key) & (this.buckets.length - 1);
  }

  private place(key: string): void {
    const i = this.bucketOf(key);
    const bucket = this.buckets[i];
    if (bucket) bucket.unshift(key);
    else this.buckets[i] = [key];
  }

  private grow(): void {
    const old = this.buckets;
    this.buckets = new Array(old.length * GROWTH);
    for (const bucket of old) if (bucket) for (const key of bucket) this.place(key);
  }
}
