import { type StoredValue, stringBytes } from './types.js';

/**
 * A list as a growable ring buffer: O(1) push and pop at both ends, O(1) index, O(n) inserts and
 * removals in the middle (as Redis's quicklist is O(n) for those).
 */
export class ListValue implements StoredValue {
  private items: Array<string | undefined> = new Array(8);
  private head = 0;
  private count = 0;
  private bytes = 0;

  get size(): number {
    return this.count;
  }

  get(index: number): string {
    return this.items[(this.head + index) & (this.items.length - 1)]!;
  }

  set(index: number, value: string): void {
    const slot = (this.head + index) & (this.items.length - 1);
    this.bytes += stringBytes(value.length) - stringBytes(this.items[slot]!.length);
    this.items[slot] = value;
  }

  pushTail(value: string): void {
    if (this.count === this.items.length) this.grow();
    this.items[(this.head + this.count) & (this.items.length - 1)] = value;
    this.count++;
    this.bytes += stringBytes(value.length);
  }

  pushHead(value: string): void {
    if (this.count === this.items.length) this.grow();
    this.head = (this.head - 1) & (this.items.length - 1);
    this.items[this.head] = value;
    this.count++;
    this.bytes += stringBytes(value.length);
  }

  popHead(): string | undefined {
    if (this.count === 0) return undefined;
    const value = this.items[this.head]!;
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & (this.items.length - 1);
    this.count--;
    this.bytes -= stringBytes(value.length);
    return value;
  }

  popTail(): string | undefined {
    if (this.count === 0) return undefined;
    const slot = (this.head + this.count - 1) & (this.items.length - 1);
    const value = this.items[slot]!;
    this.items[slot] = undefined;
    this.count--;
    this.bytes -= stringBytes(value.length);
    return value;
  }

  /** Elements start..end inclusive (already clamped by the caller). */
  range(start: number, end: number): string[] {
    const out: string[] = new Array(Math.max(0, end - start + 1));
    for (let i = start; i <= end; i++) out[i - start] = this.get(i);
    return out;
  }

  toArray(): string[] {
    return this.range(0, this.count - 1);
  }

  /** Replaces the content (LINSERT, LREM, LTRIM rebuild the ring). */
  replaceAll(values: string[]): void {
    let capacity = 8;
    while (capacity < values.length) capacity *= 2;
    this.items = new Array(capacity);
    this.head = 0;
    this.count = 0;
    this.bytes = 0;
    for (const value of values) this.pushTail(value);
  }

  memoryUsage(): number {
    return 64 + this.items.length * 8 + this.count * 14 + this.bytes;
  }

  /** Redis 7.0 stores every list as a quicklist (listpack lists arrived in 7.2). */
  encoding(): string {
    return 'quicklist';
  }

  toCommands(key: string): string[][] {
    const commands: string[][] = [];
    const all = this.toArray();
    for (let i = 0; i < all.length; i += 512)
      commands.push(['RPUSH', key, ...all.slice(i, i + 512)]);
    return commands;
  }

  private grow(): void {
    const next = new Array<string | undefined>(this.items.length * 2);
    for (let i = 0; i < this.count; i++) next[i] = this.get(i);
    this.items = next;
    this.head = 0;
  }
}
