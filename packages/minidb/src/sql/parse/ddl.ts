import type { AlterAction, ColumnDef, ForeignKeyRef, Statement, TableConstraint } from './ast.js';
import { parseExpr, parseTypeName } from './expr.js';
import { identList, parseQuery } from './select.js';
import { qualifiedName } from './statement.js';
import type { TokenStream } from './stream.js';

/** CREATE TABLE / INDEX / VIEW / SEQUENCE / SCHEMA. */
export function parseCreate(p: TokenStream): Statement {
  p.next();
  const orReplace = p.acceptWords('or', 'replace');
  const temporary = p.acceptWord('temporary') || p.acceptWord('temp');
  p.acceptWord('unlogged');
  if (p.acceptWord('table')) return parseCreateTable(p, temporary);
  const unique = p.acceptWord('unique');
  if (p.acceptWord('index')) {
    p.acceptWord('concurrently');
    const ifNotExists = p.acceptWords('if', 'not', 'exists');
    const name = p.isWord('on') ? undefined : p.ident();
    p.expectWord('on');
    const table = qualifiedName(p);
    if (p.acceptWord('using')) p.ident();
    p.expectOp('(');
    const columns: string[] = [];
    do {
      columns.push(p.ident());
      if (!p.acceptWord('asc')) p.acceptWord('desc');
      if (p.acceptWord('nulls')) p.next();
    } while (p.acceptOp(','));
    p.expectOp(')');
    return { kind: 'create-index', name, table, columns, unique, ifNotExists };
  }
  if (p.acceptWord('view')) {
    const name = qualifiedName(p);
    let columns: string[] | undefined;
    if (p.acceptOp('(')) {
      columns = identList(p);
      p.expectOp(')');
    }
    p.expectWord('as');
    return { kind: 'create-view', name, query: parseQuery(p), orReplace, columns };
  }
  if (p.acceptWord('sequence')) {
    const ifNotExists = p.acceptWords('if', 'not', 'exists');
    const name = qualifiedName(p);
    const stmt: Statement = { kind: 'create-sequence', name, ifNotExists };
    for (;;) {
      if (p.acceptWord('start')) {
        p.acceptWord('with');
        stmt.start = signedNumber(p);
      } else if (p.acceptWord('increment')) {
        p.acceptWord('by');
        stmt.increment = signedNumber(p);
      } else if (p.peek().kind === 'ident' || p.peek().kind === 'number') {
        p.next();
      } else break;
    }
    return stmt;
  }
  if (p.acceptWord('schema')) {
    const ifNotExists = p.acceptWords('if', 'not', 'exists');
    return { kind: 'create-schema', name: p.ident(), ifNotExists };
  }
  throw p.error();
}

function signedNumber(p: TokenStream): number {
  const neg = p.acceptOp('-');
  const t = p.next();
  if (t.kind !== 'number') throw p.error(t);
  return neg ? -Number(t.value) : Number(t.value);
}

function parseCreateTable(p: TokenStream, temporary: boolean): Statement {
  const ifNotExists = p.acceptWords('if', 'not', 'exists');
  const name = qualifiedName(p);
  const columns: ColumnDef[] = [];
  const constraints: TableConstraint[] = [];
  if (p.acceptWord('as')) {
    return {
      kind: 'create-table',
      name,
      ifNotExists,
      columns,
      constraints,
      asQuery: parseQuery(p),
      temporary,
    };
  }
  p.expectOp('(');
  if (!p.isOp(')')) {
    do {
      if (isTableConstraintStart(p)) constraints.push(parseTableConstraint(p));
      else columns.push(parseColumnDef(p));
    } while (p.acceptOp(','));
  }
  p.expectOp(')');
  if (p.acceptWord('with')) {
    p.expectOp('(');
    while (!p.acceptOp(')')) p.next();
  }
  return { kind: 'create-table', name, ifNotExists, columns, constraints, temporary };
}

function isTableConstraintStart(p: TokenStream): boolean {
  return ['constraint', 'primary', 'unique', 'check', 'foreign'].some((w) => p.isWord(w));
}

export function parseTableConstraint(p: TokenStream): TableConstraint {
  const name = p.acceptWord('constraint') ? p.ident() : undefined;
  if (p.acceptWords('primary', 'key')) {
    p.expectOp('(');
    const columns = identList(p);
    p.expectOp(')');
    return { kind: 'primary', name, columns };
  }
  if (p.acceptWord('unique')) {
    p.expectOp('(');
    const columns = identList(p);
    p.expectOp(')');
    return { kind: 'unique', name, columns };
  }
  if (p.acceptWord('check')) {
    p.expectOp('(');
    const expr = parseExpr(p);
    p.expectOp(')');
    return { kind: 'check', name, expr };
  }
  p.expectWord('foreign');
  p.expectWord('key');
  p.expectOp('(');
  const columns = identList(p);
  p.expectOp(')');
  return { kind: 'foreign', name, columns, ref: parseReferences(p) };
}

function parseReferences(p: TokenStream): ForeignKeyRef {
  p.expectWord('references');
  const table = qualifiedName(p).name;
  let columns: string[] | undefined;
  if (p.acceptOp('(')) {
    columns = identList(p);
    p.expectOp(')');
  }
  const ref: ForeignKeyRef = { table, columns, onDelete: 'no action', onUpdate: 'no action' };
  while (p.acceptWord('on')) {
    let which: 'onDelete' | 'onUpdate' = 'onDelete';
    if (!p.acceptWord('delete')) {
      p.expectWord('update');
      which = 'onUpdate';
    }
    if (p.acceptWord('cascade')) ref[which] = 'cascade';
    else if (p.acceptWord('restrict')) ref[which] = 'restrict';
    else if (p.acceptWords('set', 'null')) ref[which] = 'set null';
    else if (p.acceptWords('set', 'default')) ref[which] = 'set default';
    else {
      p.expectWord('no');
      p.expectWord('action');
      ref[which] = 'no action';
    }
  }
  return ref;
}

export function parseColumnDef(p: TokenStream): ColumnDef {
  const pos = p.peek().pos;
  const name = p.ident();
  const type = parseTypeName(p);
  const col: ColumnDef = { name, type, notNull: false, primaryKey: false, unique: false, pos };
  for (;;) {
    if (p.acceptWord('constraint')) p.ident();
    if (p.acceptWords('not', 'null')) col.notNull = true;
    else if (p.acceptWord('null')) col.notNull = false;
    else if (p.acceptWords('primary', 'key')) col.primaryKey = true;
    else if (p.acceptWord('unique')) col.unique = true;
    else if (p.acceptWord('default')) col.default = parseDefaultExpr(p);
    else if (p.acceptWord('check')) {
      p.expectOp('(');
      col.check = parseExpr(p);
      p.expectOp(')');
    } else if (p.isWord('references')) col.references = parseReferences(p);
    else if (p.acceptWord('generated')) {
      col.identity = 'always';
      if (!p.acceptWord('always')) {
        p.expectWord('by');
        p.expectWord('default');
        col.identity = 'by-default';
      }
      p.expectWord('as');
      p.expectWord('identity');
      if (p.acceptOp('(')) while (!p.acceptOp(')')) p.next();
    } else if (p.acceptWord('collate')) p.next();
    else return col;
  }
}

/** DEFAULT binds tighter than the column constraints that may follow it. */
function parseDefaultExpr(p: TokenStream) {
  return parseExpr(p);
}

export function parseDrop(p: TokenStream): Statement {
  p.next();
  const word = p.next().value;
  const objects = ['table', 'index', 'view', 'sequence', 'schema'] as const;
  const object = objects.find((o) => o === word);
  if (!object) throw p.error();
  const ifExists = p.acceptWords('if', 'exists');
  const names = [qualifiedName(p)];
  while (p.acceptOp(',')) names.push(qualifiedName(p));
  const cascade = p.acceptWord('cascade');
  if (!cascade) p.acceptWord('restrict');
  return { kind: 'drop', object, names, ifExists, cascade };
}

/** ALTER TABLE [IF EXISTS] [ONLY] name action [, action ...]. */
export function parseAlter(p: TokenStream): Statement {
  p.next();
  p.expectWord('table');
  const ifExists = p.acceptWords('if', 'exists');
  p.acceptWord('only');
  const table = qualifiedName(p);
  const actions: AlterAction[] = [];
  do actions.push(parseAlterAction(p));
  while (p.acceptOp(','));
  return { kind: 'alter-table', table, ifExists, actions };
}

function parseAlterAction(p: TokenStream): AlterAction {
  if (p.acceptWord('add')) {
    if (isTableConstraintStart(p))
      return { kind: 'add-constraint', constraint: parseTableConstraint(p) };
    p.acceptWord('column');
    const ifNotExists = p.acceptWords('if', 'not', 'exists');
    return { kind: 'add-column', column: parseColumnDef(p), ifNotExists };
  }
  if (p.acceptWord('drop')) {
    if (p.acceptWord('constraint')) {
      const ifExists = p.acceptWords('if', 'exists');
      const name = p.ident();
      const cascade = p.acceptWord('cascade');
      if (!cascade) p.acceptWord('restrict');
      return { kind: 'drop-constraint', name, ifExists };
    }
    p.acceptWord('column');
    const ifExists = p.acceptWords('if', 'exists');
    const name = p.ident();
    if (!p.acceptWord('cascade')) p.acceptWord('restrict');
    return { kind: 'drop-column', name, ifExists };
  }
  p.expectWord('rename');
  if (p.acceptWord('to')) return { kind: 'rename-table', name: p.ident() };
  if (p.acceptWord('constraint')) {
    const from = p.ident();
    p.expectWord('to');
    return { kind: 'rename-constraint', from, to: p.ident() };
  }
  p.acceptWord('column');
  const from = p.ident();
  p.expectWord('to');
  return { kind: 'rename-column', from, to: p.ident() };
}
