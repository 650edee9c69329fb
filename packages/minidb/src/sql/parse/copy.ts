import { SqlError } from '../../engine/errors.js';
import type { CopyOptions, Statement } from './ast.js';
import { identList, parseQuery } from './select.js';
import { qualifiedName } from './statement.js';
import type { TokenStream } from './stream.js';

/**
 * COPY table [(cols)] FROM STDIN / COPY table|(query) TO STDOUT, with the options in both
 * PostgreSQL's current `WITH (option value, ...)` form and the old `CSV HEADER DELIMITER 'x'` form.
 */
export function parseCopy(p: TokenStream): Statement {
  p.next();
  let table = null;
  let query = null;
  let columns: string[] | null = null;
  if (p.acceptOp('(')) {
    query = parseQuery(p);
    p.expectOp(')');
  } else {
    table = qualifiedName(p);
    if (p.acceptOp('(')) {
      columns = identList(p);
      p.expectOp(')');
    }
  }
  let direction: 'from' | 'to';
  if (p.acceptWord('from')) direction = 'from';
  else if (p.acceptWord('to')) direction = 'to';
  else throw p.error();
  if (query && direction === 'from') throw p.error();
  const target = p.peek();
  if (!p.acceptWord(direction === 'from' ? 'stdin' : 'stdout')) {
    if (target.kind === 'string')
      throw new SqlError(
        '42501',
        `must be superuser or have privileges of the pg_${direction === 'from' ? 'read' : 'write'}_server_files role to COPY ${direction} a file`,
      );
    throw p.error();
  }
  const options: CopyOptions = { format: 'text', header: false };
  p.acceptWord('with');
  if (p.acceptOp('(')) {
    do {
      const name = p.label();
      const value = p.isOp(',') || p.isOp(')') ? null : optionValue(p);
      setOption(options, name, value);
    } while (p.acceptOp(','));
    p.expectOp(')');
  } else {
    for (;;) {
      if (p.acceptWord('binary')) setOption(options, 'format', 'binary');
      else if (p.acceptWord('csv')) setOption(options, 'format', 'csv');
      else if (p.acceptWord('header')) setOption(options, 'header', 'true');
      else if (p.acceptWord('freeze')) setOption(options, 'freeze', 'true');
      else if (p.acceptWord('delimiter')) {
        p.acceptWord('as');
        setOption(options, 'delimiter', optionValue(p));
      } else if (p.acceptWord('null')) {
        p.acceptWord('as');
        setOption(options, 'null', optionValue(p));
      } else if (p.acceptWord('quote')) {
        p.acceptWord('as');
        setOption(options, 'quote', optionValue(p));
      } else if (p.acceptWord('escape')) {
        p.acceptWord('as');
        setOption(options, 'escape', optionValue(p));
      } else break;
    }
  }
  return { kind: 'copy', table, query, columns, direction, options };
}

function optionValue(p: TokenStream): string {
  const t = p.next();
  if (t.kind === 'string' || t.kind === 'number' || t.kind === 'ident' || t.kind === 'keyword')
    return t.value;
  throw p.error(t);
}

function boolOption(name: string, value: string | null): boolean {
  const v = (value ?? 'true').toLowerCase();
  if (['true', 'on', '1', 'yes'].includes(v)) return true;
  if (['false', 'off', '0', 'no'].includes(v)) return false;
  throw new SqlError('22023', `${name} requires a Boolean value`);
}

function setOption(options: CopyOptions, name: string, value: string | null): void {
  const invalid = (message: string) => new SqlError('22023', message);
  switch (name) {
    case 'format':
      if (value !== 'text' && value !== 'csv' && value !== 'binary')
        throw invalid(`COPY format "${value}" not recognized`);
      options.format = value;
      return;
    case 'header':
      options.header = boolOption(name, value);
      return;
    case 'freeze':
      boolOption(name, value);
      return;
    case 'delimiter':
    case 'quote':
    case 'escape':
      if (value === null || value.length !== 1)
        throw invalid(`COPY ${name} must be a single one-byte character`);
      options[name] = value;
      return;
    case 'null':
      if (value === null) throw invalid('null requires a parameter');
      options.null = value;
      return;
    default:
      throw invalid(`option "${name}" not recognized`);
  }
}
