import { CommandError, wrongType } from '../../command-error.js';
import {
  HyperLogLog,
  INVALID_HLL_ERROR,
  NOT_HLL_ERROR,
  countRegisters,
  emptyRegisters,
} from '../../structures/hyperloglog.js';
import type { StringValue } from '../../values/types.js';
import { defineCommand } from '../define.js';
import type { CommandContext } from '../types.js';

/**
 * PFADD, PFCOUNT and PFMERGE over HLLs kept in string values, in Redis's byte format (see
 * structures/hyperloglog.ts), so GET/DUMP of the key match Redis too.
 */

function sparseMaxBytes(ctx: CommandContext): number {
  return Number(ctx.config('hll-sparse-max-bytes'));
}

/** The HLL stored at `key` (updated in place), undefined when missing; errors as Redis does. */
function loadHll(ctx: CommandContext, key: string, forWrite: boolean): HyperLogLog | undefined {
  const entry = forWrite ? ctx.db.lookupWrite(key) : ctx.db.lookupRead(key);
  if (!entry) return undefined;
  if (entry.type !== 'string') throw wrongType();
  const value = entry.value as StringValue;
  const bytes = typeof value === 'string' ? Buffer.from(value, 'latin1') : value;
  const hll = HyperLogLog.from(bytes, sparseMaxBytes(ctx));
  if (!hll) throw new CommandError(NOT_HLL_ERROR);
  return hll;
}

/** Writes the HLL's bytes back as the key's string value (keeping its TTL). */
function saveHll(ctx: CommandContext, key: string, hll: HyperLogLog): void {
  const entry = ctx.db.lookupWrite(key);
  if (entry) entry.value = hll.bytes;
  else ctx.db.add(key, 'string', hll.bytes);
  ctx.signalModifiedKey(key);
}

export const pfadd = defineCommand({
  name: 'pfadd',
  arity: -2,
  flags: ['write', 'denyoom', 'fast'],
  keys: [1, 1, 1],
  group: 'hyperloglog',
  summary: 'Adds the specified elements to the specified HyperLogLog.',
  since: '2.8.9',
  handler(ctx) {
    const key = ctx.argv[1];
    let hll = loadHll(ctx, key, true);
    let updated = 0;
    if (!hll) {
      hll = HyperLogLog.create(sparseMaxBytes(ctx));
      updated++;
    }
    for (let i = 2; i < ctx.argv.length; i++) {
      const result = hll.add(Buffer.from(ctx.argv[i], 'latin1'));
      if (result < 0) throw new CommandError(INVALID_HLL_ERROR);
      updated += result;
    }
    if (updated) {
      hll.invalidateCache();
      saveHll(ctx, key, hll);
      ctx.notify('string', 'pfadd', key);
    }
    ctx.reply.integer(updated ? 1 : 0);
  },
});

export const pfcount = defineCommand({
  name: 'pfcount',
  arity: -2,
  flags: ['readonly'],
  keys: [1, -1, 1],
  group: 'hyperloglog',
  summary:
    'Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s).',
  since: '2.8.9',
  handler(ctx) {
    const { argv } = ctx;
    if (argv.length > 2) {
      // The union's cardinality, computed on a scratch register array; keys stay untouched.
      const max = emptyRegisters();
      for (let i = 1; i < argv.length; i++) {
        const hll = loadHll(ctx, argv[i], false);
        if (hll && !hll.mergeInto(max)) throw new CommandError(INVALID_HLL_ERROR);
      }
      ctx.reply.integer(countRegisters(max));
      return;
    }
    const hll = loadHll(ctx, argv[1], true);
    if (!hll) {
      ctx.reply.integer(0);
      return;
    }
    const result = hll.count();
    if (!result) throw new CommandError(INVALID_HLL_ERROR);
    // A recomputed cardinality is cached in the value's header, as Redis does.
    if (result.cacheUpdated) saveHll(ctx, argv[1], hll);
    ctx.reply.integer(result.cardinality);
  },
});

export const pfmerge = defineCommand({
  name: 'pfmerge',
  arity: -2,
  flags: ['write', 'denyoom'],
  keys: [1, -1, 1],
  group: 'hyperloglog',
  summary: 'Merge N different HyperLogLogs into a single one.',
  since: '2.8.9',
  handler(ctx) {
    const { argv } = ctx;
    const dest = argv[1];
    const max = emptyRegisters();
    let anyDense = false;
    // The destination counts as a source too.
    for (let i = 1; i < argv.length; i++) {
      const hll = loadHll(ctx, argv[i], false);
      if (!hll) continue;
      if (!hll.isSparse) anyDense = true;
      if (!hll.mergeInto(max)) throw new CommandError(INVALID_HLL_ERROR);
    }
    const target = loadHll(ctx, dest, true) ?? HyperLogLog.create(sparseMaxBytes(ctx));
    if (!target.raiseTo(max, anyDense)) throw new CommandError(INVALID_HLL_ERROR);
    target.invalidateCache();
    saveHll(ctx, dest, target);
    ctx.notify('string', 'pfadd', dest);
    ctx.reply.ok();
  },
});
