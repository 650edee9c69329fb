import type { Expr, OnConflict, QualifiedName, SelectItem, SelectStmt, Statement } from './ast.js';
import { parseCopy } from './copy.js';
import { parseCreate, parseDrop, parseAlter } from './ddl.js';
import { parseExpr, parseExprList } from './expr.js';
import { identList, parseFromList, parseQuery, parseSelectList } from './select.js';
import { TokenStream } from './stream.js';

export interface ParsedStatement {
  stmt: Statement;
  /** The statement's own text (for the query log and pg_stat_activity). */
  text: string;
  /** Number of $n parameters referenced. */
  paramCount: number;
}

/** Every statement of a query text (simple query); empty statements are dropped. */
export function parseStatements(sql: string): ParsedStatement[] {
  const p = new TokenStream(sql);
  const out: ParsedStatement[] = [];
  for (;;) {
    while (p.acceptOp(';'));
    if (p.peek().kind === 'eof') return out;
    const start = p.peek().pos;
    p.maxParam = 0;
    const stmt = parseStatementBody(p);
    if (!p.isOp(';') && p.peek().kind !== 'eof') throw p.error();
    out.push({ stmt, text: sql.slice(start, p.peek().pos), paramCount: p.maxParam });
  }
}

export function parseStatementBody(p: TokenStream): Statement {
  const t = p.peek();
  if (t.kind === 'op' && t.value === '(') return parseQuery(p);
  if (t.kind !== 'keyword' && t.kind !== 'ident') throw p.error();
  switch (t.value) {
    case 'select':
    case 'values':
    case 'with':
    case 'table':
      return parseWithStatement(p);
    case 'insert':
      return parseInsert(p);
    case 'update':
      return parseUpdate(p);
    case 'delete':
      return parseDelete(p);
    case 'create':
      return parseCreate(p);
    case 'drop':
      return parseDrop(p);
    case 'alter':
      return parseAlter(p);
    case 'copy':
      return parseCopy(p);
    case 'begin':
    case 'start':
    case 'commit':
    case 'end':
    case 'rollback':
    case 'abort':
    case 'savepoint':
    case 'release':
      return parseTransaction(p);
    case 'set':
      return parseSet(p);
    case 'show':
      p.next();
      return { kind: 'show', name: parseSettingName(p) };
    case 'reset':
      p.next();
      return { kind: 'set', name: parseSettingName(p), value: 'default', local: false };
    case 'truncate': {
      p.next();
      p.acceptWord('table');
      const names = [qualifiedName(p)];
      while (p.acceptOp(',')) names.push(qualifiedName(p));
      skipRest(p);
      return { kind: 'truncate', names };
    }
    case 'explain': {
      p.next();
      let analyze = false;
      if (p.acceptOp('(')) {
        do {
          const opt = p.label();
          if (opt === 'analyze') analyze = !p.acceptWord('false') && !p.acceptWord('off');
          else if (!p.isOp(',') && !p.isOp(')')) p.next();
        } while (p.acceptOp(','));
        p.expectOp(')');
      } else {
        analyze = p.acceptWord('analyze');
        p.acceptWord('verbose');
      }
      return { kind: 'explain', analyze, statement: parseStatementBody(p) };
    }
    case 'vacuum':
    case 'analyze':
    case 'checkpoint':
    case 'discard':
    case 'listen':
    case 'unlisten':
    case 'notify':
    case 'lock':
    case 'comment':
    case 'grant':
    case 'revoke': {
      p.next();
      skipRest(p);
      const tags: Record<string, string> = {
        discard: 'DISCARD ALL',
        comment: 'COMMENT',
        lock: 'LOCK TABLE',
      };
      return { kind: 'noop', tag: tags[t.value] ?? t.value.toUpperCase() };
    }
    default:
      throw p.error();
  }
}

function skipRest(p: TokenStream): void {
  while (!p.isOp(';') && p.peek().kind !== 'eof') p.next();
}

function parseWithStatement(p: TokenStream): Statement {
  // WITH ... INSERT/UPDATE/DELETE is parsed as a query whose body is the DML.
  return parseQuery(p);
}

export function qualifiedName(p: TokenStream): QualifiedName {
  const pos = p.peek().pos;
  const first = p.ident();
  if (p.acceptOp('.')) return { schema: first, name: p.label(), pos };
  return { name: first, pos };
}

function parseReturning(p: TokenStream): SelectItem[] | undefined {
  return p.acceptWord('returning') ? parseSelectList(p) : undefined;
}

function parseTableAlias(p: TokenStream): string | undefined {
  if (p.acceptWord('as')) return p.ident();
  if (p.peek().kind === 'ident' && !p.isWord('set') && !p.isWord('default')) return p.ident();
  return undefined;
}

function parseInsert(p: TokenStream): Statement {
  p.next();
  p.expectWord('into');
  const table = qualifiedName(p);
  const alias = p.acceptWord('as') ? p.ident() : undefined;
  let columns: string[] | undefined;
  if (p.isOp('(') && !p.isWord('select', 1) && !p.isWord('values', 1) && !p.isWord('with', 1)) {
    p.next();
    columns = identList(p);
    p.expectOp(')');
  }
  let source: SelectStmt | 'default';
  if (p.acceptWords('default', 'values')) source = 'default';
  else {
    if (p.acceptWord('overriding')) {
      p.label();
      p.expectWord('value');
    }
    source = parseQuery(p);
  }
  let onConflict: OnConflict | undefined;
  if (p.acceptWords('on', 'conflict')) {
    onConflict = { action: 'nothing', set: [] };
    if (p.acceptOp('(')) {
      onConflict.columns = identList(p);
      p.expectOp(')');
    } else if (p.acceptWords('on', 'constraint')) p.ident();
    p.expectWord('do');
    if (!p.acceptWord('nothing')) {
      p.expectWord('update');
      p.expectWord('set');
      onConflict.action = 'update';
      onConflict.set = parseSetList(p);
      if (p.acceptWord('where')) onConflict.where = parseExpr(p);
    }
  }
  return {
    kind: 'insert',
    table,
    alias,
    columns,
    source,
    onConflict,
    returning: parseReturning(p),
  };
}

function parseSetList(p: TokenStream): { column: string; value: Expr }[] {
  const out: { column: string; value: Expr }[] = [];
  do {
    if (p.acceptOp('(')) {
      const cols = identList(p);
      p.expectOp(')');
      p.expectOp('=');
      p.expectOp('(');
      const values = parseExprList(p);
      p.expectOp(')');
      cols.forEach((column, k) => {
        out.push({ column, value: values[k] });
      });
      continue;
    }
    const column = p.ident();
    p.expectOp('=');
    out.push({ column, value: parseExpr(p) });
  } while (p.acceptOp(','));
  return out;
}

function parseUpdate(p: TokenStream): Statement {
  p.next();
  p.acceptWord('only');
  const table = qualifiedName(p);
  const alias = parseTableAlias(p);
  p.expectWord('set');
  const set = parseSetList(p);
  const from = p.acceptWord('from') ? parseFromList(p) : [];
  const where = p.acceptWord('where') ? parseExpr(p) : undefined;
  return { kind: 'update', table, alias, set, from, where, returning: parseReturning(p) };
}

function parseDelete(p: TokenStream): Statement {
  p.next();
  p.expectWord('from');
  p.acceptWord('only');
  const table = qualifiedName(p);
  const alias = parseTableAlias(p);
  const using = p.acceptWord('using') ? parseFromList(p) : [];
  const where = p.acceptWord('where') ? parseExpr(p) : undefined;
  return { kind: 'delete', table, alias, using, where, returning: parseReturning(p) };
}

function skipTransactionModes(p: TokenStream): void {
  while (!p.isOp(';') && p.peek().kind !== 'eof') p.next();
}

function parseTransaction(p: TokenStream): Statement {
  const word = p.next().value;
  switch (word) {
    case 'begin':
    case 'start':
      if (word === 'start') p.expectWord('transaction');
      else if (!p.acceptWord('transaction')) p.acceptWord('work');
      skipTransactionModes(p);
      return { kind: 'transaction', action: 'begin' };
    case 'commit':
    case 'end':
      if (!p.acceptWord('transaction')) p.acceptWord('work');
      return { kind: 'transaction', action: 'commit' };
    case 'savepoint':
      return { kind: 'transaction', action: 'savepoint', name: p.ident() };
    case 'release':
      p.acceptWord('savepoint');
      return { kind: 'transaction', action: 'release', name: p.ident() };
    default:
      if (!p.acceptWord('transaction')) p.acceptWord('work');
      if (p.acceptWord('to')) {
        p.acceptWord('savepoint');
        return { kind: 'transaction', action: 'rollback-to', name: p.ident() };
      }
      return { kind: 'transaction', action: 'rollback' };
  }
}

function parseSettingName(p: TokenStream): string {
  if (p.acceptWords('transaction', 'isolation', 'level')) return 'transaction_isolation';
  if (p.acceptWords('time', 'zone')) return 'timezone';
  let name = p.label();
  while (p.acceptOp('.')) name += `.${p.label()}`;
  return name;
}

function parseSet(p: TokenStream): Statement {
  p.next();
  const local = p.acceptWord('local');
  if (!local) p.acceptWord('session');
  if (p.isWord('transaction') || p.isWord('characteristics')) {
    skipRest(p);
    return { kind: 'noop', tag: 'SET' };
  }
  const name = parseSettingName(p);
  if (name !== 'timezone' && !p.acceptWord('to')) p.expectOp('=');
  const parts: string[] = [];
  do {
    const t = p.next();
    if (t.kind === 'eof') throw p.error(t);
    parts.push(t.kind === 'op' && t.value === '-' ? `-${p.next().value}` : t.value);
  } while (p.acceptOp(','));
  return { kind: 'set', name, value: parts.join(', '), local };
}
