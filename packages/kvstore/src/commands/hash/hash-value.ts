import { HashValue } from '../../values/hash.js';
import type { CommandContext } from '../types.js';

export function readHash(
  ctx: CommandContext,
  key: string,
  forWrite = false,
): HashValue | undefined {
  return ctx.db.getTyped(key, 'hash', forWrite);
}

/** The hash at key, created empty (and added to the db) if missing. */
export function hashForWrite(ctx: CommandContext, key: string): HashValue {
  const existing = readHash(ctx, key, true);
  if (existing) return existing;
  const created = new HashValue();
  ctx.db.add(key, 'hash', created);
  return created;
}
