import { type CliInfo, type OptionSpec, type OptionTable, commonOptions } from '@strata/common';
import { CONFIG_PARAMS } from './server/config-params.js';

export const CLI_INFO: CliInfo = {
  name: 'strata-kvstore',
  version: '0.1.0',
  summary: 'a Redis-compatible key-value server',
  envPrefix: 'STRATA_KVSTORE',
  configPositional: true,
  epilog: [
    'Every Redis configuration parameter is also a flag (--appendonly yes, --maxmemory 100mb,',
    "--save '900 1', --requirepass secret) and a line of a redis.conf-style file:",
    '  strata-kvstore ./redis.conf --port 7000',
  ].join('\n'),
};

/** Parameters common's options already cover under another name. */
const COVERED = new Set(['port']);

/**
 * Flags: the common ones (host, port, unix, logging, metrics) plus every Redis parameter under
 * its Redis name, taken as text and validated by the runtime config like CONFIG SET.
 */
export function buildOptionTable(): OptionTable {
  const table: OptionTable = { ...commonOptions({ port: 6379 }) };
  for (const param of CONFIG_PARAMS) {
    if (COVERED.has(param.name)) continue;
    const spec: OptionSpec = {
      type: 'string',
      description: `Redis parameter ${param.name} (default ${param.default === '' ? '""' : `'${param.default}'`})`,
      env: false,
      ...(param.name === 'save' ? { repeatable: true } : {}),
    };
    table[param.name] = spec;
    for (const alias of param.aliases ?? [])
      table[alias] = { ...spec, description: `alias of ${param.name}` };
  }
  table.user = {
    type: 'string',
    description: "an ACL user, as a redis.conf 'user' line: --user 'alice on >secret ~* +@all'",
    env: false,
    repeatable: true,
  };
  return table;
}
