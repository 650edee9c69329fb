import { ANSI_SEQUENCE, stringWidth } from './width.js';

/** GNU ls never makes a column narrower than this. */
const MIN_COLUMN_WIDTH = 3;

/**
 * GNU's column layout: the most columns whose widths (widest cell + 2, the last column
 * unpadded, at least 3 each) add up to less than `lineWidth`, filled down the columns (or
 * across the rows with -x), padded with tabs to 8-column stops where a tab fits, as GNU ls
 * does by default.
 */
export function layoutColumns(
  cells: string[],
  lineWidth: number,
  fill: 'columns' | 'across',
  cellWidth: (cell: string) => number = stringWidth,
) {
  const count = cells.length;
  if (count === 0) return '';
  const widths = cells.map(cellWidth);
  const maxColumns = Math.max(1, Math.min(count, Math.ceil(lineWidth / MIN_COLUMN_WIDTH)));
  let chosen = { columns: 1, columnWidths: [Math.max(...widths)] };
  for (let columns = maxColumns; columns >= 1; columns--) {
    const rows = Math.ceil(count / columns);
    if (fill === 'columns' && Math.ceil(count / rows) !== columns) continue;
    const columnWidths = new Array<number>(columns).fill(MIN_COLUMN_WIDTH);
    widths.forEach((w, i) => {
      const column = fill === 'columns' ? Math.floor(i / rows) : i % columns;
      const padded = w + (column === columns - 1 ? 0 : 2);
      if (padded > columnWidths[column]) columnWidths[column] = padded;
    });
    const total = columnWidths.reduce((a, b) => a + b, 0);
    if (total < lineWidth || columns === 1) {
      chosen = { columns, columnWidths };
      break;
    }
  }
  const { columns, columnWidths } = chosen;
  const rows = Math.ceil(count / columns);
  let out = '';
  for (let row = 0; row < rows; row++) {
    let position = 0;
    for (let column = 0; column < columns; column++) {
      const index = fill === 'columns' ? column * rows + row : row * columns + column;
      if (index >= count) break;
      out += cells[index];
      const next = fill === 'columns' ? (column + 1) * rows + row : index + 1;
      if (column === columns - 1 || next >= count) break;
      out += indent(position + widths[index], position + columnWidths[column]);
      position += columnWidths[column];
    }
    out += '\n';
  }
  return out;
}

/** Spaces and tabs from column `from` to column `to`, tabs only where one fits (tab stops of 8). */
function indent(from: number, to: number): string {
  let out = '';
  while (from < to) {
    if (Math.floor(to / 8) > Math.floor((from + 1) / 8)) {
      out += '\t';
      from += 8 - (from % 8);
    } else {
      out += ' ';
      from++;
    }
  }
  return out;
}

/**
 * Columns of a name in the C locale as GNU counts them: one per printable ASCII byte; control
 * bytes and non-ASCII bytes (unprintable in that locale) count nothing.
 */
export function byteColumns(text: string): number {
  let columns = 0;
  for (const byte of Buffer.from(text.replace(ANSI_SEQUENCE, ''))) {
    if (byte >= 0x20 && byte < 0x7f) columns++;
  }
  return columns;
}
