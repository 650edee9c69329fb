/**
 * The menu `select` prints on stderr, laid out as bash lays it out: numbered items in columns
 * filled top to bottom, each column as wide as the widest `N) item` plus two, padded with tabs
 * where a tab stop fits (bash's indentation), within $COLUMNS (80 when unset or not a number).
 */

const TAB = 8;

/** Spaces and tabs that move the cursor from column `from` to column `to`. */
function indent(from: number, to: number): string {
  let text = '';
  for (let stop = (Math.floor(from / TAB) + 1) * TAB; stop <= to; stop += TAB) {
    text += '\t';
    from = stop;
  }
  return text + ' '.repeat(Math.max(0, to - from));
}

export function selectMenu(items: string[], columnsVar: string | undefined): string {
  const width = /^\d+$/.test(columnsVar ?? '') && Number(columnsVar) > 0 ? Number(columnsVar) : 80;
  const digits = String(items.length).length;
  const longest = Math.max(...items.map((s) => [...s].length));
  const cell = longest + digits + 4;
  let cols = Math.max(1, Math.floor(width / cell));
  let rows = Math.ceil(items.length / cols);
  cols = Math.ceil(items.length / rows);
  if (rows === 1) {
    rows = cols;
    cols = 1;
  }
  let text = '';
  for (let r = 0; r < rows; r++) {
    let pos = 0;
    for (let c = 0; c < cols; c++) {
      const i = c * rows + r;
      if (i >= items.length) break;
      if (c > 0) text += indent(pos, c * cell);
      // bash aligns the first column's numbers to that column's widest, the others to the last
      const numberWidth = c === 0 ? String(rows).length : digits;
      const entry = `${String(i + 1).padStart(numberWidth)}) ${items[i]}`;
      text += entry;
      pos = (c > 0 ? c * cell : 0) + [...entry].length;
    }
    text += '\n';
  }
  return text;
}

/** The item a reply selects: a decimal number in range (blanks and a sign allowed), else ''. */
export function selectedItem(items: string[], reply: string): string {
  const m = /^\s*\+?(\d+)\s*$/.exec(reply);
  if (!m) return '';
  const n = Number(m[1]);
  return n >= 1 && n <= items.length ? items[n - 1] : '';
}
