import type { Entry } from '../keyspace/entry.js';
import type { StoredValue, StringValue } from '../values/types.js';

export type Arg = string | Buffer;

/** Encodes commands as RESP multibulk requests (latin1 strings, Buffers as-is). */
export function encodeCommands(commands: ReadonlyArray<readonly Arg[]>): Buffer {
  const parts: Buffer[] = [];
  let text = '';
  for (const argv of commands) {
    text += `*${argv.length}\r\n`;
    for (const arg of argv) {
      if (typeof arg === 'string') {
        text += `$${arg.length}\r\n${arg}\r\n`;
        if (text.length > 64 * 1024) {
          parts.push(Buffer.from(text, 'latin1'));
          text = '';
        }
      } else {
        text += `$${arg.length}\r\n`;
        parts.push(Buffer.from(text, 'latin1'), arg);
        text = '\r\n';
      }
    }
  }
  if (text !== '') parts.push(Buffer.from(text, 'latin1'));
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

/** Commands that recreate an entry under `key`, TTL included. */
export function entryCommands(entry: Entry, key: string = entry.key): Arg[][] {
  const commands: Arg[][] =
    entry.type === 'string'
      ? [['SET', key, entry.value as StringValue]]
      : (entry.value as StoredValue).toCommands(key);
  if (entry.expiresAt !== 0) commands.push(['PEXPIREAT', key, String(entry.expiresAt)]);
  return commands;
}
