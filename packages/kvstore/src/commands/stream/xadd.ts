import { CommandError } from '../../command-error.js';
import type { Stream, StreamId, TrimStrategy } from '../../structures/stream.js';
import { UINT64_MAX, compareIds, formatId } from '../../structures/stream.js';
import { isKeyword, parseInteger, syntaxError } from '../args.js';
import { defineCommand } from '../define.js';
import type { CommandContext } from '../types.js';
import { type ParsedId, newStream, parseId, parseStrictId, writeStream } from './shared.js';

interface AddTrimArgs {
  trim: TrimStrategy | undefined;
  noMkStream: boolean;
  /** XADD: argv index of the ID (fields follow it). */
  idIndex: number;
  id: ParsedId | undefined;
}

/** Redis's streamParseAddOrTrimArgsOrReply, for XADD (`xadd`) and XTRIM. */
function parseAddOrTrim(ctx: CommandContext, xadd: boolean): AddTrimArgs {
  const { argv } = ctx;
  let kind: 'maxlen' | 'minid' | undefined;
  let approx = false;
  let maxLen = 0;
  let minId: StreamId = { ms: 0n, seq: 0n };
  let limit: number | undefined;
  let noMkStream = false;
  let id: ParsedId | undefined;
  let i = 2;
  for (; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    const opt = argv[i];
    if (xadd && opt === '*') break;
    if ((isKeyword(opt, 'MAXLEN') || isKeyword(opt, 'MINID')) && more) {
      if (kind) {
        throw new CommandError(
          'ERR syntax error, MAXLEN and MINID options at the same time are not compatible',
        );
      }
      kind = isKeyword(opt, 'MAXLEN') ? 'maxlen' : 'minid';
      approx = false;
      if (more >= 2 && argv[i + 1] === '~') {
        approx = true;
        i++;
      } else if (more >= 2 && argv[i + 1] === '=') {
        i++;
      }
      if (kind === 'maxlen') {
        maxLen = parseInteger(argv[i + 1]);
        if (maxLen < 0) throw new CommandError('ERR The MAXLEN argument must be >= 0.');
      } else {
        minId = parseStrictId(argv[i + 1]);
      }
      i++;
    } else if (isKeyword(opt, 'LIMIT') && more) {
      limit = parseInteger(argv[i + 1]);
      if (limit < 0) throw new CommandError('ERR The LIMIT argument must be >= 0.');
      i++;
    } else if (xadd && isKeyword(opt, 'NOMKSTREAM')) {
      noMkStream = true;
    } else if (xadd) {
      id = parseId(opt, { strict: true, allowSeqWildcard: true });
      break;
    } else {
      throw syntaxError();
    }
  }
  if (limit !== undefined && !kind) {
    throw new CommandError(
      'ERR syntax error, LIMIT cannot be used without specifying a trimming strategy',
    );
  }
  if (!xadd && !kind) {
    throw new CommandError('ERR syntax error, XTRIM must be called with a trimming strategy');
  }
  if (limit !== undefined && !approx) {
    throw new CommandError('ERR syntax error, LIMIT cannot be used without the special ~ option');
  }
  // Approximate trimming does bounded work per call unless told otherwise; exact is unbounded.
  if (limit === undefined) {
    const nodeEntries = Number(ctx.config('stream-node-max-entries'));
    limit = approx ? Math.min(nodeEntries > 0 ? 100 * nodeEntries : 10000, 10000) : 0;
  }
  let trim: TrimStrategy | undefined;
  if (kind === 'maxlen') trim = { kind, maxLen, approx, limit };
  else if (kind === 'minid') trim = { kind, minId, approx, limit };
  return { trim, noMkStream, idIndex: i, id };
}

/**
 * The exact trim that reproduces what a (possibly approximate, possibly MINID) trim did, for
 * propagation: trimming always removes from the head, so the resulting length says it all.
 */
function exactTrimArgs(stream: Stream): string[] {
  return ['MAXLEN', '=', String(stream.size)];
}

export const xadd = defineCommand({
  name: 'xadd',
  arity: -5,
  flags: ['write', 'denyoom', 'fast'],
  keys: [1, 1, 1],
  group: 'stream',
  summary: 'Appends a new entry to a stream',
  since: '5.0.0',
  handler(ctx) {
    const { argv, reply } = ctx;
    const key = argv[1];
    const args = parseAddOrTrim(ctx, true);
    const fieldsAt = args.idIndex + 1;
    const fieldCount = argv.length - fieldsAt;
    if (fieldCount < 2 || fieldCount % 2 === 1) {
      throw new CommandError("ERR wrong number of arguments for 'xadd' command");
    }
    const given = args.id;
    if (given?.seqGiven && given.id.ms === 0n && given.id.seq === 0n) {
      throw new CommandError('ERR The ID specified in XADD must be greater than 0-0');
    }
    let stream = writeStream(ctx, key);
    if (!stream) {
      if (args.noMkStream) {
        reply.null();
        return;
      }
      stream = newStream(ctx);
      ctx.db.add(key, 'stream', stream);
    }
    const last = stream.lastId;
    if (last.ms === UINT64_MAX && last.seq === UINT64_MAX) {
      throw new CommandError(
        'ERR The stream has exhausted the last possible ID, unable to add more items',
      );
    }
    let id: StreamId | undefined;
    if (!given) id = stream.nextId(Date.now());
    else if (given.seqGiven || given.id.ms !== last.ms) id = given.id;
    else if (last.seq === UINT64_MAX) {
      // Redis reports the exhausted sequence of `<ms>-*` with this (misleading) message.
      throw new CommandError('ERR Elements are too large to be stored');
    } else id = { ms: last.ms, seq: last.seq + 1n };
    if (!id || compareIds(id, last) <= 0) {
      throw new CommandError(
        'ERR The ID specified in XADD is equal or smaller than the target stream top item',
      );
    }
    const fields = argv.slice(fieldsAt);
    stream.append(id, fields);
    reply.bulk(formatId(id));
    ctx.signalModifiedKey(key);
    ctx.notify('stream', 'xadd', key);
    const propagated = ['XADD', key];
    if (args.trim) {
      if (stream.trim(args.trim)) ctx.notify('stream', 'xtrim', key);
      propagated.push(...exactTrimArgs(stream));
    }
    ctx.propagate([[...propagated, formatId(id), ...fields]]);
    ctx.db.signalKeyAsReady(key);
  },
});

export const xtrim = defineCommand({
  name: 'xtrim',
  arity: -4,
  flags: ['write'],
  keys: [1, 1, 1],
  group: 'stream',
  summary: 'Deletes messages from the beginning of a stream.',
  since: '6.2.0',
  handler(ctx) {
    const key = ctx.argv[1];
    const { trim } = parseAddOrTrim(ctx, false);
    const stream = writeStream(ctx, key);
    const deleted = stream && trim ? stream.trim(trim) : 0;
    if (stream && trim && deleted) {
      ctx.notify('stream', 'xtrim', key);
      ctx.signalModifiedKey(key);
      ctx.propagate([['XTRIM', key, ...exactTrimArgs(stream)]]);
    }
    ctx.reply.integer(deleted);
  },
});
