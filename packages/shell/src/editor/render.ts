import { stringWidth } from '../coreutils/width.js';
import { displayForm, graphemes, Layout, type Position } from './layout.js';
import { IGNORE_END, IGNORE_START } from './prompt.js';

/** Where the editor writes: a terminal, or a fake one in tests. */
export interface EditorOutput {
  write(data: string): void;
  readonly columns?: number;
  /** A terminal's 'resize' event (tty.WriteStream has it): the line is redrawn. */
  on?(event: 'resize', listener: () => void): unknown;
  off?(event: 'resize', listener: () => void): unknown;
}

/**
 * Draws the prompt and the line being edited, and keeps track of where the terminal's cursor
 * is within that area so the next redraw can go back to its first row. A redraw is one write:
 * cursor up to the area's first row, clear to the end of the screen, prompt, text, then the
 * cursor moved back to its place.
 */
export class Renderer {
  /** The cursor's row within the edit area, as last drawn. */
  private cursorRow = 0;
  private promptTail = '';
  private promptEnd: Position = { row: 0, column: 0 };
  private lastText = '';
  private lastCursor = 0;

  constructor(private readonly output: EditorOutput) {}

  get columns(): number {
    const columns = this.output.columns;
    return columns && columns > 0 ? columns : 80;
  }

  /**
   * Moves to the start of a fresh line unless the cursor is already at the start of one,
   * without knowing where it is (zsh's PROMPT_SP trick): a row's worth of spaces ends in the
   * pending-wrap state of the same row when it started at column 0, or on the next row after
   * output that did not end with a newline (`printf abc`); a carriage return then goes to
   * column 0. Output is never overwritten.
   */
  freshLine(): void {
    this.output.write(`${' '.repeat(this.columns)}\r\x1b[K`);
  }

  /**
   * Starts a new edit area: writes the prompt's lines before its last one, remembers the last
   * line, which every redraw repeats.
   */
  begin(prompt: string): void {
    const lastNewline = prompt.lastIndexOf('\n');
    if (lastNewline >= 0) this.output.write(toTerminal(prompt.slice(0, lastNewline + 1)));
    this.promptTail = prompt.slice(lastNewline + 1);
    this.promptEnd = new Layout(visiblePrompt(this.promptTail), this.columns).end;
    this.cursorRow = 0;
    this.lastText = '';
    this.lastCursor = 0;
  }

  /** Redraws prompt and text with the cursor at UTF-16 offset `cursor`. */
  draw(text: string, cursor: number): void {
    this.promptEnd = new Layout(visiblePrompt(this.promptTail), this.columns).end;
    const layout = new Layout(text, this.columns, this.promptEnd);
    let out = this.cursorRow > 0 ? `\x1b[${this.cursorRow}A` : '';
    out += `\r\x1b[J${toTerminal(this.promptTail)}`;
    out += this.textOutput(text);
    out += this.moveFromEnd(layout, cursor, text);
    this.output.write(out);
    this.lastText = text;
    this.lastCursor = cursor;
  }

  /**
   * The cheap path for typing at the end of the line: writes just the new characters when they
   * fit on the current row. Falls back to a full redraw otherwise.
   */
  append(text: string, added: string): void {
    const before = new Layout(this.lastText, this.columns, this.promptEnd);
    const after = new Layout(text, this.columns, this.promptEnd);
    const simple =
      this.lastCursor === this.lastText.length &&
      text === this.lastText + added &&
      after.end.row === before.end.row &&
      !/[\x00-\x1f\x7f]/.test(added);
    if (!simple) {
      this.draw(text, text.length);
      return;
    }
    this.output.write(added);
    this.lastText = text;
    this.lastCursor = text.length;
  }

  /** Moves the terminal cursor below the edit area (before output, or on Enter). */
  finish(): void {
    const layout = new Layout(this.lastText, this.columns, this.promptEnd);
    const cursorRow = layout.positionOf(this.lastCursor).row;
    const down = layout.end.row - cursorRow;
    this.output.write(`${down > 0 ? `\x1b[${down}B` : ''}\r\n`);
    this.cursorRow = 0;
  }

  private textOutput(text: string): string {
    let out = '';
    let lastWasNewline = false;
    for (const { segment } of graphemes(text)) {
      lastWasNewline = segment === '\n';
      out += lastWasNewline ? '\r\n' : displayForm(segment);
    }
    const layout = new Layout(text, this.columns, this.promptEnd);
    // Leave the pending-wrap state of a full last row so the cursor is where the layout says.
    const written = text.length > 0 || this.promptEnd.row > 0 || this.promptEnd.column > 0;
    if (written && !lastWasNewline && layout.end.column === 0 && layout.end.row > 0) {
      out += '\r\n';
    }
    return out;
  }

  private moveFromEnd(layout: Layout, cursor: number, text: string): string {
    const target = cursor >= text.length ? layout.end : layout.positionOf(cursor);
    let out = '';
    const up = layout.end.row - target.row;
    if (up > 0) out += `\x1b[${up}A`;
    if (target.column !== layout.end.column || up > 0) {
      out += '\r';
      if (target.column > 0) out += `\x1b[${target.column}C`;
    }
    this.cursorRow = target.row;
    return out;
  }
}

/** The prompt as the terminal shows it: \x01..\x02 markers removed, escape sequences kept. */
function toTerminal(prompt: string): string {
  return prompt.replace(/[\x01\x02]/g, '').replace(/\n/g, '\r\n');
}

/** The prompt's visible characters (for measuring): marked regions and escapes removed. */
export function visiblePrompt(prompt: string): string {
  const marked = new RegExp(`${IGNORE_START}[^${IGNORE_END}]*${IGNORE_END}?`, 'g');
  return prompt
    .replace(marked, '')
    .replace(/\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])/g, '');
}

export function promptWidth(prompt: string): number {
  return stringWidth(visiblePrompt(prompt));
}
