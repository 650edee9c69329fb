/**
 * A recursive-descent parser for the POSIX shell grammar with common bash extensions.
 * It works on characters with a cursor (the shell's lexing depends on the parse context:
 * reserved words, here-documents, `$(...)` nesting), and produces the tree in ast.ts.
 * `parseNext()` returns one complete command line at a time so that a script runs line by
 * line, as in bash (an alias defined on one line is used on the next; a syntax error later in
 * a script does not stop the lines before it).
 */
import type {
  AndOr,
  Assign,
  CaseItem,
  Command,
  Compound,
  CondExpr,
  List,
  ListItem,
  ParamPart,
  Pipeline,
  Redir,
  RedirOp,
  SimpleCommand,
  Word,
  WordPart,
} from './ast.js';
import { ansiCUnescape } from './ansi-c.js';

export class ParseError extends Error {
  constructor(
    message: string,
    readonly line: number,
    /** True when more input could complete the construct (open quote, missing `fi`...). */
    readonly incomplete: boolean,
  ) {
    super(message);
  }
}

const RESERVED = new Set([
  'if',
  'then',
  'else',
  'elif',
  'fi',
  'do',
  'done',
  'case',
  'esac',
  'while',
  'until',
  'for',
  'select',
  'coproc',
  'in',
  '{',
  '}',
  '!',
  'function',
  '[[',
  ']]',
  'time',
]);

/** Reserved words that begin a compound command. */
const COMPOUND_STARTS = new Set(['{', 'if', 'while', 'until', 'for', 'select', 'case', '[[']);

/** Words that end a compound list. */
const LIST_END = new Set(['then', 'else', 'elif', 'fi', 'do', 'done', 'esac', '}']);

const OPERATORS = [
  ';;&',
  '<<<',
  '<<-',
  '&>>',
  '&&',
  '||',
  ';;',
  ';&',
  '|&',
  '<<',
  '>>',
  '<&',
  '>&',
  '<>',
  '>|',
  '&>',
  '|',
  '&',
  ';',
  '(',
  ')',
  '<',
  '>',
];

const REDIR_OPS = new Set<string>([
  '<',
  '>',
  '>>',
  '<>',
  '>|',
  '<&',
  '>&',
  '&>',
  '&>>',
  '<<',
  '<<-',
  '<<<',
]);

const isMeta = (c: string | undefined): boolean =>
  c === undefined ||
  c === ' ' ||
  c === '\t' ||
  c === '\n' ||
  c === ';' ||
  c === '&' ||
  c === '|' ||
  c === '(' ||
  c === ')' ||
  c === '<' ||
  c === '>';

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const isNameStart = (c: string | undefined): boolean => c !== undefined && /[A-Za-z_]/.test(c);
const isNameChar = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_]/.test(c);

export interface ParserOptions {
  /** Alias lookup, applied to command words (undefined: no alias expansion). */
  aliases?: (name: string) => string | undefined;
  /** Line number of the first line of `src`. */
  firstLine?: number;
}

interface RawWord {
  parts: Word;
  raw: string;
  start: number;
}

export class Parser {
  private src: string;
  private pos = 0;
  private pendingHeredocs: Redir[] = [];
  private lineCachePos = 0;
  private lineCacheLine: number;
  /** Aliases being expanded, with the end of their spliced text (recursion guard). */
  private activeAliases: { name: string; end: number }[] = [];
  private aliasBlankPending = false;

  constructor(
    src: string,
    private readonly options: ParserOptions = {},
  ) {
    this.src = src;
    this.lineCacheLine = options.firstLine ?? 1;
  }

  /** True when all input has been consumed. */
  atEnd(): boolean {
    this.skipBlanksAndNewlines();
    return this.pos >= this.src.length;
  }

  /** Parses the next complete command line; undefined at the end of input. */
  parseNext(): List | undefined {
    this.skipBlanksAndNewlines();
    if (this.pos >= this.src.length) return undefined;
    const list = this.parseList(false);
    this.skipBlanks();
    if (this.pos < this.src.length) {
      if (this.src[this.pos] === '\n') this.consumeNewline();
      else this.unexpected();
    } else if (this.pendingHeredocs.length > 0) {
      this.readHeredocBodies();
    }
    return list;
  }

  /** Parses everything (used for `$(...)` bodies, eval, functions from strings). */
  parseAll(): List {
    const out: List = [];
    for (;;) {
      const list = this.parseNext();
      if (!list) return out;
      out.push(...list);
    }
  }

  line(): number {
    if (this.pos < this.lineCachePos) {
      this.lineCachePos = 0;
      this.lineCacheLine = this.options.firstLine ?? 1;
    }
    for (let i = this.lineCachePos; i < this.pos && i < this.src.length; i++) {
      if (this.src.charCodeAt(i) === 10) this.lineCacheLine++;
    }
    this.lineCachePos = this.pos;
    return this.lineCacheLine;
  }

  private error(message: string, incomplete = false): never {
    throw new ParseError(message, this.line(), incomplete);
  }

  private unexpected(): never {
    if (this.pos >= this.src.length) this.error('syntax error: unexpected end of file', true);
    const op = this.peekOperator();
    const tok = op ?? this.src.slice(this.pos).match(/^[^\s;&|()<>]+/)?.[0] ?? this.src[this.pos];
    this.error(`syntax error near unexpected token \`${tok === '\n' ? 'newline' : tok}'`);
  }

  // ---- low-level scanning ----

  private skipBlanks(): void {
    for (;;) {
      const c = this.src[this.pos];
      if (c === ' ' || c === '\t') this.pos++;
      else if (c === '\\' && this.src[this.pos + 1] === '\n') {
        this.pos += 2;
        if (this.pos >= this.src.length) this.endsWithContinuation = true;
      } else if (c === '\\' && this.pos + 1 === this.src.length) {
        this.endsWithContinuation = true;
        this.pos++;
      } else if (c === '#') {
        while (this.pos < this.src.length && this.src[this.pos] !== '\n') this.pos++;
      } else return;
    }
  }

  private skipBlanksAndNewlines(): void {
    for (;;) {
      this.skipBlanks();
      if (this.src[this.pos] === '\n') this.consumeNewline();
      else return;
    }
  }

  private consumeNewline(): void {
    this.pos++;
    if (this.pendingHeredocs.length > 0) this.readHeredocBodies();
  }

  private peekOperator(): string | undefined {
    for (const op of OPERATORS) {
      if (this.src.startsWith(op, this.pos)) return op;
    }
    return undefined;
  }

  /** The next word if it is an unquoted literal (for reserved-word checks), without consuming. */
  private peekReserved(): string | undefined {
    this.skipBlanks();
    const m = /^[^\s;&|()<>'"\\$`]+/.exec(this.src.slice(this.pos, this.pos + 20));
    if (!m) return undefined;
    const w = m[0];
    if (RESERVED.has(w)) return w;
    return undefined;
  }

  private expectReserved(word: string): void {
    this.skipBlanksAndNewlines();
    if (this.peekReserved() !== word) {
      if (this.pos >= this.src.length) this.error(`syntax error: expected \`${word}'`, true);
      this.unexpected();
    }
    this.pos += word.length;
  }

  private expectOp(op: string): void {
    this.skipBlanks();
    if (!this.src.startsWith(op, this.pos)) this.unexpected();
    this.pos += op.length;
  }

  // ---- grammar ----

  /** list: and_or ((';' | '&') and_or)* ; stops at newline when !multiline, or at LIST_END. */
  private parseList(multiline: boolean): List {
    const items: ListItem[] = [];
    for (;;) {
      if (multiline) this.skipBlanksAndNewlines();
      else this.skipBlanks();
      if (this.pos >= this.src.length) break;
      const c = this.src[this.pos];
      if (c === ')' || c === '\n') break;
      if (c === ';' && !this.src.startsWith(';;', this.pos) && !this.src.startsWith(';&', this.pos))
        this.unexpected();
      if (c === ';' || (c === '&' && this.src[this.pos + 1] !== '>')) break;
      const rw = this.peekReserved();
      if (rw && LIST_END.has(rw)) break;
      const andOr = this.parseAndOr();
      const item: ListItem = { andOr, background: false };
      items.push(item);
      this.skipBlanks();
      const op = this.peekOperator();
      if (op === '&') {
        item.background = true;
        this.pos++;
      } else if (op === ';') {
        this.pos++;
      } else if (this.src[this.pos] === '\n' && multiline) {
        this.consumeNewline();
      } else break;
    }
    if (items.length === 0 && multiline) {
      // An empty compound list, e.g. `{ }` or `if then`.
      this.unexpected();
    }
    return items;
  }

  private parseAndOr(): AndOr {
    const start = this.pos;
    const first = this.parsePipeline();
    const rest: AndOr['rest'] = [];
    for (;;) {
      this.skipBlanks();
      const op = this.peekOperator();
      if (op !== '&&' && op !== '||') break;
      this.pos += 2;
      this.skipBlanksAndNewlines();
      rest.push({ op, pipeline: this.parsePipeline() });
    }
    return { first, rest, text: this.src.slice(start, this.pos).trim() };
  }

  private parsePipeline(): Pipeline {
    let bang = false;
    let time = false;
    for (;;) {
      const rw = this.peekReserved();
      if (rw === '!') {
        this.pos++;
        bang = !bang;
      } else if (rw === 'time') {
        this.pos += 4;
        time = true;
      } else break;
    }
    const commands: Command[] = [this.parseCommand()];
    const pipeStderr: boolean[] = [];
    for (;;) {
      this.skipBlanks();
      const op = this.peekOperator();
      if (op !== '|' && op !== '|&') break;
      this.pos += op.length;
      pipeStderr.push(op === '|&');
      this.skipBlanksAndNewlines();
      commands.push(this.parseCommand());
    }
    return { bang, time, commands, pipeStderr };
  }

  private parseCommand(): Command {
    this.skipBlanks();
    if (this.pos >= this.src.length) this.error('syntax error: unexpected end of file', true);
    const line = this.line();
    const c = this.src[this.pos];
    if (c === '(') {
      if (this.src[this.pos + 1] === '(') {
        const arith = this.tryArithCommand(line);
        if (arith) return arith;
      }
      this.pos++;
      const body = this.parseList(true);
      this.skipBlanksAndNewlines();
      if (this.src[this.pos] !== ')') this.unexpectedOrIncomplete();
      this.pos++;
      return this.withRedirs({ type: 'subshell', body, redirs: [], line });
    }
    const rw = this.peekReserved();
    if (rw) {
      switch (rw) {
        case '{': {
          this.pos++;
          const body = this.parseList(true);
          this.expectReserved('}');
          return this.withRedirs({ type: 'group', body, redirs: [], line });
        }
        case 'if':
          return this.parseIf(line);
        case 'while':
        case 'until':
          return this.parseWhile(rw === 'until', line);
        case 'for':
          return this.parseFor(line);
        case 'select':
          this.pos += 6;
          return this.parseNameInWords('select', line);
        case 'coproc':
          return this.parseCoproc(line);
        case 'case':
          return this.parseCase(line);
        case 'function':
          return this.parseFunctionKeyword(line);
        case '[[':
          return this.parseCondCommand(line);
        default:
          this.unexpected();
      }
    }
    return this.parseSimple(line);
  }

  private unexpectedOrIncomplete(): never {
    if (this.pos >= this.src.length) this.error('syntax error: unexpected end of file', true);
    this.unexpected();
  }

  private withRedirs(cmd: Compound): Compound {
    for (;;) {
      this.skipBlanks();
      const r = this.tryRedirection();
      if (!r) break;
      cmd.redirs.push(r);
    }
    return cmd;
  }

  private parseIf(line: number): Compound {
    this.pos += 2;
    const clauses: { cond: List; body: List }[] = [];
    let elseBody: List | undefined;
    const cond = this.parseList(true);
    this.expectReserved('then');
    clauses.push({ cond, body: this.parseList(true) });
    for (;;) {
      this.skipBlanksAndNewlines();
      const rw = this.peekReserved();
      if (rw === 'elif') {
        this.pos += 4;
        const c = this.parseList(true);
        this.expectReserved('then');
        clauses.push({ cond: c, body: this.parseList(true) });
      } else if (rw === 'else') {
        this.pos += 4;
        elseBody = this.parseList(true);
        this.expectReserved('fi');
        break;
      } else {
        this.expectReserved('fi');
        break;
      }
    }
    return this.withRedirs({ type: 'if', clauses, elseBody, redirs: [], line });
  }

  private parseWhile(until: boolean, line: number): Compound {
    this.pos += until ? 5 : 5;
    const cond = this.parseList(true);
    const body = this.parseDoGroup();
    return this.withRedirs({ type: 'while', until, cond, body, redirs: [], line });
  }

  private parseDoGroup(): List {
    this.skipBlanksAndNewlines();
    if (this.peekReserved() === '{') {
      // bash accepts `for x in a; { ...; }` as a body
      this.pos++;
      const body = this.parseList(true);
      this.expectReserved('}');
      return body;
    }
    this.expectReserved('do');
    const body = this.parseList(true);
    this.expectReserved('done');
    return body;
  }

  private parseFor(line: number): Compound {
    this.pos += 3;
    this.skipBlanks();
    if (this.src.startsWith('((', this.pos)) {
      this.pos += 2;
      const end = this.findArithEnd(this.pos);
      if (end < 0) this.error("syntax error: `))' expected", true);
      const text = this.src.slice(this.pos, end);
      this.pos = end + 2;
      const pieces = splitTopLevel(text, ';');
      if (pieces.length !== 3) this.error("syntax error: `;' expected in for (( ))");
      this.skipBlanks();
      if (this.src[this.pos] === ';') this.pos++;
      const body = this.parseDoGroup();
      const [init, cond, step] = pieces.map((p) => parseArithText(p, this.options));
      return this.withRedirs({ type: 'cfor', init, cond, step, body, redirs: [], line });
    }
    return this.parseNameInWords('for', line);
  }

  /** At a compound command: `(`, `{`, `if`, `while`... */
  private atCompound(): boolean {
    this.skipBlanks();
    if (this.src[this.pos] === '(') return true;
    const rw = this.peekReserved();
    return rw !== undefined && COMPOUND_STARTS.has(rw);
  }

  /**
   * coproc [NAME] compound-command | coproc simple-command. A NAME is only taken before a
   * compound command; otherwise the first word is the command, as in bash.
   */
  private parseCoproc(line: number): Compound {
    this.pos += 6;
    const start = this.pos;
    let name = 'COPROC';
    if (!this.atCompound()) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*(?=[ \t])/.exec(this.src.slice(this.pos, this.pos + 256));
      if (m) {
        const save = this.pos;
        this.pos += m[0].length;
        if (this.atCompound()) name = m[0];
        else this.pos = save;
      }
    }
    const command = this.parseCommand();
    const text = this.src.slice(start, this.pos).trim();
    return { type: 'coproc', name, command, text, redirs: [], line };
  }

  /** The rest of `for name [in words]; do ...; done`, and the same for `select`. */
  private parseNameInWords(type: 'for' | 'select', line: number): Compound {
    this.skipBlanks();
    const w = this.readWord();
    if (!w || !NAME_RE.test(w.raw)) this.error(`\`${w?.raw ?? ''}': not a valid identifier`);
    const name = w.raw;
    this.skipBlanksAndNewlines();
    let words: Word[] | undefined;
    if (this.peekReserved() === 'in') {
      this.pos += 2;
      words = [];
      for (;;) {
        this.skipBlanks();
        const c = this.src[this.pos];
        if (c === ';' || c === '\n' || c === undefined) break;
        const word = this.readWord();
        if (!word) this.unexpected();
        words.push(word.parts);
      }
      this.skipBlanks();
      if (this.src[this.pos] === ';') this.pos++;
    } else if (this.src[this.pos] === ';') {
      this.pos++;
    }
    const body = this.parseDoGroup();
    return this.withRedirs({ type, name, words, body, redirs: [], line });
  }

  private parseCase(line: number): Compound {
    this.pos += 4;
    this.skipBlanks();
    const w = this.readWord();
    if (!w) this.unexpectedOrIncomplete();
    this.skipBlanksAndNewlines();
    this.expectReserved('in');
    const items: CaseItem[] = [];
    for (;;) {
      this.skipBlanksAndNewlines();
      if (this.peekReserved() === 'esac') {
        this.pos += 4;
        break;
      }
      if (this.pos >= this.src.length) this.error("syntax error: expected `esac'", true);
      if (this.src[this.pos] === '(') this.pos++;
      const patterns: Word[] = [];
      for (;;) {
        this.skipBlanks();
        const p = this.readWord();
        if (!p) this.unexpectedOrIncomplete();
        patterns.push(p.parts);
        this.skipBlanks();
        if (this.src[this.pos] === '|') {
          this.pos++;
          continue;
        }
        if (this.src[this.pos] === ')') {
          this.pos++;
          break;
        }
        this.unexpectedOrIncomplete();
      }
      this.skipBlanksAndNewlines();
      let body: List = [];
      const rw = this.peekReserved();
      if (
        rw !== 'esac' &&
        !this.src.startsWith(';;', this.pos) &&
        !this.src.startsWith(';&', this.pos)
      )
        body = this.parseCaseBody();
      this.skipBlanksAndNewlines();
      let term: CaseItem['term'] = ';;';
      const op = this.peekOperator();
      if (op === ';;' || op === ';&' || op === ';;&') {
        term = op;
        this.pos += op.length;
      } else if (this.peekReserved() !== 'esac') {
        this.unexpectedOrIncomplete();
      }
      items.push({ patterns, body, term });
    }
    return this.withRedirs({ type: 'case', word: w.parts, items, redirs: [], line });
  }

  private parseCaseBody(): List {
    const items: List = [];
    for (;;) {
      this.skipBlanksAndNewlines();
      if (this.pos >= this.src.length) this.error("syntax error: expected `esac'", true);
      if (this.src.startsWith(';;', this.pos) || this.src.startsWith(';&', this.pos)) break;
      if (this.peekReserved() === 'esac') break;
      const andOr = this.parseAndOr();
      const item: ListItem = { andOr, background: false };
      items.push(item);
      this.skipBlanks();
      if (this.src[this.pos] === '&' && this.src[this.pos + 1] !== '&') {
        item.background = true;
        this.pos++;
      } else if (this.src[this.pos] === ';' && !/[;&]/.test(this.src[this.pos + 1] ?? '')) {
        this.pos++;
      } else if (this.src[this.pos] === '\n') {
        this.consumeNewline();
      } else if (!this.src.startsWith(';;', this.pos) && !this.src.startsWith(';&', this.pos)) {
        if (this.peekReserved() !== 'esac') this.unexpectedOrIncomplete();
      }
    }
    return items;
  }

  private parseFunctionKeyword(line: number): Command {
    this.pos += 8;
    this.skipBlanks();
    const w = this.readWord();
    if (!w) this.unexpectedOrIncomplete();
    this.skipBlanks();
    if (this.src[this.pos] === '(') {
      this.pos++;
      this.skipBlanks();
      this.expectOp(')');
    }
    return { type: 'funcdef', name: w.raw, ...this.parseFunctionBody(), line };
  }

  private parseFunctionBody(): { body: Compound; text: string } {
    this.skipBlanksAndNewlines();
    const start = this.pos;
    const cmd = this.parseCommand();
    if (cmd.type === 'simple' || cmd.type === 'funcdef')
      this.error('syntax error: function body must be a compound command');
    return { body: cmd, text: this.src.slice(start, this.pos).trim() };
  }

  private tryArithCommand(line: number): Compound | undefined {
    const end = this.findArithEnd(this.pos + 2);
    if (end < 0) return undefined;
    const text = this.src.slice(this.pos + 2, end);
    this.pos = end + 2;
    return this.withRedirs({
      type: 'arith',
      expr: parseArithText(text, this.options),
      redirs: [],
      line,
    });
  }

  /** Index of the `))` closing an arithmetic expression starting at `from`, or -1. */
  private findArithEnd(from: number): number {
    let depth = 0;
    for (let i = from; i < this.src.length; i++) {
      const c = this.src[i];
      if (c === '(') depth++;
      else if (c === ')') {
        if (depth === 0) return this.src[i + 1] === ')' ? i : -1;
        depth--;
      } else if (c === '\\') i++;
      else if (c === "'" || c === '"') {
        const close = this.src.indexOf(c, i + 1);
        if (close < 0) return -1;
        i = close;
      } else if (c === '\n' && depth === 0) {
        // allowed, keep scanning
      }
    }
    return -1;
  }

  private parseCondCommand(line: number): Compound {
    this.pos += 2;
    const expr = this.parseCondOr();
    this.skipBlanksAndNewlines();
    if (!this.src.startsWith(']]', this.pos)) this.unexpectedOrIncomplete();
    this.pos += 2;
    return this.withRedirs({ type: 'cond', expr, redirs: [], line });
  }

  private parseCondOr(): CondExpr {
    let left = this.parseCondAnd();
    for (;;) {
      this.skipBlanksAndNewlines();
      if (!this.src.startsWith('||', this.pos)) return left;
      this.pos += 2;
      left = { type: 'or', left, right: this.parseCondAnd() };
    }
  }

  private parseCondAnd(): CondExpr {
    let left = this.parseCondNot();
    for (;;) {
      this.skipBlanksAndNewlines();
      if (!this.src.startsWith('&&', this.pos)) return left;
      this.pos += 2;
      left = { type: 'and', left, right: this.parseCondNot() };
    }
  }

  private parseCondNot(): CondExpr {
    this.skipBlanksAndNewlines();
    if (this.src[this.pos] === '!' && /[\s]/.test(this.src[this.pos + 1] ?? ' ')) {
      this.pos++;
      return { type: 'not', expr: this.parseCondNot() };
    }
    if (this.src[this.pos] === '(') {
      this.pos++;
      const e = this.parseCondOr();
      this.skipBlanksAndNewlines();
      this.expectOp(')');
      return e;
    }
    const first = this.readCondWord();
    const firstRaw = first.raw;
    this.skipBlanks();
    if (/^-[a-zA-Z]$/.test(firstRaw) && !this.src.startsWith(']]', this.pos)) {
      const opAhead = this.peekCondBinaryOp();
      if (!opAhead) {
        const arg = this.readCondWord();
        return { type: 'unary', op: firstRaw, arg: arg.parts };
      }
    }
    const op = this.peekCondBinaryOp();
    if (op) {
      this.pos += op.length;
      this.skipBlanks();
      const right = op === '=~' ? this.readRegexWord() : this.readCondWord();
      return { type: 'binary', op, left: first.parts, right: right.parts };
    }
    return { type: 'word', word: first.parts };
  }

  private peekCondBinaryOp(): string | undefined {
    const rest = this.src.slice(this.pos, this.pos + 4);
    const m = /^(==|!=|=~|<|>|=|-(?:eq|ne|lt|le|gt|ge|nt|ot|ef))(?=[\s]|$)/.exec(rest);
    return m?.[1];
  }

  private readCondWord(): RawWord {
    this.skipBlanksAndNewlines();
    const w = this.readWord();
    if (!w) this.unexpectedOrIncomplete();
    return w;
  }

  /** The right side of =~: parentheses and | are part of the regex. */
  private readRegexWord(): RawWord {
    const start = this.pos;
    let depth = 0;
    const parts: Word = [];
    while (this.pos < this.src.length) {
      const c = this.src[this.pos];
      if (depth === 0 && (c === ' ' || c === '\t' || c === '\n')) break;
      if (c === '(') depth++;
      if (c === ')') depth--;
      if (c === '(' || c === ')' || c === '|' || c === '<' || c === '>') {
        parts.push({ type: 'lit', value: c });
        this.pos++;
        continue;
      }
      const w = this.readWordParts(parts);
      if (!w) break;
    }
    return { parts, raw: this.src.slice(start, this.pos), start };
  }

  private parseSimple(line: number): Command {
    const cmd: SimpleCommand = { type: 'simple', assigns: [], words: [], redirs: [], line };
    let first = true;
    for (;;) {
      this.skipBlanks();
      if (this.pos >= this.src.length) break;
      const r = this.tryRedirection();
      if (r) {
        cmd.redirs.push(r);
        continue;
      }
      const procSub = /^[<>]\(/.test(this.src.slice(this.pos, this.pos + 2));
      if (isMeta(this.src[this.pos]) && !procSub) {
        if (this.src[this.pos] === '(' && cmd.words.length === 1 && cmd.assigns.length === 0) {
          return this.parseFunctionDef(cmd, line);
        }
        break;
      }
      if (cmd.words.length === 0) {
        const assign = this.tryAssignment();
        if (assign) {
          cmd.assigns.push(assign);
          continue;
        }
        if (this.tryAlias(first)) {
          first = false;
          continue;
        }
      } else if (this.aliasBlankPending) {
        this.aliasBlankPending = false;
        if (this.tryAlias(false)) continue;
      }
      first = false;
      const w = this.readWord();
      if (!w) break;
      cmd.words.push(w.parts);
    }
    if (cmd.words.length === 0 && cmd.assigns.length === 0 && cmd.redirs.length === 0)
      this.unexpected();
    return cmd;
  }

  private parseFunctionDef(cmd: SimpleCommand, line: number): Command {
    const nameParts = cmd.words[0];
    const name = nameParts.length === 1 && nameParts[0].type === 'lit' ? nameParts[0].value : '';
    this.pos++;
    this.skipBlanks();
    if (this.src[this.pos] !== ')') this.unexpected();
    this.pos++;
    if (!name || RESERVED.has(name)) this.error(`syntax error: invalid function name`);
    return { type: 'funcdef', name, ...this.parseFunctionBody(), line };
  }

  /** Alias substitution of the command word: splice the alias text into the source. */
  private tryAlias(_first: boolean): boolean {
    const lookup = this.options.aliases;
    if (!lookup) return false;
    this.activeAliases = this.activeAliases.filter((a) => a.end > this.pos);
    const m = /^[^\s;&|()<>'"\\$`]+/.exec(this.src.slice(this.pos, this.pos + 256));
    if (!m || !isMeta(this.src[this.pos + m[0].length])) return false;
    const name = m[0];
    if (this.activeAliases.some((a) => a.name === name)) return false;
    const value = lookup(name);
    if (value === undefined) return false;
    this.src = this.src.slice(0, this.pos) + value + this.src.slice(this.pos + name.length);
    const delta = value.length - name.length;
    for (const a of this.activeAliases) a.end += delta;
    this.activeAliases.push({ name, end: this.pos + value.length });
    this.aliasBlankPending = value.endsWith(' ') || value.endsWith('\t');
    return true;
  }

  private tryAssignment(): Assign | undefined {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(\[[^\]]*\])?(\+?)=/.exec(
      this.src.slice(this.pos, this.pos + 512),
    );
    if (!m) return undefined;
    const name = m[1];
    const append = m[3] === '+';
    let index: WordPart[] | undefined;
    if (m[2]) index = parseDqLike(m[2].slice(1, -1), 'subscript', this.options);
    this.pos += m[0].length;
    if (this.src[this.pos] === '(' && !index) {
      this.pos++;
      const array: Word[] = [];
      for (;;) {
        this.skipBlanksAndNewlines();
        if (this.pos >= this.src.length) this.error('syntax error: unclosed array', true);
        if (this.src[this.pos] === ')') {
          this.pos++;
          break;
        }
        const w = this.readWord();
        if (!w) this.unexpected();
        array.push(w.parts);
      }
      return { name, value: [], append, array };
    }
    const parts: Word = [];
    this.readWordParts(parts, true);
    return { name, index, value: parts, append };
  }

  private tryRedirection(): Redir | undefined {
    const save = this.pos;
    let fd: number | undefined;
    let fdVar: string | undefined;
    const m = /^(\d+|\{[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]+\])?\})(?=[<>])/.exec(
      this.src.slice(this.pos, this.pos + 40),
    );
    if (m) {
      if (m[1].startsWith('{')) fdVar = m[1].slice(1, -1);
      else fd = Number(m[1]);
      this.pos += m[1].length;
    }
    const op = this.peekOperator();
    if (
      !op ||
      !REDIR_OPS.has(op) ||
      ((op === '<' || op === '>') && this.src[this.pos + 1] === '(')
    ) {
      this.pos = save;
      return undefined;
    }
    this.pos += op.length;
    this.skipBlanks();
    const w = this.readWord();
    if (!w) {
      this.unexpectedOrIncomplete();
    }
    const redir: Redir = { fd, fdVar, op: op as RedirOp, target: w.parts };
    if (op === '<<' || op === '<<-') {
      const quoted = /['"\\]/.test(w.raw);
      redir.heredoc = { body: '', quoted };
      (redir as Redir & { delim?: string }).delim = removeQuotesRaw(w.raw);
      this.pendingHeredocs.push(redir);
    }
    return redir;
  }

  private readHeredocBodies(): void {
    const pending = this.pendingHeredocs;
    this.pendingHeredocs = [];
    for (const r of pending) {
      const delim = (r as Redir & { delim?: string }).delim ?? '';
      const stripTabs = r.op === '<<-';
      const lines: string[] = [];
      let found = false;
      while (this.pos < this.src.length) {
        let nl = this.src.indexOf('\n', this.pos);
        if (nl < 0) nl = this.src.length;
        let line = this.src.slice(this.pos, nl);
        this.pos = Math.min(nl + 1, this.src.length);
        if (stripTabs) line = line.replace(/^\t+/, '');
        if (line === delim) {
          found = true;
          break;
        }
        lines.push(line);
      }
      if (!found) this.heredocUnterminated = true;
      const hd = r.heredoc!;
      hd.body = lines.length > 0 ? `${lines.join('\n')}\n` : '';
      if (!hd.quoted) hd.parts = parseDqLike(hd.body, 'heredoc', this.options);
    }
  }

  /** Set when a here-document reached the end of input without its delimiter. */
  heredocUnterminated = false;
  /** Set when the input ends with a backslash line continuation (more lines needed). */
  endsWithContinuation = false;

  // ---- words ----

  /** Reads a word at the cursor; undefined if at a metacharacter. */
  readWord(): RawWord | undefined {
    const start = this.pos;
    const parts: Word = [];
    if (!this.readWordParts(parts)) return undefined;
    return { parts, raw: this.src.slice(start, this.pos), start };
  }

  /**
   * Appends the parts of an unquoted word at the cursor to `parts`.
   * In an assignment value, `~` after `=` or `:` is a tilde prefix.
   */
  private readWordParts(parts: Word, assignment = false): boolean {
    const start = this.pos;
    let lit = '';
    const flush = () => {
      if (lit) {
        parts.push({ type: 'lit', value: lit });
        lit = '';
      }
    };
    const tryTilde = () => {
      const m = /^~([A-Za-z0-9_.-]*)(?=$|[/\s;&|()<>:])/.exec(
        this.src.slice(this.pos, this.pos + 256),
      );
      if (!m) return false;
      const after = this.src[this.pos + m[0].length];
      if (!assignment && after === ':') return false;
      flush();
      parts.push({ type: 'tilde', user: m[1] });
      this.pos += m[0].length;
      return true;
    };
    if (this.src[this.pos] === '~') tryTilde();
    while (this.pos < this.src.length) {
      const c = this.src[this.pos];
      if ((c === '<' || c === '>') && this.src[this.pos + 1] === '(') {
        // process substitution <(list) / >(list)
        flush();
        this.pos += 2;
        parts.push({ type: 'procsub', direction: c, body: this.parseSubList() });
        continue;
      }
      if (isMeta(c)) break;
      if (c === '\\') {
        const n = this.src[this.pos + 1];
        if (n === '\n') {
          this.pos += 2;
          if (this.pos >= this.src.length) this.endsWithContinuation = true;
          continue;
        }
        flush();
        if (n === undefined) {
          parts.push({ type: 'lit', value: '\\' });
          this.endsWithContinuation = true;
          this.pos++;
          continue;
        }
        parts.push({ type: 'sq', value: n });
        this.pos += 2;
        continue;
      }
      if (c === "'" || c === '"' || c === '$' || c === '`') {
        flush();
        parts.push(this.readQuotedOrSubstitution(c, false));
        continue;
      }
      if ('?*+@!'.includes(c) && this.src[this.pos + 1] === '(') {
        // an extglob group is part of the word: keep it whole (quotes inside stay raw)
        const end = this.findParenEnd(this.pos + 1);
        if (end > 0) {
          lit += this.src.slice(this.pos, end + 1);
          this.pos = end + 1;
          continue;
        }
      }
      lit += c;
      this.pos++;
      if (
        c === '=' &&
        this.src[this.pos] === '(' &&
        /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=$/.test(this.src.slice(start, this.pos))
      ) {
        // `declare a=(1 2)`: keep the array literal as part of the word
        const end = this.findParenEnd(this.pos);
        if (end > 0) {
          lit += this.src.slice(this.pos, end + 1);
          this.pos = end + 1;
        }
      }
      if (assignment && c === ':' && this.src[this.pos] === '~') {
        flush();
        tryTilde();
      }
    }
    flush();
    return this.pos > start || assignment;
  }

  /** A '...' or "..." string, a $ expansion or a `...` substitution at the cursor. */
  private readQuotedOrSubstitution(c: string, inDq: boolean): WordPart {
    if (c === "'") {
      const end = this.src.indexOf("'", this.pos + 1);
      if (end < 0) this.error("unexpected EOF while looking for matching `''", true);
      const value = this.src.slice(this.pos + 1, end);
      this.pos = end + 1;
      return { type: 'sq', value };
    }
    if (c === '"') {
      this.pos++;
      return { type: 'dq', parts: this.readDoubleQuoted() };
    }
    if (c === '$') return this.readDollar(inDq);
    return this.readBackquote(inDq);
  }

  /** Reads the inside of "..." (cursor after the opening quote) up to the closing quote. */
  private readDoubleQuoted(): Word {
    const parts: Word = [];
    let lit = '';
    const flush = () => {
      if (lit) {
        parts.push({ type: 'lit', value: lit });
        lit = '';
      }
    };
    for (;;) {
      if (this.pos >= this.src.length)
        this.error('unexpected EOF while looking for matching `"\'', true);
      const c = this.src[this.pos];
      if (c === '"') {
        this.pos++;
        break;
      }
      if (c === '\\') {
        const n = this.src[this.pos + 1];
        if (n === '\n') {
          this.pos += 2;
          continue;
        }
        if (n === '$' || n === '`' || n === '"' || n === '\\') {
          lit += n;
          this.pos += 2;
          continue;
        }
        lit += c;
        this.pos++;
        continue;
      }
      if (c === '$') {
        flush();
        parts.push(this.readDollar(true));
        continue;
      }
      if (c === '`') {
        flush();
        parts.push(this.readBackquote(true));
        continue;
      }
      lit += c;
      this.pos++;
    }
    flush();
    return parts;
  }

  private readDollar(inDq: boolean): WordPart {
    const n = this.src[this.pos + 1];
    if (n === '(') {
      if (this.src[this.pos + 2] === '(') {
        const end = this.findArithEnd(this.pos + 3);
        if (end >= 0) {
          const text = this.src.slice(this.pos + 3, end);
          this.pos = end + 2;
          return { type: 'arith', expr: parseArithText(text, this.options) };
        }
      }
      this.pos += 2;
      const body = this.parseSubList();
      return { type: 'cmdsub', body };
    }
    if (n === '[') {
      const end = this.src.indexOf(']', this.pos + 2);
      if (end >= 0) {
        const text = this.src.slice(this.pos + 2, end);
        this.pos = end + 1;
        return { type: 'arith', expr: parseArithText(text, this.options) };
      }
    }
    if (n === '{') return this.readBraceParam(inDq);
    if (n === "'" && !inDq) {
      const end = findAnsiEnd(this.src, this.pos + 2);
      if (end < 0) this.error("unexpected EOF while looking for matching `''", true);
      const value = ansiCUnescape(this.src.slice(this.pos + 2, end));
      this.pos = end + 1;
      return { type: 'sq', value };
    }
    if (n === '"' && !inDq) {
      this.pos += 2;
      return { type: 'dq', parts: this.readDoubleQuoted() };
    }
    if (isNameStart(n)) {
      let end = this.pos + 1;
      while (isNameChar(this.src[end])) end++;
      const name = this.src.slice(this.pos + 1, end);
      this.pos = end;
      return { type: 'param', name };
    }
    if (n !== undefined && /[0-9@*#?\-$!]/.test(n)) {
      this.pos += 2;
      return { type: 'param', name: n };
    }
    this.pos++;
    return { type: 'lit', value: '$' };
  }

  /** Parses `$( ... )` contents; the cursor is after `$(`. */
  private parseSubList(): List {
    const savedAlias = this.aliasBlankPending;
    const items: List = [];
    for (;;) {
      this.skipBlanksAndNewlines();
      if (this.pos >= this.src.length)
        this.error("unexpected EOF while looking for matching `)'", true);
      if (this.src[this.pos] === ')') {
        this.pos++;
        break;
      }
      const list = this.parseList(true);
      items.push(...list);
      this.skipBlanksAndNewlines();
      if (this.src[this.pos] !== ')') this.unexpectedOrIncomplete();
    }
    this.aliasBlankPending = savedAlias;
    return items;
  }

  private readBackquote(inDq: boolean): WordPart {
    let i = this.pos + 1;
    let text = '';
    for (;;) {
      if (i >= this.src.length) this.error("unexpected EOF while looking for matching ``'", true);
      const c = this.src[i];
      if (c === '`') break;
      if (c === '\\') {
        const n = this.src[i + 1];
        if (n === '$' || n === '`' || n === '\\' || (inDq && n === '"')) {
          text += n;
          i += 2;
          continue;
        }
      }
      text += c;
      i++;
    }
    const startLine = this.line();
    this.pos = i + 1;
    const sub = new Parser(text, { ...this.options, firstLine: startLine });
    const body = sub.parseAll();
    return { type: 'cmdsub', body };
  }

  private readBraceParam(inDq: boolean): WordPart {
    this.pos += 2;
    const part: ParamPart = { type: 'param', name: '' };
    const c = this.src[this.pos];
    // ${#x} is length; ${#} is the count; ${#-} etc.
    if (c === '#' && this.src[this.pos + 1] !== '}' && this.looksLikeParamName(this.pos + 1)) {
      part.prefix = '#';
      this.pos++;
    } else if (
      c === '!' &&
      this.src[this.pos + 1] !== '}' &&
      this.looksLikeParamName(this.pos + 1)
    ) {
      part.prefix = '!';
      this.pos++;
    }
    const s = this.src[this.pos];
    if (isNameStart(s)) {
      let end = this.pos;
      while (isNameChar(this.src[end])) end++;
      part.name = this.src.slice(this.pos, end);
      this.pos = end;
    } else if (s !== undefined && /[0-9]/.test(s)) {
      let end = this.pos;
      while (/[0-9]/.test(this.src[end] ?? '')) end++;
      part.name = this.src.slice(this.pos, end);
      this.pos = end;
    } else if (s !== undefined && /[@*#?\-$!]/.test(s)) {
      part.name = s;
      this.pos++;
    } else {
      if (this.pos >= this.src.length) this.error("unexpected EOF while looking for `}'", true);
      this.badSubstitution();
    }
    if (this.src[this.pos] === '[') {
      const end = this.findBracketEnd(this.pos);
      if (end < 0) this.error("unexpected EOF while looking for `]'", true);
      part.index = parseDqLike(this.src.slice(this.pos + 1, end), 'subscript', this.options);
      this.pos = end + 1;
    }
    if (this.src[this.pos] === '}') {
      this.pos++;
      return part;
    }
    if (part.prefix === '!' && /^[@*]\}/.test(this.src.slice(this.pos, this.pos + 2))) {
      part.op = this.src[this.pos];
      this.pos += 2;
      return part;
    }
    if (part.prefix === '#') this.badSubstitution();
    const ops = [':-', ':=', ':?', ':+', '##', '%%', '//', '/#', '/%', '^^', ',,'];
    let op = ops.find((o) => this.src.startsWith(o, this.pos));
    if (!op) {
      const one = this.src[this.pos];
      if (one !== undefined && '-=?+#%/:^,@'.includes(one)) op = one;
    }
    if (!op && this.pos >= this.src.length)
      this.error("unexpected EOF while looking for `}'", true);
    if (!op) this.badSubstitution();
    this.pos += op.length;
    part.op = op;
    if (op === ':') {
      part.arg = this.readParamArg(':}', inDq, true);
      if (this.src[this.pos] === ':') {
        this.pos++;
        part.arg2 = this.readParamArg('}', inDq, true);
      }
    } else if (op[0] === '/') {
      part.arg = this.readParamArg('/}', inDq, false);
      if (this.src[this.pos] === '/') {
        this.pos++;
        part.arg2 = this.readParamArg('}', inDq, false);
      }
    } else {
      part.arg = this.readParamArg('}', inDq, false, '-=?+'.includes(op.replace(':', '')));
    }
    if (this.src[this.pos] !== '}') this.error("unexpected EOF while looking for `}'", true);
    this.pos++;
    return part;
  }

  private badSubstitution(): never {
    const end = this.src.indexOf('}', this.pos);
    throw new ParseError(
      `\${${this.src.slice(this.pos, end < 0 ? undefined : end)}}: bad substitution`,
      this.line(),
      false,
    );
  }

  private looksLikeParamName(at: number): boolean {
    const c = this.src[at];
    return c !== undefined && /[A-Za-z_0-9@*#?\-$!]/.test(c);
  }

  private findParenEnd(from: number): number {
    let depth = 0;
    for (let i = from; i < this.src.length; i++) {
      const c = this.src[i];
      if (c === '\\') i++;
      else if (c === "'" || c === '"') {
        const close = this.src.indexOf(c, i + 1);
        if (close < 0) return -1;
        i = close;
      } else if (c === '(') depth++;
      else if (c === ')') {
        depth--;
        if (depth === 0) return i;
      }
    }
    return -1;
  }

  private findBracketEnd(from: number): number {
    let depth = 0;
    for (let i = from; i < this.src.length; i++) {
      if (this.src[i] === '[') depth++;
      else if (this.src[i] === ']') {
        depth--;
        if (depth === 0) return i;
      }
    }
    return -1;
  }

  /**
   * Reads the argument of ${x op arg} up to one of `stops` (unquoted, at brace depth 0).
   * `plainQuotes`: inside "...", single quotes in ${x:-'a'} are literal (bash).
   */
  private readParamArg(stops: string, inDq: boolean, arith: boolean, valueOp = false): Word {
    const parts: Word = [];
    let lit = '';
    let depth = 0;
    const flush = () => {
      if (lit) {
        parts.push({ type: 'lit', value: lit });
        lit = '';
      }
    };
    void arith;
    for (;;) {
      if (this.pos >= this.src.length) this.error("unexpected EOF while looking for `}'", true);
      const c = this.src[this.pos];
      if (depth === 0 && stops.includes(c)) break;
      if (c === '{') depth++;
      if (c === '}') depth--;
      if (c === '\\') {
        const n = this.src[this.pos + 1];
        if (n === '\n') {
          this.pos += 2;
          continue;
        }
        if (inDq && !(n === '$' || n === '`' || n === '"' || n === '\\' || n === '}')) {
          lit += c;
          this.pos++;
          continue;
        }
        flush();
        parts.push({ type: 'sq', value: n ?? '\\' });
        this.pos += 2;
        continue;
      }
      if ((c === "'" && !(inDq && valueOp)) || c === '"' || c === '$' || c === '`') {
        flush();
        parts.push(this.readQuotedOrSubstitution(c, inDq));
        continue;
      }
      if (c === '~' && lit === '' && parts.length === 0 && !inDq) {
        const m = /^~([A-Za-z0-9_.-]*)(?=$|[/}])/.exec(this.src.slice(this.pos, this.pos + 256));
        if (m) {
          parts.push({ type: 'tilde', user: m[1] });
          this.pos += m[0].length;
          continue;
        }
      }
      lit += c;
      this.pos++;
    }
    flush();
    return parts;
  }

  /**
   * Reads text where only `$`, backquotes and backslash are special: here-document bodies
   * ('heredoc': backslash quotes only $ ` \ and newline), arithmetic ('arith': double
   * quotes are dropped as in bash) and array subscripts ('subscript': as arithmetic, and
   * single quotes quote, so `m['a b']` names the key `a b`).
   */
  readDqLike(mode: 'heredoc' | 'arith' | 'subscript'): Word {
    const src = this.src;
    const parts: Word = [];
    let lit = '';
    const flush = () => {
      if (lit) {
        parts.push({ type: 'lit', value: lit });
        lit = '';
      }
    };
    while (this.pos < src.length) {
      const c = src[this.pos];
      if (c === '\\') {
        const n = src[this.pos + 1];
        if (n === '\n') {
          this.pos += 2;
          continue;
        }
        if (n === '$' || n === '`' || n === '\\') {
          lit += n;
          this.pos += 2;
          continue;
        }
        lit += c;
        this.pos++;
        continue;
      }
      if (c === '$') {
        flush();
        parts.push(this.readDollar(true));
        continue;
      }
      if (c === '`') {
        flush();
        parts.push(this.readBackquote(true));
        continue;
      }
      if (mode !== 'heredoc' && c === '"') {
        this.pos++;
        continue;
      }
      if (mode === 'subscript' && c === "'") {
        const end = src.indexOf("'", this.pos + 1);
        if (end > 0) {
          lit += src.slice(this.pos + 1, end);
          this.pos = end + 1;
          continue;
        }
      }
      lit += c;
      this.pos++;
    }
    flush();
    return parts;
  }
}

function findAnsiEnd(src: string, from: number): number {
  for (let i = from; i < src.length; i++) {
    if (src[i] === '\\') i++;
    else if (src[i] === "'") return i;
  }
  return -1;
}

function removeQuotesRaw(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === "'") {
      const end = raw.indexOf("'", i + 1);
      out += raw.slice(i + 1, end < 0 ? undefined : end);
      i = end < 0 ? raw.length : end;
    } else if (c === '"') {
    } else if (c === '\\') {
      i++;
      if (i < raw.length) out += raw[i];
    } else if (c === '$' && (raw[i + 1] === "'" || raw[i + 1] === '"')) {
    } else out += c;
  }
  return out;
}

function splitTopLevel(text: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of text) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === sep && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** Arithmetic text: `$` and backquote expansions are active, quotes are removed. */
function parseArithText(text: string, options: ParserOptions): Word {
  return parseDqLike(text, 'arith', options);
}

/** Parses here-document bodies and arithmetic text (see Parser.readDqLike). */
export function parseDqLike(
  text: string,
  mode: 'heredoc' | 'arith' | 'subscript',
  options: ParserOptions,
): Word {
  const p = new Parser(text, options);
  return p.readDqLike(mode);
}
