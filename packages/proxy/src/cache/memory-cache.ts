import { LRUCache } from 'lru-cache';
import { type CachedResponse, entrySize } from './entry.js';
import { varyMatches } from './vary.js';

export interface MemoryCacheOptions {
  maxBytes: number;
  maxEntries: number;
  maxVariants: number;
}

export interface CacheStats {
  objects: number;
  bytes: number;
  stores: number;
  evictions: number;
  invalidations: number;
  purges: number;
}

/**
 * The in-memory index and bodies: primary key (URI) -> its variants, most recent first, in an
 * LRU bounded by bytes and entries. A URL's variants are one LRU item, so eviction drops them
 * together; a new variant replaces the stored one with the same secondary key.
 */
export class MemoryCache {
  private readonly lru: LRUCache<string, CachedResponse[]>;
  readonly stats: CacheStats = {
    objects: 0,
    bytes: 0,
    stores: 0,
    evictions: 0,
    invalidations: 0,
    purges: 0,
  };

  constructor(private readonly options: MemoryCacheOptions) {
    this.lru = new LRUCache<string, CachedResponse[]>({
      max: options.maxEntries,
      maxSize: Math.max(options.maxBytes, 1),
      sizeCalculation: (variants) =>
        Math.max(
          1,
          variants.reduce((n, e) => n + entrySize(e), 0),
        ),
      dispose: (variants, _key, reason) => {
        this.stats.objects -= variants.length;
        this.stats.bytes -= variants.reduce((n, e) => n + entrySize(e), 0);
        if (reason === 'evict') this.stats.evictions += variants.length;
      },
    });
  }

  /** Whether an object of this size can be kept at all. */
  fits(bytes: number): boolean {
    return bytes < this.options.maxBytes;
  }

  /** The stored variant that matches the request's headers (RFC 9111 §4.1), if any. */
  lookup(key: string, headers: Record<string, string>): CachedResponse | undefined {
    const variants = this.lru.get(key);
    if (!variants) return undefined;
    return variants.find((e) => varyMatches(e.varyNames, e.varyValues, headers));
  }

  store(entry: CachedResponse): void {
    const current = this.lru.peek(entry.key) ?? [];
    const secondary = entry.varyValues.join('\u0001');
    const others = current.filter(
      (e) =>
        e.varyNames.join(',') !== entry.varyNames.join(',') ||
        e.varyValues.join('\u0001') !== secondary,
    );
    const variants = [entry, ...others].slice(0, this.options.maxVariants);
    // set() disposes the old array (its objects and bytes), then the new one is counted.
    this.lru.set(entry.key, variants);
    if (this.lru.peek(entry.key) === variants) {
      this.stats.objects += variants.length;
      this.stats.bytes += variants.reduce((n, e) => n + entrySize(e), 0);
      this.stats.stores++;
    }
  }

  /** A stored entry's fields changed (304): its size is recomputed. */
  updated(entry: CachedResponse): void {
    const variants = this.lru.peek(entry.key);
    if (variants?.includes(entry)) this.store(entry);
  }

  /** Drops every variant of a URI; returns whether there was one. */
  delete(key: string, why: 'invalidation' | 'purge'): boolean {
    const had = this.lru.delete(key);
    if (had) {
      if (why === 'purge') this.stats.purges++;
      else this.stats.invalidations++;
    }
    return had;
  }
}
