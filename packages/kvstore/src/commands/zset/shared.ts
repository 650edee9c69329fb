import { CommandError } from '../../command-error.js';
import {
  type LexBound,
  type LexRange,
  type ScoreRange,
  type ScoredMember,
  SortedSet,
} from '../../structures/sorted-set.js';
import type { CommandContext } from '../types.js';

/** Helpers shared by the sorted-set commands: typed access, range arguments, replies. */

export function readZset(ctx: CommandContext, key: string): SortedSet | undefined {
  return ctx.db.getTyped(key, 'zset') as SortedSet | undefined;
}

export function writeZset(ctx: CommandContext, key: string): SortedSet | undefined {
  return ctx.db.getTyped(key, 'zset', true) as SortedSet | undefined;
}

/** An empty sorted set with the encoding limits of the current config. */
export function newZset(ctx: CommandContext): SortedSet {
  return new SortedSet(
    Number(ctx.config('zset-max-listpack-entries')),
    Number(ctx.config('zset-max-listpack-value')),
  );
}

/** Deletes the key when a removal emptied the set, with the `del` notification Redis sends. */
export function deleteIfEmpty(ctx: CommandContext, key: string, zset: SortedSet): boolean {
  if (zset.size > 0) return false;
  ctx.db.delete(key);
  ctx.notify('generic', 'del', key);
  return true;
}

/**
 * Stores a result set under `dest` (replacing any value), or deletes `dest` when the result is
 * empty; replies the result's size (or `count`: GEORADIUS counts repeated matches), as the
 * *STORE commands do.
 */
export function storeResult(
  ctx: CommandContext,
  dest: string,
  result: SortedSet,
  event: string,
  count = result.size,
): void {
  if (result.size > 0) {
    ctx.db.setKey(dest, 'zset', result);
    ctx.reply.integer(count);
    ctx.notify('zset', event, dest);
    ctx.signalModifiedKey(dest);
  } else {
    ctx.reply.integer(0);
    if (ctx.db.delete(dest)) {
      ctx.signalModifiedKey(dest);
      ctx.notify('generic', 'del', dest);
    }
  }
}

/**
 * Members, with their scores when asked: RESP2 flattens member/score pairs, RESP3 nests them
 * (scores are doubles there).
 */
export function replyScored(ctx: CommandContext, items: ScoredMember[], withScores: boolean): void {
  const { reply } = ctx;
  const nested = withScores && reply.resp === 3;
  reply.arrayHeader(withScores && !nested ? items.length * 2 : items.length);
  for (const { member, score } of items) {
    if (nested) reply.arrayHeader(2);
    reply.bulk(member);
    if (withScores) reply.double(score);
  }
}

// ---------------------------------------------------------------------------------------------
// Score and lex interval arguments.

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const HEX = /^([+-]?)0[xX]((?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+))(?:[pP]([+-]?\d+))?$/;
const INFINITY = /^([+-]?)(?:inf|infinity)$/i;
const NAN = /^[+-]?nan(?:\([0-9a-zA-Z_]*\))?$/i;

/**
 * C's strtod applied to a whole argument, as Redis parses score-range bounds: leading
 * whitespace allowed, decimal, hex, inf/infinity, overflow to +-inf, and (strtod's quirk) an
 * empty string reads as 0. undefined when characters remain or the result is NaN.
 */
export function strtodWhole(text: string): number | undefined {
  const nul = text.indexOf('\0');
  if (nul >= 0) text = text.slice(0, nul);
  if (text === '') return 0;
  const trimmed = text.replace(/^[ \t\n\v\f\r]+/, '');
  const decimal = DECIMAL.exec(trimmed);
  if (decimal && decimal[0].length === trimmed.length) return Number(trimmed);
  if (INFINITY.test(trimmed)) return trimmed.startsWith('-') ? -Infinity : Infinity;
  if (NAN.test(trimmed)) return undefined;
  const hex = HEX.exec(trimmed);
  if (!hex) return undefined;
  const [whole, fraction = ''] = hex[2].split('.');
  let value = whole ? Number.parseInt(whole, 16) : 0;
  for (let i = 0; i < fraction.length; i++)
    value += Number.parseInt(fraction[i], 16) / 16 ** (i + 1);
  value *= 2 ** Number(hex[3] ?? 0);
  return hex[1] === '-' ? -value : value;
}

const NOT_FLOAT_RANGE = 'ERR min or max is not a float';
const NOT_LEX_RANGE = 'ERR min or max not valid string range item';

function parseScoreBound(text: string): { value: number; exclusive: boolean } {
  const exclusive = text.startsWith('(');
  const value = strtodWhole(exclusive ? text.slice(1) : text);
  if (value === undefined) throw new CommandError(NOT_FLOAT_RANGE);
  return { value, exclusive };
}

/** `min max` of ZRANGEBYSCORE and friends: `(` for exclusive, `-inf` / `+inf`. */
export function parseScoreRange(minText: string, maxText: string): ScoreRange {
  const min = parseScoreBound(minText);
  const max = parseScoreBound(maxText);
  return {
    min: min.value,
    max: max.value,
    minExclusive: min.exclusive,
    maxExclusive: max.exclusive,
  };
}

function parseLexBound(text: string): LexBound {
  if (text === '+') return { kind: 'max' };
  if (text === '-') return { kind: 'min' };
  if (text.startsWith('(')) return { kind: 'value', value: text.slice(1), exclusive: true };
  if (text.startsWith('[')) return { kind: 'value', value: text.slice(1), exclusive: false };
  throw new CommandError(NOT_LEX_RANGE);
}

/** `min max` of ZRANGEBYLEX and friends: `[a`, `(a`, `-`, `+`. */
export function parseLexRange(minText: string, maxText: string): LexRange {
  return { min: parseLexBound(minText), max: parseLexBound(maxText) };
}

/** Key positions for `numkeys key...` commands: numkeys at `at`, keys after it. */
export function numkeysPositions(
  argv: readonly string[],
  at: number,
  extra: number[] = [],
): number[] {
  const n = Number(argv[at]);
  if (!Number.isInteger(n) || n < 1) return extra;
  const keys: number[] = [...extra];
  for (let i = at + 1; i <= at + n && i < argv.length; i++) keys.push(i);
  return keys;
}
