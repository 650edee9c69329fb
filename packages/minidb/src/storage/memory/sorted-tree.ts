import type { Cursor, KeyComparator, OrderedTree, TreeKey } from '../api.js';

/** btree ordering of tuples: element by element, NULLs after every value. */
export function compareKeys(compareValue: (a: unknown, b: unknown) => number): KeyComparator {
  return (a, b) => {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const x = a[i];
      const y = b[i];
      if (x === null || y === null) {
        if (x === y) continue;
        return x === null ? 1 : -1;
      }
      const c = compareValue(x, y);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  };
}

const LEAF_SIZE = 256;

interface Leaf<V> {
  keys: TreeKey[];
  values: V[];
}

/**
 * An ordered tree of leaves (each at most LEAF_SIZE entries) located by binary search over
 * the leaves' first keys: a two-level B+tree, so inserts move at most one leaf's entries.
 */
export class SortedTree<V> implements OrderedTree<V> {
  private leaves: Leaf<V>[] = [{ keys: [], values: [] }];
  private count = 0;

  constructor(private readonly compare: KeyComparator) {}

  get size(): number {
    return this.count;
  }

  private leafFor(key: TreeKey): number {
    let lo = 0;
    let hi = this.leaves.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      const first = this.leaves[mid].keys[0];
      if (first !== undefined && this.compare(first, key) <= 0) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private position(keys: TreeKey[], key: TreeKey): number {
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.compare(keys[mid], key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  get(key: TreeKey): V | undefined {
    const leaf = this.leaves[this.leafFor(key)];
    const i = this.position(leaf.keys, key);
    return i < leaf.keys.length && this.compare(leaf.keys[i], key) === 0
      ? leaf.values[i]
      : undefined;
  }

  set(key: TreeKey, value: V): void {
    const li = this.leafFor(key);
    const leaf = this.leaves[li];
    const i = this.position(leaf.keys, key);
    if (i < leaf.keys.length && this.compare(leaf.keys[i], key) === 0) {
      leaf.values[i] = value;
      return;
    }
    if (i === leaf.keys.length) {
      leaf.keys.push(key);
      leaf.values.push(value);
    } else {
      leaf.keys.splice(i, 0, key);
      leaf.values.splice(i, 0, value);
    }
    this.count++;
    if (leaf.keys.length > LEAF_SIZE) {
      const half = leaf.keys.length >> 1;
      const right: Leaf<V> = { keys: leaf.keys.splice(half), values: leaf.values.splice(half) };
      this.leaves.splice(li + 1, 0, right);
    }
  }

  delete(key: TreeKey): boolean {
    const li = this.leafFor(key);
    const leaf = this.leaves[li];
    const i = this.position(leaf.keys, key);
    if (i >= leaf.keys.length || this.compare(leaf.keys[i], key) !== 0) return false;
    leaf.keys.splice(i, 1);
    leaf.values.splice(i, 1);
    this.count--;
    if (leaf.keys.length === 0 && this.leaves.length > 1) this.leaves.splice(li, 1);
    return true;
  }

  seek(from?: TreeKey): Cursor<V> {
    let li = from ? this.leafFor(from) : 0;
    let i = from ? this.position(this.leaves[li].keys, from) : 0;
    const leaves = this.leaves;
    const cursor = {
      key: null as TreeKey | null,
      value: null as V | null,
      next(): boolean {
        while (li < leaves.length && i >= leaves[li].keys.length) {
          li++;
          i = 0;
        }
        if (li >= leaves.length) {
          cursor.key = null;
          cursor.value = null;
          return false;
        }
        cursor.key = leaves[li].keys[i];
        cursor.value = leaves[li].values[i];
        i++;
        return true;
      },
    };
    return cursor;
  }

  clear(): void {
    this.leaves = [{ keys: [], values: [] }];
    this.count = 0;
  }
}
