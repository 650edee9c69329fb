import type { ScanDict } from '../../keyspace/scan-dict.js';

/**
 * SRANDMEMBER / HRANDFIELD sampling: a negative count draws |count| times with repetition; a
 * count at least the size returns everything; otherwise distinct random members.
 */
export function randomSample<V>(dict: ScanDict<V>, count: number, all: () => string[]): string[] {
  if (count < 0) {
    const out: string[] = new Array(-count);
    for (let i = 0; i < -count; i++) out[i] = dict.randomKey()!;
    return out;
  }
  if (count >= dict.size) return all();
  // Few picks: draw until distinct. Many picks: shuffle a copy and cut (as Redis switches strategy).
  if (count * 3 <= dict.size) {
    const picked = new Set<string>();
    while (picked.size < count) picked.add(dict.randomKey()!);
    return [...picked];
  }
  const members = all();
  for (let i = members.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [members[i], members[j]] = [members[j]!, members[i]!];
  }
  return members.slice(0, count);
}
