import type { Stats } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlibConstants, gzip } from 'node:zlib';
import { httpDate } from '@strata/common/http';
import { LRUCache } from 'lru-cache';
import { type ContentType, contentTypeOf } from './mime.js';
import { Semaphore } from './semaphore.js';
import { type StreamFile, openStreamFile } from './stream-file.js';

export type Encoding = 'br' | 'gzip';
export const ENCODINGS: readonly Encoding[] = ['br', 'gzip'];
const SIBLING_SUFFIX: Record<Encoding, string> = { br: '.br', gzip: '.gz' };

/** One sendable form of a file: itself, a precompressed sibling, or compressed in memory. */
export interface Representation {
  /** File to read, or undefined for a body that exists only in memory. */
  path: string | undefined;
  size: number;
  mtimeMs: number;
  etag: string;
  /** Whole body, when it is small enough to keep. */
  body: Buffer | undefined;
  /** Content-Encoding, undefined for the file itself. */
  encoding: Encoding | undefined;
  /** Response fields rendered for it by the handler, kept for the next request. */
  fields?: string;
}

export interface FileEntry {
  kind: 'file' | 'directory' | 'missing';
  realPath: string;
  ino: number;
  lastModified: string;
  type: ContentType;
  identity: Representation;
  /** Precompressed `.br` / `.gz` siblings found beside the file. */
  siblings: Partial<Record<Encoding, Representation>>;
  /** Compressed on the fly (with --gzip), filled on first use. */
  compressed: Partial<Record<Encoding, Representation>>;
  /** Whether responses vary by Accept-Encoding (siblings exist or on-the-fly applies). */
  varies: boolean;
  /** When the file system was last asked about this path (ms since epoch). */
  checkedAt: number;
}

export interface FileCacheOptions {
  root: string;
  validityMs: number;
  maxBytes: number;
  /** Most paths remembered. */
  maxEntries: number;
  maxFileBytes: number;
  maxOpenFiles: number;
  /** On-the-fly compression of compressible types at least this big (undefined: off). */
  compressMinBytes: number | undefined;
}

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/** Bookkeeping bytes charged per entry besides its bodies. */
const ENTRY_OVERHEAD = 256;

/**
 * Stat results and small bodies of the files under the root, keyed by path relative to it.
 * An entry younger than `validityMs` is trusted without a system call (a hot 1 KiB file costs
 * a map lookup); an older one is checked with realpath + stat and dropped when its size, mtime
 * or inode changed. Symlinks are resolved and anything that lands outside the root is
 * reported missing. Open file descriptors are bounded by a semaphore.
 */
export class FileCache {
  readonly files: Semaphore;
  private readonly options: FileCacheOptions;
  private realRoot = '';
  private readonly entries: LRUCache<string, FileEntry>;
  private readonly inflight = new Map<string, Promise<FileEntry>>();

  constructor(options: FileCacheOptions) {
    this.options = options;
    this.files = new Semaphore(options.maxOpenFiles);
    this.entries = new LRUCache<string, FileEntry>({
      max: options.maxEntries,
      maxSize: Math.max(options.maxBytes, ENTRY_OVERHEAD),
      sizeCalculation: (entry) => ENTRY_OVERHEAD + entryBytes(entry),
    });
  }

  /** Resolves the root once; fails when it does not exist. */
  async init(): Promise<void> {
    this.realRoot = await realpath(this.options.root);
    const info = await stat(this.realRoot);
    if (!info.isDirectory()) throw new Error(`${this.options.root} is not a directory`);
  }

  get root(): string {
    return this.realRoot;
  }

  /** The entry for `relative` if it is fresh, without touching the file system. */
  peek(relative: string, now: number): FileEntry | undefined {
    const entry = this.entries.get(relative);
    if (entry && now - entry.checkedAt < this.options.validityMs) return entry;
    return undefined;
  }

  /** The entry for `relative`, checked against the file system when stale. */
  lookup(relative: string): Promise<FileEntry> {
    const now = Date.now();
    const fresh = this.peek(relative, now);
    if (fresh) return Promise.resolve(fresh);
    let pending = this.inflight.get(relative);
    if (!pending) {
      pending = this.refresh(relative, this.entries.get(relative)).finally(() =>
        this.inflight.delete(relative),
      );
      this.inflight.set(relative, pending);
    }
    return pending;
  }

  /** Forgets `relative` (its file changed under a read). */
  invalidate(relative: string): void {
    this.entries.delete(relative);
  }

  clear(): void {
    this.entries.clear();
  }

  /** The whole body of a small representation, read once and kept. */
  async body(relative: string, rep: Representation): Promise<Buffer> {
    if (rep.body) return rep.body;
    const path = rep.path!;
    await this.files.acquire();
    let data: Buffer;
    try {
      data = await readFile(path);
    } finally {
      this.files.release();
    }
    if (data.length !== rep.size) {
      // Changed between stat and read: serve what was read, re-check next time.
      this.invalidate(relative);
      throw new FileChangedError();
    }
    rep.body = data;
    this.recharge(relative);
    return data;
  }

  /** A representation compressed in memory, made on first use and kept with the entry. */
  async compress(relative: string, entry: FileEntry, encoding: Encoding): Promise<Representation> {
    const existing = entry.compressed[encoding];
    if (existing) return existing;
    const source = await this.body(relative, entry.identity);
    const body =
      encoding === 'br'
        ? await brotliAsync(source, {
            params: {
              [zlibConstants.BROTLI_PARAM_QUALITY]: 5,
              [zlibConstants.BROTLI_PARAM_SIZE_HINT]: source.length,
            },
          })
        : await gzipAsync(source, { level: 6 });
    const rep: Representation = {
      path: undefined,
      size: body.length,
      mtimeMs: entry.identity.mtimeMs,
      etag: `${entry.identity.etag.slice(0, -1)}-${encoding}"`,
      body,
      encoding,
    };
    entry.compressed[encoding] = rep;
    this.recharge(relative);
    return rep;
  }

  /** Whether on-the-fly compression applies to this entry. */
  compressible(entry: FileEntry): boolean {
    const min = this.options.compressMinBytes;
    return (
      min !== undefined &&
      entry.type.compressible &&
      entry.identity.size >= min &&
      entry.identity.size <= this.options.maxFileBytes
    );
  }

  /** Opens a file for streaming, counted against the open-file limit until closeFile(). */
  async openFile(path: string, aio: boolean): Promise<StreamFile> {
    await this.files.acquire();
    try {
      return await openStreamFile(path, aio);
    } catch (err) {
      this.files.release();
      throw err;
    }
  }

  async closeFile(file: StreamFile): Promise<void> {
    try {
      await file.close();
    } finally {
      this.files.release();
    }
  }

  /** Whether a body of this size is kept in memory. */
  keepsBody(size: number): boolean {
    return size <= this.options.maxFileBytes;
  }

  private recharge(relative: string): void {
    const entry = this.entries.get(relative);
    if (entry) this.entries.set(relative, entry);
  }

  private async refresh(relative: string, old: FileEntry | undefined): Promise<FileEntry> {
    const now = Date.now();
    const found = await this.resolve(
      relative === '' ? this.realRoot : join(this.realRoot, relative),
    );
    if (!found) return this.store(relative, missingEntry(now));
    const [real, info] = found;
    if (
      old &&
      old.kind !== 'missing' &&
      old.realPath === real &&
      old.ino === info.ino &&
      old.identity.size === info.size &&
      old.identity.mtimeMs === info.mtimeMs
    ) {
      old.checkedAt = now;
      // Siblings may come and go independently of the file.
      if (old.kind === 'file') await this.findSiblings(old);
      return old;
    }
    const entry: FileEntry = {
      kind: info.isDirectory() ? 'directory' : info.isFile() ? 'file' : 'missing',
      realPath: real,
      ino: info.ino,
      lastModified: httpDate(info.mtimeMs),
      type: contentTypeOf(real),
      identity: representation(real, info),
      siblings: {},
      compressed: {},
      varies: false,
      checkedAt: now,
    };
    if (entry.kind === 'file') await this.findSiblings(entry);
    return this.store(relative, entry);
  }

  private async findSiblings(entry: FileEntry): Promise<void> {
    entry.siblings = {};
    if (entry.type.compressible) {
      for (const encoding of ENCODINGS) {
        const found = await this.resolve(entry.realPath + SIBLING_SUFFIX[encoding]);
        if (found?.[1].isFile()) {
          entry.siblings[encoding] = representation(found[0], found[1], encoding);
        }
      }
    }
    entry.varies = Object.keys(entry.siblings).length > 0 || this.compressible(entry);
  }

  private store(relative: string, entry: FileEntry): FileEntry {
    this.entries.set(relative, entry);
    return entry;
  }

  /** realpath + stat, or undefined when missing, unreadable or outside the root. */
  private async resolve(path: string): Promise<[string, Stats] | undefined> {
    try {
      const real = await realpath(path);
      if (real !== this.realRoot && !real.startsWith(this.realRoot + sep)) return undefined;
      return [real, await stat(real)];
    } catch {
      return undefined;
    }
  }
}

export class FileChangedError extends Error {
  constructor() {
    super('file changed while being read');
  }
}

/** nginx's strong ETag: hex mtime seconds and hex size. */
function representation(path: string, info: Stats, encoding?: Encoding): Representation {
  return {
    path,
    size: info.size,
    mtimeMs: info.mtimeMs,
    etag: `"${Math.floor(info.mtimeMs / 1000).toString(16)}-${info.size.toString(16)}"`,
    body: undefined,
    encoding,
  };
}

function missingEntry(now: number): FileEntry {
  return {
    kind: 'missing',
    realPath: '',
    ino: 0,
    lastModified: '',
    type: contentTypeOf(''),
    identity: {
      path: undefined,
      size: 0,
      mtimeMs: 0,
      etag: '',
      body: undefined,
      encoding: undefined,
    },
    siblings: {},
    compressed: {},
    varies: false,
    checkedAt: now,
  };
}

function entryBytes(entry: FileEntry): number {
  let bytes = entry.identity.body?.length ?? 0;
  for (const rep of [...Object.values(entry.siblings), ...Object.values(entry.compressed)]) {
    bytes += rep.body?.length ?? 0;
  }
  return bytes;
}
