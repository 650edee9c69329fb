/**
 * The shell's file-descriptor table. Each shell fd number maps to an `Fd`: a real OS fd of
 * this process, a stream to or from a child process, an in-memory capture (command
 * substitution) or an in-memory input (here-documents). Built-ins read and write through these
 * objects; external commands receive them in spawn's `stdio` (OS fds and child pipes are
 * handed over directly, so bytes between two external programs never pass through JS).
 */
import {
  closeSync,
  constants as fsConstants,
  fstatSync,
  openSync,
  read as readAsync,
  write as writeAsync,
  readSync,
  writeSync,
} from 'node:fs';
import { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { isatty, ReadStream } from 'node:tty';
import { pollReadable } from './native.js';
import { osPipe } from './os-pipe.js';

/** Thrown by a write to a pipe whose reader has gone (the in-process SIGPIPE). */
export class BrokenPipe extends Error {
  constructor() {
    super('broken pipe');
  }
}

/** What a read with a deadline returns when the deadline passed first. */
export const TIMED_OUT = Symbol('timed out');

/** How often a timed read polls a pipe or terminal that has no data yet. */
const TIMED_READ_POLL_MS = 5;

export type SpawnStdio = number | 'pipe' | 'ignore' | Readable | Writable;

export abstract class Fd {
  abstract readonly kind: string;
  abstract write(data: string | Uint8Array): void | Promise<void>;
  /**
   * The next chunk, or null at end of input. With `interrupt` (an interactive shell), a wait
   * on a terminal must not block the event loop, and the interrupt ends it like end of input.
   */
  abstract read(interrupt?: AbortSignal): Promise<Buffer | null>;
  /** Reads one line (including its newline) without consuming past it where possible. */
  async readLine(delim = '\n'): Promise<string | null> {
    const bytes: number[] = [];
    const code = delim.charCodeAt(0);
    for (;;) {
      const b = await this.readByte();
      if (b === null) return bytes.length > 0 ? Buffer.from(bytes).toString() : null;
      bytes.push(b);
      if (b === code) return Buffer.from(bytes).toString();
    }
  }
  /** One byte, or null at end of input; `interrupt` as for read(). */
  abstract readByte(interrupt?: AbortSignal): Promise<number | null>;
  /** A read that outlived a `read -t` deadline: its byte belongs to the next read. */
  private inflight: Promise<number | null> | undefined;
  /** readByte, first finishing a read that an earlier deadline left in flight. */
  nextByte(interrupt?: AbortSignal): Promise<number | null> {
    const pending = this.inflight;
    this.inflight = undefined;
    return pending ?? this.readByte(interrupt);
  }
  /** nextByte with a deadline (`read -t`): TIMED_OUT when nothing arrived in time. */
  nextByteBefore(deadline: number): Promise<number | null | typeof TIMED_OUT> {
    return this.raceDeadline(this.nextByte(), deadline);
  }
  /** Waits for `read` until the deadline; a read still in flight then belongs to the next read. */
  protected async raceDeadline(
    read: Promise<number | null>,
    deadline: number,
  ): Promise<number | null | typeof TIMED_OUT> {
    let timer: NodeJS.Timeout | undefined;
    const expiry = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), Math.max(0, deadline - Date.now()));
    });
    const result = await Promise.race([read, expiry]);
    clearTimeout(timer);
    if (result === TIMED_OUT) this.inflight = read;
    return result;
  }
  /** `read -t 0`: whether a read would not wait (data, or end of input, is there). */
  async hasInput(): Promise<boolean> {
    const next = await this.nextByteBefore(Date.now());
    if (next === TIMED_OUT) return false;
    this.inflight = Promise.resolve(next);
    return true;
  }
  /**
   * Set on the input of a pipeline stage that is not one external command: the stage (a
   * subshell in bash) keeps reading after the children it starts, so a child that does not
   * read leaves the data there (`echo hi | { sleep 0; read v; }`).
   */
  shared = false;
  /** What to put in a child's stdio slot. 'pipe' means connect(childStream) is needed. */
  abstract spawnStdio(forOutput: boolean): SpawnStdio;
  /** Called with the child's end when spawnStdio returned 'pipe'; resolves when data is moved. */
  connect(_stream: Readable | Writable): Promise<void> {
    return Promise.resolve();
  }
  /** Called once after a spawn that used this fd (even if the spawn failed). */
  afterSpawn(): void {}
  /** Copies this input into a child's stdin with backpressure, then ends it. */
  protected async pumpTo(w: Writable): Promise<void> {
    for (;;) {
      const chunk = await this.read();
      if (chunk === null) break;
      if (!w.write(chunk)) await new Promise((r) => w.once('drain', r));
      if (w.destroyed) break;
    }
    w.end();
  }
  isTTY(): boolean {
    return false;
  }
  close(): void {}
}

const EAGAIN_WAIT = new Int32Array(new SharedArrayBuffer(4));

/** A real descriptor of this process (0, 1, 2 or a file we opened). */
export class OsFd extends Fd {
  readonly kind = 'os';
  private tty: boolean | undefined;
  /** The rest of a terminal line read by readByte (only interruptible reads leave any). */
  private unread: Buffer = Buffer.alloc(0);
  constructor(
    readonly fd: number,
    private readonly owned: boolean,
  ) {
    super();
  }

  write(data: string | Uint8Array): void {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    let off = 0;
    while (off < buf.length) {
      try {
        off += writeSync(this.fd, buf, off, buf.length - off);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') {
          Atomics.wait(EAGAIN_WAIT, 0, 0, 1);
          continue;
        }
        if (code === 'EPIPE') throw new BrokenPipe();
        throw e;
      }
    }
  }

  async readByte(interrupt?: AbortSignal): Promise<number | null> {
    if (this.unread.length > 0 || (interrupt && this.isTTY())) {
      // A terminal line arrives whole; the bytes after this one wait in `unread`.
      const chunk = this.unread.length > 0 ? this.unread : await this.read(interrupt);
      if (chunk === null) return null;
      this.unread = chunk.subarray(1);
      return chunk[0];
    }
    const b = Buffer.alloc(1);
    const n = this.readSyncRetry(b);
    return n === 0 ? null : b[0];
  }

  read(interrupt?: AbortSignal): Promise<Buffer | null> {
    if (this.unread.length > 0) {
      const chunk = this.unread;
      this.unread = Buffer.alloc(0);
      return Promise.resolve(chunk);
    }
    if (interrupt && this.isTTY()) return readTerminal(this.fd, interrupt);
    const b = Buffer.alloc(65536);
    const n = this.readSyncRetry(b);
    return Promise.resolve(n === 0 ? null : b.subarray(0, n));
  }

  /**
   * A socket cannot be reopened non-blocking through /proc: the native helper polls it, and
   * the byte is read once it is there. Without the helper the read waits without a deadline.
   */
  private async socketByteBefore(deadline: number): Promise<number | null | typeof TIMED_OUT> {
    const ready = await pollReadable(this.fd, deadline - Date.now());
    if (ready === false) return TIMED_OUT;
    return this.nextByte();
  }

  /**
   * A pipe, FIFO or terminal is read through a non-blocking description of its own
   * (opened through /proc; the shell's fd stays blocking), polled until the deadline, one
   * byte at a time so nothing past the line is consumed. Files never block.
   */
  override async nextByteBefore(deadline: number): Promise<number | null | typeof TIMED_OUT> {
    if (this.unread.length > 0 || fstatSync(this.fd).isFile()) return this.nextByte();
    let own: number;
    try {
      own = openSync(`/proc/self/fd/${this.fd}`, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
    } catch {
      return this.socketByteBefore(deadline);
    }
    const b = Buffer.alloc(1);
    try {
      for (;;) {
        try {
          return readSync(own, b, 0, 1, null) === 0 ? null : b[0];
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
        }
        const left = deadline - Date.now();
        if (left <= 0) return TIMED_OUT;
        await new Promise((resolve) => setTimeout(resolve, Math.min(left, TIMED_READ_POLL_MS)));
      }
    } finally {
      closeSync(own);
    }
  }

  private readSyncRetry(b: Buffer): number {
    for (;;) {
      try {
        return readSync(this.fd, b, 0, b.length, null);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') {
          Atomics.wait(EAGAIN_WAIT, 0, 0, 2);
          continue;
        }
        if (code === 'EOF' || code === 'EISDIR') return 0;
        throw e;
      }
    }
  }

  spawnStdio(): SpawnStdio {
    return this.fd;
  }

  override isTTY(): boolean {
    if (this.tty === undefined) {
      try {
        this.tty = fstatSync(this.fd).isCharacterDevice() && isatty(this.fd);
      } catch {
        this.tty = false;
      }
    }
    return this.tty;
  }

  override close(): void {
    if (this.owned) {
      try {
        closeSync(this.fd);
      } catch {
        // already closed
      }
    }
  }
}

/**
 * One read from a terminal that leaves the event loop free, so the SIGINT handler runs while
 * the user types. The terminal is opened again (a description of our own, which libuv makes
 * non-blocking without touching the shell's fd) and read through a tty stream; the stream is
 * stopped after one chunk, which in canonical mode is one line. Ctrl+D (a read of 0 bytes)
 * ends only this stream, and the interrupt resolves as end of input.
 */
function readTerminal(fd: number, interrupt: AbortSignal): Promise<Buffer | null> {
  if (interrupt.aborted) return Promise.resolve(null);
  let own: number;
  try {
    own = openSync(`/proc/self/fd/${fd}`, fsConstants.O_RDONLY | fsConstants.O_NOCTTY);
  } catch {
    // No /proc: fall back to the blocking read (Ctrl+C then waits for the line).
    return new OsFd(fd, false).read();
  }
  const stream = new ReadStream(own);
  return new Promise((resolve) => {
    const finish = (chunk: Buffer | null) => {
      interrupt.removeEventListener('abort', onAbort);
      stream.removeAllListeners('data');
      stream.destroy();
      resolve(chunk);
    };
    const onAbort = () => finish(null);
    interrupt.addEventListener('abort', onAbort, { once: true });
    stream.on('data', (chunk: Buffer) => finish(chunk));
    stream.once('end', () => finish(null));
    stream.once('error', () => finish(null));
  });
}

/**
 * The shell's write end of a coprocess's input pipe. Writes go through the thread pool, so a
 * write that fills the pipe waits there, not in the event loop: a coproc of built-ins runs in
 * this process and must keep running to drain it.
 */
export class AsyncPipeWriteFd extends OsFd {
  /** Writes run one after another: two in the thread pool at once could interleave. */
  private queue: Promise<void> = Promise.resolve();
  override write(data: string | Uint8Array): Promise<void> {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    const done = this.queue.then(() => this.writeAll(buf));
    this.queue = done.catch(() => {});
    return done;
  }
  private async writeAll(buf: Uint8Array): Promise<void> {
    for (let off = 0; off < buf.length; ) {
      off += await new Promise<number>((resolve, reject) => {
        writeAsync(this.fd, buf, off, buf.length - off, null, (err, n) => {
          if (!err) resolve(n);
          else reject(err.code === 'EPIPE' ? new BrokenPipe() : err);
        });
      });
    }
  }
}

/** Collects output in memory: command substitution. */
export class CaptureFd extends Fd {
  readonly kind = 'capture';
  readonly chunks: Buffer[] = [];
  write(data: string | Uint8Array): void {
    this.chunks.push(typeof data === 'string' ? Buffer.from(data) : Buffer.from(data));
  }
  read(): Promise<Buffer | null> {
    return Promise.resolve(null);
  }
  readByte(): Promise<number | null> {
    return Promise.resolve(null);
  }
  spawnStdio(): SpawnStdio {
    return 'pipe';
  }
  override connect(stream: Readable | Writable): Promise<void> {
    const r = stream as Readable;
    return new Promise((resolve) => {
      r.on('data', (d: Buffer) => this.chunks.push(d));
      r.on('end', resolve);
      r.on('error', () => resolve());
      r.on('close', resolve);
    });
  }
  text(): string {
    return Buffer.concat(this.chunks).toString();
  }
}

/** Input from memory: here-documents and here-strings. */
export class DataFd extends Fd {
  readonly kind = 'data';
  private offset = 0;
  constructor(private readonly data: Buffer) {
    super();
  }
  write(): void {
    throw Object.assign(new Error('Bad file descriptor'), { code: 'EBADF' });
  }
  read(): Promise<Buffer | null> {
    if (this.offset >= this.data.length) return Promise.resolve(null);
    const b = this.data.subarray(this.offset);
    this.offset = this.data.length;
    return Promise.resolve(b);
  }
  readByte(): Promise<number | null> {
    if (this.offset >= this.data.length) return Promise.resolve(null);
    return Promise.resolve(this.data[this.offset++]);
  }
  spawnStdio(): SpawnStdio {
    return 'pipe';
  }
  override connect(stream: Readable | Writable): Promise<void> {
    const w = stream as Writable;
    w.on('error', () => {});
    w.end(this.data.subarray(this.offset));
    this.offset = this.data.length;
    return Promise.resolve();
  }
}

/** The write end of a pipe: a child's stdin, or an in-process pipe to another stage. */
export class WriteStreamFd extends Fd {
  readonly kind = 'wstream';
  private broken = false;
  constructor(readonly stream: Writable) {
    super();
    stream.on('error', () => {
      this.broken = true;
    });
    stream.on('close', () => {
      if (!stream.writableFinished) this.broken = true;
    });
  }
  private drained: Promise<void> | undefined;

  write(data: string | Uint8Array): void | Promise<void> {
    if (this.broken || this.stream.destroyed) throw new BrokenPipe();
    if (this.stream.write(data)) return;
    // one shared wait for 'drain' however many writes are queued behind it
    this.drained ??= new Promise<void>((resolve, reject) => {
      const done = () => {
        this.stream.off('drain', done);
        this.stream.off('close', done);
        this.drained = undefined;
        if (this.broken || this.stream.destroyed) reject(new BrokenPipe());
        else resolve();
      };
      this.stream.on('drain', done);
      this.stream.on('close', done);
    });
    return this.drained;
  }
  read(): Promise<Buffer | null> {
    return Promise.resolve(null);
  }
  readByte(): Promise<number | null> {
    return Promise.resolve(null);
  }
  spawnStdio(): SpawnStdio {
    return hasOsHandle(this.stream) ? this.stream : 'pipe';
  }
  override connect(stream: Readable | Writable): Promise<void> {
    const r = stream as Readable;
    return new Promise((resolve) => {
      r.on('data', (d: Buffer) => {
        if (!this.stream.write(d)) {
          r.pause();
          this.stream.once('drain', () => r.resume());
        }
      });
      r.on('end', resolve);
      r.on('close', resolve);
    });
  }
  override close(): void {
    this.stream.end();
  }
}

/** The read end of a pipe: a child's stdout, or an in-process pipe from another stage. */
export class ReadStreamFd extends Fd {
  readonly kind = 'rstream';
  private pending: Buffer[] = [];
  private ended = false;
  private waiters: (() => void)[] = [];
  private started = false;
  constructor(readonly stream: Readable) {
    super();
  }
  private start(): void {
    if (this.started) return;
    this.started = true;
    this.stream.on('data', (d: Buffer) => {
      this.pending.push(typeof d === 'string' ? Buffer.from(d) : d);
      this.stream.pause();
      this.wake();
    });
    this.stream.on('end', () => {
      this.ended = true;
      this.wake();
    });
    this.stream.on('error', () => {
      this.ended = true;
      this.wake();
    });
    this.stream.on('close', () => {
      this.ended = true;
      this.wake();
    });
  }
  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
  /** Once a child of a shared stage reads this input, it flows through an OS pipe (see spawnStdio). */
  private viaPipe: PipeReadFd | undefined;
  read(): Promise<Buffer | null> {
    return this.viaPipe ? this.viaPipe.read() : this.readStream();
  }
  private async readStream(): Promise<Buffer | null> {
    this.start();
    for (;;) {
      const b = this.pending.shift();
      if (b) return b;
      if (this.ended) return null;
      this.stream.resume();
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }
  async readByte(): Promise<number | null> {
    if (this.viaPipe) return this.viaPipe.readByte();
    for (;;) {
      const head = this.pending[0];
      if (head && head.length > 0) {
        const b = head[0];
        if (head.length === 1) this.pending.shift();
        else this.pending[0] = head.subarray(1);
        return b;
      }
      if (head) {
        this.pending.shift();
        continue;
      }
      const chunk = await this.read();
      if (chunk === null) return null;
      this.pending.unshift(chunk);
    }
  }
  override async readLine(delim = '\n'): Promise<string | null> {
    if (this.viaPipe) return this.viaPipe.readLine(delim);
    const parts: Buffer[] = [];
    const code = delim.charCodeAt(0);
    for (;;) {
      let head = this.pending.shift();
      if (!head) {
        const chunk = await this.read();
        if (chunk === null) {
          return parts.length > 0 ? Buffer.concat(parts).toString() : null;
        }
        head = chunk;
      }
      const i = head.indexOf(code);
      if (i >= 0) {
        parts.push(head.subarray(0, i + 1));
        if (i + 1 < head.length) this.pending.unshift(head.subarray(i + 1));
        return Buffer.concat(parts).toString();
      }
      parts.push(head);
    }
  }
  write(): void {
    throw Object.assign(new Error('Bad file descriptor'), { code: 'EBADF' });
  }
  spawnStdio(): SpawnStdio {
    if (this.viaPipe) return this.viaPipe.spawnStdio();
    if (this.shared && !this.handed) {
      const pipe = osPipe();
      if (pipe) {
        // the child and the shell share the read end; what the child leaves stays in the pipe
        this.viaPipe = new PipeReadFd(pipe[0], false);
        void this.pumpToPipe(new Socket({ fd: pipe[1], readable: false, writable: true }));
        return this.viaPipe.spawnStdio();
      }
    }
    if (this.handed) return 'ignore';
    this.passedDirectly =
      !this.started &&
      this.pending.length === 0 &&
      this.stream.readableLength === 0 &&
      hasOsHandle(this.stream);
    return this.passedDirectly ? this.stream : 'pipe';
  }

  private async pumpToPipe(w: Socket): Promise<void> {
    w.on('error', () => this.stream.destroy());
    for (;;) {
      const chunk = await this.readStream();
      if (chunk === null || w.destroyed) break;
      if (!w.write(chunk)) await new Promise((r) => w.once('drain', r).once('close', r));
    }
    w.end();
  }

  private handed = false;
  private passedDirectly = false;
  /** A child now owns the pipe: drop our copy so EOF and SIGPIPE work between children. */
  override afterSpawn(): void {
    if (!this.passedDirectly) return;
    this.handed = true;
    this.ended = true;
    this.stream.destroy();
  }
  override connect(stream: Readable | Writable): Promise<void> {
    if (this.viaPipe) return this.viaPipe.connect(stream);
    const w = stream as Writable;
    // the reader (a child's stdin) went away: break the pipe for whoever writes into us
    const breakPipe = () => this.stream.destroy();
    w.on('error', breakPipe);
    w.on('close', breakPipe);
    void this.pumpTo(w);
    return Promise.resolve();
  }
  override close(): void {
    this.viaPipe?.close();
    this.stream.destroy();
  }
}

/** The read end of an OS pipe (see os-pipe.ts) whose writer is a child process. */
export class PipeReadFd extends Fd {
  readonly kind = 'piperead';
  private pending: Buffer | undefined;
  private closed = false;
  private eof = false;
  private usedDirectly = false;
  constructor(
    private readonly fd: number,
    /** A pipeline link is handed to one child; a process substitution stays for the command. */
    private readonly closeAfterSpawn = true,
  ) {
    super();
  }

  /** The descriptor number in this process (for /dev/fd/N paths given to utilities). */
  get osFd(): number | undefined {
    return this.closed ? undefined : this.fd;
  }
  read(): Promise<Buffer | null> {
    if (this.pending && this.pending.length > 0) {
      const b = this.pending;
      this.pending = undefined;
      return Promise.resolve(b);
    }
    if (this.closed || this.eof) return Promise.resolve(null);
    const buf = Buffer.allocUnsafe(65536);
    return new Promise((resolve) => {
      readAsync(this.fd, buf, 0, buf.length, null, (err, n) => {
        if (err || n === 0) {
          this.eof = true;
          resolve(null);
        } else resolve(buf.subarray(0, n));
      });
    });
  }
  async readByte(): Promise<number | null> {
    if (!this.pending || this.pending.length === 0) {
      const chunk = await this.read();
      if (chunk === null) return null;
      this.pending = chunk;
    }
    const b = this.pending[0];
    this.pending = this.pending.subarray(1);
    return b;
  }
  write(): void {
    throw Object.assign(new Error('Bad file descriptor'), { code: 'EBADF' });
  }
  spawnStdio(): SpawnStdio {
    if (this.closed) return 'ignore';
    this.usedDirectly = !this.pending || this.pending.length === 0;
    return this.usedDirectly ? this.fd : 'pipe';
  }
  override connect(stream: Readable | Writable): Promise<void> {
    const w = stream as Writable;
    w.on('error', () => this.close());
    void this.pumpTo(w);
    return Promise.resolve();
  }
  override afterSpawn(): void {
    // the child owns the read end now; ours would keep the writer from seeing SIGPIPE
    if (this.usedDirectly && this.closeAfterSpawn && !this.shared) this.close();
  }
  override close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
  }
}

/** A closed descriptor (`>&-`). */
export class ClosedFd extends Fd {
  readonly kind = 'closed';
  write(): void {
    throw Object.assign(new Error('Bad file descriptor'), { code: 'EBADF' });
  }
  read(): Promise<Buffer | null> {
    return Promise.reject(Object.assign(new Error('Bad file descriptor'), { code: 'EBADF' }));
  }
  readByte(): Promise<number | null> {
    return this.read() as unknown as Promise<number | null>;
  }
  spawnStdio(): SpawnStdio {
    return 'ignore';
  }
}

function hasOsHandle(s: Readable | Writable): boolean {
  // Child-process pipes are net.Sockets with a libuv handle that spawn can pass on.
  return !!(s as unknown as { _handle?: object })._handle;
}

/** A shell fd table; copied (cheaply) for each command that has redirections. */
export class FdTable {
  constructor(readonly fds: Map<number, Fd> = new Map()) {}
  get(n: number): Fd | undefined {
    const fd = this.fds.get(n);
    return fd instanceof ClosedFd ? undefined : fd;
  }
  set(n: number, fd: Fd): void {
    this.fds.set(n, fd);
  }
  close(n: number): void {
    this.fds.set(n, new ClosedFd());
  }
  copy(): FdTable {
    return new FdTable(new Map(this.fds));
  }
  maxFd(): number {
    let m = 2;
    for (const k of this.fds.keys()) if (k > m) m = k;
    return m;
  }
}

export function stdTable(): FdTable {
  return new FdTable(
    new Map<number, Fd>([
      [0, new OsFd(0, false)],
      [1, new OsFd(1, false)],
      [2, new OsFd(2, false)],
    ]),
  );
}
