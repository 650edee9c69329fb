import { syntaxError, type Token, tokenize } from './lexer.js';

/** A cursor over the tokens of one query text, with the helpers every parser file uses. */
export class TokenStream {
  readonly tokens: Token[];
  i = 0;
  /** Highest $n seen, so Parse knows how many parameters a statement has. */
  maxParam = 0;

  constructor(readonly sql: string) {
    this.tokens = tokenize(sql);
  }

  peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)];
  }

  next(): Token {
    const t = this.tokens[this.i];
    if (this.i < this.tokens.length - 1) this.i++;
    return t;
  }

  /** True when the next token is the word (keyword or unquoted identifier). */
  isWord(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return (t.kind === 'keyword' || (t.kind === 'ident' && !t.quoted)) && t.value === word;
  }

  isOp(op: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'op' && t.value === op;
  }

  acceptWord(word: string): boolean {
    if (!this.isWord(word)) return false;
    this.i++;
    return true;
  }

  acceptWords(...words: string[]): boolean {
    for (let k = 0; k < words.length; k++) if (!this.isWord(words[k], k)) return false;
    this.i += words.length;
    return true;
  }

  acceptOp(op: string): boolean {
    if (!this.isOp(op)) return false;
    this.i++;
    return true;
  }

  expectWord(word: string): void {
    if (!this.acceptWord(word)) throw this.error();
  }

  expectOp(op: string): void {
    if (!this.acceptOp(op)) throw this.error();
  }

  /** An identifier (column, table, alias). Unreserved keywords are identifiers already. */
  ident(): string {
    const t = this.peek();
    if (t.kind === 'ident') {
      this.i++;
      return t.value;
    }
    throw this.error();
  }

  /** A name that may also be a reserved word (after AS, after a dot). */
  label(): string {
    const t = this.peek();
    if (t.kind === 'ident' || t.kind === 'keyword') {
      this.i++;
      return t.value;
    }
    throw this.error();
  }

  /** PostgreSQL's message: syntax error at or near the current token. */
  error(token = this.peek()) {
    if (token.kind === 'eof') return syntaxError('syntax error at end of input', token.pos);
    const text = this.sql.slice(token.pos, this.tokenEnd(token));
    return syntaxError(`syntax error at or near "${text}"`, token.pos);
  }

  private tokenEnd(token: Token): number {
    const idx = this.tokens.indexOf(token);
    if (token.kind === 'string' || token.quoted) {
      const next = this.tokens[idx + 1];
      return next ? next.pos : this.sql.length;
    }
    if (token.kind === 'param') return token.pos + 1 + token.value.length;
    return token.pos + token.value.length;
  }
}
