import { SqlError } from '../../engine/errors.js';
import { Oid, typeInfo } from '../types/oids.js';
import { parseText } from '../types/text.js';
import {
  applyTypmod,
  cannotCast,
  explicitConverter,
  implicitConverter,
  numericRank,
} from './convert.js';
import type { Compiled } from './scope.js';

/** Wraps a compiled expression so it yields `target` (implicit or explicit cast). */
export function coerce(
  c: Compiled,
  target: number,
  pos: number,
  explicit = false,
  typmod = -1,
): Compiled {
  if (c.type === target && typmod < 0) return c;
  if (c.type === Oid.unknown) {
    const inner = c.eval;
    const mod = applyTypmod(target, typmod, explicit);
    // An unknown literal is parsed once, at compile time, when it is a constant.
    if (c.unknownLiteral !== undefined) {
      const text = c.unknownLiteral;
      const v = text === null ? null : withPosition(() => parseText(target, text), pos);
      const value = v === null || !mod ? v : mod(v);
      return { type: target, typmod, eval: () => value, constant: true };
    }
    return {
      type: target,
      typmod,
      eval: (env) => {
        const v = inner(env);
        if (v === null) return null;
        const parsed = parseText(target, v as string);
        return mod ? mod(parsed) : parsed;
      },
    };
  }
  const conv = explicit ? explicitConverter(c.type, target) : implicitConverter(c.type, target);
  if (!conv) {
    if (explicit) throw cannotCast(c.type, target, pos);
    throw new SqlError(
      '42804',
      `column is of type ${typeInfo(target).name} but expression is of type ${typeInfo(c.type).name}`,
      { position: pos + 1 },
    );
  }
  const mod = applyTypmod(target, typmod, explicit);
  const inner = c.eval;
  const f = mod ? (v: unknown) => mod(conv(v)) : conv;
  if (c.type === target && !mod) return c;
  return {
    type: target,
    typmod,
    constant: c.constant,
    eval: (env) => {
      const v = inner(env);
      return v === null ? null : f(v);
    },
  };
}

function withPosition<T>(fn: () => T, pos: number): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof SqlError && e.fields.position === undefined) e.fields.position = pos + 1;
    throw e;
  }
}

/** Assignment casts (INSERT/UPDATE targets): numeric narrowing and anything to text allowed. */
/** Casts of pg_cast castcontext 'a' between date/time types (now() into a timestamp column). */
const ASSIGNMENT_CASTS = new Set([
  `${Oid.timestamptz}>${Oid.timestamp}`,
  `${Oid.timestamptz}>${Oid.date}`,
  `${Oid.timestamp}>${Oid.date}`,
  `${Oid.timestamptz}>${Oid.time}`,
  `${Oid.timestamp}>${Oid.time}`,
]);

function isAssignmentCast(from: number, to: number): boolean {
  return ASSIGNMENT_CASTS.has(`${from}>${to}`);
}

export function coerceForAssignment(
  c: Compiled,
  target: number,
  typmod: number,
  pos: number,
  column: string,
): Compiled {
  if (c.type === Oid.unknown || implicitConverter(c.type, target))
    return coerce(c, target, pos, false, typmod);
  const textual = target === Oid.text || target === Oid.varchar || target === Oid.bpchar;
  if ((numericRank(c.type) && numericRank(target)) || textual || isAssignmentCast(c.type, target))
    return coerce(c, target, pos, true, typmod);
  throw new SqlError(
    '42804',
    `column "${column}" is of type ${typeInfo(target).name} but expression is of type ${typeInfo(c.type).name}`,
    {
      position: pos + 1,
      hint: 'You will need to rewrite or cast the expression.',
    },
  );
}

/** The common type of CASE branches, COALESCE arguments, UNION columns (PostgreSQL's rules, simplified). */
export function commonType(types: number[], context: string, pos: number): number {
  const known = types.filter((t) => t !== Oid.unknown);
  if (known.length === 0) return Oid.text;
  let best = known[0];
  for (const t of known.slice(1)) {
    if (t === best) continue;
    if (numericRank(t) && numericRank(best)) {
      best = numericRank(t) > numericRank(best) ? t : best;
      continue;
    }
    if (implicitConverter(best, t)) {
      best = t;
      continue;
    }
    if (implicitConverter(t, best)) continue;
    throw new SqlError(
      '42804',
      `${context} types ${typeInfo(best).name} and ${typeInfo(t).name} cannot be matched`,
      { position: pos + 1 },
    );
  }
  return best;
}
