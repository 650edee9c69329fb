import { SqlError } from '../../engine/errors.js';
import { coerce, commonType } from '../plan/coerce.js';
import type { CompileContext } from '../plan/context.js';
import { implicitConverter, numericRank } from '../plan/convert.js';
import { isNullConstant, resolveParam } from '../plan/expr.js';
import type { Compiled, Env } from '../plan/scope.js';
import { Decimal } from '../types/numeric.js';
import { Oid, typeInfo } from '../types/oids.js';
import { compareValues } from '../types/values.js';
import { SEQUENCE_FUNCTIONS, SYSTEM_FUNCTIONS } from './system.js';

/** A function builder: checks and converts the arguments, returns the compiled call. */
export type FunctionBuilder = (args: Compiled[], pos: number, cc: CompileContext) => Compiled;

export function noSuchFunction(name: string, args: Compiled[], pos: number): SqlError {
  return new SqlError(
    '42883',
    `function ${name}(${args.map((a) => typeInfo(a.type).name).join(', ')}) does not exist`,
    {
      position: pos + 1,
      hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
    },
  );
}

/** A strict function: NULL in, NULL out, with arguments converted to fixed types. */
export function strict(
  types: number[],
  result: number,
  fn: (...a: unknown[]) => unknown,
  name = '',
): FunctionBuilder {
  return (args, pos, cc) => {
    if (args.length !== types.length) throw noSuchFunction(name, args, pos);
    if (
      args.some(
        (a, i) =>
          a.type !== Oid.unknown &&
          a.paramIndex === undefined &&
          !implicitConverter(a.type, types[i]),
      )
    ) {
      throw noSuchFunction(name, args, pos);
    }
    const typed = args.map((a, i) =>
      coerce(a.paramIndex !== undefined ? resolveParam(a, types[i], cc) : a, types[i], pos),
    );
    return strictCall(result, typed, fn);
  };
}

/**
 * A call of a strict function: every argument is evaluated before the NULL check, and a NULL
 * constant argument makes the call the NULL constant, as PostgreSQL does.
 */
export function strictCall(
  type: number,
  args: Compiled[],
  fn: (...a: unknown[]) => unknown,
): Compiled {
  if (args.some(isNullConstant)) return { type, typmod: -1, eval: () => null, constant: true };
  const fs = args.map((c) => c.eval);
  return {
    type,
    typmod: -1,
    constant: args.every((c) => c.constant),
    eval: (env) => {
      const vals = fs.map((f) => f(env));
      return vals.includes(null) ? null : fn(...vals);
    },
  };
}

/** Numeric functions keep their argument's type (abs(int) is int, abs(numeric) numeric). */
function numericUnary(
  name: string,
  ops: {
    int?: (v: number) => number;
    big?: (v: bigint) => bigint;
    dec: (v: Decimal) => Decimal;
    float: (v: number) => number;
  },
  keepInt = true,
): FunctionBuilder {
  return (args, pos, cc) => {
    if (args.length !== 1) throw noSuchFunction(name, args, pos);
    let a = args[0].paramIndex !== undefined ? resolveParam(args[0], Oid.float8, cc) : args[0];
    if (a.type === Oid.unknown) a = coerce(a, Oid.float8, pos);
    const t = a.type;
    if (!numericRank(t)) throw noSuchFunction(name, args, pos);
    let f: (v: unknown) => unknown;
    let type = t;
    if ((t === Oid.int2 || t === Oid.int4) && ops.int && keepInt) f = (v) => ops.int!(v as number);
    else if (t === Oid.int8 && ops.big && keepInt) f = (v) => ops.big!(v as bigint);
    // floor(int), round(int)...: an integer argument resolves to the float8 variant (preferred type).
    else if (
      t === Oid.float4 ||
      t === Oid.float8 ||
      t === Oid.int2 ||
      t === Oid.int4 ||
      t === Oid.int8
    ) {
      type = Oid.float8;
      a = coerce(a, Oid.float8, pos);
      f = (v) => ops.float(v as number);
    } else {
      type = Oid.numeric;
      a = coerce(a, Oid.numeric, pos);
      f = (v) => ops.dec(v as Decimal);
    }
    return strictCall(type, [a], f);
  };
}

function intAbs(oid: number) {
  return (v: number) => {
    if (oid === Oid.int4 && v === -2147483648) throw new SqlError('22003', 'integer out of range');
    return Math.abs(v);
  };
}

/** round/trunc with an optional scale: numeric only when a scale is given. */
function roundLike(
  name: string,
  dec: (d: Decimal, s: number) => Decimal,
  flt: (v: number) => number,
): FunctionBuilder {
  return (args, pos, cc) => {
    if (args.length === 1)
      return numericUnary(name, { dec: (d) => dec(d, 0), float: flt }, false)(args, pos, cc);
    if (args.length !== 2) throw noSuchFunction(name, args, pos);
    const a = coerce(
      args[0].paramIndex !== undefined ? resolveParam(args[0], Oid.numeric, cc) : args[0],
      Oid.numeric,
      pos,
    );
    const s = coerce(args[1], Oid.int4, pos);
    return strictCall(Oid.numeric, [a, s], (v, k) => dec(v as Decimal, k as number));
  };
}

function rintHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function variadicSame(
  name: string,
  pick: (vals: unknown[]) => unknown,
  skipNulls: boolean,
): FunctionBuilder {
  return (args, pos, cc) => {
    if (args.length === 0) throw noSuchFunction(name, args, pos);
    const t = commonType(
      args.map((a) => a.type),
      name.toUpperCase(),
      pos,
    );
    const typed = args.map((a) =>
      coerce(a.paramIndex !== undefined ? resolveParam(a, t, cc) : a, t, pos),
    );
    const fs = typed.map((c) => c.eval);
    const isConstant = typed.every((c) => c.constant);
    if (!skipNulls) {
      return {
        type: t,
        typmod: -1,
        constant: isConstant,
        eval: (env) => {
          for (const f of fs) {
            const v = f(env);
            if (v !== null) return v;
          }
          return null;
        },
      };
    }
    return {
      type: t,
      typmod: -1,
      constant: isConstant,
      eval: (env) => pick(fs.map((f) => f(env)).filter((v) => v !== null)),
    };
  };
}

const textFn = (
  name: string,
  fn: (...a: never[]) => unknown,
  types: number[],
  result: number = Oid.text,
) => strict(types, result, fn as (...a: unknown[]) => unknown, name);
const T = Oid.text;
const I = Oid.int4;

function substring(s: string, from: number, len?: number): string {
  const chars = [...s];
  if (len !== undefined && len < 0)
    throw new SqlError('22011', 'negative substring length not allowed');
  const start = from - 1;
  const end = len === undefined ? chars.length : start + len;
  return chars.slice(Math.max(start, 0), Math.max(end, 0)).join('');
}

function trimChars(s: string, chars: string, left: boolean, right: boolean): string {
  const set = new Set([...chars]);
  const a = [...s];
  let i = 0;
  let j = a.length;
  if (left) while (i < j && set.has(a[i])) i++;
  if (right) while (j > i && set.has(a[j - 1])) j--;
  return a.slice(i, j).join('');
}

export const SCALAR_FUNCTIONS: Record<string, FunctionBuilder> = {
  abs: (args, pos, cc) =>
    numericUnary('abs', {
      int: intAbs(args[0]?.type ?? Oid.int4),
      big: (v) => (v < 0n ? -v : v),
      dec: (d) => d.abs(),
      float: Math.abs,
    })(args, pos, cc),
  ceil: numericUnary('ceil', { dec: (d) => d.ceil(), float: Math.ceil }, false),
  ceiling: numericUnary('ceiling', { dec: (d) => d.ceil(), float: Math.ceil }, false),
  floor: numericUnary('floor', { dec: (d) => d.floor(), float: Math.floor }, false),
  sign: numericUnary('sign', { dec: (d) => Decimal.fromInt(d.sign()), float: Math.sign }, false),
  round: roundLike('round', (d, s) => d.round(s), rintHalfEven),
  trunc: roundLike('trunc', (d, s) => d.trunc(s), Math.trunc),
  sqrt: strict([Oid.float8], Oid.float8, (v) => {
    if ((v as number) < 0)
      throw new SqlError('2201F', 'cannot take square root of a negative number');
    return Math.sqrt(v as number);
  }),
  power: strict([Oid.float8, Oid.float8], Oid.float8, (a, b) => (a as number) ** (b as number)),
  pow: strict([Oid.float8, Oid.float8], Oid.float8, (a, b) => (a as number) ** (b as number)),
  exp: strict([Oid.float8], Oid.float8, (v) => Math.exp(v as number)),
  ln: strict([Oid.float8], Oid.float8, (v) => {
    if ((v as number) <= 0)
      throw new SqlError(
        '2201E',
        (v as number) === 0
          ? 'cannot take logarithm of zero'
          : 'cannot take logarithm of a negative number',
      );
    return Math.log(v as number);
  }),
  pi: strict([], Oid.float8, () => Math.PI),
  random: () => ({ type: Oid.float8, typmod: -1, eval: () => Math.random() }),
  mod: (args, pos, cc) => {
    if (args.length !== 2) throw noSuchFunction('mod', args, pos);
    const t = commonType(
      args.map((a) => (a.type === Oid.unknown ? Oid.int4 : a.type)),
      'mod',
      pos,
    );
    if (!numericRank(t) || t === Oid.float4 || t === Oid.float8)
      throw noSuchFunction('mod', args, pos);
    const typed = args.map((x) =>
      coerce(x.paramIndex !== undefined ? resolveParam(x, t, cc) : x, t, pos),
    );
    return strictCall(t, typed, (x, y) => {
      if (t === Oid.numeric) return (x as Decimal).mod(y as Decimal);
      if (y === 0 || y === 0n) throw new SqlError('22012', 'division by zero');
      if (t === Oid.int8) return (x as bigint) % (y as bigint);
      const r = (x as number) % (y as number);
      return r === 0 ? 0 : r;
    });
  },
  coalesce: variadicSame('coalesce', () => null, false),
  greatest: variadicSame(
    'greatest',
    (vals) => (vals.length ? vals.reduce((m, v) => (compareValues(v, m) > 0 ? v : m)) : null),
    true,
  ),
  least: variadicSame(
    'least',
    (vals) => (vals.length ? vals.reduce((m, v) => (compareValues(v, m) < 0 ? v : m)) : null),
    true,
  ),
  nullif: (args, pos, cc) => {
    if (args.length !== 2) throw noSuchFunction('nullif', args, pos);
    const t = commonType(
      args.map((a) => a.type),
      'NULLIF',
      pos,
    );
    const typed = args.map((x) =>
      coerce(x.paramIndex !== undefined ? resolveParam(x, t, cc) : x, t, pos),
    );
    // NULLIF(NULL, x) is NULL whatever x is (PostgreSQL folds it).
    if (isNullConstant(typed[0])) return { type: t, typmod: -1, eval: () => null, constant: true };
    const [a, b] = typed.map((c) => c.eval);
    return {
      type: t,
      typmod: -1,
      constant: typed.every((c) => c.constant),
      eval: (env) => {
        const x = a(env);
        const y = b(env);
        return x !== null && y !== null && compareValues(x, y) === 0 ? null : x;
      },
    };
  },
  lower: textFn('lower', (s: string) => s.toLowerCase(), [T]),
  upper: textFn('upper', (s: string) => s.toUpperCase(), [T]),
  length: textFn('length', (s: string) => [...s].length, [T], I),
  char_length: textFn('char_length', (s: string) => [...s].length, [T], I),
  character_length: textFn('character_length', (s: string) => [...s].length, [T], I),
  octet_length: textFn('octet_length', (s: string) => Buffer.byteLength(s), [T], I),
  substr: (args, pos, cc) =>
    (args.length === 2
      ? textFn('substr', substring, [T, I])
      : textFn('substr', substring, [T, I, I]))(args, pos, cc),
  substring: (args, pos, cc) =>
    (args.length === 2
      ? textFn('substring', substring, [T, I])
      : textFn('substring', substring, [T, I, I]))(args, pos, cc),
  btrim: (args, pos, cc) =>
    textFn(
      'btrim',
      (s: string, c = ' ') => trimChars(s, c, true, true),
      args.length === 2 ? [T, T] : [T],
    )(args, pos, cc),
  ltrim: (args, pos, cc) =>
    textFn(
      'ltrim',
      (s: string, c = ' ') => trimChars(s, c, true, false),
      args.length === 2 ? [T, T] : [T],
    )(args, pos, cc),
  rtrim: (args, pos, cc) =>
    textFn(
      'rtrim',
      (s: string, c = ' ') => trimChars(s, c, false, true),
      args.length === 2 ? [T, T] : [T],
    )(args, pos, cc),
  replace: textFn(
    'replace',
    (s: string, a: string, b: string) => (a === '' ? s : s.split(a).join(b)),
    [T, T, T],
  ),
  strpos: textFn(
    'strpos',
    (s: string, sub: string) =>
      [...s.slice(0, Math.max(s.indexOf(sub), 0))].length + (s.indexOf(sub) >= 0 ? 1 : 0),
    [T, T],
    I,
  ),
  position: textFn(
    'position',
    (sub: string, s: string) =>
      s.indexOf(sub) >= 0 ? [...s.slice(0, s.indexOf(sub))].length + 1 : 0,
    [T, T],
    I,
  ),
  left: textFn(
    'left',
    (s: string, n: number) => {
      const c = [...s];
      return (n >= 0 ? c.slice(0, n) : c.slice(0, Math.max(c.length + n, 0))).join('');
    },
    [T, I],
  ),
  right: textFn(
    'right',
    (s: string, n: number) => {
      const c = [...s];
      return (n >= 0 ? c.slice(Math.max(c.length - n, 0)) : c.slice(-n)).join('');
    },
    [T, I],
  ),
  repeat: textFn('repeat', (s: string, n: number) => s.repeat(Math.max(n, 0)), [T, I]),
  reverse: textFn('reverse', (s: string) => [...s].reverse().join(''), [T]),
  md5: textFn('md5', (s: string) => createHash('md5').update(s).digest('hex'), [T]),
  concat: (args, pos) => {
    const fs = args.map((a) => coerce(a, Oid.text, pos, true).eval);
    return {
      type: Oid.text,
      typmod: -1,
      eval: (env) =>
        fs
          .map((f) => f(env))
          .filter((v) => v !== null)
          .join(''),
    };
  },
  concat_ws: (args, pos) => {
    const [sep, ...rest] = args.map((a) => coerce(a, Oid.text, pos, true).eval);
    return {
      type: Oid.text,
      typmod: -1,
      eval: (env) => {
        const s = sep(env);
        if (s === null) return null;
        return rest
          .map((f) => f(env))
          .filter((v) => v !== null)
          .join(s as string);
      },
    };
  },
  ...SYSTEM_FUNCTIONS,
  ...SEQUENCE_FUNCTIONS,
};

import { createHash } from 'node:crypto';

export function evalArgs(fs: ((env: Env) => unknown)[], env: Env): unknown[] {
  return fs.map((f) => f(env));
}
