import { SqlError } from '../../engine/errors.js';
import type { SequenceMeta } from '../catalog.js';
import { coerce } from '../plan/coerce.js';
import type { Compiled, Env } from '../plan/scope.js';
import { Oid } from '../types/oids.js';
import type { FunctionBuilder } from './scalar.js';

export const SERVER_VERSION = '15.8';

const value =
  (type: number, fn: (env: Env) => unknown): FunctionBuilder =>
  () => ({ type, typmod: -1, eval: fn });

/** Session and server information functions. */
export const SYSTEM_FUNCTIONS: Record<string, FunctionBuilder> = {
  now: value(Oid.timestamptz, (env) => env.ctx.transactionTime),
  current_timestamp: value(Oid.timestamptz, (env) => env.ctx.transactionTime),
  transaction_timestamp: value(Oid.timestamptz, (env) => env.ctx.transactionTime),
  statement_timestamp: value(Oid.timestamptz, (env) => env.ctx.statementTime),
  clock_timestamp: value(Oid.timestamptz, () => Date.now() * 1000),
  localtimestamp: value(Oid.timestamp, (env) => env.ctx.transactionTime),
  current_date: value(Oid.date, (env) => Math.floor(env.ctx.transactionTime / 86_400_000_000)),
  current_time: value(Oid.time, (env) => env.ctx.transactionTime % 86_400_000_000),
  localtime: value(Oid.time, (env) => env.ctx.transactionTime % 86_400_000_000),
  version: value(
    Oid.text,
    () =>
      `PostgreSQL ${SERVER_VERSION} (strata-minidb) on ${process.arch}-pc-linux-gnu, compiled by TypeScript, 64-bit`,
  ),
  current_database: value(Oid.name, (env) => env.ctx.database),
  current_catalog: value(Oid.name, (env) => env.ctx.database),
  current_schema: value(Oid.name, () => 'public'),
  current_user: value(Oid.name, (env) => env.ctx.user),
  session_user: value(Oid.name, (env) => env.ctx.user),
  pg_backend_pid: value(Oid.int4, () => process.pid),
};

function sequenceArg(env: Env, name: unknown): SequenceMeta {
  const text = String(name);
  const parts = text.split('.');
  const seq = env.ctx.catalog.findSequence(
    parts.length > 1 ? parts[0] : undefined,
    parts[parts.length - 1].replace(/"/g, ''),
  );
  if (!seq) throw new SqlError('42P01', `relation "${text}" does not exist`);
  return seq;
}

/** nextval is not transactional, as in PostgreSQL: a rolled-back nextval still consumes. */
export function nextValue(seq: SequenceMeta): bigint {
  const next = seq.called ? seq.value + seq.increment : seq.value;
  if (next > seq.max || next < seq.min) {
    throw new SqlError(
      '2200H',
      `nextval: reached ${next > seq.max ? 'maximum' : 'minimum'} value of sequence "${seq.name}" (${next > seq.max ? seq.max : seq.min})`,
    );
  }
  seq.value = next;
  seq.called = true;
  return next;
}

const seqFn =
  (fn: (env: Env, args: unknown[]) => unknown, argTypes: number[]): FunctionBuilder =>
  (args, pos) => {
    const fs = args.map((a, i) => coerce(a, argTypes[i] ?? Oid.int8, pos, true).eval);
    const c: Compiled = {
      type: Oid.int8,
      typmod: -1,
      eval: (env) => {
        const vals = fs.map((f) => f(env));
        if (vals.some((v) => v === null)) return null;
        return fn(env, vals);
      },
    };
    return c;
  };

export const SEQUENCE_FUNCTIONS: Record<string, FunctionBuilder> = {
  nextval: seqFn(
    (env, [name]) => {
      const seq = sequenceArg(env, name);
      const v = nextValue(seq);
      env.ctx.currval.set(seq.oid, v);
      env.ctx.currval.set(0, v);
      return v;
    },
    [Oid.text],
  ),
  currval: seqFn(
    (env, [name]) => {
      const seq = sequenceArg(env, name);
      const v = env.ctx.currval.get(seq.oid);
      if (v === undefined)
        throw new SqlError(
          '55000',
          `currval of sequence "${seq.name}" is not yet defined in this session`,
        );
      return v;
    },
    [Oid.text],
  ),
  lastval: seqFn((env) => {
    const v = env.ctx.currval.get(0);
    if (v === undefined) throw new SqlError('55000', 'lastval is not yet defined in this session');
    return v;
  }, []),
  setval: seqFn(
    (env, [name, v, called]) => {
      const seq = sequenceArg(env, name);
      seq.value = BigInt(v as bigint);
      seq.called = called === undefined ? true : Boolean(called);
      return seq.value;
    },
    [Oid.text, Oid.int8, Oid.bool],
  ),
};
