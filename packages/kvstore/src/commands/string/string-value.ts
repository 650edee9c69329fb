import { CommandError } from '../../command-error.js';
import type { CommandContext } from '../types.js';
import type { StringValue } from '../../values/types.js';

/** A string value as a latin1 JS string (Buffers after in-place edits are converted). */
export function asText(value: StringValue): string {
  return typeof value === 'string' ? value : value.toString('latin1');
}

/** The string at key (WRONGTYPE otherwise), or undefined. */
export function readString(
  ctx: CommandContext,
  key: string,
  forWrite = false,
): StringValue | undefined {
  return ctx.db.getTyped(key, 'string', forWrite);
}

/** Refuses a string longer than proto-max-bulk-len (APPEND, SETRANGE). */
export function checkStringLength(ctx: CommandContext, length: number): void {
  if (length > Number(ctx.config('proto-max-bulk-len'))) {
    throw new CommandError('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
  }
}
