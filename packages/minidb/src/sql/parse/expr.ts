import type { Expr, OrderItem, TypeName, WindowSpec, FrameBound } from './ast.js';
import { parseQuery, parseOrderBy } from './select.js';
import type { TokenStream } from './stream.js';

/**
 * Expressions by PostgreSQL's precedence (lowest first): OR, AND, NOT, IS, comparison,
 * BETWEEN/IN/LIKE, other operators, + -, * / %, ^, unary, ::, [].
 */
export function parseExpr(p: TokenStream): Expr {
  return parseOr(p);
}

function parseOr(p: TokenStream): Expr {
  const first = parseAnd(p);
  if (!p.isWord('or')) return first;
  const args = [first];
  while (p.acceptWord('or')) args.push(parseAnd(p));
  return { kind: 'or', args, pos: first.pos };
}

function parseAnd(p: TokenStream): Expr {
  const first = parseNot(p);
  if (!p.isWord('and')) return first;
  const args = [first];
  while (p.acceptWord('and')) args.push(parseNot(p));
  return { kind: 'and', args, pos: first.pos };
}

function parseNot(p: TokenStream): Expr {
  const pos = p.peek().pos;
  if (p.acceptWord('not')) return { kind: 'not', arg: parseNot(p), pos };
  return parseIs(p);
}

function parseIs(p: TokenStream): Expr {
  let left = parseComparison(p);
  for (;;) {
    const pos = p.peek().pos;
    if (p.acceptWord('isnull')) {
      left = { kind: 'isnull', arg: left, negated: false, pos };
    } else if (p.acceptWord('notnull')) {
      left = { kind: 'isnull', arg: left, negated: true, pos };
    } else if (p.acceptWord('is')) {
      const negated = p.acceptWord('not');
      if (p.acceptWord('null')) left = { kind: 'isnull', arg: left, negated, pos };
      else if (p.acceptWord('true'))
        left = { kind: 'istruth', arg: left, value: true, negated, pos };
      else if (p.acceptWord('false'))
        left = { kind: 'istruth', arg: left, value: false, negated, pos };
      else if (p.acceptWord('unknown'))
        left = { kind: 'istruth', arg: left, value: null, negated, pos };
      else if (p.acceptWords('distinct', 'from')) {
        left = { kind: 'distinctfrom', left, right: parseComparison(p), negated, pos };
      } else throw p.error();
    } else return left;
  }
}

const COMPARISON = new Set(['<', '>', '=', '<=', '>=', '<>', '!=']);

function parseComparison(p: TokenStream): Expr {
  let left = parsePredicate(p);
  for (;;) {
    const t = p.peek();
    if (t.kind !== 'op' || !COMPARISON.has(t.value)) return left;
    p.next();
    const op = t.value === '!=' ? '<>' : t.value;
    const quantifier = p.isWord('any') || p.isWord('some') ? 'any' : p.isWord('all') ? 'all' : null;
    if (quantifier && p.isOp('(', 1)) {
      p.next();
      p.expectOp('(');
      if (p.isWord('select') || p.isWord('values') || p.isWord('with')) {
        const query = parseQuery(p);
        p.expectOp(')');
        left = { kind: 'quantified', op, quantifier, left, query, pos: t.pos };
      } else {
        const array = parseExpr(p);
        p.expectOp(')');
        left = { kind: 'quantified', op, quantifier, left, array, pos: t.pos };
      }
      continue;
    }
    left = { kind: 'binary', op, left, right: parsePredicate(p), pos: t.pos };
  }
}

function parsePredicate(p: TokenStream): Expr {
  const left = parseOther(p);
  const pos = p.peek().pos;
  const negated =
    p.isWord('not') && ['between', 'in', 'like', 'ilike', 'similar'].some((w) => p.isWord(w, 1));
  if (negated) p.next();
  if (p.acceptWord('between')) {
    const symmetric = p.acceptWord('symmetric');
    if (!symmetric) p.acceptWord('asymmetric');
    const low = parseOther(p);
    p.expectWord('and');
    const high = parseOther(p);
    return { kind: 'between', arg: left, low, high, negated, symmetric, pos };
  }
  if (p.acceptWord('in')) {
    p.expectOp('(');
    if (p.isWord('select') || p.isWord('values') || p.isWord('with')) {
      const query = parseQuery(p);
      p.expectOp(')');
      return { kind: 'insubquery', arg: left, query, negated, pos };
    }
    const list = parseExprList(p);
    p.expectOp(')');
    return { kind: 'inlist', arg: left, list, negated, pos };
  }
  const like = p.isWord('like') ? 'like' : p.isWord('ilike') ? 'ilike' : null;
  if (like) {
    p.next();
    const pattern = parseOther(p);
    const escapeChar = p.acceptWord('escape') ? parseOther(p) : undefined;
    return {
      kind: 'like',
      arg: left,
      pattern,
      escapeChar,
      negated,
      caseInsensitive: like === 'ilike',
      pos,
    };
  }
  if (negated) throw p.error();
  return left;
}

const ARITH = new Set(['+', '-', '*', '/', '%', '^']);

/** Operators other than the arithmetic and comparison ones: ||, ->, @>, ~ ... (left-assoc). */
function parseOther(p: TokenStream): Expr {
  let left = parseAdditive(p);
  for (;;) {
    const t = p.peek();
    if (t.kind !== 'op' || ARITH.has(t.value) || COMPARISON.has(t.value) || !isOperator(t.value))
      return left;
    p.next();
    left = { kind: 'binary', op: t.value, left, right: parseAdditive(p), pos: t.pos };
  }
}

function isOperator(v: string): boolean {
  return !['(', ')', ',', ';', '[', ']', '.', '::', ':'].includes(v);
}

function parseAdditive(p: TokenStream): Expr {
  let left = parseMultiplicative(p);
  for (;;) {
    const t = p.peek();
    if (t.kind !== 'op' || (t.value !== '+' && t.value !== '-')) return left;
    p.next();
    left = { kind: 'binary', op: t.value, left, right: parseMultiplicative(p), pos: t.pos };
  }
}

function parseMultiplicative(p: TokenStream): Expr {
  let left = parseExponent(p);
  for (;;) {
    const t = p.peek();
    if (t.kind !== 'op' || (t.value !== '*' && t.value !== '/' && t.value !== '%')) return left;
    p.next();
    left = { kind: 'binary', op: t.value, left, right: parseExponent(p), pos: t.pos };
  }
}

function parseExponent(p: TokenStream): Expr {
  let left = parseUnary(p);
  while (p.isOp('^')) {
    const t = p.next();
    left = { kind: 'binary', op: '^', left, right: parseUnary(p), pos: t.pos };
  }
  return left;
}

function parseUnary(p: TokenStream): Expr {
  const t = p.peek();
  if (t.kind === 'op' && (t.value === '-' || t.value === '+')) {
    p.next();
    const arg = parseUnary(p);
    // -2147483648 must be one literal, not a negated overflowing one.
    if (
      t.value === '-' &&
      arg.kind === 'literal' &&
      arg.literalType === 'number' &&
      !String(arg.value).startsWith('-')
    ) {
      return { ...arg, value: `-${arg.value}`, pos: t.pos };
    }
    return { kind: 'unary', op: t.value, arg, pos: t.pos };
  }
  if (t.kind === 'op' && (t.value === '~' || t.value === '@' || t.value === '|/')) {
    p.next();
    return { kind: 'unary', op: t.value, arg: parseUnary(p), pos: t.pos };
  }
  return parsePostfix(p);
}

function parsePostfix(p: TokenStream): Expr {
  let e = parsePrimary(p);
  for (;;) {
    if (p.isOp('::')) {
      const t = p.next();
      e = { kind: 'cast', arg: e, type: parseTypeName(p), pos: t.pos };
    } else if (p.isOp('[')) {
      const t = p.next();
      const index = parseExpr(p);
      p.expectOp(']');
      e = { kind: 'subscript', arg: e, index, pos: t.pos };
    } else return e;
  }
}

export function parseExprList(p: TokenStream): Expr[] {
  const list = [parseExpr(p)];
  while (p.acceptOp(',')) list.push(parseExpr(p));
  return list;
}

/** Type names, including the multi-word ones (double precision, timestamp with time zone). */
export function parseTypeName(p: TokenStream): TypeName {
  const pos = p.peek().pos;
  let name = p.label();
  if (name === 'double' && p.acceptWord('precision')) name = 'double precision';
  else if (name === 'character' && p.acceptWord('varying')) name = 'varchar';
  else if (name === 'char' && p.acceptWord('varying')) name = 'varchar';
  else if (name === 'bit' && p.acceptWord('varying')) name = 'varbit';
  else if (p.isOp('.')) {
    p.next();
    name = p.label();
  }
  const mods: number[] = [];
  if (p.acceptOp('(')) {
    do {
      const t = p.next();
      if (t.kind !== 'number') throw p.error(t);
      mods.push(Number(t.value));
    } while (p.acceptOp(','));
    p.expectOp(')');
  }
  if (name === 'timestamp' || name === 'time') {
    if (p.acceptWords('with', 'time', 'zone'))
      name = name === 'timestamp' ? 'timestamptz' : 'timetz';
    else p.acceptWords('without', 'time', 'zone');
  }
  let array = false;
  while (p.isOp('[')) {
    p.next();
    if (p.peek().kind === 'number') p.next();
    p.expectOp(']');
    array = true;
  }
  if (p.acceptWord('array')) array = true;
  return { name, mods, array, pos };
}

function parsePrimary(p: TokenStream): Expr {
  const t = p.peek();
  switch (t.kind) {
    case 'number':
      p.next();
      return { kind: 'literal', value: t.value, literalType: 'number', pos: t.pos };
    case 'string':
      p.next();
      return { kind: 'literal', value: t.value, literalType: 'string', pos: t.pos };
    case 'param': {
      p.next();
      const index = Number(t.value);
      if (index > p.maxParam) p.maxParam = index;
      return { kind: 'param', index, pos: t.pos };
    }
    case 'op':
      if (t.value === '(') return parseParenthesized(p);
      throw p.error();
    case 'keyword':
      return parseKeywordPrimary(p);
    case 'ident':
      return parseNamePrimary(p);
    default:
      throw p.error();
  }
}

function parseParenthesized(p: TokenStream): Expr {
  const t = p.next();
  if (p.isWord('select') || p.isWord('values') || p.isWord('with')) {
    const query = parseQuery(p);
    p.expectOp(')');
    return { kind: 'subquery', query, pos: t.pos };
  }
  const first = parseExpr(p);
  if (p.acceptOp(',')) {
    const items = [first, ...parseExprList(p)];
    p.expectOp(')');
    return { kind: 'row', items, pos: t.pos };
  }
  p.expectOp(')');
  return first;
}

function parseKeywordPrimary(p: TokenStream): Expr {
  const t = p.next();
  switch (t.value) {
    case 'null':
      return { kind: 'literal', value: null, literalType: 'null', pos: t.pos };
    case 'true':
    case 'false':
      return { kind: 'literal', value: t.value === 'true', literalType: 'bool', pos: t.pos };
    case 'case':
      return parseCase(p, t.pos);
    case 'cast': {
      p.expectOp('(');
      const arg = parseExpr(p);
      p.expectWord('as');
      const type = parseTypeName(p);
      p.expectOp(')');
      return { kind: 'cast', arg, type, pos: t.pos };
    }
    case 'exists': {
      p.expectOp('(');
      const query = parseQuery(p);
      p.expectOp(')');
      return { kind: 'exists', query, pos: t.pos };
    }
    case 'array': {
      if (p.acceptOp('(')) {
        const query = parseQuery(p);
        p.expectOp(')');
        return {
          kind: 'func',
          name: ['array'],
          args: [{ kind: 'subquery', query, pos: t.pos }],
          distinct: false,
          star: false,
          pos: t.pos,
        };
      }
      p.expectOp('[');
      const items = p.isOp(']') ? [] : parseExprList(p);
      p.expectOp(']');
      return { kind: 'array', items, pos: t.pos };
    }
    case 'current_date':
    case 'current_timestamp':
    case 'current_time':
    case 'localtimestamp':
    case 'localtime':
    case 'current_user':
    case 'session_user':
    case 'user':
      return {
        kind: 'func',
        name: [t.value === 'user' ? 'current_user' : t.value],
        args: [],
        distinct: false,
        star: false,
        pos: t.pos,
      };
    case 'default':
      return { kind: 'default', pos: t.pos };
    case 'left':
    case 'right':
      if (p.isOp('(')) {
        p.i--;
        return parseNamePrimary(p, true);
      }
      throw p.error(t);
    default:
      throw p.error(t);
  }
}

function parseCase(p: TokenStream, pos: number): Expr {
  const operand = p.isWord('when') ? undefined : parseExpr(p);
  const whens: { when: Expr; result: Expr }[] = [];
  while (p.acceptWord('when')) {
    const when = parseExpr(p);
    p.expectWord('then');
    whens.push({ when, result: parseExpr(p) });
  }
  if (whens.length === 0) throw p.error();
  const elseExpr = p.acceptWord('else') ? parseExpr(p) : undefined;
  p.expectWord('end');
  return { kind: 'case', operand, whens, else: elseExpr, pos };
}

/** A column reference, a qualified star, a function call, or a typed literal (date '...'). */
function parseNamePrimary(p: TokenStream, keywordName = false): Expr {
  const first = p.next();
  const parts = [first.value];
  if (!keywordName) {
    while (p.isOp('.')) {
      p.next();
      if (p.isOp('*')) {
        const star = p.next();
        return { kind: 'star', table: parts.join('.'), pos: star.pos };
      }
      parts.push(p.label());
    }
  }
  if (p.isOp('(')) return parseCall(p, parts, first.pos);
  if (parts.length === 1 && !first.quoted && p.peek().kind === 'string') {
    // A type name followed by a string: the typed literal form.
    const value = p.next();
    const type: TypeName = { name: first.value, mods: [], array: false, pos: first.pos };
    return {
      kind: 'cast',
      arg: { kind: 'literal', value: value.value, literalType: 'string', pos: value.pos },
      type,
      pos: first.pos,
    };
  }
  return { kind: 'column', parts, pos: first.pos };
}

function parseCall(p: TokenStream, name: string[], pos: number): Expr {
  p.expectOp('(');
  let distinct = false;
  let star = false;
  let args: Expr[] = [];
  let orderBy: OrderItem[] | undefined;
  if (p.isOp('*')) {
    p.next();
    star = true;
  } else if (!p.isOp(')')) {
    distinct = p.acceptWord('distinct');
    if (!distinct) p.acceptWord('all');
    args = parseExprList(p);
    if (p.acceptWords('order', 'by')) orderBy = parseOrderBy(p);
  }
  p.expectOp(')');
  let filter: Expr | undefined;
  if (p.isWord('filter') && p.isOp('(', 1)) {
    p.next();
    p.next();
    p.expectWord('where');
    filter = parseExpr(p);
    p.expectOp(')');
  }
  let over: WindowSpec | undefined;
  if (p.acceptWord('over')) over = parseWindowSpec(p);
  return { kind: 'func', name, args, distinct, star, orderBy, filter, over, pos };
}

function parseWindowSpec(p: TokenStream): WindowSpec {
  p.expectOp('(');
  const spec: WindowSpec = { partitionBy: [], orderBy: [] };
  if (p.acceptWords('partition', 'by')) spec.partitionBy = parseExprList(p);
  if (p.acceptWords('order', 'by')) spec.orderBy = parseOrderBy(p);
  const mode = p.isWord('rows')
    ? 'rows'
    : p.isWord('range')
      ? 'range'
      : p.isWord('groups')
        ? 'groups'
        : null;
  if (mode) {
    p.next();
    if (p.acceptWord('between')) {
      const start = parseFrameBound(p);
      p.expectWord('and');
      spec.frame = { mode, start, end: parseFrameBound(p) };
    } else {
      spec.frame = { mode, start: parseFrameBound(p), end: { kind: 'current' } };
    }
  }
  p.expectOp(')');
  return spec;
}

function parseFrameBound(p: TokenStream): FrameBound {
  if (p.acceptWords('unbounded', 'preceding')) return { kind: 'unbounded-preceding' };
  if (p.acceptWords('unbounded', 'following')) return { kind: 'unbounded-following' };
  if (p.acceptWords('current', 'row')) return { kind: 'current' };
  const offset = parseAdditive(p);
  if (p.acceptWord('preceding')) return { kind: 'preceding', offset };
  p.expectWord('following');
  return { kind: 'following', offset };
}
