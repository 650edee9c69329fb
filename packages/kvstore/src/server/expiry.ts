import type { KvServer } from './kv-server.js';

/** Keys sampled per database per loop, as Redis's ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP. */
const KEYS_PER_LOOP = 20;
/** Keep sampling a database while more than this share of the sample was expired. */
const ACCEPTABLE_STALE = 0.1;

let nextDb = 0;

/**
 * Redis's active expiry cycle: sample keys with a TTL, delete the expired ones, and repeat while
 * the sample was mostly stale, within a time budget per cron tick so that a million keys expiring
 * at once are reclaimed over many ticks without a pause.
 */
export function activeExpireCycle(server: KvServer, budgetMs: number): void {
  if (server.loading) return;
  const effort = server.config.int('active-expire-effort');
  const perLoop = KEYS_PER_LOOP + (KEYS_PER_LOOP / 4) * (effort - 1);
  const deadline = performance.now() + budgetMs * (1 + (effort - 1) * 0.1);
  const dbs = server.dbs;
  for (let n = 0; n < dbs.length; n++) {
    const db = dbs[nextDb++ % dbs.length]!;
    if (db.expires.size === 0) continue;
    for (;;) {
      let sampled = 0;
      let expired = 0;
      const now = Date.now();
      const sample = Math.min(perLoop, db.expires.size);
      for (let i = 0; i < sample; i++) {
        const key = db.expires.randomKey();
        if (key === undefined) break;
        const entry = db.expires.get(key)!;
        sampled++;
        if (entry.expiresAt <= now && db.expireIfNeeded(entry)) expired++;
      }
      if (sampled === 0 || expired / sampled <= ACCEPTABLE_STALE) break;
      if (performance.now() > deadline) return;
    }
    if (performance.now() > deadline) return;
  }
}
