import { CommandError } from '../../command-error.js';
import { LONG_MAX, LONG_MIN, parseBigInteger } from '../args.js';
import { defineCommand } from '../define.js';
import type { CommandContext } from '../types.js';

type Unit = 's' | 'ms';

/** EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT with NX | XX | GT | LT. */
function expireGeneric(ctx: CommandContext, name: string, unit: Unit, absolute: boolean): void {
  const { argv, db } = ctx;
  const key = argv[1]!;
  let nx = false;
  let xx = false;
  let gt = false;
  let lt = false;
  for (let i = 3; i < argv.length; i++) {
    const option = argv[i]!.toUpperCase();
    if (option === 'NX') nx = true;
    else if (option === 'XX') xx = true;
    else if (option === 'GT') gt = true;
    else if (option === 'LT') lt = true;
    else throw new CommandError(`ERR Unsupported option ${argv[i]}`);
  }
  if (nx && (xx || gt || lt)) {
    throw new CommandError('ERR NX and XX, GT or LT options at the same time are not compatible');
  }
  if (gt && lt) throw new CommandError('ERR GT and LT options at the same time are not compatible');
  // As Redis: the options first, then the time, refused only where its int64 would overflow.
  let exact = parseBigInteger(argv[2]!);
  const invalid = () => new CommandError(`ERR invalid expire time in '${name}' command`);
  if (unit === 's') {
    if (exact > LONG_MAX / 1000n || exact < LONG_MIN / 1000n) throw invalid();
    exact *= 1000n;
  }
  const base = absolute ? 0n : BigInt(Date.now());
  if (exact > LONG_MAX - base) throw invalid();
  // Past 2^53 ms the time is kept to the nearest representable millisecond.
  const when = Number(exact + base);
  const entry = db.lookupWrite(key);
  if (!entry) {
    ctx.reply.integer(0);
    return;
  }
  const current = entry.expiresAt;
  if (
    (nx && current !== 0) ||
    (xx && current === 0) ||
    (gt && (current === 0 || when <= current)) ||
    (lt && current !== 0 && when >= current)
  ) {
    ctx.reply.integer(0);
    return;
  }
  if (when <= Date.now()) {
    db.remove(entry);
    ctx.signalModifiedKey(key);
    ctx.notify('generic', 'del', key);
    ctx.propagate([['DEL', key]]);
  } else {
    db.setExpire(entry, when);
    ctx.signalModifiedKey(key);
    ctx.notify('generic', 'expire', key);
    ctx.propagate([['PEXPIREAT', key, String(when)]]);
  }
  ctx.reply.integer(1);
}

function expireCommand(
  name: string,
  unit: Unit,
  absolute: boolean,
  summary: string,
  since: string,
) {
  return defineCommand({
    name,
    arity: -3,
    flags: ['write', 'fast'],
    keys: [1, 1, 1],
    group: 'generic',
    summary,
    since,
    handler(ctx) {
      expireGeneric(ctx, name, unit, absolute);
    },
  });
}

export const expire = expireCommand(
  'expire',
  's',
  false,
  "Set a key's time to live in seconds",
  '1.0.0',
);
export const pexpire = expireCommand(
  'pexpire',
  'ms',
  false,
  "Set a key's time to live in milliseconds",
  '2.6.0',
);
export const expireat = expireCommand(
  'expireat',
  's',
  true,
  'Set the expiration for a key as a UNIX timestamp',
  '1.2.0',
);
export const pexpireat = expireCommand(
  'pexpireat',
  'ms',
  true,
  'Set the expiration for a key as a UNIX timestamp specified in milliseconds',
  '2.6.0',
);

/** TTL, PTTL, EXPIRETIME, PEXPIRETIME: -2 missing key, -1 no TTL. */
function ttlCommand(name: string, unit: Unit, absolute: boolean, summary: string, since: string) {
  return defineCommand({
    name,
    arity: 2,
    flags: ['readonly', 'fast'],
    keys: [1, 1, 1],
    group: 'generic',
    summary,
    since,
    handler(ctx) {
      const entry = ctx.db.lookupRead(ctx.argv[1]!);
      if (!entry) return ctx.reply.integer(-2);
      if (entry.expiresAt === 0) return ctx.reply.integer(-1);
      if (absolute)
        return ctx.reply.integer(
          unit === 'ms' ? entry.expiresAt : Math.floor(entry.expiresAt / 1000),
        );
      const ttl = Math.max(0, entry.expiresAt - Date.now());
      ctx.reply.integer(unit === 'ms' ? ttl : Math.floor((ttl + 500) / 1000));
    },
  });
}

export const ttl = ttlCommand(
  'ttl',
  's',
  false,
  'Get the time to live for a key in seconds',
  '1.0.0',
);
export const pttl = ttlCommand(
  'pttl',
  'ms',
  false,
  'Get the time to live for a key in milliseconds',
  '2.6.0',
);
export const expiretime = ttlCommand(
  'expiretime',
  's',
  true,
  'Get the expiration Unix timestamp for a key',
  '7.0.0',
);
export const pexpiretime = ttlCommand(
  'pexpiretime',
  'ms',
  true,
  'Get the expiration Unix timestamp for a key in milliseconds',
  '7.0.0',
);

export const persist = defineCommand({
  name: 'persist',
  arity: 2,
  flags: ['write', 'fast'],
  keys: [1, 1, 1],
  group: 'generic',
  summary: 'Remove the expiration from a key',
  since: '2.2.0',
  handler(ctx) {
    const key = ctx.argv[1]!;
    const entry = ctx.db.lookupWrite(key);
    if (entry && ctx.db.removeExpire(entry)) {
      ctx.signalModifiedKey(key);
      ctx.notify('generic', 'persist', key);
      ctx.reply.integer(1);
    } else {
      ctx.reply.integer(0);
    }
  },
});
