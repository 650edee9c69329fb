import { CommandError } from '../../command-error.js';
import {
  type BitOp,
  bitCount,
  bitOp,
  bitPos,
  getBit,
  resolveRange,
  setBit,
} from '../../structures/bits.js';
import { isKeyword, parseInteger, syntaxError } from '../args.js';
import { defineCommand } from '../define.js';
import { parseBitOffset, readBits, writableBits } from './shared.js';

const BIT_VALUE_ERROR = 'ERR bit is not an integer or out of range';

export const setbit = defineCommand({
  name: 'setbit',
  arity: 4,
  flags: ['write', 'denyoom'],
  keys: [1, 1, 1],
  group: 'bitmap',
  summary: 'Sets or clears the bit at offset in the string value stored at key',
  since: '2.2.0',
  handler(ctx) {
    const key = ctx.argv[1];
    const offset = parseBitOffset(ctx, ctx.argv[2]);
    const on = parseInteger(ctx.argv[3], BIT_VALUE_ERROR);
    if (on !== 0 && on !== 1) throw new CommandError(BIT_VALUE_ERROR);
    const { bytes, changed } = writableBits(ctx, key, offset);
    const old = setBit(bytes, offset, on);
    if (changed || old !== on) {
      ctx.signalModifiedKey(key);
      ctx.notify('string', 'setbit', key);
    }
    ctx.reply.integer(old);
  },
});

export const getbit = defineCommand({
  name: 'getbit',
  arity: 3,
  flags: ['readonly', 'fast'],
  keys: [1, 1, 1],
  group: 'bitmap',
  summary: 'Returns the bit value at offset in the string value stored at key',
  since: '2.2.0',
  handler(ctx) {
    const offset = parseBitOffset(ctx, ctx.argv[2]);
    const bytes = readBits(ctx, ctx.argv[1]);
    ctx.reply.integer(bytes ? getBit(bytes, offset) : 0);
  },
});

/** Optional trailing BYTE|BIT unit argument. */
function parseUnit(arg: string | undefined): boolean {
  if (arg === undefined || isKeyword(arg, 'BYTE')) return false;
  if (isKeyword(arg, 'BIT')) return true;
  throw syntaxError();
}

export const bitcount = defineCommand({
  name: 'bitcount',
  arity: -2,
  flags: ['readonly'],
  keys: [1, 1, 1],
  group: 'bitmap',
  summary: 'Count set bits in a string',
  since: '2.6.0',
  handler(ctx) {
    const { argv } = ctx;
    // Redis looks the key up first: a missing key answers 0 whatever the arguments.
    const bytes = readBits(ctx, argv[1]);
    if (!bytes) {
      ctx.reply.integer(0);
      return;
    }
    if (argv.length === 2) {
      ctx.reply.integer(bitCount(bytes, resolveRange(bytes.length, 0, -1, false)));
      return;
    }
    if (argv.length !== 4 && argv.length !== 5) throw syntaxError();
    const start = parseInteger(argv[2]);
    const end = parseInteger(argv[3]);
    // An empty negative range answers 0 before the unit is even looked at (Redis's order).
    if (start < 0 && end < 0 && start > end) {
      ctx.reply.integer(0);
      return;
    }
    const bitUnits = parseUnit(argv[4]);
    ctx.reply.integer(bitCount(bytes, resolveRange(bytes.length, start, end, bitUnits)));
  },
});

export const bitpos = defineCommand({
  name: 'bitpos',
  arity: -3,
  flags: ['readonly'],
  keys: [1, 1, 1],
  group: 'bitmap',
  summary: 'Find first bit set or clear in a string',
  since: '2.8.7',
  handler(ctx) {
    const { argv } = ctx;
    const bit = parseInteger(argv[2]);
    if (bit !== 0 && bit !== 1) throw new CommandError('ERR The bit argument must be 1 or 0.');
    const bytes = readBits(ctx, argv[1]);
    // A missing key is an infinite run of zeros.
    if (!bytes) {
      ctx.reply.integer(bit ? -1 : 0);
      return;
    }
    if (argv.length > 6) throw syntaxError();
    let start = 0;
    let end = -1;
    let bitUnits = false;
    const endGiven = argv.length >= 5;
    if (argv.length >= 4) {
      start = parseInteger(argv[3]);
      bitUnits = parseUnit(argv[5]);
      if (endGiven) end = parseInteger(argv[4]);
      else end = bitUnits ? bytes.length * 8 + 7 : bytes.length - 1;
    }
    ctx.reply.integer(
      bitPos(bytes, bit, resolveRange(bytes.length, start, end, bitUnits), endGiven),
    );
  },
});

export const bitop = defineCommand({
  name: 'bitop',
  arity: -4,
  flags: ['write', 'denyoom'],
  keys: [2, -1, 1],
  group: 'bitmap',
  summary: 'Perform bitwise operations between strings',
  since: '2.6.0',
  handler(ctx) {
    const { argv } = ctx;
    const op = argv[1].toUpperCase();
    if (op !== 'AND' && op !== 'OR' && op !== 'XOR' && op !== 'NOT') throw syntaxError();
    if (op === 'NOT' && argv.length !== 4) {
      throw new CommandError('ERR BITOP NOT must be called with a single source key.');
    }
    const sources = argv.slice(3).map((key) => readBits(ctx, key) ?? Buffer.alloc(0));
    const result = bitOp(op as BitOp, sources);
    const dest = argv[2];
    if (result.length > 0) {
      ctx.db.setKey(dest, 'string', result);
      ctx.signalModifiedKey(dest);
      ctx.notify('string', 'set', dest);
    } else if (ctx.db.delete(dest)) {
      ctx.signalModifiedKey(dest);
      ctx.notify('generic', 'del', dest);
    }
    ctx.reply.integer(result.length);
  },
});
