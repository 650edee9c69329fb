import { CommandError } from '../../command-error.js';
import { ListValue } from '../../values/list.js';
import type { CommandContext } from '../types.js';

export type End = 'left' | 'right';

export function parseEnd(text: string): End {
  const upper = text.toUpperCase();
  if (upper === 'LEFT') return 'left';
  if (upper === 'RIGHT') return 'right';
  throw new CommandError('ERR syntax error');
}

export function readList(
  ctx: CommandContext,
  key: string,
  forWrite = false,
): ListValue | undefined {
  return ctx.db.getTyped(key, 'list', forWrite);
}

/** Pushes values to a list, creating it if needed; returns the new length. Notifies lpush/rpush. */
export function pushValues(
  ctx: CommandContext,
  key: string,
  values: readonly string[],
  end: End,
  list?: ListValue,
): number {
  let target = list ?? readList(ctx, key, true);
  const created = target === undefined;
  if (!target) target = new ListValue();
  for (const value of values) {
    if (end === 'left') target.pushHead(value);
    else target.pushTail(value);
  }
  if (created) ctx.db.add(key, 'list', target);
  ctx.signalModifiedKey(key);
  ctx.notify('list', end === 'left' ? 'lpush' : 'rpush', key);
  return target.size;
}

/** Pops up to count values; deletes the key when emptied. Notifies lpop/rpop and del. */
export function popValues(
  ctx: CommandContext,
  key: string,
  list: ListValue,
  end: End,
  count: number,
): string[] {
  const out: string[] = [];
  while (out.length < count && list.size > 0)
    out.push((end === 'left' ? list.popHead() : list.popTail())!);
  if (out.length === 0) return out;
  ctx.notify('list', end === 'left' ? 'lpop' : 'rpop', key);
  if (list.size === 0) {
    ctx.db.delete(key);
    ctx.notify('generic', 'del', key);
  }
  ctx.signalModifiedKey(key);
  return out;
}
