import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * A sqllogictest runner (format: ../shared/README.md). It drives any client that can run one
 * SQL text and return rows as text (NULL as null): node-postgres over the wire in CI, the
 * engine in process for quick development.
 */
export interface SltClient {
  query(sql: string): Promise<(string | null)[][]>;
  statement(sql: string): Promise<void>;
}

export interface SltRecord {
  kind: 'statement' | 'query';
  line: number;
  sql: string;
  expectError?: boolean;
  types?: string;
  sort?: 'nosort' | 'rowsort' | 'valuesort';
  expected?: string[];
}

export interface SltResult {
  file: string;
  total: number;
  passed: number;
  skipped: number;
  failures: { line: number; sql: string; message: string }[];
}

const DB_NAME = 'postgresql';

/** Parses a file into records, applying skipif/onlyif for `postgresql`; returns the hash threshold too. */
export function parseSlt(text: string): { records: SltRecord[]; skipped: number } {
  const lines = text.split('\n');
  const records: SltRecord[] = [];
  let skipped = 0;
  let i = 0;
  let threshold = 0;
  while (i < lines.length) {
    const start = i;
    const block: string[] = [];
    while (i < lines.length && lines[i].trim() !== '') block.push(lines[i++]);
    while (i < lines.length && lines[i].trim() === '') i++;
    let k = 0;
    let skip = false;
    while (k < block.length && /^(skipif|onlyif|#)/.test(block[k])) {
      const [word, db] = block[k].split(/\s+/);
      if (word === 'skipif' && db === DB_NAME) skip = true;
      if (word === 'onlyif' && db !== DB_NAME) skip = true;
      k++;
    }
    if (k >= block.length) continue;
    const head = block[k].split(/\s+/);
    if (head[0] === 'hash-threshold') {
      threshold = Number(head[1]);
      continue;
    }
    if (head[0] === 'halt') break;
    if (head[0] !== 'statement' && head[0] !== 'query') continue;
    if (skip) {
      skipped++;
      continue;
    }
    const body = block.slice(k + 1);
    const sep = body.indexOf('----');
    const sql = (sep >= 0 ? body.slice(0, sep) : body).join('\n');
    if (head[0] === 'statement') {
      records.push({
        kind: 'statement',
        line: start + k + 1,
        sql,
        expectError: head[1] === 'error',
      });
    } else {
      records.push({
        kind: 'query',
        line: start + k + 1,
        sql,
        types: head[1],
        sort: (head[2] ?? 'nosort') as SltRecord['sort'],
        expected: sep >= 0 ? body.slice(sep + 1) : [],
      });
    }
  }
  void threshold;
  return { records, skipped };
}

/** Value formatting of the reference runner: %d, %.3f, NULL, (empty). */
export function formatValue(v: string | null, type: string): string {
  if (v === null) return 'NULL';
  if (type === 'I') {
    if (/^-?\d+$/.test(v)) return v;
    const n = Number(v);
    return Number.isFinite(n) ? String(Math.trunc(n)) : '0';
  }
  if (type === 'R') return Number(v).toFixed(3);
  if (v === '') return '(empty)';
  // Control characters print as @, as the reference runner does.
  return v.replace(/[\x00-\x1f\x7f]/g, '@');
}

function hashValues(values: string[]): string {
  const h = createHash('md5');
  for (const v of values) h.update(`${v}\n`);
  return h.digest('hex');
}

function compare(record: SltRecord, rows: (string | null)[][]): string | null {
  const types = record.types!;
  let formatted = rows.map((r) => r.map((v, k) => formatValue(v, types[k] ?? 'T')));
  if (rows.length && rows[0].length !== types.length)
    return `expected ${types.length} columns, got ${rows[0].length}`;
  if (record.sort === 'rowsort') {
    formatted = formatted.slice().sort((a, b) => {
      for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
      return 0;
    });
  }
  let values = formatted.flat();
  if (record.sort === 'valuesort') values = values.slice().sort();
  const expected = record.expected!;
  const m =
    expected.length === 1 ? /^(\d+) values hashing to ([0-9a-f]{32})$/.exec(expected[0]) : null;
  if (m) {
    if (values.length !== Number(m[1])) return `expected ${m[1]} values, got ${values.length}`;
    const h = hashValues(values);
    return h === m[2] ? null : `hash ${h} differs from ${m[2]}`;
  }
  const want = expected.map((e) => e.trim());
  if (want.length !== values.length || want.some((w, k) => w !== values[k])) {
    return `expected [${want.slice(0, 12).join(' ')}] got [${values.slice(0, 12).join(' ')}]`;
  }
  return null;
}

export async function runSltFile(path: string, client: SltClient): Promise<SltResult> {
  const { records, skipped } = parseSlt(readFileSync(path, 'utf8'));
  const result: SltResult = { file: path, total: records.length, passed: 0, skipped, failures: [] };
  for (const r of records) {
    let message: string | null = null;
    try {
      if (r.kind === 'statement') {
        await client.statement(r.sql);
        if (r.expectError) message = 'statement succeeded but an error was expected';
      } else {
        message = compare(r, await client.query(r.sql));
      }
    } catch (e) {
      if (!(r.kind === 'statement' && r.expectError)) message = `error: ${(e as Error).message}`;
    }
    if (message === null) result.passed++;
    else result.failures.push({ line: r.line, sql: r.sql, message });
  }
  return result;
}
