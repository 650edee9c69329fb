import { SqlError } from '../../engine/errors.js';

/**
 * SQL tokens with their offsets in the query text (for error positions). Identifiers are
 * case-folded to lower case unless quoted, as PostgreSQL does.
 */
export type TokenKind = 'ident' | 'keyword' | 'number' | 'string' | 'param' | 'op' | 'eof';

export interface Token {
  kind: TokenKind;
  /** Folded identifier or keyword, literal text (strings unescaped), operator characters. */
  value: string;
  /** Offset in the query text (0-based). */
  pos: number;
  /** True for "quoted" identifiers (never keywords). */
  quoted?: boolean;
}

/** Words that cannot be column or table names without quotes (a subset of PostgreSQL's reserved words). */
export const RESERVED = new Set([
  'all',
  'and',
  'any',
  'array',
  'as',
  'asc',
  'between',
  'both',
  'case',
  'cast',
  'check',
  'collate',
  'column',
  'constraint',
  'create',
  'cross',
  'current_date',
  'current_time',
  'current_timestamp',
  'current_user',
  'default',
  'deferrable',
  'desc',
  'distinct',
  'do',
  'else',
  'end',
  'except',
  'exists',
  'false',
  'fetch',
  'for',
  'foreign',
  'from',
  'full',
  'grant',
  'group',
  'having',
  'ilike',
  'in',
  'inner',
  'intersect',
  'into',
  'is',
  'isnull',
  'join',
  'lateral',
  'leading',
  'left',
  'like',
  'limit',
  'localtime',
  'localtimestamp',
  'natural',
  'not',
  'notnull',
  'null',
  'offset',
  'on',
  'only',
  'or',
  'order',
  'outer',
  'primary',
  'references',
  'returning',
  'right',
  'select',
  'session_user',
  'similar',
  'some',
  'symmetric',
  'table',
  'then',
  'to',
  'trailing',
  'true',
  'union',
  'unique',
  'user',
  'using',
  'values',
  'when',
  'where',
  'window',
  'with',
]);

const OP_CHARS = '+-*/<>=~!@#%^&|`?';

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 128;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57) || c === 36;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function syntaxError(message: string, pos: number): SqlError {
  return new SqlError('42601', message, { position: pos + 1 });
}

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12) {
      i++;
      continue;
    }
    if (c === 45 && sql.charCodeAt(i + 1) === 45) {
      while (i < n && sql.charCodeAt(i) !== 10) i++;
      continue;
    }
    if (c === 47 && sql.charCodeAt(i + 1) === 42) {
      i = skipBlockComment(sql, i);
      continue;
    }
    const start = i;
    if (isIdentStart(c)) {
      if ((c === 69 || c === 101) && sql.charCodeAt(i + 1) === 39) {
        const [text, end] = readEscapeString(sql, i + 1);
        tokens.push({ kind: 'string', value: text, pos: start });
        i = end;
        continue;
      }
      while (i < n && isIdentPart(sql.charCodeAt(i))) i++;
      const word = sql.slice(start, i).toLowerCase();
      tokens.push({ kind: RESERVED.has(word) ? 'keyword' : 'ident', value: word, pos: start });
      continue;
    }
    if (isDigit(c) || (c === 46 && isDigit(sql.charCodeAt(i + 1)))) {
      i = readNumber(sql, i);
      tokens.push({ kind: 'number', value: sql.slice(start, i), pos: start });
      if (i < n && isIdentStart(sql.charCodeAt(i))) {
        throw syntaxError(
          `trailing junk after numeric literal at or near "${sql.slice(start, i + 1)}"`,
          start,
        );
      }
      continue;
    }
    if (c === 39) {
      const [text, end] = readQuoted(sql, i, 39);
      tokens.push({ kind: 'string', value: text, pos: start });
      i = end;
      continue;
    }
    if (c === 34) {
      const [text, end] = readQuoted(sql, i, 34);
      if (text === '') throw syntaxError('zero-length delimited identifier at or near """"', start);
      tokens.push({ kind: 'ident', value: text, pos: start, quoted: true });
      i = end;
      continue;
    }
    if (c === 36) {
      if (isDigit(sql.charCodeAt(i + 1))) {
        i++;
        while (i < n && isDigit(sql.charCodeAt(i))) i++;
        tokens.push({ kind: 'param', value: sql.slice(start + 1, i), pos: start });
        continue;
      }
      const dollar = readDollarString(sql, i);
      if (dollar) {
        tokens.push({ kind: 'string', value: dollar[0], pos: start });
        i = dollar[1];
        continue;
      }
    }
    if ('(),;[].'.includes(sql[i])) {
      tokens.push({ kind: 'op', value: sql[i], pos: start });
      i++;
      continue;
    }
    if (c === 58) {
      const two = sql.charCodeAt(i + 1) === 58;
      tokens.push({ kind: 'op', value: two ? '::' : ':', pos: start });
      i += two ? 2 : 1;
      continue;
    }
    if (OP_CHARS.includes(sql[i])) {
      i = readOperator(sql, i);
      tokens.push({ kind: 'op', value: sql.slice(start, i), pos: start });
      continue;
    }
    throw syntaxError(`syntax error at or near "${sql[i]}"`, start);
  }
  tokens.push({ kind: 'eof', value: '', pos: n });
  return tokens;
}

function skipBlockComment(sql: string, i: number): number {
  let depth = 0;
  const n = sql.length;
  while (i < n) {
    if (sql.startsWith('/*', i)) {
      depth++;
      i += 2;
    } else if (sql.startsWith('*/', i)) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  throw syntaxError('unterminated /* comment', n);
}

function readNumber(sql: string, i: number): number {
  const n = sql.length;
  while (i < n && isDigit(sql.charCodeAt(i))) i++;
  if (sql.charCodeAt(i) === 46 && sql.charCodeAt(i + 1) !== 46) {
    i++;
    while (i < n && isDigit(sql.charCodeAt(i))) i++;
  }
  const e = sql.charCodeAt(i);
  if (e === 101 || e === 69) {
    let j = i + 1;
    const sign = sql.charCodeAt(j);
    if (sign === 43 || sign === 45) j++;
    if (isDigit(sql.charCodeAt(j))) {
      while (j < n && isDigit(sql.charCodeAt(j))) j++;
      i = j;
    }
  }
  return i;
}

function readQuoted(sql: string, i: number, quote: number): [string, number] {
  let out = '';
  let j = i + 1;
  const n = sql.length;
  for (;;) {
    const k = sql.indexOf(String.fromCharCode(quote), j);
    if (k < 0) {
      const what = quote === 39 ? 'quoted string' : 'quoted identifier';
      throw syntaxError(`unterminated ${what} at or near "${sql.slice(i)}"`, i);
    }
    out += sql.slice(j, k);
    if (sql.charCodeAt(k + 1) === quote) {
      out += String.fromCharCode(quote);
      j = k + 2;
      continue;
    }
    j = k + 1;
    // Adjacent string literals separated by a newline are concatenated (SQL standard).
    if (quote === 39) {
      const m = /^[ \t\r\f]*\n\s*'/.exec(sql.slice(j, Math.min(n, j + 200)));
      if (m) {
        j += m[0].length;
        continue;
      }
    }
    return [out, j];
  }
}

const ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

function readEscapeString(sql: string, i: number): [string, number] {
  let out = '';
  let j = i + 1;
  const n = sql.length;
  while (j < n) {
    const ch = sql[j];
    if (ch === "'") {
      if (sql[j + 1] === "'") {
        out += "'";
        j += 2;
        continue;
      }
      return [out, j + 1];
    }
    if (ch === '\\' && j + 1 < n) {
      const e = sql[j + 1];
      if (ESCAPES[e]) {
        out += ESCAPES[e];
        j += 2;
      } else if (e === 'x' && /[0-9a-fA-F]/.test(sql[j + 2] ?? '')) {
        const m = /^[0-9a-fA-F]{1,2}/.exec(sql.slice(j + 2))!;
        out += String.fromCharCode(Number.parseInt(m[0], 16));
        j += 2 + m[0].length;
      } else if (/[0-7]/.test(e)) {
        const m = /^[0-7]{1,3}/.exec(sql.slice(j + 1))!;
        out += String.fromCharCode(Number.parseInt(m[0], 8));
        j += 1 + m[0].length;
      } else if (e === 'u' || e === 'U') {
        const len = e === 'u' ? 4 : 8;
        out += String.fromCodePoint(Number.parseInt(sql.slice(j + 2, j + 2 + len), 16));
        j += 2 + len;
      } else {
        out += e;
        j += 2;
      }
      continue;
    }
    out += ch;
    j++;
  }
  throw syntaxError(`unterminated quoted string at or near "${sql.slice(i - 1)}"`, i - 1);
}

function readDollarString(sql: string, i: number): [string, number] | null {
  const m = /^\$([A-Za-z_][A-Za-z_0-9]*)?\$/.exec(sql.slice(i, i + 64));
  if (!m) return null;
  const tag = m[0];
  const end = sql.indexOf(tag, i + tag.length);
  if (end < 0)
    throw syntaxError(`unterminated dollar-quoted string at or near "${sql.slice(i)}"`, i);
  return [sql.slice(i + tag.length, end), end + tag.length];
}

function readOperator(sql: string, i: number): number {
  const start = i;
  const n = sql.length;
  while (i < n && OP_CHARS.includes(sql[i])) {
    // A comment start ends the operator.
    if (sql.startsWith('--', i) || sql.startsWith('/*', i)) break;
    i++;
  }
  // PostgreSQL: a multi-character operator cannot end in + or - unless it contains ~!@#%^&|`?
  let len = i - start;
  if (len > 1) {
    const text = sql.slice(start, i);
    if (!/[~!@#%^&|`?]/.test(text)) {
      while (len > 1 && (text[len - 1] === '+' || text[len - 1] === '-')) len--;
    }
  }
  return start + len;
}
