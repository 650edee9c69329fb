import { SqlError } from '../../engine/errors.js';
import type { CopyOptions } from '../parse/ast.js';

/** The options of one COPY with the format's defaults filled in. */
export interface CopyDialect {
  csv: boolean;
  header: boolean;
  delimiter: string;
  null: string;
  quote: string;
  escape: string;
}

export function copyDialect(o: CopyOptions): CopyDialect {
  if (o.format === 'binary') throw new SqlError('0A000', 'COPY BINARY is not supported');
  const csv = o.format === 'csv';
  if (!csv && (o.quote !== undefined || o.escape !== undefined))
    throw new SqlError(
      '0A000',
      `COPY ${o.quote !== undefined ? 'quote' : 'escape'} available only in CSV mode`,
    );
  const quote = o.quote ?? '"';
  const d: CopyDialect = {
    csv,
    header: o.header,
    delimiter: o.delimiter ?? (csv ? ',' : '\t'),
    null: o.null ?? (csv ? '' : '\\N'),
    quote,
    escape: o.escape ?? quote,
  };
  if (d.delimiter === '\n' || d.delimiter === '\r' || (!csv && d.delimiter === '\\'))
    throw new SqlError('22023', 'COPY delimiter cannot be newline or carriage return');
  if (csv && d.delimiter === d.quote)
    throw new SqlError('22023', 'COPY delimiter and quote must be different');
  return d;
}

const TEXT_ESCAPES: Record<string, string> = {
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/** Splits COPY FROM input into rows of raw fields (null for SQL NULL). */
export function parseCopyRows(
  input: string,
  d: CopyDialect,
  columnCount: number,
): (string | null)[][] {
  const rows = d.csv ? parseCsv(input, d) : parseTextFormat(input, d);
  if (d.header) rows.shift();
  rows.forEach((r, i) => {
    const line = i + (d.header ? 2 : 1);
    if (r.length > columnCount)
      throw new SqlError('22P04', 'extra data after last expected column', {
        detail: `COPY line ${line}`,
      });
    if (r.length < columnCount)
      throw new SqlError('22P04', `missing data for column ${r.length + 1}`, {
        detail: `COPY line ${line}`,
      });
  });
  return rows;
}

function parseTextFormat(input: string, d: CopyDialect): (string | null)[][] {
  const rows: (string | null)[][] = [];
  let pos = 0;
  const n = input.length;
  while (pos < n) {
    let end = input.indexOf('\n', pos);
    if (end < 0) end = n;
    let line = input.slice(pos, end);
    pos = end + 1;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line === '\\.') break;
    const fields: (string | null)[] = [];
    let start = 0;
    for (let i = 0; ; i++) {
      if (i === line.length || line[i] === d.delimiter) {
        const raw = line.slice(start, i);
        fields.push(raw === d.null ? null : unescapeText(raw));
        if (i === line.length) break;
        start = i + 1;
      } else if (line[i] === '\\') i++;
    }
    rows.push(fields);
  }
  return rows;
}

function unescapeText(raw: string): string {
  if (!raw.includes('\\')) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c !== '\\' || i + 1 === raw.length) {
      out += c;
      continue;
    }
    const e = raw[++i];
    if (e in TEXT_ESCAPES) out += TEXT_ESCAPES[e];
    else if (e >= '0' && e <= '7') {
      let digits = e;
      while (digits.length < 3 && raw[i + 1] >= '0' && raw[i + 1] <= '7') digits += raw[++i];
      out += String.fromCharCode(Number.parseInt(digits, 8));
    } else if (e === 'x' && /[0-9a-fA-F]/.test(raw[i + 1] ?? '')) {
      let digits = raw[++i];
      if (/[0-9a-fA-F]/.test(raw[i + 1] ?? '')) digits += raw[++i];
      out += String.fromCharCode(Number.parseInt(digits, 16));
    } else out += e;
  }
  return out;
}

function parseCsv(input: string, d: CopyDialect): (string | null)[][] {
  const rows: (string | null)[][] = [];
  const n = input.length;
  let pos = 0;
  while (pos < n) {
    if (
      input.startsWith('\\.', pos) &&
      (pos + 2 === n || input[pos + 2] === '\n' || input[pos + 2] === '\r')
    )
      break;
    const fields: (string | null)[] = [];
    for (;;) {
      let value = '';
      let quoted = false;
      while (pos < n && input[pos] !== d.delimiter && input[pos] !== '\n' && input[pos] !== '\r') {
        if (input[pos] === d.quote) {
          quoted = true;
          pos++;
          for (;;) {
            if (pos >= n) throw new SqlError('22P04', 'unterminated CSV quoted field');
            const c = input[pos];
            const escaped =
              c === d.escape && (input[pos + 1] === d.quote || input[pos + 1] === d.escape);
            if (escaped && (d.escape !== d.quote || input[pos + 1] === d.quote)) {
              value += input[pos + 1];
              pos += 2;
            } else if (c === d.quote) {
              pos++;
              break;
            } else {
              value += c;
              pos++;
            }
          }
        } else value += input[pos++];
      }
      fields.push(!quoted && value === d.null ? null : value);
      if (pos < n && input[pos] === d.delimiter) {
        pos++;
        continue;
      }
      if (input[pos] === '\r') pos++;
      if (input[pos] === '\n') pos++;
      break;
    }
    rows.push(fields);
  }
  return rows;
}

/** One COPY TO output line (with its newline) from the values' text forms. */
export function formatCopyRow(values: (string | null)[], d: CopyDialect): string {
  const parts = values.map((v) => {
    if (v === null) return d.null;
    if (d.csv) {
      const needs =
        v === d.null ||
        v.includes(d.delimiter) ||
        v.includes(d.quote) ||
        v.includes('\n') ||
        v.includes('\r') ||
        v.startsWith('\\.');
      if (!needs) return v;
      let q = '';
      for (const c of v) q += c === d.quote || c === d.escape ? d.escape + c : c;
      return d.quote + q + d.quote;
    }
    let out = '';
    for (const c of v) {
      if (c === '\\') out += '\\\\';
      else if (c === '\n') out += '\\n';
      else if (c === '\r') out += '\\r';
      else if (c === '\t') out += '\\t';
      else if (c === d.delimiter) out += `\\${c}`;
      else out += c;
    }
    return out;
  });
  return `${parts.join(d.delimiter)}\n`;
}
