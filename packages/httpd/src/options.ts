import { availableParallelism } from 'node:os';
import { type ConfigOf, type OptionTable, commonOptions, parseCli } from '@strata/common';

/** Every flag of strata-httpd; the README lists them with the same defaults. */
export const HTTPD_OPTIONS = {
  ...commonOptions({ port: 8080 }),
  root: { type: 'string', default: './public', description: 'document root to serve' },
  index: { type: 'string', default: 'index.html', description: 'index file of a directory' },
  autoindex: {
    type: 'boolean',
    default: false,
    description: 'HTML listing of directories without an index',
  },
  spa: {
    type: 'boolean',
    default: false,
    description: 'single-page app: serve the root index file for paths that do not exist',
  },
  maxAge: {
    type: 'duration',
    unit: 's',
    description: 'send Cache-Control: max-age=N (seconds; default: no Cache-Control)',
  },
  workers: {
    type: 'integer',
    default: availableParallelism(),
    min: 0,
    max: 256,
    description: 'worker processes (node:cluster); 0 serves from this process alone',
  },
  accessLog: { type: 'string', description: "access log file, or '-' for stdout (default: off)" },
  accessLogFormat: {
    type: 'enum',
    choices: ['combined', 'json'] as const,
    default: 'combined',
    description: 'access log format: combined (as nginx) or json (pino lines)',
  },
  headerTimeout: {
    type: 'duration',
    default: 10_000,
    description: 'time to receive a whole request head, from its first byte (408 and close)',
  },
  idleTimeout: {
    type: 'duration',
    default: 60_000,
    description: 'keep-alive: close a connection idle this long between requests',
  },
  requestTimeout: {
    type: 'duration',
    default: 30_000,
    description: 'time to receive a whole request, head and body (408 and close)',
  },
  sendTimeout: {
    type: 'duration',
    default: 60_000,
    description: 'close a client that accepts no response bytes for this long',
  },
  maxRequests: {
    type: 'integer',
    default: 1000,
    min: 1,
    description: 'requests served on one connection before it is closed',
  },
  maxConnections: {
    type: 'integer',
    default: 10_000,
    min: 0,
    description: 'simultaneous connections per process (0 = unlimited)',
  },
  maxPipeline: {
    type: 'integer',
    default: 64,
    min: 1,
    description: 'pipelined requests queued on a connection before reading pauses',
  },
  maxRequestLine: {
    type: 'size',
    default: 8 * 1024,
    min: 64,
    description: 'longest request line in bytes (414 beyond)',
  },
  maxHeaderSize: {
    type: 'size',
    default: 16 * 1024,
    min: 256,
    description: 'largest request header section in bytes (431 beyond)',
  },
  maxHeaders: {
    type: 'integer',
    default: 100,
    min: 1,
    description: 'most request header fields (431 beyond)',
  },
  maxBody: {
    type: 'size',
    default: 1024 * 1024,
    description: 'largest request body read and discarded (413 beyond)',
  },
  gzip: {
    type: 'boolean',
    default: false,
    description: 'compress text responses on the fly (gzip or brotli), cached in memory',
  },
  gzipMinLength: {
    type: 'size',
    default: 256,
    description: 'smallest file compressed on the fly',
  },
  cacheSize: {
    type: 'size',
    default: 64 * 1024 * 1024,
    description: 'memory for cached file bodies and compressed variants',
  },
  cacheMaxFile: {
    type: 'size',
    default: 1024 * 1024,
    description: 'largest file kept in memory (larger ones are streamed)',
  },
  cacheEntries: {
    type: 'integer',
    default: 100_000,
    min: 1,
    description: 'most paths (files, directories, misses) remembered by the cache',
  },
  maxRanges: {
    type: 'integer',
    default: 64,
    min: 1,
    description: 'more byte ranges than this in one request are ignored (200 with the file)',
  },
  cacheValidity: {
    type: 'duration',
    default: 1000,
    description: 'how long a cached stat is trusted before the file is checked again',
  },
  maxOpenFiles: {
    type: 'integer',
    default: 256,
    min: 1,
    description: 'file descriptors open at once for streaming (requests wait beyond)',
  },
  aio: {
    type: 'boolean',
    default: false,
    description:
      'read streamed files in the thread pool (as nginx aio threads) instead of in the event loop',
  },
  readChunk: {
    type: 'size',
    default: 256 * 1024,
    min: 4096,
    description: 'read size when streaming large files',
  },
  shutdownGrace: {
    type: 'duration',
    default: 10_000,
    description: 'graceful shutdown: in-flight responses get this long before being cut',
  },
} as const satisfies OptionTable;

export type HttpdConfig = ConfigOf<typeof HTTPD_OPTIONS>;

export const CLI_INFO = {
  name: 'strata-httpd',
  version: '0.1.0',
  summary: 'an HTTP/1.1 static file server',
  envPrefix: 'STRATA_HTTPD',
  epilog:
    'Sizes take units (64kb, 1mb); durations take ms, s, m, h (bare numbers are ms, max-age s).\n' +
    'SIGTERM/SIGINT drain gracefully; SIGHUP reloads the configuration and reopens the access log.',
};

/**
 * The configuration again (SIGHUP): flags, environment and config file re-read. A bad file
 * returns the error text instead of exiting, so the running server carries on.
 */
export function rereadConfig(argv: readonly string[]): HttpdConfig | string {
  const result = parseCli(HTTPD_OPTIONS, CLI_INFO, argv);
  return result.kind === 'run' ? result.config : result.output.trim();
}
