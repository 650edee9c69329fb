import { SqlError } from '../../engine/errors.js';
import type { Expr } from '../parse/ast.js';
import { Oid } from '../types/oids.js';
import { coerce } from './coerce.js';
import type { CompileContext } from './context.js';
import { compileExpr } from './expr.js';
import type { Compiled } from './scope.js';

type Piece = { kind: 'char'; ch: string } | { kind: 'any' } | { kind: 'many' };

/** LIKE patterns to pieces: `_` one character, `%` any run, escape char (default `\`). */
function parsePattern(pattern: string, escapeChar: string | null): Piece[] {
  const out: Piece[] = [];
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (escapeChar !== null && c === escapeChar) {
      if (i + 1 >= chars.length)
        throw new SqlError('22025', 'LIKE pattern must not end with escape character');
      out.push({ kind: 'char', ch: chars[++i] });
    } else if (c === '%') {
      if (out.length === 0 || out[out.length - 1].kind !== 'many') out.push({ kind: 'many' });
    } else if (c === '_') out.push({ kind: 'any' });
    else out.push({ kind: 'char', ch: c });
  }
  return out;
}

/**
 * Matches in O(len(text) * len(pattern)) worst case with the classic greedy-with-backtrack-
 * to-last-star algorithm: never exponential, whatever the user's pattern (issue 9).
 */
export function likeMatch(text: string[], pieces: Piece[]): boolean {
  let t = 0;
  let p = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    const piece = pieces[p];
    if (
      p < pieces.length &&
      piece.kind !== 'many' &&
      (piece.kind === 'any' || piece.ch === text[t])
    ) {
      t++;
      p++;
    } else if (p < pieces.length && piece.kind === 'many') {
      starP = p++;
      starT = t;
    } else if (starP >= 0) {
      p = starP + 1;
      t = ++starT;
    } else return false;
  }
  while (p < pieces.length && pieces[p].kind === 'many') p++;
  return p === pieces.length;
}

export function compileLike(e: Expr & { kind: 'like' }, cc: CompileContext): Compiled {
  const arg = coerce(compileExpr(e.arg, cc), Oid.text, e.pos, true);
  const pat = coerce(compileExpr(e.pattern, cc), Oid.text, e.pos);
  const esc = e.escapeChar ? coerce(compileExpr(e.escapeChar, cc), Oid.text, e.pos) : null;
  const ci = e.caseInsensitive;
  const neg = e.negated;
  let cachedPattern: string | null = null;
  let cachedEscape: string | null = null;
  let cached: Piece[] = [];
  return {
    type: Oid.bool,
    typmod: -1,
    eval: (env) => {
      const s = arg.eval(env) as string | null;
      const p = pat.eval(env) as string | null;
      const escText = esc ? (esc.eval(env) as string | null) : '\\';
      if (s === null || p === null || (esc && escText === null)) return null;
      const escapeChar = escText === '' ? null : escText;
      if (escapeChar !== null && [...escapeChar].length > 1)
        throw new SqlError('22019', 'invalid escape string', {
          hint: 'Escape string must be empty or one character.',
        });
      if (p !== cachedPattern || escapeChar !== cachedEscape) {
        cached = parsePattern(
          ci ? p.toLowerCase() : p,
          escapeChar === null ? null : ci ? escapeChar.toLowerCase() : escapeChar,
        );
        cachedPattern = p;
        cachedEscape = escapeChar;
      }
      return likeMatch([...(ci ? s.toLowerCase() : s)], cached) !== neg;
    },
  };
}
