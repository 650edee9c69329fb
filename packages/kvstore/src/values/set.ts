import { ScanDict } from '../keyspace/scan-dict.js';
import { type StoredValue, stringBytes } from './types.js';

const INTEGER = /^-?(0|[1-9][0-9]{0,18})$/;

/** A set of members with O(1) random sampling (SPOP, SRANDMEMBER). */
export class SetValue implements StoredValue {
  readonly members = new ScanDict<true>();
  private bytes = 0;
  /** Members that are not integers, to report the intset encoding as Redis would. */
  private nonIntegers = 0;

  get size(): number {
    return this.members.size;
  }

  has(member: string): boolean {
    return this.members.has(member);
  }

  add(member: string): boolean {
    if (!this.members.set(member, true)) return false;
    this.bytes += stringBytes(member.length);
    if (!INTEGER.test(member)) this.nonIntegers++;
    if (this.nonIntegers > 0 || this.members.size > 512) this.hashtable = true;
    return true;
  }

  delete(member: string): boolean {
    if (!this.members.delete(member)) return false;
    this.bytes -= stringBytes(member.length);
    if (!INTEGER.test(member)) this.nonIntegers--;
    return true;
  }

  /**
   * Members in Redis's reply order where it is deterministic: ascending numbers while the set
   * would be an intset, insertion order otherwise.
   */
  ordered(): string[] {
    const members = [...this.members.keys()];
    if (this.encoding() === 'intset') members.sort((a, b) => compareIntegers(a, b));
    return members;
  }

  random(): string | undefined {
    return this.members.randomKey();
  }

  [Symbol.iterator](): IterableIterator<string> {
    return this.members.keys();
  }

  memoryUsage(): number {
    return 160 + this.members.overheadBytes + this.bytes + this.members.size * 10;
  }

  /** Redis converts an intset to a hashtable once, never back. */
  encoding(): string {
    if (this.nonIntegers > 0 || this.members.size > 512) this.hashtable = true;
    return this.hashtable ? 'hashtable' : 'intset';
  }

  private hashtable = false;

  toCommands(key: string): string[][] {
    const commands: string[][] = [];
    let current: string[] = ['SADD', key];
    for (const member of this.members.keys()) {
      current.push(member);
      if (current.length >= 1024) {
        commands.push(current);
        current = ['SADD', key];
      }
    }
    if (current.length > 2) commands.push(current);
    return commands;
  }
}

function compareIntegers(a: string, b: string): number {
  if (a.length < 16 && b.length < 16) return Number(a) - Number(b);
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
