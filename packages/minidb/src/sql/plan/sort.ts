import { compareValues } from '../types/values.js';

export interface SortKey {
  index: number;
  desc: boolean;
  nullsFirst: boolean;
}

/** Stable in-place sort of rows by the keys (NULLS LAST for ASC, FIRST for DESC by default). */
export function sortRows(rows: unknown[][], keys: SortKey[]): void {
  rows.sort((a, b) => {
    for (const k of keys) {
      const x = a[k.index];
      const y = b[k.index];
      if (x === null || y === null) {
        if (x === y) continue;
        return (x === null) === k.nullsFirst ? -1 : 1;
      }
      const c = compareValues(x, y);
      if (c !== 0) return k.desc ? -c : c;
    }
    return 0;
  });
}
