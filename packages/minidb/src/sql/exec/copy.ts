import { SqlError } from '../../engine/errors.js';
import type { SelectStmt, Statement } from '../parse/ast.js';
import { parseStatements } from '../parse/statement.js';
import type { CompileContext } from '../plan/context.js';
import { applyTypmod } from '../plan/convert.js';
import { planQuery } from '../plan/query.js';
import { formatText, parseText } from '../types/text.js';
import type { ExecContext } from './context.js';
import { type CopyDialect, copyDialect, formatCopyRow, parseCopyRows } from './copy-format.js';
import { planInsert } from './dml.js';

type CopyStmt = Statement & { kind: 'copy' };

/** COPY FROM STDIN, planned: the column count for CopyInResponse and the insertion of the data. */
export interface CopyFromPlan {
  columnCount: number;
  /** Parses all of the input and inserts it; throws without having inserted anything visible on error. */
  load(ctx: ExecContext, input: string): number;
}

export function planCopyFrom(stmt: CopyStmt, cc: CompileContext): CopyFromPlan {
  const dialect = copyDialect(stmt.options);
  const name = stmt.table!;
  const table = cc.catalog.getTable(name.schema, name.name, name.pos);
  if (table.kind !== 'r') throw new SqlError('42809', `cannot copy to view "${table.name}"`);
  const columns = stmt.columns ?? table.columns.map((c) => c.name);
  const conversions = columns.map((n) => {
    const col = table.columns.find((c) => c.name === n);
    if (!col)
      throw new SqlError('42703', `column "${n}" of relation "${table.name}" does not exist`);
    const typmod = applyTypmod(col.type, col.typmod, false);
    return (text: string) => {
      const v = parseText(col.type, text);
      return typmod ? typmod(v) : v;
    };
  });
  let rows: unknown[][] = [];
  const insert = planInsert(
    { kind: 'insert', table: name, columns, source: 'default' },
    cc,
    () => rows,
  );
  return {
    columnCount: columns.length,
    load(ctx, input) {
      rows = parseCopyRows(input, dialect, columns.length).map((r, line) =>
        r.map((f, i) => {
          if (f === null) return null;
          try {
            return conversions[i](f);
          } catch (e) {
            if (e instanceof SqlError)
              e.fields.detail ??= `COPY ${table.name}, line ${line + (dialect.header ? 2 : 1)}, column ${columns[i]}: "${f}"`;
            throw e;
          }
        }),
      );
      const result = insert.run(ctx);
      rows = [];
      return Number(result.tag.split(' ')[2]);
    },
  };
}

/** COPY table|(query) TO STDOUT: every row as one line of the format. */
export function runCopyTo(
  stmt: CopyStmt,
  cc: CompileContext,
  ctx: ExecContext,
): { columnCount: number; lines: Buffer[]; count: number } {
  const dialect: CopyDialect = copyDialect(stmt.options);
  let query = stmt.query;
  if (!query) {
    const name = stmt.table!;
    const table = cc.catalog.getTable(name.schema, name.name, name.pos);
    if (table.kind !== 'r')
      throw new SqlError('42809', `cannot copy from view "${table.name}"`, {
        hint: 'Try the COPY (SELECT ...) TO variant.',
      });
    const cols = stmt.columns ?? table.columns.map((c) => c.name);
    const list = cols.map((c) => `"${c.replace(/"/g, '""')}"`).join(', ');
    const rel = `${name.schema ? `"${name.schema}".` : ''}"${name.name.replace(/"/g, '""')}"`;
    query = parseStatements(`select ${list} from ${rel}`)[0].stmt as SelectStmt;
  }
  const plan = planQuery(query, cc);
  const rows = plan.run({ row: [], outer: null, ctx });
  const lines: Buffer[] = [];
  if (dialect.header)
    lines.push(
      Buffer.from(
        formatCopyRow(
          plan.columns.map((c) => c.name),
          dialect,
        ),
      ),
    );
  for (const row of rows) {
    const text = row.map((v, i) =>
      v === null || v === undefined ? null : formatText(plan.columns[i].type, v),
    );
    lines.push(Buffer.from(formatCopyRow(text, dialect), 'utf8'));
  }
  return { columnCount: plan.columns.length, lines, count: rows.length };
}
