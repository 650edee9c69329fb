import { charWidth } from '../coreutils/width.js';

/**
 * Where text lands on a terminal `columns` wide: wrapping at the right margin (a wide character
 * that does not fit moves to the next row whole), explicit newlines, control characters shown
 * as ^X. Positions are relative to the start of the edit area (row 0, column 0).
 */

export interface Position {
  row: number;
  column: number;
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Grapheme clusters (what the cursor steps over) of a string, with their UTF-16 offsets. */
export function graphemes(text: string): Array<{ index: number; segment: string }> {
  return [...segmenter.segment(text)].map(({ index, segment }) => ({ index, segment }));
}

/** How a grapheme is drawn: control characters in caret notation. */
export function displayForm(segment: string): string {
  const code = segment.codePointAt(0)!;
  if (segment.length === 1 && (code < 0x20 || code === 0x7f) && segment !== '\n') {
    return `^${code === 0x7f ? '?' : String.fromCharCode(code + 0x40)}`;
  }
  return segment;
}

export function segmentWidth(segment: string): number {
  let width = 0;
  for (const char of displayForm(segment)) width += charWidth(char);
  return width;
}

/** Lays `text` out after `start`; returns every grapheme's position and where the text ends. */
export class Layout {
  /** Position of each grapheme's first column, indexed like graphemes(text). */
  readonly positions: Position[] = [];
  readonly offsets: number[] = [];
  readonly end: Position;

  constructor(text: string, columns: number, start: Position = { row: 0, column: 0 }) {
    let { row, column } = start;
    for (const { index, segment } of graphemes(text)) {
      if (segment === '\n') {
        this.positions.push({ row, column });
        this.offsets.push(index);
        row++;
        column = 0;
        continue;
      }
      const width = segmentWidth(segment);
      if (column + width > columns) {
        row++;
        column = 0;
      }
      this.positions.push({ row, column });
      this.offsets.push(index);
      column += width;
    }
    // A full row leaves the terminal's cursor in its pending-wrap state; the renderer moves it
    // to the next row explicitly, so that is where the text ends.
    if (column >= columns) {
      row++;
      column = 0;
    }
    this.end = { row, column };
  }

  /** The screen position of the cursor at UTF-16 offset `offset` of the text. */
  positionOf(offset: number): Position {
    const i = this.offsets.indexOf(offset);
    return i < 0 ? this.end : this.positions[i];
  }
}
