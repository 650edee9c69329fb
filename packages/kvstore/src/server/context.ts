import type { BlockRequest, CommandContext, NotifyClass } from '../commands/types.js';
import type { Database } from '../keyspace/database.js';
import type { ReplyWriter } from '../protocol/reply-writer.js';
import type { Client } from './client.js';
import type { KvServer } from './kv-server.js';

/** The CommandContext of one client; argv is swapped for each command. */
export class Context implements CommandContext {
  argv: string[] = [];
  /** Replaying values (COPY, RESTORE): no notifications, no dirty count, no propagation. */
  silent = false;
  /** AOF propagation override of the running command. */
  propagated: string[][] | undefined;
  readonly reply: ReplyWriter;

  constructor(
    readonly client: Client,
    readonly server: KvServer,
  ) {
    this.reply = client.reply;
  }

  get db(): Database {
    return this.client.db;
  }

  get dbs(): readonly Database[] {
    return this.server.dbs;
  }

  config(name: string): string {
    return this.server.config.get(name);
  }

  signalModifiedKey(key: string, db: Database = this.client.db): void {
    db.signalModifiedKey(key);
    if (!this.silent) this.server.dirty++;
  }

  notify(type: NotifyClass, event: string, key: string, db: Database = this.client.db): void {
    if (!this.silent) this.server.notifier.notify(type, event, key, db.index);
  }

  addDirty(n: number): void {
    if (!this.silent) this.server.dirty += n;
  }

  propagate(commands: string[][]): void {
    if (this.propagated) this.propagated.push(...commands);
    else this.propagated = [...commands];
  }

  block(request: BlockRequest): void {
    if (this.client.inTransaction) {
      if (request.onTimeout) request.onTimeout(this);
      else this.reply.nullArray();
      return;
    }
    this.server.blocking.block(this.client, request);
  }
}

/**
 * The server and full client behind a context, for the commands that manage the server itself
 * (CLIENT, CONFIG, INFO, MULTI/EXEC, pub/sub...). Data-type commands need only CommandContext.
 */
export function internals(ctx: CommandContext): { server: KvServer; client: Client } {
  return ctx as Context;
}
