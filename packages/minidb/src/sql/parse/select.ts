import type {
  Cte,
  Expr,
  FromItem,
  OrderItem,
  QueryBody,
  SelectCore,
  SelectItem,
  SelectStmt,
} from './ast.js';
import { parseExpr, parseExprList } from './expr.js';
import { syntaxError } from './lexer.js';
import type { TokenStream } from './stream.js';
import { parseStatementBody } from './statement.js';

/** SELECT / VALUES / set operations with WITH, ORDER BY, LIMIT, OFFSET and FETCH. */
export function parseQuery(p: TokenStream): SelectStmt {
  const pos = p.peek().pos;
  let withClause: SelectStmt['with'];
  if (p.acceptWord('with')) {
    const recursive = p.acceptWord('recursive');
    const ctes: Cte[] = [];
    do {
      const name = p.ident();
      let columns: string[] | undefined;
      if (p.acceptOp('(')) {
        columns = identList(p);
        p.expectOp(')');
      }
      p.expectWord('as');
      if (!p.acceptWords('not', 'materialized')) p.acceptWord('materialized');
      p.expectOp('(');
      const query = parseStatementBody(p);
      p.expectOp(')');
      ctes.push({ name, columns, query });
    } while (p.acceptOp(','));
    withClause = { recursive, ctes };
  }
  const body = parseSetOps(p);
  const stmt: SelectStmt = { kind: 'query', with: withClause, body, orderBy: [], pos };
  if (p.acceptWords('order', 'by')) stmt.orderBy = parseOrderBy(p);
  parseLimitOffset(p, stmt);
  if (p.acceptWord('for')) {
    // FOR UPDATE / FOR SHARE: row locks are implied by our write conflict checks.
    p.label();
    while (!p.isOp(';') && !p.isOp(')') && p.peek().kind !== 'eof') p.next();
  }
  return stmt;
}

function parseLimitOffset(p: TokenStream, stmt: SelectStmt): void {
  for (;;) {
    if (p.acceptWord('limit')) {
      if (!p.acceptWord('all')) stmt.limit = parseExpr(p);
    } else if (p.acceptWord('offset')) {
      stmt.offset = parseExpr(p);
      if (!p.acceptWord('rows')) p.acceptWord('row');
    } else if (p.acceptWord('fetch')) {
      if (!p.acceptWord('first')) p.expectWord('next');
      stmt.limit =
        p.isWord('row') || p.isWord('rows')
          ? { kind: 'literal', value: '1', literalType: 'number', pos: p.peek().pos }
          : parseExpr(p);
      if (!p.acceptWord('rows')) p.expectWord('row');
      p.expectWord('only');
    } else return;
  }
}

export function parseOrderBy(p: TokenStream): OrderItem[] {
  const items: OrderItem[] = [];
  do {
    const expr = parseExpr(p);
    let desc = false;
    if (p.acceptWord('desc')) desc = true;
    else p.acceptWord('asc');
    let nulls: OrderItem['nulls'];
    if (p.acceptWord('nulls')) {
      if (p.acceptWord('first')) nulls = 'first';
      else {
        p.expectWord('last');
        nulls = 'last';
      }
    }
    items.push({ expr, desc, nulls });
  } while (p.acceptOp(','));
  return items;
}

// UNION and EXCEPT bind looser than INTERSECT.
function parseSetOps(p: TokenStream): QueryBody {
  let left = parseIntersect(p);
  for (;;) {
    const pos = p.peek().pos;
    const op = p.isWord('union') ? 'union' : p.isWord('except') ? 'except' : null;
    if (!op) return left;
    p.next();
    const all = p.acceptWord('all');
    if (!all) p.acceptWord('distinct');
    left = { kind: 'setop', op, all, left, right: parseIntersect(p), pos };
  }
}

function parseIntersect(p: TokenStream): QueryBody {
  let left = parseSimpleQuery(p);
  while (p.isWord('intersect')) {
    const pos = p.next().pos;
    const all = p.acceptWord('all');
    if (!all) p.acceptWord('distinct');
    left = { kind: 'setop', op: 'intersect', all, left, right: parseSimpleQuery(p), pos };
  }
  return left;
}

function parseSimpleQuery(p: TokenStream): QueryBody {
  const pos = p.peek().pos;
  if (p.isOp('(')) {
    p.next();
    const inner = parseQuery(p);
    p.expectOp(')');
    return inner;
  }
  if (p.acceptWord('values')) {
    const rows: Expr[][] = [];
    do {
      p.expectOp('(');
      rows.push(parseExprList(p));
      p.expectOp(')');
    } while (p.acceptOp(','));
    return { kind: 'values', rows, pos };
  }
  if (p.acceptWord('table')) {
    const name = p.ident();
    return {
      kind: 'select',
      distinct: false,
      items: [{ expr: { kind: 'star', pos } }],
      from: [{ kind: 'table', name, pos }],
      groupBy: [],
      pos,
    };
  }
  p.expectWord('select');
  return parseSelectCore(p, pos);
}

function parseSelectCore(p: TokenStream, pos: number): SelectCore {
  const core: SelectCore = {
    kind: 'select',
    distinct: false,
    items: [],
    from: [],
    groupBy: [],
    pos,
  };
  if (p.acceptWord('distinct')) {
    core.distinct = true;
    if (p.acceptWord('on')) {
      p.expectOp('(');
      core.distinctOn = parseExprList(p);
      p.expectOp(')');
    }
  } else p.acceptWord('all');
  if (!isClauseEnd(p)) core.items = parseSelectList(p);
  if (p.acceptWord('from')) core.from = parseFromList(p);
  if (p.acceptWord('where')) core.where = parseExpr(p);
  if (p.acceptWords('group', 'by')) core.groupBy = parseExprList(p);
  if (p.acceptWord('having')) core.having = parseExpr(p);
  return core;
}

function isClauseEnd(p: TokenStream): boolean {
  const t = p.peek();
  if (t.kind === 'eof' || p.isOp(';') || p.isOp(')')) return true;
  return [
    'from',
    'where',
    'group',
    'having',
    'order',
    'limit',
    'union',
    'intersect',
    'except',
  ].some((w) => p.isWord(w));
}

export function parseSelectList(p: TokenStream): SelectItem[] {
  const items: SelectItem[] = [];
  do {
    if (p.isOp('*')) {
      items.push({ expr: { kind: 'star', pos: p.next().pos } });
      continue;
    }
    const expr = parseExpr(p);
    let alias: string | undefined;
    if (p.acceptWord('as')) alias = p.label();
    else if (p.peek().kind === 'ident') alias = p.ident();
    items.push({ expr, alias });
  } while (p.acceptOp(','));
  return items;
}

export function parseFromList(p: TokenStream): FromItem[] {
  const items = [parseJoined(p)];
  while (p.acceptOp(',')) items.push(parseJoined(p));
  return items;
}

function parseJoined(p: TokenStream): FromItem {
  let left = parseFromPrimary(p);
  for (;;) {
    const pos = p.peek().pos;
    const natural = p.acceptWord('natural');
    let joinType: 'inner' | 'left' | 'right' | 'full' | 'cross';
    if (p.acceptWord('cross')) joinType = 'cross';
    else if (p.acceptWord('inner')) joinType = 'inner';
    else if (p.isWord('left') || p.isWord('right') || p.isWord('full')) {
      joinType = p.next().value as 'left' | 'right' | 'full';
      p.acceptWord('outer');
    } else if (p.isWord('join')) joinType = 'inner';
    else {
      if (natural) throw p.error();
      return left;
    }
    p.expectWord('join');
    const right = parseFromPrimary(p);
    const join: FromItem = { kind: 'join', joinType, left, right, natural, pos };
    if (joinType !== 'cross' && !natural) {
      if (p.acceptWord('on')) join.on = parseExpr(p);
      else if (p.acceptWord('using')) {
        p.expectOp('(');
        join.using = identList(p);
        p.expectOp(')');
      } else throw p.error();
    }
    left = join;
  }
}

function parseFromPrimary(p: TokenStream): FromItem {
  const pos = p.peek().pos;
  const lateral = p.acceptWord('lateral');
  if (p.isOp('(')) {
    if (p.isWord('select', 1) || p.isWord('values', 1) || p.isWord('with', 1) || p.isOp('(', 1)) {
      p.next();
      const query = parseQuery(p);
      p.expectOp(')');
      const [alias, columnAliases] = parseAlias(p);
      if (!alias) throw syntaxError('subquery in FROM must have an alias', pos);
      return { kind: 'subquery', query, alias, columnAliases, lateral, pos };
    }
    p.next();
    const inner = parseJoined(p);
    p.expectOp(')');
    return inner;
  }
  p.acceptWord('only');
  let name = p.ident();
  let schema: string | undefined;
  if (p.acceptOp('.')) {
    schema = name;
    name = p.label();
  }
  if (p.isOp('(')) {
    p.next();
    const args = p.isOp(')') ? [] : parseExprList(p);
    p.expectOp(')');
    const func: Expr = {
      kind: 'func',
      name: schema ? [schema, name] : [name],
      args,
      distinct: false,
      star: false,
      pos,
    };
    const [alias, columnAliases] = parseAlias(p);
    return { kind: 'function', func, alias, columnAliases, pos };
  }
  const [alias, columnAliases] = parseAlias(p);
  return { kind: 'table', schema, name, alias, columnAliases, pos };
}

function parseAlias(p: TokenStream): [string | undefined, string[] | undefined] {
  let alias: string | undefined;
  if (p.acceptWord('as')) alias = p.label();
  else if (p.peek().kind === 'ident' && !isJoinWord(p)) alias = p.ident();
  if (!alias) return [undefined, undefined];
  let columns: string[] | undefined;
  if (p.acceptOp('(')) {
    columns = identList(p);
    p.expectOp(')');
  }
  return [alias, columns];
}

function isJoinWord(p: TokenStream): boolean {
  return [
    'natural',
    'cross',
    'inner',
    'join',
    'left',
    'right',
    'full',
    'on',
    'using',
    'tablesample',
  ].some((w) => p.isWord(w));
}

export function identList(p: TokenStream): string[] {
  const names = [p.ident()];
  while (p.acceptOp(',')) names.push(p.ident());
  return names;
}
