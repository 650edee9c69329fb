import { availableParallelism } from 'node:os';
import {
  type CliInfo,
  type ConfigOf,
  type OptionTable,
  commonOptions,
  parseCli,
} from '@strata/common';

/** Every flag of strata-proxy; the README lists them with the same defaults. */
export const PROXY_OPTIONS = {
  ...commonOptions({ port: 3128 }),
  origin: {
    type: 'string',
    description: 'reverse proxy: send every origin-form request to this origin (http://host:port)',
  },
  originHostHeader: {
    type: 'boolean',
    default: false,
    description: "reverse proxy: send the origin's host as Host instead of the client's",
  },
  allowPrivate: {
    type: 'boolean',
    default: false,
    description: 'allow forward requests to loopback, link-local and private addresses',
  },
  connectPorts: {
    type: 'string',
    default: '443',
    description: 'ports CONNECT may reach: a list of ports and ranges (443,8443,1-65535)',
  },
  upstreamTimeout: {
    type: 'duration',
    unit: 's',
    default: 30_000,
    description: 'connect, response head and body-gap timeout towards the origin (504 beyond)',
  },
  upstreamConnections: {
    type: 'integer',
    default: 256,
    min: 1,
    description: 'keep-alive connections kept per origin',
  },
  connectTimeout: {
    type: 'duration',
    unit: 's',
    default: 10_000,
    description: 'time to open a CONNECT tunnel to its target (504 beyond)',
  },
  noForwardedFor: {
    type: 'boolean',
    default: false,
    description: 'do not add X-Forwarded-For',
  },
  viaName: {
    type: 'string',
    default: 'strata-proxy',
    description: 'the pseudonym this proxy adds to Via (1.1 NAME)',
  },
  deny: {
    type: 'string',
    repeatable: true,
    description: 'refuse URLs matching domain:NAME, regex:RE or glob:PATTERN (repeatable)',
  },
  allow: {
    type: 'string',
    repeatable: true,
    description: 'allow-list: only URLs matching one of these patterns pass (repeatable)',
  },
  denyFile: {
    type: 'string',
    description: 'more --deny patterns, one a line (# comments); reread on SIGHUP',
  },
  maxPatternLength: {
    type: 'integer',
    default: 1024,
    min: 1,
    description: 'longest filter pattern accepted',
  },
  maxFilterUrl: {
    type: 'size',
    default: 8 * 1024,
    min: 64,
    description: 'URLs longer than this are refused (414) before any filter runs',
  },
  allowFrom: {
    type: 'string',
    repeatable: true,
    description: 'client networks allowed (CIDR, repeatable; default 127.0.0.0/8 and ::1)',
  },
  auth: {
    type: 'string',
    repeatable: true,
    description: 'require Proxy-Authorization Basic with this user:pass (repeatable)',
  },
  authFile: {
    type: 'string',
    description: 'more user:pass lines for Basic proxy authentication (# comments)',
  },
  purgeFrom: {
    type: 'string',
    repeatable: true,
    description: 'networks allowed to PURGE and read the stats (CIDR; default loopback)',
  },
  adminPath: {
    type: 'string',
    default: '/strata-proxy/stats',
    description: 'origin-form path answered with cache statistics (JSON) for --purge-from clients',
  },
  cache: {
    type: 'yesno',
    default: true,
    description: 'cache responses (no: a plain proxy)',
  },
  memCacheSize: {
    type: 'size',
    default: 256 * 1024 * 1024,
    description: 'memory for cached objects (LRU beyond)',
  },
  maxObjectSize: {
    type: 'size',
    default: 64 * 1024 * 1024,
    description: 'larger responses are streamed, not stored',
  },
  maxCacheEntries: {
    type: 'integer',
    default: 1_000_000,
    min: 1,
    description: 'most objects kept in memory',
  },
  heuristicMax: {
    type: 'duration',
    unit: 's',
    default: 86_400_000,
    description: 'cap on heuristic freshness (10% of the Last-Modified age)',
  },
  maxVariants: {
    type: 'integer',
    default: 16,
    min: 1,
    description: 'Vary variants kept per URL (the oldest is dropped beyond)',
  },
  maxWaiters: {
    type: 'integer',
    default: 1000,
    min: 0,
    description: 'requests collapsed onto one pending miss (others go upstream on their own)',
  },
  maxRanges: {
    type: 'integer',
    default: 64,
    min: 1,
    description: 'more byte ranges than this in one request are answered with the whole object',
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
    choices: ['squid', 'combined', 'json'] as const,
    default: 'squid',
    description: "access log format: squid (Squid's native), combined, or json",
  },
  headerTimeout: {
    type: 'duration',
    default: 10_000,
    description: 'time to receive a whole request head, from its first byte (408 and close)',
  },
  idleTimeout: {
    type: 'duration',
    default: 60_000,
    description: 'keep-alive: close a client connection idle this long between requests',
  },
  tunnelIdleTimeout: {
    type: 'duration',
    default: 300_000,
    description: 'close a CONNECT tunnel idle this long in both directions',
  },
  maxRequests: {
    type: 'integer',
    default: 10_000,
    min: 1,
    description: 'requests served on one client connection before it is closed',
  },
  maxConnections: {
    type: 'integer',
    default: 10_000,
    min: 0,
    description: 'simultaneous client connections per process (0 = unlimited)',
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
    default: 0,
    description: 'largest request body forwarded (413 beyond; 0 = unlimited)',
  },
  shutdownGrace: {
    type: 'duration',
    default: 10_000,
    description: 'graceful shutdown: in-flight responses get this long before being cut',
  },
} as const satisfies OptionTable;

export type ProxyConfig = ConfigOf<typeof PROXY_OPTIONS>;

export const CLI_INFO: CliInfo = {
  name: 'strata-proxy',
  version: '0.1.0',
  summary: 'a caching forward and reverse HTTP proxy',
  envPrefix: 'STRATA_PROXY',
  epilog:
    'Sizes take units (64kb, 1mb); durations take ms, s, m, h (bare numbers: timeouts in ms,\n' +
    'upstream/connect timeouts and --heuristic-max in s).\n' +
    'SIGTERM/SIGINT drain gracefully; SIGHUP rereads --deny-file and --auth-file.',
};

/** The configuration again (SIGHUP); a bad one returns the error text instead of exiting. */
export function rereadConfig(argv: readonly string[]): ProxyConfig | string {
  const result = parseCli(PROXY_OPTIONS, CLI_INFO, argv);
  return result.kind === 'run' ? result.config : result.output.trim();
}
