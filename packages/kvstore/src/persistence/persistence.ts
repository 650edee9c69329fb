import {
  closeSync,
  existsSync,
  fdatasync,
  fdatasyncSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { keyPositions } from '../commands/table.js';
import type { CommandSpec } from '../commands/types.js';
import type { Database } from '../keyspace/database.js';
import type { KvServer } from '../server/kv-server.js';
import { loadCommandFile } from './loader.js';
import { encodeCommands } from './resp-encode.js';
import { SnapshotJob } from './snapshot-job.js';

/** Commands that change whole databases: a running snapshot job finishes before they run. */
const WHOLE_DB_COMMANDS = new Set([
  'flushall',
  'flushdb',
  'swapdb',
  'move',
  'copy',
  'restore',
  'debug',
]);

type JobKind = 'bgsave' | 'aofrewrite';

/**
 * Durability: the append-only file (RESP commands, fsync policy always/everysec/no, background
 * rewrite) and point-in-time snapshots (SAVE, BGSAVE, `save` rules, shutdown), both written to a
 * temp file, fsynced and renamed into place.
 */
export class Persistence {
  private aofFd: number | undefined;
  private aofPending: Buffer[] = [];
  private aofPendingBytes = 0;
  private aofDb = -1;
  private lastFsync = Date.now();
  private fsyncInFlight = false;
  /** Size of the AOF after the last rewrite (auto-aof-rewrite-percentage). */
  private aofBaseSize = 0;
  aofCurrentSize = 0;
  /** Transactions propagated by EXEC are wrapped in MULTI/EXEC. */
  private transactionDepth = 0;
  private transactionOpened = false;

  private job:
    | { kind: JobKind; snapshot: SnapshotJob; timer: NodeJS.Immediate | undefined }
    | undefined;
  /** Commands fed while an AOF rewrite runs, appended to the new file at the end. */
  private rewriteBuffer: Buffer[] = [];
  private rewriteBufferBytes = 0;
  private rewriteScheduled = false;
  private bgsaveScheduled = false;

  lastSave = Math.floor(Date.now() / 1000);
  lastSaveOk = true;
  lastBgsaveOk = true;
  lastRewriteOk = true;
  private dirtyAtJobStart = 0;
  lastSaveDurationMs = -1;
  lastRewriteDurationMs = -1;
  rdbSaves = 0;
  aofRewrites = 0;

  constructor(private readonly server: KvServer) {
    server.config.onChange('appendonly', (value) => {
      if (value === 'yes' && this.aofFd === undefined) this.enableAof();
      if (value === 'no') this.disableAof();
    });
  }

  // ---- paths ----

  private get dir(): string {
    return resolve(this.server.config.get('dir'));
  }

  get snapshotPath(): string {
    const name = this.server.config.get('dbfilename');
    return isAbsolute(name) ? name : join(this.dir, name);
  }

  get aofPath(): string {
    const name = this.server.config.get('appendfilename');
    return isAbsolute(name) ? name : join(this.dir, name);
  }

  get aofEnabled(): boolean {
    return this.aofFd !== undefined;
  }

  get snapshotting(): boolean {
    return this.job !== undefined;
  }

  get bgsaveInProgress(): boolean {
    return this.job?.kind === 'bgsave';
  }

  get rewriteInProgress(): boolean {
    return this.job?.kind === 'aofrewrite';
  }

  get rewriteScheduledFlag(): boolean {
    return this.rewriteScheduled;
  }

  bufferedBytes(): number {
    return this.aofPendingBytes + this.rewriteBufferBytes;
  }

  // ---- loading ----

  /** Loads the AOF if appendonly is on and it exists, else the snapshot if it exists. */
  async load(): Promise<void> {
    const server = this.server;
    const aof = server.config.bool('appendonly');
    const path = aof ? this.aofPath : this.snapshotPath;
    if (!existsSync(path)) return;
    const started = Date.now();
    const result = loadCommandFile(server, path, {
      allowTruncated: !aof || server.config.bool('aof-load-truncated'),
    });
    if (result.truncatedAt !== undefined) {
      server.logger.warn(
        { path, validBytes: result.truncatedAt, droppedBytes: result.size - result.truncatedAt },
        '!!! Warning: short read while loading the AOF file !!! AOF loaded anyway because aof-load-truncated is enabled; truncating the incomplete tail',
      );
      if (aof) {
        const fd = openSync(path, 'r+');
        ftruncateSync(fd, result.truncatedAt);
        fsyncSync(fd);
        closeSync(fd);
      }
    }
    server.logger.info(
      { path, keys: result.keys, ms: Date.now() - started },
      'DB loaded from disk',
    );
  }

  /** Opens the AOF for appending after loading (appendonly yes). */
  startAof(): void {
    if (this.server.config.bool('appendonly')) this.openAof();
  }

  private openAof(): void {
    const path = this.aofPath;
    this.aofFd = openSync(path, 'a', 0o644);
    this.aofDb = -1;
    this.aofCurrentSize = statSync(path).size;
    this.aofBaseSize = this.aofCurrentSize;
  }

  /** CONFIG SET appendonly yes at runtime: write the current dataset as the AOF, then append. */
  private enableAof(): void {
    if (this.server.loading) return;
    this.openAof();
    if (this.job) this.rewriteScheduled = true;
    else this.startJob('aofrewrite');
  }

  private disableAof(): void {
    if (this.job?.kind === 'aofrewrite') this.cancelJob();
    this.beforeReplies();
    if (this.aofFd !== undefined) {
      fsyncSync(this.aofFd);
      closeSync(this.aofFd);
    }
    this.aofFd = undefined;
  }

  // ---- propagation ----

  /** Appends the effects of a command (already executed) to the AOF and any rewrite buffer. */
  feed(dbIndex: number, commands: ReadonlyArray<readonly (string | Buffer)[]>): void {
    if (this.aofFd === undefined || this.server.loading) return;
    const out: Array<readonly (string | Buffer)[]> = [];
    if (this.transactionDepth > 0 && !this.transactionOpened) {
      out.push(['MULTI']);
      this.transactionOpened = true;
    }
    if (dbIndex !== this.aofDb) {
      out.push(['SELECT', String(dbIndex)]);
      this.aofDb = dbIndex;
    }
    out.push(...commands);
    this.append(encodeCommands(out));
  }

  /** EXEC wraps what its commands propagate in MULTI ... EXEC. */
  beginTransaction(): void {
    this.transactionDepth++;
  }

  endTransaction(): void {
    this.transactionDepth--;
    if (this.transactionDepth === 0 && this.transactionOpened) {
      this.transactionOpened = false;
      this.append(encodeCommands([['EXEC']]));
    }
  }

  private append(bytes: Buffer): void {
    this.aofPending.push(bytes);
    this.aofPendingBytes += bytes.length;
    if (this.job?.kind === 'aofrewrite') {
      this.rewriteBuffer.push(bytes);
      this.rewriteBufferBytes += bytes.length;
    }
  }

  /** Writes pending AOF bytes before replies are sent; fsyncs under appendfsync always. */
  beforeReplies(): void {
    if (this.aofFd === undefined || this.aofPendingBytes === 0) return;
    const bytes =
      this.aofPending.length === 1 ? this.aofPending[0]! : Buffer.concat(this.aofPending);
    this.aofPending = [];
    this.aofPendingBytes = 0;
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(this.aofFd, bytes, offset);
    this.aofCurrentSize += bytes.length;
    if (this.server.config.get('appendfsync') === 'always') {
      fdatasyncSync(this.aofFd);
      this.lastFsync = Date.now();
    }
  }

  /** Copy-before-write for a running snapshot job. */
  beforeCommand(spec: CommandSpec, argv: readonly string[], db: Database): void {
    const job = this.job;
    if (!job) return;
    if (WHOLE_DB_COMMANDS.has(spec.name) || spec.name === 'exec') {
      this.completeJobNow();
      return;
    }
    for (const position of keyPositions(spec, argv))
      job.snapshot.beforeKeyWrite(db, argv[position]!);
  }

  beforeKeyWrite(db: Database, key: string): void {
    this.job?.snapshot.beforeKeyWrite(db, key);
  }

  // ---- cron ----

  cron(): void {
    const server = this.server;
    const policy = server.config.get('appendfsync');
    if (this.aofFd !== undefined) {
      this.beforeReplies();
      if (policy === 'everysec' && !this.fsyncInFlight && Date.now() - this.lastFsync >= 1000) {
        this.fsyncInFlight = true;
        const fd = this.aofFd;
        fdatasync(fd, () => {
          this.fsyncInFlight = false;
          this.lastFsync = Date.now();
        });
      }
    }
    if (this.job) return;
    if (this.rewriteScheduled) {
      this.rewriteScheduled = false;
      this.startJob('aofrewrite');
      return;
    }
    if (this.bgsaveScheduled) {
      this.bgsaveScheduled = false;
      this.startJob('bgsave');
      return;
    }
    // save <seconds> <changes> rules.
    const rules = server.config.get('save').split(' ').filter(Boolean).map(Number);
    const elapsed = Date.now() / 1000 - this.lastSave;
    for (let i = 0; i + 1 < rules.length; i += 2) {
      const seconds = rules[i]!;
      const changes = rules[i + 1]!;
      if (server.dirty >= changes && elapsed > seconds && (this.lastBgsaveOk || elapsed > 5)) {
        server.logger.info({ changes, seconds }, 'changes in seconds: saving');
        this.startJob('bgsave');
        return;
      }
    }
    // auto-aof-rewrite-percentage
    const percentage = server.config.int('auto-aof-rewrite-percentage');
    if (
      this.aofFd !== undefined &&
      percentage > 0 &&
      this.aofCurrentSize > server.config.int('auto-aof-rewrite-min-size')
    ) {
      const base = this.aofBaseSize || 1;
      if (((this.aofCurrentSize - base) * 100) / base >= percentage) this.startJob('aofrewrite');
    }
  }

  // ---- snapshot and rewrite jobs ----

  /** SAVE: the whole snapshot now, blocking. */
  saveSync(): void {
    if (this.job?.kind === 'bgsave') this.cancelJob();
    const started = Date.now();
    const temp = join(this.dir, `temp-${process.pid}.rdb`);
    const job = new SnapshotJob(
      temp,
      this.server.dbs,
      this.server.scripting.functions?.loadCommands(),
    );
    try {
      job.finishNow();
      job.close();
      renameSync(temp, this.snapshotPath);
      syncDir(dirname(this.snapshotPath));
    } catch (err) {
      job.abort();
      removeQuietly(temp);
      this.lastSaveOk = false;
      throw err;
    }
    this.lastSaveOk = true;
    this.lastSave = Math.floor(Date.now() / 1000);
    this.lastSaveDurationMs = Date.now() - started;
    this.server.dirty = 0;
    this.rdbSaves++;
  }

  /** BGSAVE [SCHEDULE]; returns false if a job is running and scheduling was not asked. */
  bgsave(schedule: boolean): 'started' | 'scheduled' | 'busy' {
    if (this.job?.kind === 'bgsave') return 'busy';
    if (this.job) {
      if (!schedule) return 'busy';
      this.bgsaveScheduled = true;
      return 'scheduled';
    }
    this.startJob('bgsave');
    return 'started';
  }

  /** BGREWRITEAOF; when another job runs, the rewrite is scheduled after it. */
  bgrewrite(): 'started' | 'scheduled' | 'busy' {
    if (this.job?.kind === 'aofrewrite') return 'busy';
    if (this.job) {
      this.rewriteScheduled = true;
      return 'scheduled';
    }
    this.startJob('aofrewrite');
    return 'started';
  }

  private startJob(kind: JobKind): void {
    const dir = this.dir;
    const temp = join(
      dir,
      kind === 'bgsave'
        ? `temp-bgsave-${process.pid}.rdb`
        : `temp-rewriteaof-bg-${process.pid}.aof`,
    );
    let snapshot: SnapshotJob;
    try {
      snapshot = new SnapshotJob(
        temp,
        this.server.dbs,
        this.server.scripting.functions?.loadCommands(),
      );
    } catch (err) {
      this.server.logger.error({ err }, `cannot start ${kind}`);
      if (kind === 'bgsave') this.lastBgsaveOk = false;
      else this.lastRewriteOk = false;
      return;
    }
    this.dirtyAtJobStart = this.server.dirty;
    this.rewriteBuffer = [];
    this.rewriteBufferBytes = 0;
    this.job = { kind, snapshot, timer: undefined };
    this.server.logger.info({ kind }, 'background job started');
    this.scheduleStep();
  }

  private scheduleStep(): void {
    const job = this.job;
    if (!job) return;
    job.timer = setImmediate(() => {
      job.timer = undefined;
      if (this.job !== job) return;
      let done: boolean;
      try {
        done = job.snapshot.step(4);
      } catch (err) {
        this.failJob(err as Error);
        return;
      }
      if (done) this.finishJob();
      else this.scheduleStep();
    });
  }

  private completeJobNow(): void {
    const job = this.job;
    if (!job) return;
    if (job.timer) clearImmediate(job.timer);
    try {
      job.snapshot.finishNow();
    } catch (err) {
      this.failJob(err as Error);
      return;
    }
    this.finishJob();
  }

  private finishJob(): void {
    const job = this.job!;
    const { snapshot } = job;
    try {
      if (job.kind === 'aofrewrite') {
        // Commands applied since the start follow the snapshot, then the new file replaces the AOF.
        this.beforeReplies();
        snapshot.close();
        const fd = openSync(snapshot.path, 'a');
        for (const part of this.rewriteBuffer) {
          let offset = 0;
          while (offset < part.length) offset += writeSync(fd, part, offset);
        }
        fsyncSync(fd);
        renameSync(snapshot.path, this.aofPath);
        syncDir(dirname(this.aofPath));
        if (this.aofFd === undefined) {
          // BGREWRITEAOF with appendonly off writes the file but does not start appending.
          closeSync(fd);
        } else {
          closeSync(this.aofFd);
          this.aofFd = fd;
          this.aofDb = -1;
        }
        this.aofCurrentSize = statSync(this.aofPath).size;
        this.aofBaseSize = this.aofCurrentSize;
        this.lastRewriteOk = true;
        this.lastRewriteDurationMs = snapshot.ageMs;
        this.aofRewrites++;
      } else {
        snapshot.close();
        renameSync(snapshot.path, this.snapshotPath);
        syncDir(dirname(this.snapshotPath));
        this.lastBgsaveOk = true;
        this.lastSave = Math.floor(Date.now() / 1000);
        this.lastSaveDurationMs = snapshot.ageMs;
        this.server.dirty = Math.max(0, this.server.dirty - this.dirtyAtJobStart);
        this.rdbSaves++;
      }
      this.server.logger.info(
        { kind: job.kind, keys: snapshot.keysWritten },
        'background job done',
      );
    } catch (err) {
      this.failJob(err as Error);
      return;
    }
    this.job = undefined;
    this.rewriteBuffer = [];
    this.rewriteBufferBytes = 0;
  }

  private failJob(err: Error): void {
    const job = this.job;
    if (!job) return;
    this.server.logger.error({ err, kind: job.kind }, 'background job failed');
    job.snapshot.abort();
    removeQuietly(job.snapshot.path);
    if (job.kind === 'bgsave') this.lastBgsaveOk = false;
    else this.lastRewriteOk = false;
    this.job = undefined;
    this.rewriteBuffer = [];
    this.rewriteBufferBytes = 0;
  }

  private cancelJob(): void {
    const job = this.job;
    if (!job) return;
    if (job.timer) clearImmediate(job.timer);
    job.snapshot.abort();
    removeQuietly(job.snapshot.path);
    this.job = undefined;
  }

  /** Finishes a running rewrite, writes and fsyncs the AOF, closes it. */
  async close(): Promise<void> {
    if (this.job?.kind === 'aofrewrite') this.completeJobNow();
    else this.cancelJob();
    this.beforeReplies();
    if (this.aofFd !== undefined) {
      fsyncSync(this.aofFd);
      closeSync(this.aofFd);
      this.aofFd = undefined;
    }
  }

  /** DEBUG RELOAD: save, empty, load again. */
  reload(): void {
    this.saveSync();
    for (const db of this.server.dbs) db.flush();
    this.server.loading = true;
    try {
      loadCommandFile(this.server, this.snapshotPath, { allowTruncated: false });
    } finally {
      this.server.loading = false;
    }
  }
}

function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    fsyncSync(fd);
    closeSync(fd);
  } catch {
    /* directories cannot be fsynced on every platform */
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* already gone */
  }
}
