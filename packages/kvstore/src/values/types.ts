/**
 * The value model. The keyspace maps binary-safe keys (latin1 JS strings: one char per byte) to
 * an Entry holding one typed value. Strings are latin1 JS strings, or Buffers once mutated in
 * place (SETRANGE, SETBIT...) or when larger than V8's maximum string length. Collection types
 * are classes that implement StoredValue so that persistence, DUMP/RESTORE and memory
 * accounting handle every type alike.
 */

export type ValueType = 'string' | 'list' | 'hash' | 'set' | 'zset' | 'stream';

export type StringValue = string | Buffer;

/** What every non-string value class provides to the core. */
export interface StoredValue {
  /** Commands that recreate this value under `key` on an empty key (snapshot, AOF rewrite, DUMP). */
  toCommands(key: string): string[][];
  /** Approximate bytes of heap this value occupies (kept O(1): maintain a counter on mutation). */
  memoryUsage(): number;
  /** OBJECT ENCODING's answer, e.g. 'listpack', 'quicklist', 'hashtable', 'skiplist', 'stream'. */
  encoding(): string;
  /** Number of elements (LLEN, HLEN, SCARD, ZCARD, XLEN); an empty collection is deleted. */
  readonly size: number;
}

/** Bytes V8 spends on a string of n latin1 chars (header + payload, rounded). */
export function stringBytes(length: number): number {
  return 24 + ((length + 7) & ~7);
}
