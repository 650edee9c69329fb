import { type CliInfo, type ConfigOf, type OptionTable, commonOptions } from '@strata/common';
import { AUTH_METHODS } from './protocol/auth.js';
import { DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_MESSAGE_SIZE } from './server/minidb-server.js';

export const CLI_INFO: CliInfo = {
  name: 'strata-minidb',
  version: '0.1.0',
  summary: 'a SQL database speaking the PostgreSQL wire protocol',
  envPrefix: 'STRATA_MINIDB',
  epilog: [
    'Clients connect as to PostgreSQL:',
    '  psql -h 127.0.0.1 -p 5433 -U postgres',
    '  strata-minidb --unix-dir /tmp && psql -h /tmp -p 5433',
  ].join('\n'),
};

/** common's `unix` takes a socket path; PostgreSQL clients want a directory (--unix-dir). */
const { unix: _unixPath, ...common } = commonOptions({ port: 5433 });

export const OPTIONS = {
  ...common,
  data: { type: 'string', default: './data/minidb', description: 'data directory' },
  inMemory: { type: 'boolean', default: false, description: 'keep everything in memory, no files' },
  unixDir: {
    type: 'string',
    description: 'also listen on the UNIX socket <dir>/.s.PGSQL.<port> (psql -h <dir>)',
  },
  maxConnections: {
    type: 'integer',
    default: DEFAULT_MAX_CONNECTIONS,
    min: 0,
    description: 'sessions at once (0 = unlimited); more get FATAL 53300',
  },
  maxMessageSize: {
    type: 'size',
    default: DEFAULT_MAX_MESSAGE_SIZE,
    min: 1024,
    description: 'largest client message in bytes; larger ones close the connection (08P01)',
  },
  statementTimeout: {
    type: 'duration',
    unit: 'ms',
    default: 0,
    description: 'cancel a statement running longer than this (57014; 0 = never)',
  },
  authenticationTimeout: {
    type: 'duration',
    unit: 's',
    default: 60_000,
    description: 'close a client that has not authenticated this long after connecting (0 = never)',
  },
  password: {
    type: 'string',
    env: 'STRATA_MINIDB_PASSWORD',
    description: 'require this password of every user (enables password authentication)',
  },
  authFile: {
    type: 'string',
    description: 'user:password lines (or user:SCRAM-SHA-256$... verifiers) to authenticate',
  },
  authMethod: {
    type: 'enum',
    choices: AUTH_METHODS,
    default: 'scram-sha-256',
    description: 'password method when a password is required',
  },
  shutdownTimeout: {
    type: 'duration',
    unit: 'ms',
    default: 10_000,
    description: 'on SIGTERM, how long running statements may finish before clients are cut',
  },
} as const satisfies OptionTable;

export type MinidbConfig = ConfigOf<typeof OPTIONS>;
