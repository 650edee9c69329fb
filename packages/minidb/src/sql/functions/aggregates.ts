import { SqlError } from '../../engine/errors.js';
import { Decimal } from '../types/numeric.js';
import { arrayTypeOf, Oid, typeInfo } from '../types/oids.js';
import { compareValues } from '../types/values.js';
import { checkInt8 } from '../plan/convert.js';

/** Aggregate functions: state, transition and final steps per argument type (pg_aggregate). */
export interface AggregateImpl {
  result: number;
  /** Argument type the input is converted to. */
  input: number | null;
  init(): unknown;
  step(state: unknown, value: unknown): unknown;
  final(state: unknown): unknown;
  /** Whether NULL inputs are skipped (strict transition). */
  strict: boolean;
}

type AggBuilder = (argTypes: number[], pos: number) => AggregateImpl;

function noFunction(name: string, argTypes: number[], pos: number): SqlError {
  return new SqlError(
    '42883',
    `function ${name}(${argTypes.map((t) => typeInfo(t).name).join(', ')}) does not exist`,
    {
      position: pos + 1,
      hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
    },
  );
}

const isInt = (t: number) => t === Oid.int2 || t === Oid.int4;

function sumBuilder(argTypes: number[], pos: number): AggregateImpl {
  const t = argTypes[0];
  if (isInt(t)) {
    return {
      result: Oid.int8,
      input: t,
      strict: true,
      init: () => null,
      step: (s, v) => checkInt8(((s as bigint | null) ?? 0n) + BigInt(v as number)),
      final: (s) => s,
    };
  }
  if (t === Oid.int8 || t === Oid.numeric) {
    return {
      result: Oid.numeric,
      input: t,
      strict: true,
      init: () => null,
      step: (s, v) =>
        ((s as Decimal | null) ?? Decimal.fromInt(0)).add(
          v instanceof Decimal ? v : Decimal.fromInt(v as bigint),
        ),
      final: (s) => s,
    };
  }
  if (t === Oid.float4 || t === Oid.float8) {
    return {
      result: t,
      input: t,
      strict: true,
      init: () => null,
      step: (s, v) => ((s as number | null) ?? 0) + (v as number),
      final: (s) => s,
    };
  }
  if (t === Oid.interval) {
    return {
      result: t,
      input: t,
      strict: true,
      init: () => null,
      step: (s, v) => {
        const a = (s as { months: number; days: number; micros: number } | null) ?? {
          months: 0,
          days: 0,
          micros: 0,
        };
        const b = v as typeof a;
        return { months: a.months + b.months, days: a.days + b.days, micros: a.micros + b.micros };
      },
      final: (s) => s,
    };
  }
  throw noFunction('sum', argTypes, pos);
}

function avgBuilder(argTypes: number[], pos: number): AggregateImpl {
  const t = argTypes[0];
  if (isInt(t) || t === Oid.int8 || t === Oid.numeric) {
    return {
      result: Oid.numeric,
      input: t,
      strict: true,
      init: () => ({ sum: Decimal.fromInt(0), n: 0 }),
      step: (s, v) => {
        const st = s as { sum: Decimal; n: number };
        st.sum = st.sum.add(v instanceof Decimal ? v : Decimal.fromInt(v as number | bigint));
        st.n++;
        return st;
      },
      final: (s) => {
        const st = s as { sum: Decimal; n: number };
        return st.n === 0 ? null : st.sum.div(Decimal.fromInt(st.n));
      },
    };
  }
  if (t === Oid.float4 || t === Oid.float8) {
    return {
      result: Oid.float8,
      input: Oid.float8,
      strict: true,
      init: () => ({ sum: 0, n: 0 }),
      step: (s, v) => {
        const st = s as { sum: number; n: number };
        st.sum += v as number;
        st.n++;
        return st;
      },
      final: (s) => {
        const st = s as { sum: number; n: number };
        return st.n === 0 ? null : st.sum / st.n;
      },
    };
  }
  throw noFunction('avg', argTypes, pos);
}

function extremum(name: string, sign: number): AggBuilder {
  return (argTypes, pos) => {
    const t = argTypes[0];
    if (t === Oid.bool || t === Oid.json || t === Oid.record) throw noFunction(name, argTypes, pos);
    return {
      result: t === Oid.unknown ? Oid.text : t,
      input: t === Oid.unknown ? Oid.text : t,
      strict: true,
      init: () => null,
      step: (s, v) => (s === null || compareValues(v, s) * sign > 0 ? v : s),
      final: (s) => s,
    };
  };
}

function boolAgg(isAnd: boolean): AggBuilder {
  return (argTypes, pos) => {
    if (argTypes[0] !== Oid.bool && argTypes[0] !== Oid.unknown)
      throw noFunction(isAnd ? 'bool_and' : 'bool_or', argTypes, pos);
    return {
      result: Oid.bool,
      input: Oid.bool,
      strict: true,
      init: () => null,
      step: (s, v) => (s === null ? v : isAnd ? s && v : s || v),
      final: (s) => s,
    };
  };
}

const count: AggBuilder = () => ({
  result: Oid.int8,
  input: null,
  strict: true,
  init: () => 0n,
  step: (s) => (s as bigint) + 1n,
  final: (s) => s,
});

export const AGGREGATES: Record<string, AggBuilder> = {
  count,
  sum: sumBuilder,
  avg: avgBuilder,
  min: extremum('min', -1),
  max: extremum('max', 1),
  bool_and: boolAgg(true),
  every: boolAgg(true),
  bool_or: boolAgg(false),
  string_agg: () => ({
    result: Oid.text,
    input: Oid.text,
    strict: true,
    init: () => null,
    step: (s, v) => {
      const [value, sep] = v as [string, string | null];
      return s === null ? value : `${s as string}${sep ?? ''}${value}`;
    },
    final: (s) => s,
  }),
  array_agg: (argTypes) => ({
    result: arrayTypeOf(argTypes[0]) || 1009,
    input: argTypes[0] === Oid.unknown ? Oid.text : argTypes[0],
    strict: false,
    init: () => null,
    step: (s, v) => {
      const arr = (s as unknown[] | null) ?? [];
      arr.push(v);
      return arr;
    },
    final: (s) => s,
  }),
};

export function isAggregate(name: string): boolean {
  return name in AGGREGATES;
}
