import { CommandError } from '../../command-error.js';
import {
  type BitfieldType,
  type Overflow,
  addInField,
  getField,
  parseBitfieldType,
  setField,
} from '../../structures/bits.js';
import { parseBigInteger, syntaxError } from '../args.js';
import { defineCommand } from '../define.js';
import type { CommandContext } from '../types.js';
import { parseBitOffset, readBits, writableBits } from './shared.js';

const TYPE_ERROR =
  'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.';

interface FieldOp {
  kind: 'GET' | 'SET' | 'INCRBY';
  type: BitfieldType;
  offset: number;
  /** SET value or INCRBY increment. */
  value: bigint;
  overflow: Overflow;
}

/** Parses every subcommand before anything runs, as Redis does (errors leave the key alone). */
function parseOps(ctx: CommandContext, readOnly: boolean): FieldOp[] {
  const { argv } = ctx;
  const ops: FieldOp[] = [];
  let overflow: Overflow = 'WRAP';
  for (let j = 2; j < argv.length; j++) {
    const sub = argv[j].toUpperCase();
    const left = argv.length - j - 1;
    if (sub === 'OVERFLOW' && left >= 1) {
      const mode = argv[++j].toUpperCase();
      if (mode !== 'WRAP' && mode !== 'SAT' && mode !== 'FAIL') {
        throw new CommandError('ERR Invalid OVERFLOW type specified');
      }
      overflow = mode;
      continue;
    }
    let kind: FieldOp['kind'];
    if (sub === 'GET' && left >= 2) kind = 'GET';
    else if (sub === 'SET' && left >= 3) kind = 'SET';
    else if (sub === 'INCRBY' && left >= 3) kind = 'INCRBY';
    else throw syntaxError();
    const type = parseBitfieldType(argv[j + 1]);
    if (!type) throw new CommandError(TYPE_ERROR);
    const offset = parseBitOffset(ctx, argv[j + 2], type.bits);
    j += 2;
    const value = kind === 'GET' ? 0n : parseBigInteger(argv[++j]);
    ops.push({ kind, type, offset, value, overflow });
  }
  // Checked once everything parsed, as Redis does.
  if (readOnly && ops.some((op) => op.kind !== 'GET')) {
    throw new CommandError('ERR BITFIELD_RO only supports the GET subcommand');
  }
  return ops;
}

function runBitfield(ctx: CommandContext, readOnly: boolean): void {
  const key = ctx.argv[1];
  const ops = parseOps(ctx, readOnly);
  const writes = ops.filter((op) => op.kind !== 'GET');
  let bytes: Buffer | undefined;
  if (writes.length === 0) {
    bytes = readBits(ctx, key);
  } else {
    // The string grows to the farthest bit written, even when an op then fails on overflow.
    const farthest = Math.max(...writes.map((op) => op.offset + op.type.bits - 1));
    bytes = writableBits(ctx, key, farthest).bytes;
  }
  const { reply } = ctx;
  let changes = 0;
  reply.arrayHeader(ops.length);
  for (const op of ops) {
    const current = bytes ? getField(bytes, op.offset, op.type) : 0n;
    if (op.kind === 'GET') {
      reply.integer(current);
      continue;
    }
    // SET is an increment from zero of the value, taken as uint64 for unsigned fields.
    const result =
      op.kind === 'SET'
        ? addInField(
            0n,
            op.type.signed ? op.value : BigInt.asUintN(64, op.value),
            op.type,
            op.overflow,
          )
        : addInField(current, op.value, op.type, op.overflow);
    if (result === undefined) {
      reply.null();
      continue;
    }
    setField(bytes!, op.offset, op.type, result);
    changes++;
    reply.integer(op.kind === 'SET' ? current : result);
  }
  if (changes) {
    ctx.signalModifiedKey(key);
    ctx.notify('string', 'setbit', key);
  }
}

export const bitfield = defineCommand({
  name: 'bitfield',
  arity: -2,
  flags: ['write', 'denyoom'],
  keys: [1, 1, 1],
  group: 'bitmap',
  summary: 'Perform arbitrary bitfield integer operations on strings',
  since: '3.2.0',
  handler(ctx) {
    runBitfield(ctx, false);
  },
});

export const bitfieldRo = defineCommand({
  name: 'bitfield_ro',
  arity: -2,
  flags: ['readonly', 'fast'],
  keys: [1, 1, 1],
  group: 'bitmap',
  summary:
    'Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD',
  since: '6.0.0',
  handler(ctx) {
    runBitfield(ctx, true);
  },
});
