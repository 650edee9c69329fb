import { syntaxError } from '../args.js';
import { defineCommand } from '../define.js';
import { absoluteExpire } from './set.js';
import { readString } from './string-value.js';

export const get = defineCommand({
  name: 'get',
  arity: 2,
  flags: ['readonly', 'fast'],
  keys: [1, 1, 1],
  group: 'string',
  summary: 'Get the value of a key',
  since: '1.0.0',
  handler(ctx) {
    ctx.reply.bulk(readString(ctx, ctx.argv[1]!));
  },
});

export const mget = defineCommand({
  name: 'mget',
  arity: -2,
  flags: ['readonly', 'fast'],
  keys: [1, -1, 1],
  group: 'string',
  summary: 'Get the values of all the given keys',
  since: '1.0.0',
  handler(ctx) {
    const { argv, reply, db } = ctx;
    reply.arrayHeader(argv.length - 1);
    for (let i = 1; i < argv.length; i++) {
      const entry = db.lookupRead(argv[i]!);
      reply.bulk(entry?.type === 'string' ? (entry.value as string | Buffer) : null);
    }
  },
});

export const getdel = defineCommand({
  name: 'getdel',
  arity: 2,
  flags: ['write', 'fast'],
  keys: [1, 1, 1],
  group: 'string',
  summary: 'Get the value of a key and delete the key',
  since: '6.2.0',
  handler(ctx) {
    const key = ctx.argv[1]!;
    const value = readString(ctx, key, true);
    if (value !== undefined) {
      ctx.db.delete(key);
      ctx.signalModifiedKey(key);
      ctx.notify('generic', 'del', key);
      ctx.propagate([['DEL', key]]);
    }
    ctx.reply.bulk(value);
  },
});

export const getex = defineCommand({
  name: 'getex',
  arity: -2,
  flags: ['write', 'fast'],
  keys: [1, 1, 1],
  group: 'string',
  summary: 'Get the value of a key and optionally set its expiration',
  since: '6.2.0',
  handler(ctx) {
    const { argv, db } = ctx;
    const key = argv[1]!;
    let expireAt: number | undefined;
    let persist = false;
    for (let i = 2; i < argv.length; i++) {
      const option = argv[i]!.toUpperCase();
      if (
        (option === 'EX' || option === 'PX' || option === 'EXAT' || option === 'PXAT') &&
        i + 1 < argv.length &&
        expireAt === undefined &&
        !persist
      ) {
        expireAt = absoluteExpire('getex', option, argv[++i]!);
      } else if (option === 'PERSIST' && expireAt === undefined && !persist) {
        persist = true;
      } else throw syntaxError();
    }
    const value = readString(ctx, key, expireAt !== undefined || persist);
    if (value === undefined) {
      ctx.reply.nullBulk();
      return;
    }
    const entry = db.peek(key)!;
    if (expireAt !== undefined) {
      if (expireAt <= Date.now()) {
        db.remove(entry);
        ctx.signalModifiedKey(key);
        ctx.notify('generic', 'del', key);
        ctx.propagate([['DEL', key]]);
      } else {
        db.setExpire(entry, expireAt);
        ctx.signalModifiedKey(key);
        ctx.notify('generic', 'expire', key);
        ctx.propagate([['PEXPIREAT', key, String(expireAt)]]);
      }
    } else if (persist && db.removeExpire(entry)) {
      ctx.signalModifiedKey(key);
      ctx.notify('generic', 'persist', key);
      ctx.propagate([['PERSIST', key]]);
    }
    ctx.reply.bulk(value);
  },
});
