/**
 * An error reply. Handlers and argument parsers throw it; the dispatcher turns it into
 * `-<message>\r\n`. The message carries Redis's prefix (`ERR`, `WRONGTYPE`, `NOAUTH`...).
 */
export class CommandError extends Error {}

export const Errors = {
  wrongType: 'WRONGTYPE Operation against a key holding the wrong kind of value',
  notInteger: 'ERR value is not an integer or out of range',
  notFloat: 'ERR value is not a valid float',
  syntax: 'ERR syntax error',
  noSuchKey: 'ERR no such key',
  outOfRange: 'ERR index out of range',
  overflow: 'ERR increment or decrement would overflow',
  timeoutNegative: 'ERR timeout is negative',
  timeoutInvalid: 'ERR timeout is not a float or out of range',
  dbIndexOutOfRange: 'ERR DB index is out of range',
  wrongArity: (name: string) => `ERR wrong number of arguments for '${name}' command`,
} as const;

export function wrongType(): CommandError {
  return new CommandError(Errors.wrongType);
}
