import { crc32 } from 'node:zlib';
import { CommandError } from '../../command-error.js';
import type { Entry } from '../../keyspace/entry.js';
import { encodeCommands, entryCommands } from '../../persistence/resp-encode.js';
import { RequestDecoder, latin1 } from '../../protocol/request-decoder.js';
import { internals } from '../../server/context.js';
import { parseInteger, syntaxError } from '../args.js';
import { defineCommand } from '../define.js';

/**
 * DUMP payload: "SDMP" + version byte + the RESP commands recreating the value with a key
 * placeholder + CRC32 (LE). Portable between strata-kvstore servers, not to Redis's RDB.
 */
const MAGIC = 'SDMP\x01';
const PLACEHOLDER = '\x00strata-dump-key\x00';

export function dumpPayload(entry: Entry): Buffer {
  const commands = entryCommands({ ...entry, expiresAt: 0 } as Entry, PLACEHOLDER);
  const body = Buffer.concat([Buffer.from(MAGIC, 'latin1'), encodeCommands(commands)]);
  const checksum = Buffer.alloc(4);
  checksum.writeUInt32LE(crc32(body) >>> 0);
  return Buffer.concat([body, checksum]);
}

/** The commands of a payload with the placeholder replaced by `key`; undefined if invalid. */
export function parsePayload(payload: Buffer, key: string): string[][] | undefined {
  if (payload.length < MAGIC.length + 4 || latin1(payload.subarray(0, MAGIC.length)) !== MAGIC)
    return undefined;
  const body = payload.subarray(0, payload.length - 4);
  if (payload.readUInt32LE(payload.length - 4) !== crc32(body) >>> 0) return undefined;
  const decoder = new RequestDecoder({
    maxBulkLength: Number.MAX_SAFE_INTEGER,
    maxQueryBuffer: Number.MAX_SAFE_INTEGER,
  });
  decoder.push(body.subarray(MAGIC.length));
  const commands: string[][] = [];
  try {
    for (let argv = decoder.next(); argv; argv = decoder.next()) {
      commands.push(argv.map((arg) => (arg === PLACEHOLDER ? key : arg)));
    }
  } catch {
    return undefined;
  }
  return decoder.buffered === 0 && commands.length > 0 ? commands : undefined;
}

export const dump = defineCommand({
  name: 'dump',
  arity: 2,
  flags: ['readonly'],
  keys: [1, 1, 1],
  group: 'generic',
  summary: 'Return a serialized version of the value stored at the specified key.',
  since: '2.6.0',
  handler(ctx) {
    const entry = ctx.db.lookupRead(ctx.argv[1]!);
    ctx.reply.bulk(entry ? dumpPayload(entry) : null);
  },
});

const ALLOWED_FIRST: ReadonlySet<string> = new Set([
  'SET',
  'RPUSH',
  'HSET',
  'SADD',
  'ZADD',
  'XADD',
  'XSETID',
  'XGROUP',
  'PFADD',
]);

export const restore = defineCommand({
  name: 'restore',
  arity: -4,
  flags: ['write', 'denyoom'],
  keys: [1, 1, 1],
  group: 'generic',
  categories: ['@dangerous'],
  summary: 'Create a key using the provided serialized value, previously obtained using DUMP.',
  since: '2.6.0',
  handler(ctx) {
    const { argv, db } = ctx;
    const key = argv[1]!;
    let ttl = parseInteger(argv[2]!);
    let replace = false;
    let absolute = false;
    let idle: number | undefined;
    let frequency: number | undefined;
    for (let i = 4; i < argv.length; i++) {
      const option = argv[i]!.toUpperCase();
      if (option === 'REPLACE') replace = true;
      else if (option === 'ABSTTL') absolute = true;
      else if (option === 'IDLETIME' && i + 1 < argv.length && frequency === undefined) {
        idle = parseInteger(argv[++i]!);
        if (idle < 0) throw new CommandError('ERR Invalid IDLETIME value, must be >= 0');
      } else if (option === 'FREQ' && i + 1 < argv.length && idle === undefined) {
        frequency = parseInteger(argv[++i]!);
        if (frequency < 0 || frequency > 255)
          throw new CommandError('ERR Invalid FREQ value, must be >= 0 and <= 255');
      } else throw syntaxError();
    }
    if (ttl < 0) throw new CommandError('ERR Invalid TTL value, must be >= 0');
    if (!replace && db.lookupWrite(key))
      throw new CommandError('BUSYKEY Target key name already exists.');
    const commands = parsePayload(Buffer.from(argv[3]!, 'latin1'), key);
    if (!commands || !ALLOWED_FIRST.has(commands[0]![0]!.toUpperCase())) {
      throw new CommandError('ERR DUMP payload version or checksum are wrong');
    }
    if (ttl > 0 && !absolute) ttl += Date.now();
    const deleted = db.delete(key);
    if (ttl > 0 && ttl <= Date.now()) {
      // Already expired: Redis answers OK and only deletes the old key.
      if (deleted) {
        ctx.signalModifiedKey(key);
        ctx.notify('generic', 'del', key);
      }
      ctx.reply.ok();
      return;
    }
    internals(ctx).server.materialize(db, commands);
    const entry = db.peek(key);
    if (entry) {
      if (ttl > 0) db.setExpire(entry, ttl);
      if (idle !== undefined)
        entry.lru = Math.max(0, (Math.floor(Date.now() / 1000) - idle) & 0xffffff);
      if (frequency !== undefined)
        entry.lru = ((Math.floor(Date.now() / 60000) & 0xffff) << 8) | frequency;
    }
    ctx.signalModifiedKey(key);
    ctx.notify('generic', 'restore', key);
    // A relative TTL would restart at AOF load time: log the absolute one.
    if (ttl > 0) ctx.propagate([['RESTORE', key, String(ttl), argv[3]!, 'ABSTTL', 'REPLACE']]);
    ctx.reply.ok();
  },
});
