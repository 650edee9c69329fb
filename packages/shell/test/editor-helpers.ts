import { EventEmitter } from 'node:events';
import { charWidth } from '../src/coreutils/width.js';
import { LineEditor, type ReadResult } from '../src/editor/editor.js';
import { History } from '../src/editor/history.js';
import type { Completer } from '../src/editor/completion.js';

/** A fake terminal input: tests type into it; it records raw-mode switches. */
export class FakeInput extends EventEmitter {
  raw = false;
  readonly rawModes: boolean[] = [];
  paused = true;
  setRawMode(raw: boolean): this {
    this.raw = raw;
    this.rawModes.push(raw);
    return this;
  }
  resume(): this {
    this.paused = false;
    return this;
  }
  pause(): this {
    this.paused = true;
    return this;
  }
  type(data: string): void {
    this.emit('data', Buffer.from(data));
  }
}

/**
 * A small VT100 screen: enough of xterm's behaviour (pending wrap at the right margin, cursor
 * motion, erase in display/line, scrolling) to check what the editor's output looks like.
 */
export class VirtualScreen extends EventEmitter {
  grid: string[][];
  row = 0;
  column = 0;
  bells = 0;
  /** Whether the application asked for bracketed paste (ESC[?2004h). */
  bracketedPaste = false;
  written = '';
  private pendingWrap = false;

  constructor(
    public columns = 80,
    readonly rows = 24,
  ) {
    super();
    this.grid = Array.from({ length: rows }, () => this.blankRow());
  }

  /** Narrows or widens the screen (contents are cut, not reflowed, as xterm does). */
  resize(columns: number): void {
    this.grid = this.grid.map((row) => [
      ...row.slice(0, columns),
      ...new Array(Math.max(0, columns - row.length)).fill(' '),
    ]);
    this.columns = columns;
    this.column = Math.min(this.column, columns - 1);
    this.emit('resize');
  }

  private blankRow(): string[] {
    return new Array(this.columns).fill(' ');
  }

  write(data: string): void {
    this.written += data;
    let i = 0;
    while (i < data.length) {
      const c = data[i];
      if (c === '\x1b') {
        const match = /^\x1b\[(\??[0-9;]*)([A-Za-z])/.exec(data.slice(i));
        if (match) {
          this.csi(match[1], match[2]);
          i += match[0].length;
          continue;
        }
        i += 2;
        continue;
      }
      const code = data.codePointAt(i)!;
      const char = String.fromCodePoint(code);
      i += char.length;
      if (c === '\r') {
        this.column = 0;
        this.pendingWrap = false;
      } else if (c === '\n') {
        this.lineFeed();
      } else if (c === '\x07') {
        this.bells++;
      } else if (c === '\b') {
        if (this.column > 0) this.column--;
      } else if (code >= 0x20) {
        this.put(char);
      }
    }
  }

  private lineFeed(): void {
    this.pendingWrap = false;
    if (this.row === this.rows - 1) {
      this.grid.shift();
      this.grid.push(this.blankRow());
    } else {
      this.row++;
    }
  }

  private put(char: string): void {
    const width = charWidth(char);
    if (width === 0) return;
    if (this.pendingWrap || this.column + width > this.columns) {
      this.column = 0;
      this.lineFeed();
    }
    this.grid[this.row][this.column] = char;
    if (width === 2) this.grid[this.row][this.column + 1] = '';
    this.column += width;
    if (this.column >= this.columns) {
      this.column = this.columns - 1;
      this.pendingWrap = true;
    }
  }

  private csi(params: string, final: string): void {
    if (params.startsWith('?')) {
      if (params === '?2004') this.bracketedPaste = final === 'h';
      return;
    }
    const n = Number(params.split(';')[0] || '1');
    this.pendingWrap = false;
    switch (final) {
      case 'A':
        this.row = Math.max(0, this.row - n);
        break;
      case 'B':
        this.row = Math.min(this.rows - 1, this.row + n);
        break;
      case 'C':
        this.column = Math.min(this.columns - 1, this.column + n);
        break;
      case 'D':
        this.column = Math.max(0, this.column - n);
        break;
      case 'H': {
        const [r, c] = params.split(';').map((p) => Number(p || '1'));
        this.row = (r ?? 1) - 1;
        this.column = (c ?? 1) - 1;
        break;
      }
      case 'J':
        if (params === '2') {
          this.grid = Array.from({ length: this.rows }, () => this.blankRow());
        } else {
          this.grid[this.row].fill(' ', this.column);
          for (let r = this.row + 1; r < this.rows; r++) this.grid[r] = this.blankRow();
        }
        break;
      case 'K':
        this.grid[this.row].fill(' ', this.column);
        break;
    }
  }

  /** The screen's text, trailing blanks and blank trailing lines removed. */
  text(): string {
    const lines = this.grid.map((r) => r.join('').replace(/ +$/, ''));
    while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    return lines.join('\n');
  }

  line(row = this.row): string {
    return this.grid[row].join('').replace(/ +$/, '');
  }
}

export interface Harness {
  input: FakeInput;
  screen: VirtualScreen;
  editor: LineEditor;
  history: History;
  /** Starts reading a line; type keys, then await the result. */
  read(prompt?: string): Promise<ReadResult>;
  /** Lets queued key handling run. */
  settle(): Promise<void>;
}

export function makeEditor(
  options: { columns?: number; completer?: Completer; history?: string[] } = {},
): Harness {
  const input = new FakeInput();
  const screen = new VirtualScreen(options.columns ?? 80);
  const history = new History(100);
  for (const entry of options.history ?? []) history.add(entry);
  const editor = new LineEditor({
    input,
    output: screen,
    history,
    completer: options.completer,
    escapeTimeoutMs: 5,
  });
  return {
    input,
    screen,
    editor,
    history,
    read: (prompt = '$ ') => editor.readLine(prompt),
    settle: () => new Promise((resolve) => setTimeout(resolve, 10)),
  };
}

/** Types `keys` (all at once) and returns the line read. */
export async function typeLine(h: Harness, keys: string, prompt = '$ '): Promise<ReadResult> {
  const result = h.read(prompt);
  h.input.type(keys);
  return result;
}
