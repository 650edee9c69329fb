import { layoutColumns } from '../coreutils/columns.js';
import { stringWidth } from '../coreutils/width.js';
import { type Completer, commonPrefix } from './completion.js';
import type { History } from './history.js';
import { type Key, KeyDecoder } from './keys.js';
import { graphemes } from './layout.js';
import { type EditorOutput, Renderer } from './render.js';

/** The terminal the editor reads keys from (process.stdin, or a fake one in tests). */
export interface EditorInput {
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  off(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  off(event: 'end', listener: () => void): unknown;
  setRawMode?(raw: boolean): unknown;
  resume(): unknown;
  pause(): unknown;
}

export type ReadResult =
  | { kind: 'line'; text: string }
  /** Ctrl+D on an empty line, or the input ended. */
  | { kind: 'eof' }
  /** Ctrl+C: the line was discarded. */
  | { kind: 'interrupt' }
  /** Ctrl+X Ctrl+E: the caller edits the text in $VISUAL/$EDITOR and runs the result. */
  | { kind: 'edit'; text: string };

export interface LineEditorOptions {
  input: EditorInput;
  output: EditorOutput;
  history: History;
  completer?: Completer;
  /** How long a lone ESC waits for the rest of a sequence before it counts as Escape. */
  escapeTimeoutMs?: number;
}

const BRACKETED_PASTE_ON = '\x1b[?2004h';
const BRACKETED_PASTE_OFF = '\x1b[?2004l';

/** More candidates than this ask before listing, as readline's completion-query-items. */
const COMPLETION_QUERY_ITEMS = 100;

/**
 * An interactive line editor in raw mode, in the manner of GNU readline's emacs mode: cursor
 * motion by character and word, kill and yank, history with Up/Down and Ctrl+R incremental
 * search, Tab completion, Ctrl+L, Ctrl+C and Ctrl+D as bash has them.
 */
export class LineEditor {
  private readonly decoder = new KeyDecoder();
  private readonly shared: Shared;
  /**
   * Keys not yet handled. Keys typed ahead after an Enter (in the same read) stay here for the
   * next line, as they would in the terminal's buffer for readline.
   */
  private readonly keys: Key[] = [];
  private session?: EditSession;
  private pumping = false;

  constructor(private readonly options: LineEditorOptions) {
    this.shared = {
      renderer: new Renderer(options.output),
      output: options.output,
      history: options.history,
      completer: options.completer,
      killed: '',
    };
  }

  readLine(prompt: string): Promise<ReadResult> {
    const { input } = this.options;
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const feed = (keys: Key[]) => {
        this.keys.push(...keys);
        void this.pump();
      };
      const onData = (chunk: Buffer | string) => {
        if (timer) clearTimeout(timer);
        feed(this.decoder.decode(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
        if (this.decoder.hasPending) {
          timer = setTimeout(() => feed(this.decoder.flush()), this.options.escapeTimeoutMs ?? 50);
        }
      };
      const onEnd = () => feed([{ kind: 'special', name: 'end-of-input' }]);
      const onResize = () => this.session?.redraw();
      const { output } = this.options;
      this.session = new EditSession(this.shared, prompt, (result) => {
        input.off('data', onData);
        input.off('end', onEnd);
        output.off?.('resize', onResize);
        if (timer) clearTimeout(timer);
        input.setRawMode?.(false);
        input.pause();
        resolve(result);
      });
      input.setRawMode?.(true);
      input.on('data', onData);
      input.on('end', onEnd);
      output.on?.('resize', onResize);
      input.resume();
      this.session.start();
      void this.pump();
    });
  }

  /** Hands queued keys to the current session, one at a time (completion may take a while). */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.session && !this.session.done && this.keys.length > 0) {
        await this.session.handle(this.keys.shift()!);
      }
    } finally {
      this.pumping = false;
    }
  }
}

/** What outlives one line: the terminal, history, and the kill buffer (readline's kill ring). */
interface Shared {
  renderer: Renderer;
  output: EditorOutput;
  history: History;
  completer?: Completer;
  killed: string;
}

interface SearchState {
  query: string;
  /** History index of the current match (-1: none). */
  match: number;
  failed: boolean;
  original: { text: string; cursor: number };
}

/** The state of reading one line. */
class EditSession {
  done = false;
  private text = '';
  private cursor = 0;
  /** history.length while editing the new line; a smaller index while showing an entry. */
  private historyIndex: number;
  private draft = '';
  private lastKey = '';
  private search?: SearchState;
  /** Earlier states of the line for Ctrl+_ (undo). */
  private undoStack: Array<{ text: string; cursor: number }> = [];
  /** Whether the key being handled continues a run of typed characters. */
  private typingRun = false;
  /** Between the terminal's paste-start and paste-end marks. */
  private pasting = false;
  /** What Alt+. inserted last: the history depth and where, to replace it on the next press. */
  private lastArgument = { depth: 0, start: 0, length: 0 };
  private pendingQuery?: (key: Key) => void;

  constructor(
    private readonly shared: Shared,
    private readonly prompt: string,
    private readonly finish: (result: ReadResult) => void,
  ) {
    this.historyIndex = shared.history.length;
  }

  private get renderer() {
    return this.shared.renderer;
  }

  start(): void {
    // Bracketed paste (on by default since bash 5.1): pasted newlines are inserted, not run.
    this.shared.output.write(BRACKETED_PASTE_ON);
    this.renderer.freshLine();
    this.renderer.begin(this.prompt);
    this.renderer.draw('', 0);
  }

  private end(result: ReadResult): void {
    this.shared.output.write(BRACKETED_PASTE_OFF);
    this.done = true;
    this.finish(result);
  }

  redraw(): void {
    if (this.search) {
      this.drawSearch();
      return;
    }
    this.renderer.draw(this.text, this.cursor);
  }

  private setText(text: string, cursor = text.length): void {
    if (text !== this.text) this.undoStack.push({ text: this.text, cursor: this.cursor });
    this.text = text;
    this.cursor = cursor;
    this.redraw();
  }

  private insert(added: string): void {
    // Typing a run of characters is one step for undo, as in readline.
    if (!this.typingRun) this.undoStack.push({ text: this.text, cursor: this.cursor });
    const atEnd = this.cursor === this.text.length;
    this.text = this.text.slice(0, this.cursor) + added + this.text.slice(this.cursor);
    this.cursor += added.length;
    if (atEnd && !this.search) this.renderer.append(this.text, added);
    else this.redraw();
  }

  /** Grapheme boundaries, so the cursor never splits an accented letter or an emoji. */
  private previousBoundary(offset: number): number {
    let previous = 0;
    for (const { index } of graphemes(this.text)) {
      if (index >= offset) break;
      previous = index;
    }
    return previous;
  }

  private nextBoundary(offset: number): number {
    for (const { index, segment } of graphemes(this.text)) {
      if (index >= offset) return index + segment.length;
    }
    return this.text.length;
  }

  /** Start of the word before `offset` (readline: words are letters and digits). */
  private wordStart(offset: number, isWordChar = (c: string) => /[\p{L}\p{N}_]/u.test(c)) {
    let i = offset;
    while (i > 0 && !isWordChar(this.text[i - 1])) i--;
    while (i > 0 && isWordChar(this.text[i - 1])) i--;
    return i;
  }

  private wordEnd(offset: number): number {
    const isWordChar = (c: string) => /[\p{L}\p{N}_]/u.test(c);
    let i = offset;
    while (i < this.text.length && !isWordChar(this.text[i])) i++;
    while (i < this.text.length && isWordChar(this.text[i])) i++;
    return i;
  }

  /** Cuts text into the kill buffer; consecutive kills accumulate, as in readline. */
  private kill(from: number, to: number, accumulate: boolean): void {
    if (from === to) return;
    const killed = this.text.slice(from, to);
    const { shared } = this;
    if (!accumulate) shared.killed = killed;
    else shared.killed = from < this.cursor ? killed + shared.killed : shared.killed + killed;
    this.setText(this.text.slice(0, from) + this.text.slice(to), from);
  }

  async handle(key: Key): Promise<void> {
    if (this.pendingQuery) {
      const answer = this.pendingQuery;
      this.pendingQuery = undefined;
      answer(key);
      return;
    }
    const name = keyName(key);
    if (name === 'paste-start' || name === 'paste-end') {
      this.pasting = name === 'paste-start';
      return;
    }
    if (this.pasting) {
      if (key.kind === 'text') this.insert(key.text);
      else if (name === 'enter') this.insert('\n');
      else if (name === 'tab') this.insert('\t');
      return;
    }
    if (this.search && this.handleSearch(key)) return;
    const previousKey = this.lastKey;
    this.lastKey = name;
    this.typingRun = name === 'text' && previousKey === 'text';
    if (previousKey === 'ctrl-x') {
      // The Ctrl+X prefix: Ctrl+E edits the line in an editor, Ctrl+U undoes (readline's).
      if (name === 'ctrl-e') {
        this.renderer.draw(this.text, this.text.length);
        this.renderer.finish();
        this.end({ kind: 'edit', text: this.text });
      } else if (name === 'ctrl-u') {
        this.undo();
      } else {
        this.shared.output.write('\x07');
      }
      return;
    }
    switch (name) {
      case 'ctrl-x':
        return;
      case 'enter':
        this.accept();
        return;
      case 'ctrl-c':
        this.interrupt();
        return;
      case 'end-of-input':
        this.renderer.finish();
        this.end({ kind: 'eof' });
        return;
      case 'ctrl-d':
        if (this.text === '') {
          this.renderer.finish();
          this.end({ kind: 'eof' });
        } else {
          this.deleteForward();
        }
        return;
      case 'left':
      case 'ctrl-b':
        this.moveTo(this.previousBoundary(this.cursor));
        return;
      case 'right':
      case 'ctrl-f':
        this.moveTo(this.nextBoundary(this.cursor));
        return;
      case 'home':
      case 'ctrl-a':
        this.moveTo(this.lineStart());
        return;
      case 'end':
      case 'ctrl-e':
        this.moveTo(this.lineEnd());
        return;
      case 'word-left':
      case 'alt-b':
        this.moveTo(this.wordStart(this.cursor));
        return;
      case 'word-right':
      case 'alt-f':
        this.moveTo(this.wordEnd(this.cursor));
        return;
      case 'backspace':
      case 'ctrl-h':
        if (this.cursor > 0) {
          const from = this.previousBoundary(this.cursor);
          this.setText(this.text.slice(0, from) + this.text.slice(this.cursor), from);
        }
        return;
      case 'delete':
        this.deleteForward();
        return;
      case 'ctrl-k':
        this.lastKey = 'kill:forward';
        this.kill(this.cursor, this.lineEnd(), previousKey.startsWith('kill:'));
        return;
      case 'ctrl-u':
        this.lastKey = 'kill:backward';
        this.kill(this.lineStart(), this.cursor, previousKey.startsWith('kill:'));
        return;
      case 'ctrl-w':
        // unix-word-rubout: the previous whitespace-delimited word.
        this.lastKey = 'kill:backward';
        this.kill(
          this.wordStart(this.cursor, (c) => !/\s/.test(c)),
          this.cursor,
          previousKey.startsWith('kill:'),
        );
        return;
      case 'alt-backspace':
        this.lastKey = 'kill:backward';
        this.kill(this.wordStart(this.cursor), this.cursor, previousKey.startsWith('kill:'));
        return;
      case 'alt-d':
        this.lastKey = 'kill:forward';
        this.kill(this.cursor, this.wordEnd(this.cursor), previousKey.startsWith('kill:'));
        return;
      case 'ctrl-y':
        if (this.shared.killed) this.insert(this.shared.killed);
        return;
      case 'ctrl-t':
        this.transpose();
        return;
      case 'ctrl-_':
        this.undo();
        return;
      case 'alt-.':
        this.yankLastArgument(previousKey === 'alt-.');
        return;
      case 'up':
      case 'ctrl-p':
        this.historyMove(-1);
        return;
      case 'down':
      case 'ctrl-n':
        this.historyMove(1);
        return;
      case 'ctrl-r':
        this.startSearch();
        return;
      case 'ctrl-l':
        this.shared.output.write('\x1b[H\x1b[2J');
        this.renderer.begin(this.prompt);
        this.redraw();
        return;
      case 'tab':
        this.complete(previousKey === 'tab');
        return;
      case 'text':
        if (key.kind === 'text') this.insert(key.text);
        return;
      default:
        // Unbound keys ring the bell, as readline does.
        if (name !== 'escape') this.shared.output.write('\x07');
    }
  }

  /** Home/End and Ctrl+A/E work on the current line of a multi-line entry. */
  private lineStart(): number {
    return this.text.lastIndexOf('\n', this.cursor - 1) + 1;
  }

  private lineEnd(): number {
    const newline = this.text.indexOf('\n', this.cursor);
    return newline < 0 ? this.text.length : newline;
  }

  private moveTo(offset: number): void {
    if (offset === this.cursor) return;
    this.cursor = offset;
    this.redraw();
  }

  private deleteForward(): void {
    if (this.cursor >= this.text.length) return;
    const to = this.nextBoundary(this.cursor);
    this.setText(this.text.slice(0, this.cursor) + this.text.slice(to), this.cursor);
  }

  private transpose(): void {
    if (this.cursor === 0 || this.text.length < 2) return;
    const at = this.cursor === this.text.length ? this.previousBoundary(this.cursor) : this.cursor;
    const before = this.previousBoundary(at);
    const after = this.nextBoundary(at);
    const swapped = this.text.slice(at, after) + this.text.slice(before, at);
    this.setText(this.text.slice(0, before) + swapped + this.text.slice(after), after);
  }

  private accept(): void {
    this.renderer.draw(this.text, this.text.length);
    this.renderer.finish();
    this.end({ kind: 'line', text: this.text });
  }

  private interrupt(): void {
    // bash shows ^C where the cursor was and starts over on a fresh line.
    this.renderer.draw(this.text, this.text.length);
    this.shared.output.write('^C');
    this.renderer.finish();
    this.end({ kind: 'interrupt' });
  }

  private undo(): void {
    const previous = this.undoStack.pop();
    if (!previous) {
      this.shared.output.write('\x07');
      return;
    }
    this.text = previous.text;
    this.cursor = previous.cursor;
    this.redraw();
  }

  /** Alt+.: the last word of the previous command; pressed again, of the one before. */
  private yankLastArgument(again: boolean): void {
    const { history } = this.shared;
    const depth = again ? this.lastArgument.depth + 1 : 1;
    const entry = history.at(history.length - depth);
    const word = entry === undefined ? undefined : lastWord(entry);
    if (word === undefined) {
      this.shared.output.write('\x07');
      return;
    }
    let text = this.text;
    let start = this.cursor;
    if (again) {
      start = this.lastArgument.start;
      text = text.slice(0, start) + text.slice(start + this.lastArgument.length);
    }
    this.lastArgument = { depth, start, length: word.length };
    this.setText(text.slice(0, start) + word + text.slice(start), start + word.length);
  }

  private historyMove(step: number): void {
    const { history } = this.shared;
    const target = this.historyIndex + step;
    if (target < 0 || target > history.length) {
      this.shared.output.write('\x07');
      return;
    }
    if (this.historyIndex === history.length) this.draft = this.text;
    this.historyIndex = target;
    this.setText(target === history.length ? this.draft : (history.at(target) ?? ''));
  }

  private startSearch(): void {
    this.search = {
      query: '',
      match: -1,
      failed: false,
      original: { text: this.text, cursor: this.cursor },
    };
    this.drawSearch();
  }

  private drawSearch(): void {
    const search = this.search!;
    const label = `(${search.failed ? 'failed ' : ''}reverse-i-search)\`${search.query}': `;
    this.renderer.begin(label);
    this.renderer.draw(this.text, this.cursor);
  }

  /** Finds the query in history at or before `from`, newest first. */
  private findBackwards(from: number): void {
    const search = this.search!;
    const { history } = this.shared;
    for (let i = Math.min(from, history.length - 1); i >= 0; i--) {
      const entry = history.at(i)!;
      const at = entry.lastIndexOf(search.query);
      if (at >= 0) {
        search.match = i;
        search.failed = false;
        this.text = entry;
        this.cursor = at;
        this.historyIndex = i;
        return;
      }
    }
    search.failed = true;
  }

  /** Keys while searching; returns false when the key ends the search and acts normally. */
  private handleSearch(key: Key): boolean {
    const search = this.search!;
    const name = keyName(key);
    const { history } = this.shared;
    if (name === 'text' && key.kind === 'text') {
      search.query += key.text;
      this.findBackwards(search.match >= 0 ? search.match : history.length - 1);
      this.drawSearch();
      return true;
    }
    if (name === 'ctrl-r') {
      if (search.query !== '') this.findBackwards(search.match - 1);
      this.drawSearch();
      return true;
    }
    if (name === 'backspace' || name === 'ctrl-h') {
      search.query = search.query.slice(0, -1);
      search.match = -1;
      if (search.query === '') {
        this.text = search.original.text;
        this.cursor = search.original.cursor;
      } else {
        this.findBackwards(history.length - 1);
      }
      this.drawSearch();
      return true;
    }
    if (name === 'ctrl-g' || name === 'ctrl-c') {
      this.text = search.original.text;
      this.cursor = search.original.cursor;
      this.search = undefined;
      this.renderer.begin(this.prompt);
      if (name === 'ctrl-c') return false;
      this.redraw();
      return true;
    }
    // Any other key leaves the search with the match in the buffer, then does its usual job.
    this.search = undefined;
    this.renderer.begin(this.prompt);
    if (name === 'escape') {
      this.redraw();
      return true;
    }
    this.redraw();
    return false;
  }

  private complete(secondTab: boolean): void {
    const { completer, output } = this.shared;
    if (!completer) {
      this.insert('\t');
      return;
    }
    const { start, end, candidates } = completer(this.text, this.cursor);
    const replace = (replacement: string) => {
      this.text = this.text.slice(0, start) + replacement + this.text.slice(end);
      this.cursor = start + replacement.length;
      this.redraw();
    };
    if (candidates.length === 0) {
      output.write('\x07');
      return;
    }
    if (candidates.length === 1) {
      replace(candidates[0].replacement + candidates[0].suffix);
      return;
    }
    let prefix = commonPrefix(candidates.map((c) => c.replacement));
    // Never stop inside a backslash escape.
    if (/(^|[^\\])(\\\\)*\\$/.test(prefix)) prefix = prefix.slice(0, -1);
    if (prefix.length > end - start) {
      replace(prefix);
      return;
    }
    if (!secondTab) {
      output.write('\x07');
      return;
    }
    const list = () => {
      this.renderer.draw(this.text, this.text.length);
      this.renderer.finish();
      const displays = candidates.map((c) => c.display);
      output.write(
        layoutColumns(displays, this.renderer.columns, 'columns', stringWidth).replace(
          /\n/g,
          '\r\n',
        ),
      );
      this.renderer.begin(this.prompt);
      this.redraw();
    };
    if (candidates.length <= COMPLETION_QUERY_ITEMS) {
      list();
      return;
    }
    this.renderer.draw(this.text, this.text.length);
    this.renderer.finish();
    output.write(`Display all ${candidates.length} possibilities? (y or n)`);
    this.pendingQuery = (key) => {
      const yes = key.kind === 'text' && /^[yY ]/.test(key.text);
      output.write('\r\n');
      if (yes) {
        output.write(
          layoutColumns(
            candidates.map((c) => c.display),
            this.renderer.columns,
            'columns',
            stringWidth,
          ).replace(/\n/g, '\r\n'),
        );
      }
      this.renderer.begin(this.prompt);
      this.redraw();
    };
  }
}

/** The last shell word of a command line (quotes and escapes kept), for Alt+. */
function lastWord(line: string): string | undefined {
  return /(?:'[^']*'|"(?:\\.|[^"\\])*"|\\.|[^\s'"\\])+(?=\s*$)/.exec(line)?.[0];
}

/** A key's binding name: 'ctrl-a', 'alt-b', 'up', 'text'... */
function keyName(key: Key): string {
  switch (key.kind) {
    case 'text':
      return 'text';
    case 'ctrl':
      return `ctrl-${key.letter}`;
    case 'alt':
      return `alt-${key.text.toLowerCase()}`;
    case 'special':
      return key.name;
  }
}
