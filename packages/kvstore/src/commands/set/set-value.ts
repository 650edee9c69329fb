import { SetValue } from '../../values/set.js';
import type { CommandContext } from '../types.js';

export function readSet(ctx: CommandContext, key: string, forWrite = false): SetValue | undefined {
  return ctx.db.getTyped(key, 'set', forWrite);
}

/** Replies a collection of members: a RESP3 set, a RESP2 array. */
export function replyMembers(ctx: CommandContext, members: readonly string[]): void {
  ctx.reply.setHeader(members.length);
  for (const member of members) ctx.reply.bulk(member);
}

/** Stores a computed set at `destination` (replacing it), or deletes it when empty. */
export function storeSet(
  ctx: CommandContext,
  destination: string,
  members: readonly string[],
  event: string,
): void {
  if (members.length === 0) {
    if (ctx.db.delete(destination)) {
      ctx.signalModifiedKey(destination);
      ctx.notify('generic', 'del', destination);
    }
    return;
  }
  const set = new SetValue();
  for (const member of members) set.add(member);
  ctx.db.setKey(destination, 'set', set);
  ctx.signalModifiedKey(destination);
  ctx.notify('set', event, destination);
}
