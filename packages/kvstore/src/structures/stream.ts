import { type StoredValue, stringBytes } from '../values/types.js';

/**
 * A stream as Redis 7.0 models it: entries with strictly increasing `ms-seq` IDs (two uint64),
 * the last generated ID, the count of entries ever added, the greatest deleted ID, and consumer
 * groups with their pending entries lists (PEL).
 *
 * Entries live in nodes that mirror Redis's listpack nodes (a new node starts when the tail
 * holds stream-node-max-entries entries, live or deleted, or would exceed stream-node-max-bytes
 * by Redis's own size arithmetic), because approximate trimming (`MAXLEN ~`, `MINID ~`) removes
 * whole nodes only: keeping the same boundaries keeps XTRIM's answers identical to Redis's.
 */

export interface StreamId {
  ms: bigint;
  seq: bigint;
}

export interface StreamEntry {
  id: StreamId;
  /** field, value, field, value... (latin1 strings). */
  fields: string[];
}

export const UINT64_MAX = (1n << 64n) - 1n;
export const MIN_ID: StreamId = { ms: 0n, seq: 0n };
export const MAX_ID: StreamId = { ms: UINT64_MAX, seq: UINT64_MAX };

export function compareIds(a: StreamId, b: StreamId): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1;
  return 0;
}

export function formatId(id: StreamId): string {
  return `${id.ms}-${id.seq}`;
}

/** The ID right after `id`, or undefined after the maximum. */
export function incrementId(id: StreamId): StreamId | undefined {
  if (id.seq < UINT64_MAX) return { ms: id.ms, seq: id.seq + 1n };
  if (id.ms < UINT64_MAX) return { ms: id.ms + 1n, seq: 0n };
  return undefined;
}

/** The ID right before `id`, or undefined before 0-0. */
export function decrementId(id: StreamId): StreamId | undefined {
  if (id.seq > 0n) return { ms: id.ms, seq: id.seq - 1n };
  if (id.ms > 0n) return { ms: id.ms - 1n, seq: UINT64_MAX };
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Listpack size arithmetic (for node boundaries only).

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const LISTPACK_INTEGER = /^(0|-?[1-9][0-9]{0,19})$/;

function intEncodedSize(v: bigint): number {
  if (v >= 0n && v <= 127n) return 1;
  if (v >= -4096n && v <= 4095n) return 2;
  if (v >= -32768n && v <= 32767n) return 3;
  if (v >= -8388608n && v <= 8388607n) return 4;
  if (v >= -2147483648n && v <= 2147483647n) return 5;
  return 9;
}

function backlenSize(encoded: number): number {
  if (encoded <= 127) return 1;
  if (encoded < 16383) return 2;
  if (encoded < 2097151) return 3;
  if (encoded < 268435455) return 4;
  return 5;
}

function withBacklen(encoded: number): number {
  return encoded + backlenSize(encoded);
}

function intElementSize(v: bigint | number): number {
  return withBacklen(intEncodedSize(BigInt(v)));
}

/** Bytes a string element takes in a listpack (numbers are stored as integers). */
function stringElementSize(s: string): number {
  if (s.length <= 20 && LISTPACK_INTEGER.test(s)) {
    const v = BigInt(s);
    if (v >= INT64_MIN && v <= INT64_MAX) return intElementSize(v);
  }
  const header = s.length <= 63 ? 1 : s.length <= 4095 ? 2 : 5;
  return withBacklen(header + s.length);
}

/** Signed delta as stored in a listpack (int64 wrap-around like Redis's arithmetic). */
function deltaSize(a: bigint, b: bigint): number {
  return intElementSize(BigInt.asIntN(64, a - b));
}

const LISTPACK_OVERHEAD = 7; // 6-byte header + end byte

export interface StreamLimits {
  /** stream-node-max-entries (0 = unlimited). */
  nodeMaxEntries: number;
  /** stream-node-max-bytes (0 = unlimited). */
  nodeMaxBytes: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = { nodeMaxEntries: 100, nodeMaxBytes: 4096 };
/** Redis caps listpacks at 1 GiB whatever the config says. */
const LISTPACK_MAX_SIZE = 1 << 30;

class StreamNode {
  /** Live entries, in ID order. */
  readonly entries: StreamEntry[] = [];
  /** Entries marked deleted (they still count towards the node's capacity). */
  deleted = 0;
  /** Listpack bytes apart from the live/deleted counters. */
  private bytesWithoutCounters: number;
  readonly masterFields: string[];

  constructor(
    readonly master: StreamId,
    fields: string[],
  ) {
    this.masterFields = fields.filter((_, i) => i % 2 === 0);
    this.bytesWithoutCounters =
      LISTPACK_OVERHEAD +
      intElementSize(this.masterFields.length) +
      this.masterFields.reduce((sum, f) => sum + stringElementSize(f), 0) +
      intElementSize(0);
  }

  get listpackBytes(): number {
    return (
      this.bytesWithoutCounters + intElementSize(this.entries.length) + intElementSize(this.deleted)
    );
  }

  get first(): StreamEntry {
    return this.entries[0];
  }

  get last(): StreamEntry {
    return this.entries[this.entries.length - 1];
  }

  append(entry: StreamEntry): void {
    const fieldCount = entry.fields.length / 2;
    const sameFields =
      fieldCount === this.masterFields.length &&
      this.masterFields.every((f, i) => entry.fields[i * 2] === f);
    let bytes =
      intElementSize(sameFields ? 2 : 0) +
      deltaSize(entry.id.ms, this.master.ms) +
      deltaSize(entry.id.seq, this.master.seq);
    if (!sameFields) bytes += intElementSize(fieldCount);
    for (let i = 0; i < entry.fields.length; i++) {
      if (sameFields && i % 2 === 0) continue;
      bytes += stringElementSize(entry.fields[i]);
    }
    const lpCount = fieldCount + 3 + (sameFields ? 0 : fieldCount + 1);
    bytes += intElementSize(lpCount);
    this.bytesWithoutCounters += bytes;
    this.entries.push(entry);
  }

  /** Index of the first entry with ID >= id (entries.length if none). */
  lowerBound(id: StreamId): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareIds(this.entries[mid].id, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Marks entries [0, count) deleted. */
  dropFront(count: number): void {
    this.entries.splice(0, count);
    this.deleted += count;
  }
}

// ---------------------------------------------------------------------------------------------
// Consumer groups.

export interface PendingEntry {
  id: StreamId;
  consumer: Consumer;
  /** Last delivery time, ms since the epoch. */
  deliveryTime: number;
  deliveryCount: number;
}

/** A map keyed by stream ID kept in ID order (binary search; IDs mostly arrive in order). */
export class IdMap<V> {
  private readonly ids: StreamId[] = [];
  private readonly values: V[] = [];

  get size(): number {
    return this.ids.length;
  }

  /** Index of the first ID >= id. */
  lowerBound(id: StreamId): number {
    const n = this.ids.length;
    if (n === 0 || compareIds(this.ids[n - 1], id) < 0) return n;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareIds(this.ids[mid], id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  get(id: StreamId): V | undefined {
    const i = this.lowerBound(id);
    return i < this.ids.length && compareIds(this.ids[i], id) === 0 ? this.values[i] : undefined;
  }

  set(id: StreamId, value: V): void {
    const i = this.lowerBound(id);
    if (i < this.ids.length && compareIds(this.ids[i], id) === 0) {
      this.values[i] = value;
      return;
    }
    this.ids.splice(i, 0, id);
    this.values.splice(i, 0, value);
  }

  delete(id: StreamId): V | undefined {
    const i = this.lowerBound(id);
    if (i >= this.ids.length || compareIds(this.ids[i], id) !== 0) return undefined;
    const value = this.values[i];
    this.ids.splice(i, 1);
    this.values.splice(i, 1);
    return value;
  }

  /** Entries with start <= id <= end in order (or reverse order). */
  *range(start: StreamId, end: StreamId, reverse = false): IterableIterator<[StreamId, V]> {
    if (!reverse) {
      for (let i = this.lowerBound(start); i < this.ids.length; i++) {
        if (compareIds(this.ids[i], end) > 0) return;
        yield [this.ids[i], this.values[i]];
      }
      return;
    }
    const after = incrementId(end);
    for (let i = (after ? this.lowerBound(after) : this.ids.length) - 1; i >= 0; i--) {
      if (compareIds(this.ids[i], start) < 0) return;
      yield [this.ids[i], this.values[i]];
    }
  }

  first(): [StreamId, V] | undefined {
    return this.ids.length ? [this.ids[0], this.values[0]] : undefined;
  }

  last(): [StreamId, V] | undefined {
    const n = this.ids.length;
    return n ? [this.ids[n - 1], this.values[n - 1]] : undefined;
  }

  *[Symbol.iterator](): IterableIterator<[StreamId, V]> {
    for (let i = 0; i < this.ids.length; i++) yield [this.ids[i], this.values[i]];
  }
}

export class Consumer {
  readonly pending = new IdMap<PendingEntry>();

  constructor(
    readonly name: string,
    /** Last time the consumer read or claimed (XINFO CONSUMERS idle). */
    public seenTime: number,
  ) {}
}

export class ConsumerGroup {
  readonly pending = new IdMap<PendingEntry>();
  readonly consumers = new Map<string, Consumer>();

  constructor(
    readonly name: string,
    public lastId: StreamId,
    /** Entries read by the group so far (7.0 entries-read; -1 when unknown). */
    public entriesRead: number,
  ) {}

  /** An exact copy (COPY): pending entries of deleted IDs and consumers' seen-times kept. */
  clone(): ConsumerGroup {
    const copy = new ConsumerGroup(this.name, this.lastId, this.entriesRead);
    for (const { name, seenTime } of this.consumers.values()) {
      copy.consumers.set(name, new Consumer(name, seenTime));
    }
    for (const [id, { consumer, deliveryTime, deliveryCount }] of this.pending) {
      const owner = copy.consumers.get(consumer.name)!;
      const entry: PendingEntry = { id, consumer: owner, deliveryTime, deliveryCount };
      copy.pending.set(id, entry);
      owner.pending.set(id, entry);
    }
    return copy;
  }

  /** The consumer, created when missing (returns whether it was created). */
  consumer(name: string, now: number): { consumer: Consumer; created: boolean } {
    const existing = this.consumers.get(name);
    if (existing) return { consumer: existing, created: false };
    const consumer = new Consumer(name, now);
    this.consumers.set(name, consumer);
    return { consumer, created: true };
  }

  /** Removes a consumer and its pending entries; returns how many were pending. */
  deleteConsumer(name: string): number {
    const consumer = this.consumers.get(name);
    if (!consumer) return 0;
    for (const [id] of consumer.pending) this.pending.delete(id);
    this.consumers.delete(name);
    return consumer.pending.size;
  }

  /** Acknowledges one ID; true when it was pending. */
  ack(id: StreamId): boolean {
    const entry = this.pending.delete(id);
    if (!entry) return false;
    entry.consumer.pending.delete(id);
    return true;
  }

  /** Records a (re)delivery of `id` to `consumer`. */
  deliver(id: StreamId, consumer: Consumer, now: number, countDelivery: boolean): PendingEntry {
    let entry = this.pending.get(id);
    if (entry) {
      if (entry.consumer !== consumer) {
        entry.consumer.pending.delete(id);
        entry.consumer = consumer;
      }
    } else {
      entry = { id, consumer, deliveryTime: now, deliveryCount: 0 };
      this.pending.set(id, entry);
    }
    entry.deliveryTime = now;
    if (countDelivery) entry.deliveryCount++;
    consumer.pending.set(id, entry);
    return entry;
  }
}

// ---------------------------------------------------------------------------------------------

export type TrimStrategy =
  | { kind: 'maxlen'; maxLen: number; approx: boolean; limit: number }
  | { kind: 'minid'; minId: StreamId; approx: boolean; limit: number };

/** Heap bytes per entry besides its strings (entry object, ID bigints, array slot). */
const ENTRY_OVERHEAD = 120;
/** Heap bytes of a group, of a PEL entry (kept in the group's and the consumer's maps), of a consumer. */
const GROUP_OVERHEAD = 400;
const PENDING_OVERHEAD = 180;
const CONSUMER_OVERHEAD = 300;

export class Stream implements StoredValue {
  private readonly nodes: StreamNode[] = [];
  private length = 0;
  lastId: StreamId = MIN_ID;
  /** Entries ever added (XINFO entries-added). */
  entriesAdded = 0;
  /** Greatest ID ever deleted (XINFO max-deleted-entry-id). */
  maxDeletedId: StreamId = MIN_ID;
  readonly groups = new Map<string, ConsumerGroup>();
  private bytes = 128;

  constructor(private readonly limits: StreamLimits = DEFAULT_STREAM_LIMITS) {}

  get size(): number {
    return this.length;
  }

  encoding(): string {
    return 'stream';
  }

  memoryUsage(): number {
    // Entries are counted as they change; groups (few per stream) are summed here.
    let groups = 0;
    for (const group of this.groups.values()) {
      groups += GROUP_OVERHEAD + group.pending.size * PENDING_OVERHEAD;
      groups += group.consumers.size * CONSUMER_OVERHEAD;
    }
    return this.bytes + groups;
  }

  /** Radix tree keys (one per node), for XINFO STREAM. */
  get nodeCount(): number {
    return this.nodes.length;
  }

  get firstEntry(): StreamEntry | undefined {
    return this.nodes[0]?.first;
  }

  get lastEntry(): StreamEntry | undefined {
    return this.nodes[this.nodes.length - 1]?.last;
  }

  /** The ID XADD's `*` generates at time `now` (undefined when the stream is exhausted). */
  nextId(now: number): StreamId | undefined {
    const ms = BigInt(now);
    if (ms > this.lastId.ms) return { ms, seq: 0n };
    return incrementId(this.lastId);
  }

  /** Appends an entry whose ID the caller checked to be greater than lastId. */
  append(id: StreamId, fields: string[]): StreamEntry {
    const entry: StreamEntry = { id, fields };
    let tail: StreamNode | undefined = this.nodes[this.nodes.length - 1];
    if (tail && this.tailIsFull(tail, fields)) tail = undefined;
    if (!tail) {
      tail = new StreamNode(id, fields);
      this.nodes.push(tail);
    }
    tail.append(entry);
    this.length++;
    this.entriesAdded++;
    this.lastId = id;
    this.bytes += this.entryBytes(entry);
    return entry;
  }

  private tailIsFull(tail: StreamNode, fields: string[]): boolean {
    let maxBytes = this.limits.nodeMaxBytes;
    if (maxBytes === 0 || maxBytes > LISTPACK_MAX_SIZE) maxBytes = LISTPACK_MAX_SIZE;
    const fieldBytes = fields.reduce((sum, f) => sum + f.length, 0);
    if (tail.listpackBytes + fieldBytes >= maxBytes) return true;
    const maxEntries = this.limits.nodeMaxEntries;
    return maxEntries > 0 && tail.entries.length + tail.deleted >= maxEntries;
  }

  private entryBytes(entry: StreamEntry): number {
    return entry.fields.reduce((sum, f) => sum + stringBytes(f.length), ENTRY_OVERHEAD);
  }

  /** Index of the node that would hold `id` (the last node whose first ID <= id), or 0. */
  private nodeIndexFor(id: StreamId): number {
    let lo = 0;
    let hi = this.nodes.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (compareIds(this.nodes[mid].first.id, id) <= 0) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  get(id: StreamId): StreamEntry | undefined {
    if (this.nodes.length === 0) return undefined;
    const node = this.nodes[this.nodeIndexFor(id)];
    const i = node.lowerBound(id);
    const entry = node.entries[i];
    return entry && compareIds(entry.id, id) === 0 ? entry : undefined;
  }

  /** Entries with start <= id <= end, ascending (descending when reverse), at most count (0: all). */
  range(start: StreamId, end: StreamId, reverse = false, count = 0): StreamEntry[] {
    const out: StreamEntry[] = [];
    if (this.nodes.length === 0 || compareIds(start, end) > 0) return out;
    if (!reverse) {
      let n = this.nodeIndexFor(start);
      let i = this.nodes[n].lowerBound(start);
      for (; n < this.nodes.length; n++, i = 0) {
        const entries = this.nodes[n].entries;
        for (; i < entries.length; i++) {
          if (compareIds(entries[i].id, end) > 0) return out;
          out.push(entries[i]);
          if (count > 0 && out.length >= count) return out;
        }
      }
      return out;
    }
    let n = this.nodeIndexFor(end);
    const after = incrementId(end);
    let i = (after ? this.nodes[n].lowerBound(after) : this.nodes[n].entries.length) - 1;
    for (; n >= 0; n--, i = n >= 0 ? this.nodes[n].entries.length - 1 : 0) {
      const entries = this.nodes[n].entries;
      for (; i >= 0; i--) {
        if (compareIds(entries[i].id, start) < 0) return out;
        out.push(entries[i]);
        if (count > 0 && out.length >= count) return out;
      }
    }
    return out;
  }

  /** Deletes one entry; true when it existed. */
  delete(id: StreamId): boolean {
    if (this.nodes.length === 0) return false;
    const n = this.nodeIndexFor(id);
    const node = this.nodes[n];
    const i = node.lowerBound(id);
    const entry = node.entries[i];
    if (!entry || compareIds(entry.id, id) !== 0) return false;
    node.entries.splice(i, 1);
    node.deleted++;
    if (node.entries.length === 0) this.nodes.splice(n, 1);
    this.length--;
    this.bytes -= this.entryBytes(entry);
    if (compareIds(id, this.maxDeletedId) > 0) this.maxDeletedId = id;
    return true;
  }

  /**
   * XADD/XTRIM trimming with Redis's algorithm: whole nodes go first; with `approx` a partly
   * trimmable node stops the trim; `limit` caps the entries removed (0 = no cap). Returns the
   * number of entries removed.
   */
  trim(strategy: TrimStrategy): number {
    let deleted = 0;
    while (this.nodes.length > 0) {
      if (strategy.kind === 'maxlen' && this.length <= strategy.maxLen) break;
      const node = this.nodes[0];
      const entries = node.entries.length;
      if (strategy.limit && deleted + entries > strategy.limit) break;
      const removeNode =
        strategy.kind === 'maxlen'
          ? this.length - entries >= strategy.maxLen
          : compareIds(node.last.id, strategy.minId) < 0;
      if (removeNode) {
        for (const e of node.entries) this.bytes -= this.entryBytes(e);
        this.nodes.shift();
        this.length -= entries;
        deleted += entries;
        continue;
      }
      if (strategy.approx) break;
      let drop = 0;
      if (strategy.kind === 'maxlen') drop = this.length - strategy.maxLen;
      else while (drop < entries && compareIds(node.entries[drop].id, strategy.minId) < 0) drop++;
      for (let i = 0; i < drop; i++) this.bytes -= this.entryBytes(node.entries[i]);
      node.dropFront(drop);
      this.length -= drop;
      deleted += drop;
      break;
    }
    return deleted;
  }

  *entries(): IterableIterator<StreamEntry> {
    for (const node of this.nodes) yield* node.entries;
  }

  /**
   * Whether entries in (start..end] may have been deleted: then a group's read counter cannot
   * be derived arithmetically (Redis's streamRangeHasTombstones).
   */
  rangeHasTombstones(start: StreamId | undefined, end: StreamId | undefined): boolean {
    if (this.length === 0 || compareIds(this.maxDeletedId, MIN_ID) === 0) return false;
    if (compareIds(this.firstEntry!.id, this.maxDeletedId) > 0) return false;
    const from = start ?? MIN_ID;
    const to = end ?? MAX_ID;
    return compareIds(from, this.maxDeletedId) <= 0 && compareIds(this.maxDeletedId, to) <= 0;
  }

  /**
   * How many entries were ever added up to `id` (Redis's streamEstimateDistanceFromFirstEverEntry);
   * undefined when it cannot be known.
   */
  estimateEntriesReadAt(id: StreamId): number | undefined {
    if (this.entriesAdded === 0) return 0;
    const cmpLast = compareIds(id, this.lastId);
    if (this.length === 0 && cmpLast <= 0) return this.entriesAdded;
    if (cmpLast === 0) return this.entriesAdded;
    if (cmpLast > 0) return undefined;
    const first = this.firstEntry!.id;
    const cmpFirst = compareIds(id, first);
    if (compareIds(this.maxDeletedId, MIN_ID) === 0 || compareIds(this.maxDeletedId, first) < 0) {
      if (cmpFirst < 0) return this.entriesAdded - this.length;
      if (cmpFirst === 0) return this.entriesAdded - this.length + 1;
    }
    return undefined;
  }

  /** Moves a group's last-delivered ID forward after a read, keeping entries-read as Redis does. */
  advanceGroup(group: ConsumerGroup, id: StreamId): void {
    if (compareIds(id, group.lastId) <= 0) return;
    if (group.entriesRead >= 0 && !this.rangeHasTombstones(id, undefined)) {
      group.entriesRead++;
    } else if (this.entriesAdded) {
      group.entriesRead = this.estimateEntriesReadAt(id) ?? -1;
    }
    group.lastId = id;
  }

  /** XINFO lag of a group, or undefined (null reply) when unknown. */
  groupLag(group: ConsumerGroup): number | undefined {
    if (this.entriesAdded === 0) return 0;
    if (group.entriesRead >= 0 && !this.rangeHasTombstones(group.lastId, undefined)) {
      return this.entriesAdded - group.entriesRead;
    }
    const estimate = this.estimateEntriesReadAt(group.lastId);
    return estimate === undefined ? undefined : this.entriesAdded - estimate;
  }

  /** COPY: replaces the groups by exact copies of `source`'s (replayed commands lose detail). */
  copyGroupsFrom(source: Stream): void {
    this.groups.clear();
    for (const group of source.groups.values()) this.groups.set(group.name, group.clone());
  }

  /** Commands that recreate the stream, its metadata and groups (as Redis's AOF rewrite). */
  toCommands(key: string): string[][] {
    const commands: string[][] = [];
    const last = formatId(this.lastId);
    if (this.length === 0) {
      // An empty stream: add and trim a placeholder (0-1 is always valid), then XSETID.
      commands.push(['XADD', key, 'MAXLEN', '0', '0-1', 'x', 'y']);
    } else {
      for (const entry of this.entries())
        commands.push(['XADD', key, formatId(entry.id), ...entry.fields]);
    }
    commands.push([
      'XSETID',
      key,
      last,
      'ENTRIESADDED',
      String(this.entriesAdded),
      'MAXDELETEDID',
      formatId(this.maxDeletedId),
    ]);
    for (const group of this.groups.values()) {
      commands.push([
        'XGROUP',
        'CREATE',
        key,
        group.name,
        formatId(group.lastId),
        'ENTRIESREAD',
        String(group.entriesRead),
      ]);
      for (const [id, pending] of group.pending) {
        commands.push([
          'XCLAIM',
          key,
          group.name,
          pending.consumer.name,
          '0',
          formatId(id),
          'TIME',
          String(pending.deliveryTime),
          'RETRYCOUNT',
          String(pending.deliveryCount),
          'JUSTID',
          'FORCE',
        ]);
      }
      for (const consumer of group.consumers.values()) {
        if (consumer.pending.size === 0) {
          commands.push(['XGROUP', 'CREATECONSUMER', key, group.name, consumer.name]);
        }
      }
    }
    return commands;
  }
}
