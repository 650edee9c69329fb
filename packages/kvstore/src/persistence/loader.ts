import { readFileSync } from 'node:fs';
import { RequestDecoder } from '../protocol/request-decoder.js';
import { Client } from '../server/client.js';
import { call } from '../server/dispatch.js';
import type { KvServer } from '../server/kv-server.js';
import { SNAPSHOT_HEADER } from './snapshot-job.js';

export interface LoadResult {
  size: number;
  keys: number;
  /** Offset of the end of the last complete command when the file ends mid-command. */
  truncatedAt: number | undefined;
}

export class LoadError extends Error {}

/**
 * Replays a file of RESP commands (AOF or snapshot) through the command table with an internal
 * client. An incomplete last command (a crash mid-write) is dropped with a warning when allowed;
 * an unfinished MULTI at the end is discarded, as Redis does.
 */
export function loadCommandFile(
  server: KvServer,
  path: string,
  options: { allowTruncated: boolean },
): LoadResult {
  const data = readFileSync(path);
  if (data.subarray(0, 5).toString('latin1') === 'REDIS') {
    throw new LoadError(
      `${path} is a Redis RDB file; this server reads only its own snapshot format`,
    );
  }
  // Both formats are RESP arrays from the first byte; anything else is not ours to replay.
  if (data.length > 0 && data[0] !== 0x2a) {
    throw new LoadError(`${path} is not a strata-kvstore snapshot or append-only file`);
  }
  const client = new Client(server, undefined, server.dbs[0]!);
  client.authenticated = true;
  const decoder = new RequestDecoder({
    maxBulkLength: Number.MAX_SAFE_INTEGER,
    maxQueryBuffer: Number.MAX_SAFE_INTEGER,
  });
  decoder.push(data);
  let validEnd = 0;
  let transaction: string[][] | undefined;
  let commandIndex = 0;
  for (;;) {
    let argv: string[] | undefined;
    try {
      argv = decoder.next();
    } catch (err) {
      throw new LoadError(
        `bad file format reading ${path} at byte ${validEnd}: ${(err as Error).message}`,
      );
    }
    if (argv === undefined) break;
    validEnd = data.length - decoder.buffered;
    commandIndex++;
    const name = argv[0]!.toLowerCase();
    if (commandIndex === 1 && argv[0] === SNAPSHOT_HEADER[0]) continue;
    if (name === 'multi') {
      transaction = [];
      continue;
    }
    if (name === 'exec') {
      for (const queued of transaction ?? []) run(server, client, queued);
      transaction = undefined;
      continue;
    }
    if (transaction) transaction.push(argv);
    else run(server, client, argv);
    client.reply.clear();
  }
  let truncatedAt: number | undefined;
  if (decoder.buffered > 0 || transaction) {
    if (!options.allowTruncated) {
      throw new LoadError(`unexpected end of file reading ${path}`);
    }
    if (transaction) {
      server.logger.warn(
        { path },
        'revert incomplete MULTI/EXEC transaction at the end of the file',
      );
      validEnd = lastMultiOffset(data, validEnd);
    }
    truncatedAt = validEnd;
  }
  let keys = 0;
  for (const db of server.dbs) keys += db.size;
  return { size: data.length, keys, truncatedAt };
}

function run(server: KvServer, client: Client, argv: string[]): void {
  const resolved = server.table.resolve(argv);
  if (resolved.kind === 'unknown-command') {
    throw new LoadError(`unknown command '${argv[0]}' reading the append only file`);
  }
  if (resolved.kind === 'unknown-subcommand') {
    throw new LoadError(`unknown command '${argv[0]} ${argv[1]}' reading the append only file`);
  }
  call(server, client, resolved.spec, argv, resolved.fullName);
  client.reply.clear();
}

/** Start offset of the last MULTI command (to truncate an unfinished transaction). */
function lastMultiOffset(data: Buffer, limit: number): number {
  const marker = Buffer.from('*1\r\n$5\r\nMULTI\r\n');
  const at = data.lastIndexOf(marker, limit);
  return at === -1 ? limit : at;
}
