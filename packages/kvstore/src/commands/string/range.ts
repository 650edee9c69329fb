import { CommandError } from '../../command-error.js';
import { parseInteger } from '../args.js';
import { defineCommand } from '../define.js';
import type { CommandContext } from '../types.js';
import { checkStringLength, readString } from './string-value.js';

export const append = defineCommand({
  name: 'append',
  arity: 3,
  flags: ['write', 'denyoom', 'fast'],
  keys: [1, 1, 1],
  group: 'string',
  summary: 'Append a value to a key',
  since: '2.0.0',
  handler(ctx) {
    const key = ctx.argv[1]!;
    const addition = ctx.argv[2]!;
    const current = readString(ctx, key, true);
    let length: number;
    if (current === undefined) {
      ctx.db.add(key, 'string', addition);
      length = addition.length;
    } else {
      length = current.length + addition.length;
      checkStringLength(ctx, length);
      const entry = ctx.db.peek(key)!;
      // Latin1 strings concatenate as ropes in V8: repeated APPENDs stay linear.
      entry.value =
        typeof current === 'string' && length < 256 * 1024 * 1024
          ? current + addition
          : Buffer.concat([toBuffer(current), Buffer.from(addition, 'latin1')]);
    }
    ctx.signalModifiedKey(key);
    ctx.notify('string', 'append', key);
    ctx.reply.integer(length);
  },
});

function toBuffer(value: string | Buffer): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'latin1') : value;
}

export const strlen = defineCommand({
  name: 'strlen',
  arity: 2,
  flags: ['readonly', 'fast'],
  keys: [1, 1, 1],
  group: 'string',
  summary: 'Get the length of the value stored in a key',
  since: '2.2.0',
  handler(ctx) {
    ctx.reply.integer(readString(ctx, ctx.argv[1]!)?.length ?? 0);
  },
});

function getrangeHandler(ctx: CommandContext): void {
  let start = parseInteger(ctx.argv[2]!);
  let end = parseInteger(ctx.argv[3]!);
  const value = readString(ctx, ctx.argv[1]!);
  if (value === undefined) {
    ctx.reply.bulk('');
    return;
  }
  const length = value.length;
  if (start < 0 && end < 0 && start > end) {
    ctx.reply.bulk('');
    return;
  }
  if (start < 0) start = length + start;
  if (end < 0) end = length + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= length) end = length - 1;
  if (start > end || length === 0) {
    ctx.reply.bulk('');
    return;
  }
  ctx.reply.bulk(
    typeof value === 'string' ? value.slice(start, end + 1) : value.subarray(start, end + 1),
  );
}

export const getrange = defineCommand({
  name: 'getrange',
  arity: 4,
  flags: ['readonly'],
  keys: [1, 1, 1],
  group: 'string',
  summary: 'Get a substring of the string stored at a key',
  since: '2.4.0',
  handler: getrangeHandler,
});

export const substr = defineCommand({
  name: 'substr',
  arity: 4,
  flags: ['readonly'],
  keys: [1, 1, 1],
  group: 'string',
  summary: 'Get a substring of the string stored at a key',
  since: '1.0.0',
  handler: getrangeHandler,
});

export const setrange = defineCommand({
  name: 'setrange',
  arity: 4,
  flags: ['write', 'denyoom'],
  keys: [1, 1, 1],
  group: 'string',
  summary: 'Overwrite part of a string at key starting at the specified offset',
  since: '2.2.0',
  handler(ctx) {
    const key = ctx.argv[1]!;
    const offset = parseInteger(ctx.argv[2]!);
    const patch = ctx.argv[3]!;
    if (offset < 0) throw new CommandError('ERR offset is out of range');
    const current = readString(ctx, key, true);
    if (current === undefined && patch.length === 0) {
      ctx.reply.integer(0);
      return;
    }
    if (patch.length === 0) {
      ctx.reply.integer(current!.length);
      return;
    }
    checkStringLength(ctx, offset + patch.length);
    const length = Math.max(current?.length ?? 0, offset + patch.length);
    let buffer: Buffer;
    if (current !== undefined && typeof current !== 'string' && current.length >= length) {
      buffer = current;
    } else {
      buffer = Buffer.alloc(length);
      if (current !== undefined) {
        if (typeof current === 'string') buffer.write(current, 0, 'latin1');
        else current.copy(buffer);
      }
    }
    buffer.write(patch, offset, 'latin1');
    if (current === undefined) ctx.db.add(key, 'string', buffer);
    else ctx.db.peek(key)!.value = buffer;
    ctx.signalModifiedKey(key);
    ctx.notify('string', 'setrange', key);
    ctx.reply.integer(length);
  },
});
