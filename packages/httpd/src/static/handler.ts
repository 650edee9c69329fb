import { randomBytes } from 'node:crypto';
import { serializeFields } from '@strata/common/http';
import type { HttpdConfig } from '../options.js';
import type { HttpResponse } from '../response.js';
import type { HttpRequest } from '../session.js';
import { acceptedEncodings } from './accept-encoding.js';
import { renderListing } from './autoindex.js';
import { ChunkPool, InFlightChunks } from './chunk-pool.js';
import { evaluatePreconditions, ifRangeAllows } from './conditional.js';
import {
  type FileCache,
  FileChangedError,
  type FileEntry,
  type Representation,
} from './file-cache.js';
import { type ByteRange, parseRange } from './range.js';
import { type RequestPath, parseRequestPath } from './request-path.js';

/** A path that passed the safety checks. */
type SafePath = Extract<RequestPath, { ok: true }>;

const ALLOW = 'GET, HEAD, OPTIONS';

/** Methods of the HTTP and WebDAV registries: known, but not for static files (405). */
const KNOWN_METHODS = new Set([
  'POST',
  'PUT',
  'DELETE',
  'PATCH',
  'TRACE',
  'CONNECT',
  'PROPFIND',
  'PROPPATCH',
  'MKCOL',
  'COPY',
  'MOVE',
  'LOCK',
  'UNLOCK',
  'SEARCH',
  'REPORT',
  'QUERY',
]);

/** A body part to send: literal bytes (multipart framing) or a byte range of the file. */
type Part = string | ByteRange;

/**
 * Serves files under the root: method rules, path safety, directories, conditionals, ranges,
 * content codings. A fresh cached small file is answered synchronously; everything else
 * returns a promise.
 */
export class StaticHandler {
  private readonly readBuffers = new ChunkPool();

  constructor(
    private readonly cache: FileCache,
    private readonly config: () => HttpdConfig,
  ) {}

  handle(request: HttpRequest, response: HttpResponse): Promise<void> | undefined {
    const { head } = request;
    if (head.method !== 'GET' && head.method !== 'HEAD') {
      this.otherMethod(request, response);
      return undefined;
    }
    const path = parseRequestPath(head.path);
    if (!path.ok) {
      response.sendError(400);
      return undefined;
    }
    const relative = path.segments.join('/');
    const entry = this.cache.peek(relative, Date.now());
    if (entry) {
      if (this.serveFresh(request, response, entry, path.trailingSlash)) return undefined;
    }
    return this.serveAsync(request, response, path, relative);
  }

  private otherMethod(request: HttpRequest, response: HttpResponse): void {
    const { method } = request.head;
    if (request.head.connect) request.last = true;
    if (method === 'OPTIONS') response.send(204, { Allow: ALLOW });
    else if (KNOWN_METHODS.has(method)) response.sendError(405, { Allow: ALLOW });
    else response.sendError(501);
  }

  /**
   * Answers from a fresh entry when no I/O is needed and returns true; false when I/O is
   * (body not loaded yet, compression, streaming, directories), with nothing sent.
   */
  private serveFresh(
    request: HttpRequest,
    response: HttpResponse,
    entry: FileEntry,
    trailingSlash: boolean,
  ): boolean {
    if (entry.kind !== 'file' || trailingSlash) return false;
    const rep = this.pickSync(request, entry);
    if (!rep) return false;
    const plan = this.plan(request, response, entry, rep);
    if (plan === 'done') return true;
    if (!rep.body && !response.headOnly) return false;
    this.sendPlan(response, entry, rep, plan, rep.body);
    return true;
  }

  private async serveAsync(
    request: HttpRequest,
    response: HttpResponse,
    path: SafePath,
    /** `path.segments` joined: the cache key. */
    relative: string,
    retried = false,
  ): Promise<void> {
    const config = this.config();
    const entry = await this.cache.lookup(relative);
    try {
      if (entry.kind === 'missing') {
        if (config.spa && relative !== config.index) {
          await this.serveFile(
            request,
            response,
            config.index,
            await this.cache.lookup(config.index),
          );
        } else {
          response.sendError(404);
        }
      } else if (entry.kind === 'directory') {
        await this.serveDirectory(request, response, relative, entry, path);
      } else if (path.trailingSlash) {
        response.sendError(404);
      } else {
        await this.serveFile(request, response, relative, entry);
      }
    } catch (err) {
      if (err instanceof FileChangedError && !retried && !response.headersSent) {
        return this.serveAsync(request, response, path, relative, true);
      }
      throw err;
    }
  }

  private async serveDirectory(
    request: HttpRequest,
    response: HttpResponse,
    relative: string,
    entry: FileEntry,
    path: SafePath,
  ): Promise<void> {
    const config = this.config();
    if (!path.trailingSlash) {
      response.sendError(301, { Location: `${path.rawPath}/${path.query}` });
      return;
    }
    const indexPath = relative === '' ? config.index : `${relative}/${config.index}`;
    const index = await this.cache.lookup(indexPath);
    if (index.kind === 'file') {
      await this.serveFile(request, response, indexPath, index);
    } else if (config.autoindex) {
      const html = await renderListing(
        this.cache.root,
        entry.realPath,
        decodeURIComponent(path.rawPath),
      );
      response.send(200, { 'Content-Type': 'text/html; charset=utf-8' }, html);
    } else {
      response.sendError(403);
    }
  }

  private async serveFile(
    request: HttpRequest,
    response: HttpResponse,
    relative: string,
    entry: FileEntry,
  ): Promise<void> {
    if (entry.kind !== 'file') {
      response.sendError(404);
      return;
    }
    const rep =
      this.pickSync(request, entry) ?? (await this.pickCompressed(request, relative, entry));
    const plan = this.plan(request, response, entry, rep);
    if (plan === 'done') return;
    if (response.headOnly) {
      this.sendPlan(response, entry, rep, plan, undefined);
      return;
    }
    if (rep.body || this.cache.keepsBody(rep.size)) {
      this.sendPlan(response, entry, rep, plan, await this.cache.body(relative, rep));
      return;
    }
    await this.stream(response, relative, entry, rep, plan);
  }

  /**
   * The representation to send when it is already known: identity, or a precompressed
   * sibling or cached compressed body the client accepts. Undefined when a compression has
   * to be made first.
   */
  private pickSync(request: HttpRequest, entry: FileEntry): Representation | undefined {
    if (!entry.varies) return entry.identity;
    for (const encoding of acceptedEncodings(request.head.headers['accept-encoding'])) {
      const rep = entry.siblings[encoding] ?? entry.compressed[encoding];
      if (rep) return rep;
      if (this.cache.compressible(entry)) return undefined;
    }
    return entry.identity;
  }

  private async pickCompressed(
    request: HttpRequest,
    relative: string,
    entry: FileEntry,
  ): Promise<Representation> {
    const [best] = acceptedEncodings(request.head.headers['accept-encoding']);
    return best ? this.cache.compress(relative, entry, best) : entry.identity;
  }

  /** The fields a representation is sent with, rendered once and kept with it. */
  private fields(entry: FileEntry, rep: Representation): string {
    if (rep.fields !== undefined) return rep.fields;
    const { maxAge } = this.config();
    rep.fields = serializeFields({
      'Content-Type': entry.type.header,
      'Last-Modified': entry.lastModified,
      ETag: rep.etag,
      'Cache-Control': maxAge === undefined ? undefined : `max-age=${Math.floor(maxAge / 1000)}`,
      'Content-Encoding': rep.encoding,
      Vary: entry.varies ? 'Accept-Encoding' : undefined,
      'Accept-Ranges': 'bytes',
    });
    return rep.fields;
  }

  /**
   * Preconditions and ranges: answers 304/412/416 itself ('done'), or returns the parts of
   * the body to send (empty for the whole representation).
   */
  private plan(
    request: HttpRequest,
    response: HttpResponse,
    entry: FileEntry,
    rep: Representation,
  ): Part[] | 'done' {
    const { head } = request;
    const verdict = evaluatePreconditions(head, rep.etag, rep.mtimeMs);
    if (verdict === 'failed') {
      response.sendError(412);
      return 'done';
    }
    if (verdict === 'not-modified') {
      const { maxAge } = this.config();
      response.send(304, {
        'Last-Modified': entry.lastModified,
        ETag: rep.etag,
        'Cache-Control': maxAge === undefined ? undefined : `max-age=${Math.floor(maxAge / 1000)}`,
        Vary: entry.varies ? 'Accept-Encoding' : undefined,
      });
      return 'done';
    }
    const range = head.headers.range;
    if (range === undefined || !ifRangeAllows(head, rep.etag, rep.mtimeMs)) return [];
    const ranges = parseRange(range, rep.size, this.config().maxRanges);
    if (ranges === 'ignore') return [];
    if (ranges === 'unsatisfiable') {
      response.sendError(416, { 'Content-Range': `bytes */${rep.size}` });
      return 'done';
    }
    if (ranges.length === 1) return ranges;
    const boundary = randomBytes(10).toString('hex');
    const parts: Part[] = [];
    for (const r of ranges) {
      parts.push(
        `\r\n--${boundary}\r\nContent-Type: ${entry.type.header}\r\nContent-Range: bytes ${r.start}-${r.end}/${rep.size}\r\n\r\n`,
        r,
      );
    }
    parts.push(`\r\n--${boundary}--\r\n`);
    return parts;
  }

  /** Status line and fields for a plan: 200, 206 with Content-Range, or multipart 206. */
  private writePlanHead(
    response: HttpResponse,
    entry: FileEntry,
    rep: Representation,
    plan: Part[],
  ): void {
    const fields = this.fields(entry, rep);
    if (plan.length === 0) {
      response.writeHead(200, fields, rep.size);
    } else if (plan.length === 1) {
      const r = plan[0] as ByteRange;
      response.writeHead(
        206,
        `${fields}Content-Range: bytes ${r.start}-${r.end}/${rep.size}\r\n`,
        r.end - r.start + 1,
      );
    } else {
      const boundary = (plan.at(-1) as string).slice(4, -4);
      const length = plan.reduce(
        (sum, part) =>
          sum + (typeof part === 'string' ? Buffer.byteLength(part) : part.end - part.start + 1),
        0,
      );
      const multipartFields = fields.replace(
        /^Content-Type: .*\r\n/,
        `Content-Type: multipart/byteranges; boundary=${boundary}\r\n`,
      );
      response.writeHead(206, multipartFields, length);
    }
  }

  /** A response whose body is in memory (or not needed: HEAD). */
  private sendPlan(
    response: HttpResponse,
    entry: FileEntry,
    rep: Representation,
    plan: Part[],
    body: Buffer | undefined,
  ): void {
    this.writePlanHead(response, entry, rep, plan);
    if (body) {
      if (plan.length === 0) response.write(body);
      for (const part of plan) {
        response.write(typeof part === 'string' ? part : body.subarray(part.start, part.end + 1));
      }
    }
    response.end();
  }

  /** A large file read in big chunks, each written only once the client took the last one. */
  private async stream(
    response: HttpResponse,
    relative: string,
    entry: FileEntry,
    rep: Representation,
    plan: Part[],
  ): Promise<void> {
    const config = this.config();
    const file = await this.cache.openFile(rep.path!, config.aio);
    try {
      const info = await file.stat();
      if (info.size !== rep.size || info.mtimeMs !== rep.mtimeMs) {
        this.cache.invalidate(relative);
        throw new FileChangedError();
      }
      this.writePlanHead(response, entry, rep, plan);
      const parts: Part[] = plan.length === 0 ? [{ start: 0, end: rep.size - 1 }] : plan;
      const chunkSize = config.readChunk;
      this.readBuffers.resize(chunkSize);
      const inFlight = new InFlightChunks(this.readBuffers);
      for (const part of parts) {
        if (typeof part === 'string') {
          response.write(part);
          inFlight.wrote(Buffer.byteLength(part));
          continue;
        }
        let position = part.start;
        while (position <= part.end && !response.conn.closed) {
          const length = Math.min(chunkSize, part.end - position + 1);
          inFlight.release(response.conn.pendingOutput);
          const buffer = this.readBuffers.take();
          const bytesRead = await file.read(buffer, length, position);
          if (bytesRead === 0) {
            // The file shrank after its length was sent: the response cannot be completed.
            response.conn.destroy(new FileChangedError());
            return;
          }
          response.write(buffer.subarray(0, bytesRead));
          inFlight.wrote(bytesRead, buffer);
          position += bytesRead;
          await response.drain();
        }
      }
      response.end();
      inFlight.releaseWhenSent(response.conn);
    } finally {
      await this.cache.closeFile(file);
    }
  }
}
