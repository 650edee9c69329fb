import type { Database } from '../keyspace/database.js';
import type { KvServer } from './kv-server.js';

const LFU_INIT_VAL = 5;
const POOL_SIZE = 16;

/** Redis's LRU clock: seconds, 24 bits. */
export function lruClock(): number {
  return Math.floor(Date.now() / 1000) & 0xffffff;
}

/** Seconds since an LRU stamp (wrapping like Redis's estimateObjectIdleTime). */
export function lruIdleSeconds(lru: number): number {
  const now = lruClock();
  return now >= lru ? now - lru : 0xffffff - lru + now;
}

/** The LFU counter after applying decay for the minutes elapsed since its last access. */
export function lfuDecrAndReturn(lru: number, decayMinutes: number): number {
  const lastMinutes = lru >>> 8;
  const counter = lru & 0xff;
  const nowMinutes = Math.floor(Date.now() / 60000) & 0xffff;
  const elapsed =
    nowMinutes >= lastMinutes ? nowMinutes - lastMinutes : 65535 - lastMinutes + nowMinutes;
  const periods = decayMinutes > 0 ? Math.floor(elapsed / decayMinutes) : 0;
  return periods > counter ? 0 : counter - periods;
}

/** Logarithmic increment: the higher the counter, the less likely it grows. */
export function lfuLogIncr(counter: number, logFactor: number): number {
  if (counter === 255) return counter;
  const base = Math.max(0, counter - LFU_INIT_VAL);
  const p = 1 / (base * logFactor + 1);
  return Math.random() < p ? counter + 1 : counter;
}

interface Candidate {
  db: Database;
  key: string;
  /** Higher = better to evict. */
  score: number;
}

/**
 * maxmemory enforcement with Redis's approximations: sample `maxmemory-samples` keys per
 * database, keep the best candidates in a small pool across calls, evict the best until memory
 * is under the limit.
 */
export class Eviction {
  private pool: Candidate[] = [];

  constructor(private readonly server: KvServer) {}

  /** Frees memory if over maxmemory; false when the command must be refused (OOM). */
  performEvictions(): boolean {
    const server = this.server;
    const max = server.config.int('maxmemory');
    if (max === 0 || server.usedMemory() <= max) return true;
    const policy = server.config.get('maxmemory-policy');
    if (policy === 'noeviction') return false;
    let guard = 0;
    while (server.usedMemory() > max) {
      if (++guard > 100000) return false;
      const victim = this.pickVictim(policy);
      if (!victim) return false;
      const entry = victim.db.dict.get(victim.key);
      if (!entry) continue;
      victim.db.remove(entry);
      server.stats.evictedKeys++;
      server.watch.touch(victim.db, victim.key);
      server.notifier.notify('evicted', 'evicted', victim.key, victim.db.index);
      server.persistence.feed(victim.db.index, [['DEL', victim.key]]);
    }
    return true;
  }

  private pickVictim(policy: string): Candidate | undefined {
    const volatile = policy.startsWith('volatile-');
    const dbs = this.server.dbs.filter((db) => (volatile ? db.expires.size : db.dict.size) > 0);
    if (dbs.length === 0) return undefined;
    if (policy.endsWith('-random')) {
      const db = dbs[Math.floor(Math.random() * dbs.length)]!;
      const key = (volatile ? db.expires : db.dict).randomKey()!;
      return { db, key, score: 0 };
    }
    const samples = this.server.config.int('maxmemory-samples');
    for (const db of dbs) {
      const dict = volatile ? db.expires : db.dict;
      for (let i = 0; i < samples; i++) {
        const key = dict.randomKey();
        if (key === undefined) break;
        const entry = db.dict.get(key);
        if (!entry) continue;
        this.offer({ db, key, score: this.score(policy, entry.lru, entry.expiresAt) });
      }
    }
    // Best candidate still present wins; stale pool entries are dropped.
    while (this.pool.length > 0) {
      const best = this.pool.pop()!;
      if (best.db.dict.has(best.key)) return best;
    }
    return undefined;
  }

  private score(policy: string, lru: number, expiresAt: number): number {
    if (policy.endsWith('-lru')) return lruIdleSeconds(lru);
    if (policy.endsWith('-lfu'))
      return 255 - lfuDecrAndReturn(lru, this.server.config.int('lfu-decay-time'));
    return Number.MAX_SAFE_INTEGER - expiresAt; // volatile-ttl: sooner expiry is better
  }

  /** Inserts into the pool kept sorted by ascending score (best last). */
  private offer(candidate: Candidate): void {
    const pool = this.pool;
    if (pool.some((c) => c.key === candidate.key && c.db === candidate.db)) return;
    let at = 0;
    while (at < pool.length && pool[at]!.score < candidate.score) at++;
    if (pool.length >= POOL_SIZE) {
      if (at === 0) return;
      pool.shift();
      at--;
    }
    pool.splice(at, 0, candidate);
  }
}
