import { ScanDict } from '../keyspace/scan-dict.js';
import { type StoredValue, stringBytes } from './types.js';

/** hash-max-listpack-entries and hash-max-listpack-value defaults. */
const LISTPACK_ENTRIES = 512;
const LISTPACK_VALUE = 64;

/** A hash: field -> value, in insertion order (as a small Redis hash in a listpack replies). */
export class HashValue implements StoredValue {
  readonly fields = new ScanDict<string>();
  private bytes = 0;

  get size(): number {
    return this.fields.size;
  }

  get(field: string): string | undefined {
    return this.fields.get(field);
  }

  /** Redis converts a listpack hash to a hashtable once, never back. */
  private hashtable = false;

  /** Returns true when the field is new. */
  set(field: string, value: string): boolean {
    if (
      field.length > LISTPACK_VALUE ||
      value.length > LISTPACK_VALUE ||
      this.fields.size >= LISTPACK_ENTRIES
    ) {
      this.hashtable = true;
    }
    const old = this.fields.get(field);
    this.bytes +=
      stringBytes(value.length) -
      (old === undefined ? -stringBytes(field.length) : stringBytes(old.length));
    return this.fields.set(field, value);
  }

  delete(field: string): boolean {
    const old = this.fields.get(field);
    if (old === undefined) return false;
    this.bytes -= stringBytes(old.length) + stringBytes(field.length);
    return this.fields.delete(field);
  }

  memoryUsage(): number {
    // Measured: the Map entry, bucket slot and the object headers cost ~100 bytes per field.
    return 170 + this.fields.overheadBytes + this.bytes + this.fields.size * 80;
  }

  encoding(): string {
    if (this.fields.size > LISTPACK_ENTRIES) this.hashtable = true;
    return this.hashtable ? 'hashtable' : 'listpack';
  }

  toCommands(key: string): string[][] {
    const commands: string[][] = [];
    let current: string[] = ['HSET', key];
    for (const [field, value] of this.fields) {
      current.push(field, value);
      if (current.length >= 1024) {
        commands.push(current);
        current = ['HSET', key];
      }
    }
    if (current.length > 2) commands.push(current);
    return commands;
  }
}
