/**
 * Word expansion in POSIX order: brace, tilde, parameter, command substitution, arithmetic,
 * field splitting, pathname expansion, quote removal. Fields are built incrementally; each
 * keeps a parallel "pattern" spelling in which quoted characters are backslash-escaped, so
 * globbing and pattern operators only see unquoted wildcards.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { ArithError, evaluateArith } from './arith.js';
import type { ParamPart, Word, WordPart } from './ast.js';
import { ansiCUnescape } from './ansi-c.js';
import { braceExpand, needsBraceExpansion } from './brace.js';
import { expandPathname } from './glob.js';
import { hasGlobChars, prefixMatches, suffixMatches } from './pattern.js';
import type { Interp } from './interp.js';
import { singleQuote } from './quote.js';

/** An expansion error: `${x?msg}`, bad substitution, unbound variable, arithmetic. */
export class ExpansionError extends Error {
  constructor(
    message: string,
    /** POSIX: fatal in a non-interactive shell. */
    readonly fatal = true,
  ) {
    super(message);
  }
}

/** Quoted text in a pattern: wildcards and bracket-expression syntax become literal. */
const escapeGlob = (s: string): string => s.replace(/[\\*?[\]!^()|@+-]/g, '\\$&');

interface Field {
  text: string;
  pattern: string;
  keep: boolean;
}

let lastIfs: string | undefined;
let lastIfsSplit: [string, string] = [' \t\n', ''];

/** IFS as [whitespace characters, other characters]; cached (IFS rarely changes). */
function splitIfs(ifs: string): [string, string] {
  if (ifs !== lastIfs) {
    const isWs = (c: string) => c === ' ' || c === '\t' || c === '\n';
    lastIfsSplit = [[...ifs].filter(isWs).join(''), [...ifs].filter((c) => !isWs(c)).join('')];
    lastIfs = ifs;
  }
  return lastIfsSplit;
}

class FieldBuilder {
  fields: Field[] = [];
  private cur: Field | undefined;
  private afterWsDelim = false;
  readonly ifsWs: string;
  readonly ifsOther: string;

  constructor(
    ifs: string | undefined,
    readonly split: boolean,
  ) {
    const [ws, other] = splitIfs(ifs ?? ' \t\n');
    this.ifsWs = ws;
    this.ifsOther = other;
  }

  private field(): Field {
    this.afterWsDelim = false;
    if (!this.cur) this.cur = { text: '', pattern: '', keep: false };
    return this.cur;
  }

  quoted(text: string, keep = true): void {
    const f = this.field();
    f.text += text;
    f.pattern += escapeGlob(text);
    if (keep) f.keep = true;
  }

  literal(text: string): void {
    const f = this.field();
    f.text += text;
    f.pattern += text;
  }

  markKeep(): void {
    this.field().keep = true;
  }

  /** Text from an unquoted expansion: split on IFS, wildcards active. */
  splittable(text: string): void {
    if (!this.split) {
      this.literal(text);
      return;
    }
    let run = '';
    const flushRun = () => {
      if (run) {
        this.literal(run);
        run = '';
      }
    };
    for (const c of text) {
      if (this.ifsWs.includes(c)) {
        flushRun();
        if (this.cur) {
          this.fields.push(this.cur);
          this.cur = undefined;
          this.afterWsDelim = true;
        }
      } else if (this.ifsOther.includes(c)) {
        flushRun();
        if (this.cur) this.fields.push(this.cur);
        else if (!this.afterWsDelim) this.fields.push({ text: '', pattern: '', keep: true });
        this.cur = undefined;
        this.afterWsDelim = false;
      } else {
        run += c;
      }
    }
    flushRun();
  }

  /** Boundary between "$@" elements. */
  breakField(): void {
    if (!this.split) {
      this.quoted(' ', false);
      return;
    }
    const f = this.field();
    f.keep = true;
    this.fields.push(f);
    this.cur = { text: '', pattern: '', keep: true };
  }

  /** Boundary between unquoted $@ elements (an empty element vanishes). */
  softBreak(): void {
    if (!this.split) {
      this.quoted(' ', false);
      return;
    }
    if (this.cur && (this.cur.text !== '' || this.cur.keep)) this.fields.push(this.cur);
    this.cur = undefined;
  }

  finish(): Field[] {
    if (this.cur && (this.cur.text !== '' || this.cur.keep)) this.fields.push(this.cur);
    this.cur = undefined;
    return this.fields;
  }
}

export class Expander {
  constructor(private readonly sh: Interp) {}

  /** A command word to fields (all expansions). */
  async expandWords(words: Word[]): Promise<string[]> {
    const out: string[] = [];
    for (const w of words) {
      // fast path: a single unquoted literal without special characters
      if (w.length === 1 && w[0].type === 'lit' && !/[*?[{~(]/.test(w[0].value)) {
        out.push(w[0].value);
        continue;
      }
      const variants = this.sh.opts.braceexpand && needsBraceExpansion(w) ? braceExpand(w) : [w];
      for (const v of variants) {
        const fb = new FieldBuilder(this.sh.getVar('IFS'), true);
        await this.parts(v, fb, false);
        for (const f of fb.finish()) {
          if (!this.sh.opts.noglob && hasGlobChars(f.pattern)) {
            const matches = expandPathname(f.pattern, this.sh.cwd, {
              skipDots: this.sh.shopts.get('globskipdots') !== false,
            });
            if (matches.length > 0) {
              out.push(...matches);
              continue;
            }
          }
          out.push(f.text);
        }
      }
    }
    return out;
  }

  /** No field splitting or globbing: assignments, redirection targets, here-docs, case words. */
  async expandString(word: Word): Promise<string> {
    if (word.length === 1 && word[0].type === 'lit') return word[0].value;
    const fb = new FieldBuilder(undefined, false);
    await this.parts(word, fb, false);
    return fb
      .finish()
      .map((f) => f.text)
      .join('');
  }

  /** A pattern (case, ${x#p}, [[ == ]]): quoted characters are escaped. */
  async expandPattern(word: Word): Promise<string> {
    const fb = new FieldBuilder(undefined, false);
    await this.parts(word, fb, false);
    return fb
      .finish()
      .map((f) => f.pattern)
      .join('');
  }

  /** A redirection target: like a word, but must expand to one field (bash). */
  async expandRedirTarget(word: Word): Promise<string> {
    const fields = await this.expandWords([word]);
    if (fields.length !== 1) throw new ExpansionError('ambiguous redirect', false);
    return fields[0];
  }

  /** `splitLiterals`: unquoted text of a ${x:-word} is itself subject to field splitting. */
  private async parts(
    parts: WordPart[],
    fb: FieldBuilder,
    quoted: boolean,
    splitLiterals = false,
  ): Promise<void> {
    for (const p of parts) await this.part(p, fb, quoted, splitLiterals);
  }

  private async part(
    p: WordPart,
    fb: FieldBuilder,
    quoted: boolean,
    splitLiterals = false,
  ): Promise<void> {
    switch (p.type) {
      case 'lit':
        if (quoted) fb.quoted(p.value);
        else if (splitLiterals) fb.splittable(p.value);
        else fb.literal(p.value);
        return;
      case 'sq':
        fb.quoted(p.value);
        return;
      case 'dq':
        if (!p.parts.some(isAtExpansion)) fb.markKeep();
        await this.parts(p.parts, fb, true);
        return;
      case 'tilde':
        fb.quoted(this.tilde(p.user), true);
        return;
      case 'param':
        await this.param(p, fb, quoted);
        return;
      case 'procsub':
        fb.quoted(await this.sh.processSubstitution(p.body, p.direction));
        return;
      case 'cmdsub': {
        const text = await this.sh.commandSubstitution(p.body);
        if (quoted) fb.quoted(text);
        else fb.splittable(text);
        return;
      }
      case 'arith': {
        const v = String(await this.arith(p.expr));
        if (quoted) fb.quoted(v);
        else fb.splittable(v);
        return;
      }
    }
  }

  async arith(expr: Word): Promise<bigint> {
    const text = await this.expandString(expr);
    try {
      return evaluateArith(text, this.sh.arithScope);
    } catch (e) {
      if (e instanceof ArithError) throw new ExpansionError(`${text.trim()}: ${e.message}`);
      throw e;
    }
  }

  tilde(user: string): string {
    if (user === '') return this.sh.getVar('HOME') ?? homedir();
    if (user === '+') return this.sh.getVar('PWD') ?? this.sh.cwd;
    if (user === '-') return this.sh.getVar('OLDPWD') ?? `~-`;
    try {
      for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
        const f = line.split(':');
        if (f[0] === user && f[5]) return f[5];
      }
    } catch {
      // no passwd file: leave the word as written
    }
    return `~${user}`;
  }

  /** The values of a parameter: one string, a list ($@, a[@]), or undefined if unset. */
  private lookup(p: ParamPart): Promise<{ list: string[] | undefined; value: string | undefined }> {
    return this.lookupName(p.name, p.index);
  }

  private async lookupName(
    name: string,
    index: Word | undefined,
  ): Promise<{ list: string[] | undefined; value: string | undefined }> {
    if (name === '@' || name === '*') return { list: this.sh.positional.slice(), value: undefined };
    if (index) {
      const sub = await this.expandString(index);
      if (sub === '@' || sub === '*') {
        const arr = this.sh.getArray(name);
        return { list: arr, value: undefined };
      }
      if (this.sh.vars.isAssoc(name))
        return { list: undefined, value: this.sh.vars.getKey(name, sub) };
      const v = this.sh.getVarIndexed(name, await this.indexValue(sub));
      return { list: undefined, value: v };
    }
    return { list: undefined, value: this.sh.getVar(name) };
  }

  private async indexValue(sub: string): Promise<number> {
    try {
      return Number(evaluateArith(sub, this.sh.arithScope));
    } catch (e) {
      if (e instanceof ArithError) throw new ExpansionError(`${sub}: ${e.message}`);
      throw e;
    }
  }

  private isStarList(p: ParamPart): boolean {
    if (p.name === '*') return true;
    if (p.index && p.index.length === 1 && p.index[0].type === 'lit')
      return p.index[0].value === '*';
    return false;
  }

  private async param(p: ParamPart, fb: FieldBuilder, quoted: boolean): Promise<void> {
    if (p.prefix === '!' && (p.op === '@' || p.op === '*') && !p.arg) {
      // ${!prefix@}: names of variables starting with prefix
      const names = [...this.sh.vars.vars.keys()].filter((n) => n.startsWith(p.name)).sort();
      this.emitList(names, fb, quoted, p.op === '*');
      return;
    }
    if (p.prefix === '!' && p.index && isListIndex(p.index)) {
      // ${!a[@]}: the indices of an array
      this.emitList(this.sh.vars.keys(p.name), fb, quoted, this.isStarList(p));
      return;
    }
    let { list, value } = await this.lookup(p);
    if (p.prefix === '!' && !p.index && this.sh.vars.rawEntry(p.name)?.nameref) {
      // ${!ref} on a nameref is the name it refers to
      list = undefined;
      value = this.sh.vars.rawEntry(p.name)?.value;
    } else if (p.prefix === '!') {
      // indirect expansion: the value names the parameter to use
      const target = list ? list.join(' ') : (value ?? '');
      const m = /^([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!-])(?:\[(.*)\])?$/.exec(target);
      if (!m) throw new ExpansionError(`${target}: invalid indirect expansion`, false);
      const idx: Word | undefined = m[2] !== undefined ? [{ type: 'lit', value: m[2] }] : undefined;
      ({ list, value } = await this.lookupName(m[1], idx));
    }
    if (p.prefix === '#') {
      if (list) {
        this.emit(String(list.length), fb, quoted);
        return;
      }
      if (value === undefined) this.checkUnset(p);
      this.emit(String([...(value ?? '')].length), fb, quoted);
      return;
    }
    const isSet = list ? list.length > 0 : value !== undefined;
    const op = p.op;
    if (!op) {
      if (!isSet && !(list && (p.name === '@' || p.name === '*'))) this.checkUnset(p);
      this.emitValue(p, list, value, fb, quoted);
      return;
    }
    const colon = op.startsWith(':') && op.length === 2;
    const base = colon ? op.slice(1) : op;
    const nonEmpty = list ? list.length > 0 && (list.length > 1 || list[0] !== '') : !!value;
    const present = colon ? nonEmpty : isSet;
    switch (base) {
      case '-':
        if (present) this.emitValue(p, list, value, fb, quoted);
        else await this.parts(p.arg ?? [], fb, quoted, true);
        return;
      case '+':
        if (present) await this.parts(p.arg ?? [], fb, quoted, true);
        return;
      case '=': {
        if (present) {
          this.emitValue(p, list, value, fb, quoted);
          return;
        }
        const v = await this.expandString(p.arg ?? []);
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(p.name))
          throw new ExpansionError(`$${p.name}: cannot assign in this way`);
        this.sh.setVar(p.name, v);
        if (quoted) fb.quoted(v);
        else fb.splittable(v);
        return;
      }
      case '?': {
        if (present) {
          this.emitValue(p, list, value, fb, quoted);
          return;
        }
        const msg = await this.expandString(p.arg ?? []);
        throw new ExpansionError(
          `${p.name}: ${msg || (colon ? 'parameter null or not set' : 'parameter not set')}`,
        );
      }
    }
    if (!isSet) this.checkUnset(p);
    if (op === ':') {
      await this.substring(p, list, value ?? '', fb, quoted);
      return;
    }
    const transform = await this.transformer(p);
    if (list) {
      this.emitList(list.map(transform), fb, quoted, this.isStarList(p));
    } else this.emit(transform(value ?? ''), fb, quoted);
  }

  private checkUnset(p: ParamPart): void {
    if (this.sh.opts.nounset && p.name !== '@' && p.name !== '*') {
      const idx = p.index
        ? `[${p.index.map((x) => (x.type === 'lit' ? x.value : '')).join('')}]`
        : '';
      throw new ExpansionError(`${p.name}${idx}: unbound variable`);
    }
  }

  private async transformer(p: ParamPart): Promise<(s: string) => string> {
    const op = p.op!;
    if (op === '#' || op === '##' || op === '%' || op === '%%') {
      const pat = await this.expandPattern(p.arg ?? []);
      return (s) => removeAffix(s, pat, op);
    }
    if (op[0] === '/') {
      const pat = await this.expandPattern(p.arg ?? []);
      const rep = p.arg2 ? await this.expandString(p.arg2) : '';
      return (s) => replacePattern(s, pat, rep, op);
    }
    if (op === '@') {
      // ${x@Q} and friends: transformations of the value
      const which = await this.expandString(p.arg ?? []);
      switch (which) {
        case 'Q':
          return (s) => singleQuote(s);
        case 'U':
          return (s) => s.toUpperCase();
        case 'L':
          return (s) => s.toLowerCase();
        case 'u':
          return (s) => s.charAt(0).toUpperCase() + s.slice(1);
        case 'E':
          return (s) => ansiCUnescape(s);
        case 'A':
          return (s) => `${p.name}=${singleQuote(s)}`;
        case 'a':
          return () => '';
      }
      throw new ExpansionError(`\${${p.name}@${which}}: bad substitution`);
    }
    if (op === '^^') return (s) => s.toUpperCase();
    if (op === ',,') return (s) => s.toLowerCase();
    if (op === '^') return (s) => s.charAt(0).toUpperCase() + s.slice(1);
    if (op === ',') return (s) => s.charAt(0).toLowerCase() + s.slice(1);
    throw new ExpansionError(`\${${p.name}}: bad substitution`);
  }

  private async substring(
    p: ParamPart,
    list: string[] | undefined,
    value: string,
    fb: FieldBuilder,
    quoted: boolean,
  ): Promise<void> {
    const offText = await this.expandString(p.arg ?? []);
    let off = Number(await this.arithText(offText));
    let len: number | undefined;
    if (p.arg2) len = Number(await this.arithText(await this.expandString(p.arg2)));
    if (list) {
      // ${@:o:l} counts $0 as element 0
      const all = p.name === '@' || p.name === '*' ? [this.sh.argv0, ...list] : list;
      if (off < 0) off = Math.max(0, all.length + off);
      if (p.name !== '@' && p.name !== '*' && off > all.length) off = all.length;
      const end = len === undefined ? all.length : len < 0 ? all.length + len : off + len;
      if (len !== undefined && len < 0 && end < off)
        throw new ExpansionError(`${len}: substring expression < 0`);
      const start = p.name === '@' || p.name === '*' ? off : off;
      this.emitList(all.slice(start, end), fb, quoted, this.isStarList(p));
      return;
    }
    const chars = [...value];
    if (off < 0) off = chars.length + off;
    if (off < 0 || off > chars.length) {
      this.emit('', fb, quoted);
      return;
    }
    let end = chars.length;
    if (len !== undefined) {
      end = len < 0 ? chars.length + len : off + len;
      if (end < off) throw new ExpansionError(`${len}: substring expression < 0`);
    }
    this.emit(chars.slice(off, end).join(''), fb, quoted);
  }

  private async arithText(text: string): Promise<bigint> {
    try {
      return evaluateArith(text, this.sh.arithScope);
    } catch (e) {
      if (e instanceof ArithError) throw new ExpansionError(`${text.trim()}: ${e.message}`);
      throw e;
    }
  }

  private emitValue(
    p: ParamPart,
    list: string[] | undefined,
    value: string | undefined,
    fb: FieldBuilder,
    quoted: boolean,
  ): void {
    if (list) this.emitList(list, fb, quoted, this.isStarList(p));
    else this.emit(value ?? '', fb, quoted);
  }

  private emit(text: string, fb: FieldBuilder, quoted: boolean): void {
    if (quoted) fb.quoted(text);
    else fb.splittable(text);
  }

  private emitList(list: string[], fb: FieldBuilder, quoted: boolean, star: boolean): void {
    if (quoted && star) {
      const ifs = this.sh.getVar('IFS');
      const sep = ifs === undefined ? ' ' : ifs.slice(0, 1);
      fb.quoted(list.join(sep));
      return;
    }
    if (!fb.split && star) {
      const ifs = this.sh.getVar('IFS');
      const sep = ifs === undefined ? ' ' : ifs.slice(0, 1);
      fb.literal(list.join(sep));
      return;
    }
    list.forEach((item, i) => {
      if (i > 0) {
        if (quoted) fb.breakField();
        else fb.softBreak();
      }
      if (quoted) fb.quoted(item);
      else fb.splittable(item);
    });
  }
}

function isListIndex(index: Word): boolean {
  return (
    index.length === 1 &&
    index[0].type === 'lit' &&
    (index[0].value === '@' || index[0].value === '*')
  );
}

function isAtExpansion(p: WordPart): boolean {
  if (p.type !== 'param' || p.prefix) return false;
  if (p.name === '@') return !p.op || p.op === ':' || !/^:?[-+=?]$/.test(p.op);
  if (p.index && p.index.length === 1 && p.index[0].type === 'lit' && p.index[0].value === '@')
    return true;
  return false;
}

function removeAffix(s: string, pat: string, op: string): string {
  if (!hasGlobChars(pat)) {
    const lit = pat.replace(/\\(.)/g, '$1');
    if (op[0] === '#') return s.startsWith(lit) ? s.slice(lit.length) : s;
    return s.endsWith(lit) ? s.slice(0, s.length - lit.length) : s;
  }
  const chars = [...s];
  // `#` and `%` take the shortest match, `##` and `%%` the longest
  const lengths = op[0] === '#' ? prefixMatches(pat, chars) : suffixMatches(pat, chars);
  if (lengths.length === 0) return s;
  const len = op.length === 1 ? lengths[0] : lengths[lengths.length - 1];
  return op[0] === '#' ? chars.slice(len).join('') : chars.slice(0, chars.length - len).join('');
}

/** `${x/p/r}` (first), `//` (all), `/#` (at the start), `/%` (at the end): longest matches. */
function replacePattern(s: string, pat: string, rep: string, op: string): string {
  if (pat === '') return s;
  const chars = [...s];
  // bash tries a match at the end of the string only for patterns that begin with `*`
  if (chars.length === 0 && op !== '/%' && pat[0] !== '*') return s;
  if (op === '/#') {
    const lengths = prefixMatches(pat, chars);
    return lengths.length > 0 ? rep + chars.slice(lengths[lengths.length - 1]).join('') : s;
  }
  if (op === '/%') {
    const lengths = suffixMatches(pat, chars);
    return lengths.length > 0
      ? chars.slice(0, chars.length - lengths[lengths.length - 1]).join('') + rep
      : s;
  }
  let out = '';
  // as bash, the end of a non-empty string is no place for a match
  for (let i = 0; i < chars.length || (i === 0 && chars.length === 0); ) {
    const lengths = prefixMatches(pat, chars, i);
    if (lengths.length === 0) {
      out += chars[i++] ?? '';
      continue;
    }
    const len = lengths[lengths.length - 1];
    out += rep;
    if (op !== '//') return out + chars.slice(i + len).join('');
    // an empty match replaces the gap before the next character, which stays
    if (len === 0) out += chars[i] ?? '';
    i += len === 0 ? 1 : len;
  }
  return out;
}
