import type { BlockRequest } from '../commands/types.js';
import type { Database } from '../keyspace/database.js';
import type { Client } from './client.js';
import type { KvServer } from './kv-server.js';

export interface BlockedState {
  request: BlockRequest;
  db: Database;
  argv: string[];
  /** Keys as `${db}\0${key}`. */
  ids: string[];
  timer: NodeJS.Timeout | undefined;
  since: number;
}

const keyId = (db: Database, key: string) => `${db.index}\0${key}`;
const NONE: readonly Client[] = [];
/** The longest delay setTimeout honours (2^31 - 1 ms, about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Clients blocked on keys (BLPOP, BLMOVE, BZPOPMIN, XREAD BLOCK...). Keys signalled ready during
 * a command are served after it, in the order they became ready, each to its blocked clients in
 * the order they blocked (Redis's handleClientsBlockedOnKeys).
 */
export class BlockingManager {
  private readonly waiting = new Map<string, Client[]>();
  private ready: Array<{ db: Database; key: string }> = [];
  private readonly readyIds = new Set<string>();
  private serving = false;

  constructor(private readonly server: KvServer) {}

  get blockedCount(): number {
    let n = 0;
    for (const client of this.server.clients.values()) if (client.blocked) n++;
    return n;
  }

  /** Keys some client is blocked on (INFO blocking_keys). */
  get keyCount(): number {
    return this.waiting.size;
  }

  block(client: Client, request: BlockRequest): void {
    const db = client.db;
    const ids = [...new Set(request.keys)].map((key) => keyId(db, key));
    for (const id of ids) {
      const queue = this.waiting.get(id);
      if (queue) queue.push(client);
      else this.waiting.set(id, [client]);
    }
    const state: BlockedState = {
      request,
      db,
      argv: client.ctx.argv,
      ids,
      timer: undefined,
      since: Date.now(),
    };
    client.blocked = state;
    if (request.timeoutMs > 0) this.armTimeout(client, state, state.since + request.timeoutMs);
    this.server.updateIdleExemption(client);
  }

  /** Node fires a longer setTimeout at once: waits past it are re-armed until the deadline. */
  private armTimeout(client: Client, state: BlockedState, deadline: number): void {
    const left = Math.max(deadline - Date.now(), 0);
    state.timer = setTimeout(
      () => {
        if (client.blocked !== state) return;
        if (left > MAX_TIMER_MS) this.armTimeout(client, state, deadline);
        else this.timeout(client);
      },
      Math.min(left, MAX_TIMER_MS),
    );
  }

  /** A key may now serve blocked clients (called through the database hooks). */
  signalReady(db: Database, key: string): void {
    const id = keyId(db, key);
    if (!this.waiting.has(id) || this.readyIds.has(id)) return;
    this.readyIds.add(id);
    this.ready.push({ db, key });
  }

  /** After SWAPDB: every waited-for key that now exists in `db` is ready. */
  signalDatabase(db: Database): void {
    const prefix = `${db.index}\0`;
    for (const id of this.waiting.keys()) {
      if (!id.startsWith(prefix)) continue;
      const key = id.slice(prefix.length);
      if (db.peek(key)) this.signalReady(db, key);
    }
  }

  /** Serves ready keys until none is left; returns the clients that were unblocked. */
  handleReady(): readonly Client[] {
    if (this.serving || this.ready.length === 0) return NONE;
    const unblocked: Client[] = [];
    this.serving = true;
    try {
      while (this.ready.length > 0) {
        const batch = this.ready;
        this.ready = [];
        this.readyIds.clear();
        for (const { db, key } of batch) {
          const queue = this.waiting.get(keyId(db, key));
          if (!queue) continue;
          for (const client of [...queue]) {
            const state = client.blocked;
            if (!state || state.db !== db) continue;
            // Never hand a value to a client whose connection is gone (its close is on its way).
            if (client.killed || client.conn?.closed || client.conn?.socket.destroyed) {
              this.unblock(client);
              continue;
            }
            // The key may have been consumed by the previous client in the queue.
            const entry = db.peek(key);
            if (entry === undefined) break;
            // A key of another type (LPUSH; DEL; SET in one MULTI) serves nobody, as in Redis.
            if (entry.type !== state.request.keyType) continue;
            const served = this.server.serveBlocked(client, state, key);
            if (served) {
              this.unblock(client);
              unblocked.push(client);
            }
          }
        }
      }
    } finally {
      this.serving = false;
    }
    return unblocked;
  }

  /** Removes the client from every wait queue. */
  unblock(client: Client): void {
    const state = client.blocked;
    if (!state) return;
    if (state.timer) clearTimeout(state.timer);
    for (const id of state.ids) {
      const queue = this.waiting.get(id);
      if (!queue) continue;
      const at = queue.indexOf(client);
      if (at !== -1) queue.splice(at, 1);
      if (queue.length === 0) this.waiting.delete(id);
    }
    client.blocked = undefined;
    this.server.updateIdleExemption(client);
  }

  /** Replies the timeout answer and unblocks (also CLIENT UNBLOCK id TIMEOUT). */
  timeout(client: Client): void {
    const state = client.blocked;
    if (!state) return;
    const ctx = client.ctx;
    ctx.argv = state.argv;
    if (state.request.onTimeout) state.request.onTimeout(ctx);
    else client.reply.nullArray();
    this.unblock(client);
    this.server.afterUnblock(client);
  }

  /** CLIENT UNBLOCK id ERROR. */
  error(client: Client, message: string): void {
    if (!client.blocked) return;
    client.reply.error(message);
    this.unblock(client);
    this.server.afterUnblock(client);
  }
}
