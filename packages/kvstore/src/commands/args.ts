import { CommandError, Errors } from '../command-error.js';
import { parseDouble, parseInt64, parseSafeInteger } from '../protocol/numbers.js';

/**
 * Argument parsing with Redis's exact error replies. Every helper throws CommandError, which the
 * dispatcher sends as the error reply of the command.
 */

/** An integer argument (int64 range; exact up to 2^53). */
export function parseInteger(text: string, error: string = Errors.notInteger): number {
  const n = parseSafeInteger(text);
  if (n === undefined) throw new CommandError(error);
  return n;
}

export const LONG_MAX = 2n ** 63n - 1n;
export const LONG_MIN = -(2n ** 63n);
export const INT_MIN = -(2n ** 31n);
export const INT_MAX = 2n ** 31n - 1n;

/**
 * An integer within [min, max], as Redis's getRangeLongFromObjectOrReply: `message` (when
 * given) answers both a malformed value and one out of range; otherwise Redis's two texts.
 */
export function parseRangeInteger(
  text: string,
  min: bigint,
  max: bigint,
  message?: string,
): number {
  const n = parseInt64(text);
  if (n === undefined) throw new CommandError(message ?? Errors.notInteger);
  if (n < min || n > max) {
    throw new CommandError(
      message ?? `ERR value is out of range, value must between ${min} and ${max}`,
    );
  }
  return Number(n);
}

/** A database index argument (SELECT, MOVE, COPY DB): an int, as Redis's getIntFromObject. */
export function parseDbIndex(text: string, message?: string): number {
  return parseRangeInteger(text, INT_MIN, INT_MAX, message);
}

/** An exact int64 argument (INCRBY and friends). */
export function parseBigInteger(text: string): bigint {
  const n = parseInt64(text);
  if (n === undefined) throw new CommandError(Errors.notInteger);
  return n;
}

/** A float argument: strtod syntax, inf allowed, NaN refused. */
export function parseFloatArg(text: string, error: string = Errors.notFloat): number {
  const n = parseDouble(text);
  if (n === undefined) throw new CommandError(error);
  return n;
}

/** A positive count (LPOP key count, SPOP key count...): `ERR value is out of range, must be positive`. */
export function parseCount(text: string): number {
  const n = parseInteger(text, 'ERR value is out of range, must be positive');
  if (n < 0) throw new CommandError('ERR value is out of range, must be positive');
  return n;
}

/**
 * A blocking timeout in seconds (BLPOP ... 1.5) as milliseconds, 0 = forever; Redis's errors for
 * negative and malformed values.
 */
export function parseTimeout(text: string, unit: 's' | 'ms' = 's'): number {
  const value = unit === 's' ? parseDouble(text) : parseSafeInteger(text);
  if (value === undefined) {
    throw new CommandError(
      unit === 's' ? Errors.timeoutInvalid : 'ERR timeout is not an integer or out of range',
    );
  }
  const ms = unit === 's' ? Math.ceil(value * 1000) : value;
  // Redis casts seconds * 1000 to a long long: past 2^63 (inf included) that is LLONG_MIN.
  if (ms < 0 || (unit === 's' && ms >= 2 ** 63)) throw new CommandError(Errors.timeoutNegative);
  return ms;
}

export function syntaxError(): CommandError {
  return new CommandError(Errors.syntax);
}

/** Case-insensitive comparison of an argument with an upper-case keyword. */
export function isKeyword(arg: string | undefined, keyword: string): boolean {
  return arg !== undefined && arg.length === keyword.length && arg.toUpperCase() === keyword;
}

/** Resolves a Redis index (negative counts from the end) against a length; may be out of range. */
export function normalizeIndex(index: number, length: number): number {
  return index < 0 ? length + index : index;
}

/** Clamps a start/stop pair as LRANGE/GETRANGE/ZRANGE do; undefined when the range is empty. */
export function clampRange(
  start: number,
  stop: number,
  length: number,
): { start: number; stop: number } | undefined {
  if (start < 0) start = length + start;
  if (stop < 0) stop = length + stop;
  if (start < 0) start = 0;
  if (start > stop || start >= length) return undefined;
  if (stop >= length) stop = length - 1;
  return { start, stop };
}

/**
 * A SCAN/HSCAN/SSCAN/ZSCAN cursor as Redis reads it (strtoul, base 10): "" is 0, a leading `+`
 * is allowed and a leading `-` wraps modulo 2^64 ("-1" is 2^64-1), but leading spaces, trailing
 * characters, a bare sign and values past 2^64-1 are `ERR invalid cursor`. Our dict cursors are
 * 32-bit: a larger value points past every table, so it comes back undefined (nothing left).
 */
export function parseScanCursor(text: string): number | undefined {
  const m = /^([+-]?)([0-9]*)$/.exec(text);
  if (!m || (m[2] === '' && m[1] !== '')) throw new CommandError('ERR invalid cursor');
  const magnitude = m[2] === '' ? 0n : BigInt(m[2]);
  if (magnitude > 2n ** 64n - 1n) throw new CommandError('ERR invalid cursor');
  const value = m[1] === '-' ? BigInt.asUintN(64, -magnitude) : magnitude;
  return value > 0xffffffffn ? undefined : Number(value);
}

export interface ScanOptions {
  match: string | undefined;
  count: number;
  type: string | undefined;
}

/**
 * The options after a SCAN-family cursor: [MATCH pattern] [COUNT n] [TYPE t (SCAN only)]. As in
 * Redis, the *SCAN commands parse them only once the key exists and has the right type.
 */
export function parseScanOptions(
  argv: readonly string[],
  firstOption: number,
  allowType: boolean,
): ScanOptions {
  const options: ScanOptions = { match: undefined, count: 10, type: undefined };
  for (let i = firstOption; i < argv.length; i += 2) {
    const option = argv[i]!.toUpperCase();
    const value = argv[i + 1];
    if (value === undefined) throw syntaxError();
    if (option === 'COUNT') {
      options.count = parseInteger(value);
      if (options.count < 1) throw syntaxError();
    } else if (option === 'MATCH') {
      options.match = value === '*' ? undefined : value;
    } else if (option === 'TYPE' && allowType) {
      options.type = value.toLowerCase();
    } else {
      throw syntaxError();
    }
  }
  return options;
}
