import type { Database } from '../keyspace/database.js';
import type { Client } from './client.js';

/** WATCHed keys: any modification, expiry or flush of one marks its watchers' EXEC to fail. */
export class WatchRegistry {
  private readonly watchers = new Map<string, Set<Client>>();

  get size(): number {
    return this.watchers.size;
  }

  watch(client: Client, db: Database, key: string): void {
    const id = `${db.index}\0${key}`;
    if (client.watched.has(id)) return;
    client.watched.add(id);
    const set = this.watchers.get(id);
    if (set) set.add(client);
    else this.watchers.set(id, new Set([client]));
  }

  unwatchAll(client: Client): void {
    for (const id of client.watched) {
      const set = this.watchers.get(id);
      if (!set) continue;
      set.delete(client);
      if (set.size === 0) this.watchers.delete(id);
    }
    client.watched.clear();
  }

  touch(db: Database, key: string): void {
    if (this.watchers.size === 0) return;
    const set = this.watchers.get(`${db.index}\0${key}`);
    if (set) for (const client of set) client.dirtyCas = true;
  }

  /**
   * FLUSHDB/FLUSHALL (before emptying `db`) and SWAPDB (`other` is the swapped database): the
   * watchers of a key of `db` that exists there or in `other` are touched, as Redis's
   * touchAllWatchedKeysInDb; a watched key that did not exist is not changed by a flush.
   */
  touchDatabase(db: Database, other?: Database): void {
    const prefix = `${db.index}\0`;
    for (const [id, set] of this.watchers) {
      if (!id.startsWith(prefix)) continue;
      const key = id.slice(prefix.length);
      if (db.peek(key) === undefined && other?.peek(key) === undefined) continue;
      for (const client of set) client.dirtyCas = true;
    }
  }
}
