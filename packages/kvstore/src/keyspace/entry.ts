import {
  type StoredValue,
  type StringValue,
  type ValueType,
  stringBytes,
} from '../values/types.js';

/** One key of a database: its typed value plus the metadata Redis keeps in a robj and dictEntry. */
export class Entry {
  /** Absolute expiry in ms since the epoch; 0 = no TTL. */
  expiresAt = 0;
  /** Bytes this entry was last accounted for (see Database.usedBytes). */
  mem = 0;
  /**
   * LRU: last access in seconds (LRU clock). LFU: (minutes << 8) | logarithmic counter, as Redis
   * packs both into the same 24 bits.
   */
  lru: number;

  constructor(
    readonly key: string,
    public type: ValueType,
    public value: StringValue | StoredValue,
    lru: number,
  ) {
    this.lru = lru;
  }
}

/** Fixed per-key cost: Map slot, bucket slot, Entry object. Calibrated against V8 heap growth. */
const ENTRY_OVERHEAD = 80;
const EXPIRE_OVERHEAD = 40;

export function stringValueBytes(value: StringValue): number {
  return typeof value === 'string' ? stringBytes(value.length) : 96 + value.length;
}

export function entryBytes(entry: Entry): number {
  const value =
    entry.type === 'string'
      ? stringValueBytes(entry.value as StringValue)
      : (entry.value as StoredValue).memoryUsage();
  return (
    ENTRY_OVERHEAD +
    stringBytes(entry.key.length) +
    value +
    (entry.expiresAt !== 0 ? EXPIRE_OVERHEAD : 0)
  );
}
