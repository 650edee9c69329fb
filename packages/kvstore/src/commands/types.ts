import type { Database } from '../keyspace/database.js';
import type { ReplyWriter } from '../protocol/reply-writer.js';

/**
 * Command flags, named as in Redis's COMMAND reply. `write` commands are propagated to the AOF
 * when they changed something; `denyoom` ones are refused (or evict first) over maxmemory;
 * `blocking` ones may call ctx.block(); `pubsub` and `no_auth`/`loading`/`stale` as in Redis.
 */
export type CommandFlag =
  | 'write'
  | 'readonly'
  | 'denyoom'
  | 'admin'
  | 'pubsub'
  | 'noscript'
  | 'blocking'
  | 'loading'
  | 'stale'
  | 'skip_monitor'
  | 'skip_slowlog'
  | 'fast'
  | 'no_auth'
  | 'may_replicate'
  | 'no_multi'
  | 'allow_busy'
  | 'no_mandatory_keys'
  | 'movablekeys';

export interface CommandSpec {
  /** Lower case, as Redis lists it ('get'; subcommands: 'get' under parent 'config'). */
  readonly name: string;
  /** Redis's arity: exact argument count including the name; negative = at least -arity. */
  readonly arity: number;
  readonly flags: readonly CommandFlag[];
  /** 1-based position of the first key argument, 0 if none. */
  readonly firstKey: number;
  /** Last key position; -1 = last argument, -2 = the one before it... */
  readonly lastKey: number;
  readonly step: number;
  /**
   * ACL categories of the command's group ('@string', '@keyspace'...). @read/@write/@fast/@slow,
   * @admin/@dangerous, @pubsub and @blocking are derived from flags by the table.
   */
  readonly categories: readonly string[];
  /** COMMAND DOCS: one-line summary, first version, group. */
  readonly summary: string;
  readonly since: string;
  readonly group: string;
  readonly complexity?: string;
  /** Key positions for commands whose keys move (numkeys, STREAMS...); 0-based argv indexes. */
  getKeys?(argv: readonly string[]): number[];
  readonly subcommands?: readonly CommandSpec[];
  /** Runs the command. Throw CommandError for an error reply; everything else writes ctx.reply. */
  handler(ctx: CommandContext): void;
}

/** Keyspace notification classes (`notify-keyspace-events` letters g $ l s h z x e t m n). */
export type NotifyClass =
  | 'generic'
  | 'string'
  | 'list'
  | 'set'
  | 'hash'
  | 'zset'
  | 'expired'
  | 'evicted'
  | 'stream'
  | 'keymiss'
  | 'new';

/** The client as commands see it. */
export interface ClientView {
  readonly id: number;
  name: string;
  /** Protocol version negotiated with HELLO. */
  readonly resp: 2 | 3;
  /** Index of the selected database. */
  readonly dbIndex: number;
  /** Inside MULTI (queueing) or running EXEC: blocking commands must not block. */
  readonly inTransaction: boolean;
}

/**
 * A blocked client waits for one of `keys` to be ready. After every command (and EXEC), each key
 * signalled ready (db.signalKeyAsReady, or adding a list/zset/stream key) is offered to the
 * clients blocked on it in FIFO order of blocking: `serve` runs as if the client had just sent
 * its command again and returns true when it replied (the client is unblocked) or false to keep
 * waiting. On timeout `onTimeout` replies (default: the null array).
 */
export interface BlockRequest {
  readonly keys: readonly string[];
  /** The type the keys must hold to serve this client: another type leaves it blocked. */
  readonly keyType: 'list' | 'zset' | 'stream';
  /** Milliseconds to wait; 0 = forever. */
  readonly timeoutMs: number;
  serve(ctx: CommandContext, key: string): boolean;
  onTimeout?(ctx: CommandContext): void;
}

/** Everything a command handler works with. One per client, reused across commands. */
export interface CommandContext {
  /** Arguments, argv[0] being the command name as sent; latin1 strings (1 char = 1 byte). */
  readonly argv: string[];
  readonly client: ClientView;
  /** The selected database. */
  readonly db: Database;
  /** All databases (SWAPDB, MOVE, COPY ... DB n). */
  readonly dbs: readonly Database[];
  readonly reply: ReplyWriter;
  /** Current value of a CONFIG parameter (e.g. 'zset-max-listpack-entries'). */
  config(name: string): string;
  /**
   * Call after changing `key` in the selected db: invalidates WATCH, re-accounts its memory,
   * counts one change for the save rules and marks the command for AOF propagation.
   */
  signalModifiedKey(key: string, db?: Database): void;
  /** Publishes a keyspace notification if `notify-keyspace-events` enables its class. */
  notify(type: NotifyClass, event: string, key: string, db?: Database): void;
  /** Counts n more changes without a key (FLUSHALL...). */
  addDirty(n: number): void;
  /**
   * Replaces what goes to the AOF for this command (default: argv as received, when dirty).
   * E.g. EXPIRE propagates PEXPIREAT, SPOP propagates SREM, a served BLPOP propagates LPOP.
   */
  propagate(commands: string[][]): void;
  /** Blocks the client (see BlockRequest). Inside MULTI it times out at once instead. */
  block(request: BlockRequest): void;
}
