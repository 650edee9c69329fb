import { ScanDict } from '../keyspace/scan-dict.js';
import { formatDouble } from '../protocol/numbers.js';
import { type StoredValue, stringBytes } from '../values/types.js';

/**
 * A sorted set as Redis keeps it: a skip list ordered by (score, member bytewise) whose links
 * carry spans, so rank lookups and rank ranges cost O(log n), plus a dict member -> score for
 * O(1) ZSCORE and membership and for ZSCAN cursors.
 *
 * Members are binary strings: one JS char per byte (Buffer 'latin1'), so `<` on two members is
 * exactly Redis's memcmp-then-length ordering and a member can be a Map key.
 */

const MAX_LEVEL = 32;
/** Probability of promoting a node one level up (Redis's ZSKIPLIST_P). */
const LEVEL_P = 0.25;
/** Defaults of zset-max-listpack-entries / -value: up to these Redis keeps a compact listpack. */
const LISTPACK_MAX_ENTRIES = 128;
const LISTPACK_MAX_VALUE = 64;
/** Heap bytes per element besides the member string: dict slot, skip node and its arrays. */
const ELEMENT_OVERHEAD = 160;
/** Elements per ZADD in toCommands. */
const ZADD_BATCH = 128;

/** Scratch arrays for insert/delete (one allocation per module, not per update). */
const UPDATE: SkipNode[] = [];
const RANK: number[] = new Array(MAX_LEVEL).fill(0);

class SkipNode {
  readonly forward: (SkipNode | null)[];
  readonly span: number[];
  backward: SkipNode | null = null;

  constructor(
    public member: string,
    public score: number,
    level: number,
  ) {
    this.forward = new Array(level).fill(null);
    this.span = new Array(level).fill(0);
  }
}

/** A score interval; `minExclusive` / `maxExclusive` come from the `(` prefix. */
export interface ScoreRange {
  min: number;
  max: number;
  minExclusive: boolean;
  maxExclusive: boolean;
}

/** One end of a lex interval: `-` / `+` (the infinities) or a `[`/`(` prefixed member. */
export type LexBound =
  | { kind: 'min' }
  | { kind: 'max' }
  | { kind: 'value'; value: string; exclusive: boolean };

export interface LexRange {
  min: LexBound;
  max: LexBound;
}

export interface ScoredMember {
  member: string;
  score: number;
}

/** Orders two lex bounds as Redis's sdscmplex does (the infinities beat every string). */
function compareLexBounds(a: LexBound, b: LexBound): number {
  if (a.kind === b.kind && a.kind !== 'value') return 0;
  if (a.kind === 'min' || b.kind === 'max') return -1;
  if (a.kind === 'max' || b.kind === 'min') return 1;
  const av = (a as { value: string }).value;
  const bv = (b as { value: string }).value;
  return av < bv ? -1 : av > bv ? 1 : 0;
}

function lexGteMin(member: string, min: LexBound): boolean {
  if (min.kind === 'min') return true;
  if (min.kind === 'max') return false;
  return min.exclusive ? member > min.value : member >= min.value;
}

function lexLteMax(member: string, max: LexBound): boolean {
  if (max.kind === 'max') return true;
  if (max.kind === 'min') return false;
  return max.exclusive ? member < max.value : member <= max.value;
}

function scoreGteMin(score: number, r: ScoreRange): boolean {
  return r.minExclusive ? score > r.min : score >= r.min;
}

function scoreLteMax(score: number, r: ScoreRange): boolean {
  return r.maxExclusive ? score < r.max : score <= r.max;
}

/** True when no score can fall in the range (Redis answers those without scanning). */
export function isEmptyScoreRange(r: ScoreRange): boolean {
  return r.min > r.max || (r.min === r.max && (r.minExclusive || r.maxExclusive));
}

/** True when no member can fall in the range. */
export function isEmptyLexRange(r: LexRange): boolean {
  const cmp = compareLexBounds(r.min, r.max);
  const exclusive =
    r.min.kind !== 'value' || r.min.exclusive || r.max.kind !== 'value' || r.max.exclusive;
  return cmp > 0 || (cmp === 0 && exclusive);
}

/** Redis's ordering of elements: score first, then member bytes. */
function before(score: number, member: string, node: SkipNode): boolean {
  return node.score < score || (node.score === score && node.member < member);
}

export class SortedSet implements StoredValue {
  private readonly scores = new ScanDict<number>();
  private readonly head = new SkipNode('', 0, MAX_LEVEL);
  private tail: SkipNode | null = null;
  private level = 1;
  private bytes = 64;
  /**
   * Whether Redis would still hold this set as a listpack: small sets stay compact until they
   * outgrow the limits once, then stay skiplists (OBJECT ENCODING and ZSCAN show the difference).
   */
  private compact = true;

  constructor(
    private readonly maxListpackEntries = LISTPACK_MAX_ENTRIES,
    private readonly maxListpackValue = LISTPACK_MAX_VALUE,
  ) {}

  encoding(): string {
    return this.compact ? 'listpack' : 'skiplist';
  }

  /** True while the set is small enough that Redis answers ZSCAN with everything at once. */
  get isCompact(): boolean {
    return this.compact;
  }

  get size(): number {
    return this.scores.size;
  }

  score(member: string): number | undefined {
    return this.scores.get(member);
  }

  has(member: string): boolean {
    return this.scores.has(member);
  }

  /** Sets the member's score; returns true when the member is new. */
  set(member: string, score: number): boolean {
    const current = this.scores.get(member);
    if (
      current === undefined &&
      this.compact &&
      (this.scores.size + 1 > this.maxListpackEntries || member.length > this.maxListpackValue)
    ) {
      this.compact = false;
    }
    // A listpack stores integral scores as integers, so -0 reads back as 0 there.
    if (this.compact && score === 0) score = 0;
    if (current === undefined) {
      this.insertNode(member, score);
      this.scores.set(member, score);
      this.bytes += ELEMENT_OVERHEAD + stringBytes(member.length);
      return true;
    }
    if (current !== score) {
      this.deleteNode(member, current);
      this.insertNode(member, score);
      this.scores.set(member, score);
    }
    return false;
  }

  /** Removes the member; returns true when it was present. */
  delete(member: string): boolean {
    const current = this.scores.get(member);
    if (current === undefined) return false;
    this.deleteNode(member, current);
    this.scores.delete(member);
    this.bytes -= ELEMENT_OVERHEAD + stringBytes(member.length);
    return true;
  }

  /** 0-based rank of the member in ascending order, or undefined. */
  rank(member: string, reverse = false): number | undefined {
    const score = this.scores.get(member);
    if (score === undefined) return undefined;
    let x = this.head;
    let rank = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = x.forward[i];
      while (next && (before(score, member, next) || next.member === member)) {
        rank += x.span[i];
        x = next;
        if (x.member === member && x.score === score) {
          return reverse ? this.size - rank : rank - 1;
        }
        next = x.forward[i];
      }
    }
    return undefined;
  }

  /** The element at a 0-based ascending rank. */
  at(rank: number): ScoredMember | undefined {
    const node = this.nodeAtRank(rank + 1);
    return node ? { member: node.member, score: node.score } : undefined;
  }

  /**
   * Elements with ascending ranks start..stop inclusive (already clamped by the caller to
   * 0 <= start <= stop < size), in ascending order, or descending from the top when reverse.
   */
  rangeByRank(start: number, stop: number, reverse = false): ScoredMember[] {
    const out: ScoredMember[] = [];
    if (start > stop || start >= this.size) return out;
    const count = stop - start + 1;
    let node = reverse ? this.nodeAtRank(this.size - start) : this.nodeAtRank(start + 1);
    while (node && out.length < count) {
      out.push({ member: node.member, score: node.score });
      node = reverse ? node.backward : node.forward[0];
    }
    return out;
  }

  /** Elements whose score is in range, skipping `offset` and returning at most `limit` (<0: all). */
  rangeByScore(range: ScoreRange, reverse = false, offset = 0, limit = -1): ScoredMember[] {
    const inRange = reverse
      ? (n: SkipNode) => scoreGteMin(n.score, range)
      : (n: SkipNode) => scoreLteMax(n.score, range);
    const first = reverse ? this.lastInScoreRange(range) : this.firstInScoreRange(range);
    return this.collect(first, inRange, reverse, offset, limit);
  }

  rangeByLex(range: LexRange, reverse = false, offset = 0, limit = -1): ScoredMember[] {
    const inRange = reverse
      ? (n: SkipNode) => lexGteMin(n.member, range.min)
      : (n: SkipNode) => lexLteMax(n.member, range.max);
    const first = reverse ? this.lastInLexRange(range) : this.firstInLexRange(range);
    return this.collect(first, inRange, reverse, offset, limit);
  }

  countByScore(range: ScoreRange): number {
    const first = this.firstInScoreRange(range);
    if (!first) return 0;
    const last = this.lastInScoreRange(range)!;
    return this.nodeRank(last) - this.nodeRank(first) + 1;
  }

  countByLex(range: LexRange): number {
    const first = this.firstInLexRange(range);
    if (!first) return 0;
    const last = this.lastInLexRange(range)!;
    return this.nodeRank(last) - this.nodeRank(first) + 1;
  }

  /** Removes ranks start..stop (0-based, clamped by the caller); returns how many. */
  deleteRangeByRank(start: number, stop: number): number {
    return this.deleteAll(this.rangeByRank(start, stop));
  }

  deleteRangeByScore(range: ScoreRange): number {
    return this.deleteAll(this.rangeByScore(range));
  }

  deleteRangeByLex(range: LexRange): number {
    return this.deleteAll(this.rangeByLex(range));
  }

  /** Removes and returns up to `count` elements from the low end (or the high end when max). */
  pop(count: number, max = false): ScoredMember[] {
    const out: ScoredMember[] = [];
    while (out.length < count) {
      const node = max ? this.tail : this.head.forward[0];
      if (!node) break;
      out.push({ member: node.member, score: node.score });
      this.delete(node.member);
    }
    return out;
  }

  /** All elements in ascending order. */
  *entries(): IterableIterator<ScoredMember> {
    for (let node = this.head.forward[0]; node; node = node.forward[0]) {
      yield { member: node.member, score: node.score };
    }
  }

  /**
   * One ZSCAN step over the dict: visits members of the cursor's buckets, returns the next
   * cursor (0 when done).
   */
  scan(cursor: number, visit: (member: string, score: number) => void): number {
    return this.scores.scan(cursor, (member) => visit(member, this.scores.get(member)!));
  }

  /** Distinct random elements (at most size of them), in random order. */
  randomDistinct(count: number, random: () => number = Math.random): ScoredMember[] {
    const n = this.size;
    if (count >= n) {
      const all = [...this.entries()];
      shuffle(all, random);
      return all;
    }
    const picked = new Set<number>();
    const out: ScoredMember[] = [];
    while (out.length < count) {
      const rank = Math.floor(random() * n);
      if (picked.has(rank)) continue;
      picked.add(rank);
      out.push(this.at(rank)!);
    }
    return out;
  }

  /** `count` random elements, repetitions allowed (ZRANDMEMBER with a negative count). */
  randomWithRepetition(count: number, random: () => number = Math.random): ScoredMember[] {
    const out: ScoredMember[] = [];
    if (this.size === 0) return out;
    for (let i = 0; i < count; i++) out.push(this.at(Math.floor(random() * this.size))!);
    return out;
  }

  memoryUsage(): number {
    return this.bytes + this.scores.overheadBytes;
  }

  /** ZADD commands (scores printed with %.17g, which round-trips every double). */
  toCommands(key: string): string[][] {
    const commands: string[][] = [];
    let command: string[] = [];
    for (const { member, score } of this.entries()) {
      if (command.length === 0) command.push('ZADD', key);
      command.push(formatDouble(score), member);
      if (command.length >= 2 + 2 * ZADD_BATCH) {
        commands.push(command);
        command = [];
      }
    }
    if (command.length > 0) commands.push(command);
    return commands;
  }

  private deleteAll(elements: ScoredMember[]): number {
    for (const e of elements) this.delete(e.member);
    return elements.length;
  }

  private collect(
    first: SkipNode | null,
    inRange: (n: SkipNode) => boolean,
    reverse: boolean,
    offset: number,
    limit: number,
  ): ScoredMember[] {
    const out: ScoredMember[] = [];
    let node = first;
    // Skip the offset by rank when it is large, rather than walking node by node.
    if (node && offset > 0) {
      const rank = this.nodeRank(node) + (reverse ? -offset : offset);
      node = rank >= 1 && rank <= this.size ? this.nodeAtRank(rank) : null;
    }
    while (node && limit !== 0 && inRange(node)) {
      out.push({ member: node.member, score: node.score });
      if (limit > 0) limit--;
      node = reverse ? node.backward : node.forward[0];
    }
    return out;
  }

  private randomLevel(): number {
    let level = 1;
    while (level < MAX_LEVEL && Math.random() < LEVEL_P) level++;
    return level;
  }

  private insertNode(member: string, score: number): void {
    const update = UPDATE;
    const rank = RANK;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      rank[i] = i === this.level - 1 ? 0 : rank[i + 1];
      let next = x.forward[i];
      while (next && before(score, member, next)) {
        rank[i] += x.span[i];
        x = next;
        next = x.forward[i];
      }
      update[i] = x;
    }
    const level = this.randomLevel();
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rank[i] = 0;
        update[i] = this.head;
        update[i].span[i] = this.size;
      }
      this.level = level;
    }
    const node = new SkipNode(member, score, level);
    for (let i = 0; i < level; i++) {
      node.forward[i] = update[i].forward[i];
      update[i].forward[i] = node;
      node.span[i] = update[i].span[i] - (rank[0] - rank[i]);
      update[i].span[i] = rank[0] - rank[i] + 1;
    }
    for (let i = level; i < this.level; i++) update[i].span[i]++;
    node.backward = update[0] === this.head ? null : update[0];
    if (node.forward[0]) node.forward[0].backward = node;
    else this.tail = node;
  }

  private deleteNode(member: string, score: number): void {
    const update = UPDATE;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = x.forward[i];
      while (next && before(score, member, next)) {
        x = next;
        next = x.forward[i];
      }
      update[i] = x;
    }
    const node = x.forward[0];
    if (!node || node.member !== member) return;
    for (let i = 0; i < this.level; i++) {
      if (update[i].forward[i] === node) {
        update[i].span[i] += node.span[i] - 1;
        update[i].forward[i] = node.forward[i];
      } else {
        update[i].span[i]--;
      }
    }
    if (node.forward[0]) node.forward[0].backward = node.backward;
    else this.tail = node.backward;
    while (this.level > 1 && this.head.forward[this.level - 1] === null) this.level--;
  }

  /** 1-based rank of a node known to be in the list. */
  private nodeRank(node: SkipNode): number {
    let x = this.head;
    let rank = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = x.forward[i];
      while (next && (before(node.score, node.member, next) || next === node)) {
        rank += x.span[i];
        x = next;
        if (x === node) return rank;
        next = x.forward[i];
      }
    }
    return rank;
  }

  /** Node at a 1-based rank. */
  private nodeAtRank(rank: number): SkipNode | null {
    if (rank < 1 || rank > this.size) return null;
    let x = this.head;
    let traversed = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      while (x.forward[i] && traversed + x.span[i] <= rank) {
        traversed += x.span[i];
        x = x.forward[i]!;
      }
      if (traversed === rank) return x;
    }
    return null;
  }

  private firstInScoreRange(range: ScoreRange): SkipNode | null {
    if (isEmptyScoreRange(range)) return null;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = x.forward[i];
      while (next && !scoreGteMin(next.score, range)) {
        x = next;
        next = x.forward[i];
      }
    }
    const node = x.forward[0];
    return node && scoreLteMax(node.score, range) ? node : null;
  }

  private lastInScoreRange(range: ScoreRange): SkipNode | null {
    if (isEmptyScoreRange(range)) return null;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = x.forward[i];
      while (next && scoreLteMax(next.score, range)) {
        x = next;
        next = x.forward[i];
      }
    }
    return x !== this.head && scoreGteMin(x.score, range) ? x : null;
  }

  private firstInLexRange(range: LexRange): SkipNode | null {
    if (isEmptyLexRange(range)) return null;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = x.forward[i];
      while (next && !lexGteMin(next.member, range.min)) {
        x = next;
        next = x.forward[i];
      }
    }
    const node = x.forward[0];
    return node && lexLteMax(node.member, range.max) ? node : null;
  }

  private lastInLexRange(range: LexRange): SkipNode | null {
    if (isEmptyLexRange(range)) return null;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = x.forward[i];
      while (next && lexLteMax(next.member, range.max)) {
        x = next;
        next = x.forward[i];
      }
    }
    return x !== this.head && lexGteMin(x.member, range.min) ? x : null;
  }
}

function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
}
