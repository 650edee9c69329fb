import { CommandError } from '../../command-error.js';
import { LONG_MAX, parseBigInteger, syntaxError } from '../args.js';
import { defineCommand } from '../define.js';
import type { CommandContext } from '../types.js';
import { readString } from './string-value.js';

interface SetOptions {
  nx: boolean;
  xx: boolean;
  get: boolean;
  keepTtl: boolean;
  /** Absolute expiry in ms, if any. */
  expireAt: number | undefined;
}

/** Converts EX/PX/EXAT/PXAT to an absolute time with Redis's validation. */
export function absoluteExpire(command: string, unit: string, text: string): number {
  const n = parseBigInteger(text);
  const invalid = () => new CommandError(`ERR invalid expire time in '${command}' command`);
  if (n <= 0n) throw invalid();
  const seconds = unit === 'EX' || unit === 'EXAT';
  if (seconds && n > LONG_MAX / 1000n) throw invalid();
  const ms = seconds ? n * 1000n : n;
  const when = unit === 'EX' || unit === 'PX' ? BigInt(Date.now()) + ms : ms;
  // Redis's signed addition overflows to a negative time here.
  if (when > LONG_MAX) throw invalid();
  // Past 2^53 ms (285,000 years) the time is kept to the nearest representable millisecond.
  return Number(when);
}

function parseSetOptions(argv: readonly string[]): SetOptions {
  const options: SetOptions = {
    nx: false,
    xx: false,
    get: false,
    keepTtl: false,
    expireAt: undefined,
  };
  let expireGiven = false;
  for (let i = 3; i < argv.length; i++) {
    const option = argv[i]!.toUpperCase();
    if (option === 'NX' && !options.xx) options.nx = true;
    else if (option === 'XX' && !options.nx) options.xx = true;
    else if (option === 'GET') options.get = true;
    else if (option === 'KEEPTTL' && !expireGiven) options.keepTtl = true;
    else if (
      (option === 'EX' || option === 'PX' || option === 'EXAT' || option === 'PXAT') &&
      !expireGiven &&
      !options.keepTtl &&
      i + 1 < argv.length
    ) {
      expireGiven = true;
      options.expireAt = absoluteExpire('set', option, argv[++i]!);
    } else throw syntaxError();
  }
  return options;
}

/**
 * The common path of SET, SETNX, SETEX, PSETEX: sets the value, TTL, notifications and
 * propagation (a relative TTL is logged as PXAT so that replaying the AOF later is exact).
 */
export function setString(
  ctx: CommandContext,
  key: string,
  value: string,
  expireAt: number | undefined,
  keepTtl: boolean,
): void {
  const entry = ctx.db.setKey(key, 'string', value, keepTtl);
  if (expireAt !== undefined) {
    if (expireAt <= Date.now()) {
      // Already expired (EXAT in the past): the key is gone at once, as Redis's checkAlreadyExpired.
      ctx.db.remove(entry);
      ctx.signalModifiedKey(key);
      ctx.notify('generic', 'del', key);
      ctx.propagate([['DEL', key]]);
      return;
    }
    ctx.db.setExpire(entry, expireAt);
  }
  ctx.signalModifiedKey(key);
  ctx.notify('string', 'set', key);
  if (expireAt !== undefined) {
    ctx.notify('generic', 'expire', key);
    ctx.propagate([['SET', key, value, 'PXAT', String(expireAt)]]);
  }
  // Without a TTL the command replays exactly as sent (SET NX/XX/GET/KEEPTTL, SETNX, GETSET).
}

export const set = defineCommand({
  name: 'set',
  arity: -3,
  flags: ['write', 'denyoom'],
  keys: [1, 1, 1],
  group: 'string',
  summary: 'Set the string value of a key',
  since: '1.0.0',
  handler(ctx) {
    const { argv, reply } = ctx;
    const key = argv[1]!;
    const options = parseSetOptions(argv);
    let old: string | Buffer | undefined;
    let exists: boolean;
    if (options.get) {
      old = readString(ctx, key, true);
      exists = old !== undefined;
    } else {
      exists = options.nx || options.xx ? ctx.db.lookupWrite(key) !== undefined : false;
    }
    if ((options.nx && exists) || (options.xx && !exists)) {
      if (options.get) reply.bulk(old);
      else reply.nullBulk();
      return;
    }
    setString(ctx, key, argv[2]!, options.expireAt, options.keepTtl);
    if (options.get) reply.bulk(old);
    else reply.ok();
  },
});

export const setnx = defineCommand({
  name: 'setnx',
  arity: 3,
  flags: ['write', 'denyoom', 'fast'],
  keys: [1, 1, 1],
  group: 'string',
  summary: 'Set the value of a key, only if the key does not exist',
  since: '1.0.0',
  handler(ctx) {
    const key = ctx.argv[1]!;
    if (ctx.db.lookupWrite(key) !== undefined) {
      ctx.reply.integer(0);
      return;
    }
    setString(ctx, key, ctx.argv[2]!, undefined, false);
    ctx.reply.integer(1);
  },
});

function setWithTtl(name: string, unit: 'EX' | 'PX', summary: string, since: string) {
  return defineCommand({
    name,
    arity: 4,
    flags: ['write', 'denyoom'],
    keys: [1, 1, 1],
    group: 'string',
    summary,
    since,
    handler(ctx) {
      const expireAt = absoluteExpire(name, unit, ctx.argv[2]!);
      setString(ctx, ctx.argv[1]!, ctx.argv[3]!, expireAt, false);
      ctx.reply.ok();
    },
  });
}

export const setex = setWithTtl('setex', 'EX', 'Set the value and expiration of a key', '2.0.0');
export const psetex = setWithTtl(
  'psetex',
  'PX',
  'Set the value and expiration in milliseconds of a key',
  '2.6.0',
);

export const getset = defineCommand({
  name: 'getset',
  arity: 3,
  flags: ['write', 'denyoom', 'fast'],
  keys: [1, 1, 1],
  group: 'string',
  summary: 'Set the string value of a key and return its old value',
  since: '1.0.0',
  handler(ctx) {
    const key = ctx.argv[1]!;
    const old = readString(ctx, key, true);
    setString(ctx, key, ctx.argv[2]!, undefined, false);
    ctx.reply.bulk(old);
  },
});

export const mset = defineCommand({
  name: 'mset',
  arity: -3,
  flags: ['write', 'denyoom'],
  keys: [1, -1, 2],
  group: 'string',
  summary: 'Set multiple keys to multiple values',
  since: '1.0.1',
  handler(ctx) {
    msetGeneric(ctx, false);
  },
});

export const msetnx = defineCommand({
  name: 'msetnx',
  arity: -3,
  flags: ['write', 'denyoom'],
  keys: [1, -1, 2],
  group: 'string',
  summary: 'Set multiple keys to multiple values, only if none of the keys exist',
  since: '1.0.1',
  handler(ctx) {
    msetGeneric(ctx, true);
  },
});

function msetGeneric(ctx: CommandContext, nx: boolean): void {
  const { argv } = ctx;
  if (argv.length % 2 === 0)
    throw new CommandError(`ERR wrong number of arguments for '${nx ? 'msetnx' : 'mset'}' command`);
  if (nx) {
    for (let i = 1; i < argv.length; i += 2) {
      if (ctx.db.lookupWrite(argv[i]!) !== undefined) {
        ctx.reply.integer(0);
        return;
      }
    }
  }
  for (let i = 1; i < argv.length; i += 2) {
    const key = argv[i]!;
    ctx.db.setKey(key, 'string', argv[i + 1]!);
    ctx.signalModifiedKey(key);
    ctx.notify('string', 'set', key);
  }
  if (nx) ctx.reply.integer(1);
  else ctx.reply.ok();
}
