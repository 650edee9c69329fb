import type { ColumnInfo, FormatCode, SqlValue, StatementResult } from '../engine/api.js';
import { Empty, commandComplete, empty, formatOf, rowDescription } from './backend.js';
import { copyIn, copyOut } from './copy.js';
import type { Wire } from './wire.js';

/** Rows are written in batches; between batches the writer may wait for the client to read. */
const ROWS_PER_BATCH = 256;

/** How a result is being sent: the simple protocol describes rows itself, Execute does not. */
export interface SendOptions {
  /** Simple query: a RowDescription precedes the rows. */
  describe: boolean;
  resultFormats: readonly FormatCode[];
}

/** Sends one statement result (all of it: COPY included) and its CommandComplete. */
export async function sendResult(
  wire: Wire,
  result: StatementResult,
  options: SendOptions,
): Promise<void> {
  switch (result.kind) {
    case 'rows':
      if (options.describe) rowDescription(wire.writer, result.columns, options.resultFormats);
      await sendRows(wire, result.columns, result.rows, 0, result.rows.length, options);
      commandComplete(wire.writer, result.tag);
      return;
    case 'command':
      commandComplete(wire.writer, result.tag);
      return;
    case 'empty':
      empty(wire.writer, Empty.emptyQuery);
      return;
    case 'copy-in':
      commandComplete(wire.writer, await copyIn(wire, result));
      return;
    case 'copy-out':
      await copyOut(wire, result);
      commandComplete(wire.writer, result.tag);
      return;
  }
}

/** DataRows for rows[from, to) in the formats Bind asked for. */
export async function sendRows(
  wire: Wire,
  columns: readonly ColumnInfo[],
  rows: readonly SqlValue[][],
  from: number,
  to: number,
  options: Pick<SendOptions, 'resultFormats'>,
): Promise<void> {
  const { writer, session } = wire;
  const count = columns.length;
  const types = columns.map((column) => column.typeOid);
  const formats = columns.map((_, i) => formatOf(options.resultFormats, i));
  for (let start = from; start < to; start += ROWS_PER_BATCH) {
    const end = Math.min(to, start + ROWS_PER_BATCH);
    for (let r = start; r < end; r++) {
      const row = rows[r]!;
      writer.begin(0x44 /* D */).int16(count);
      for (let c = 0; c < count; c++) writer.value(session.encode(types[c]!, formats[c]!, row[c]));
      writer.end();
    }
    const waiting = wire.drain();
    if (waiting) await waiting;
  }
}
