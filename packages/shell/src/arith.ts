/**
 * Shell arithmetic: C operators on 64-bit signed integers (BigInt, wrapped with asIntN),
 * variables evaluated recursively, bases 0x, 0NNN and base#digits.
 * Expressions are parsed to a small tree (cached per text) so && || ?: can skip side effects.
 */

export class ArithError extends Error {}

export interface ArithScope {
  get(name: string, index?: bigint): string | undefined;
  set(name: string, value: bigint, index?: bigint): void;
}

type Node =
  | { k: 'num'; v: bigint }
  | { k: 'var'; name: string; index?: Node }
  | { k: 'un'; op: string; e: Node }
  | { k: 'bin'; op: string; l: Node; r: Node }
  | { k: 'assign'; op: string; target: Node & { k: 'var' }; e: Node }
  | { k: 'incdec'; op: '++' | '--'; prefix: boolean; target: Node & { k: 'var' } }
  | { k: 'cond'; c: Node; t: Node; f: Node }
  | { k: 'comma'; l: Node; r: Node };

const wrap = (v: bigint): bigint => BigInt.asIntN(64, v);

const TOKEN_RE =
  /\s*(?:(0[xX][0-9a-fA-F]+|[0-9]+#[0-9a-zA-Z@_]+|[0-9][0-9a-zA-Z@_#]*)|([A-Za-z_][A-Za-z0-9_]*)|(<<=|>>=|\*\*=|\*\*|\+\+|--|<<|>>|<=|>=|==|!=|&&|\|\||\+=|-=|\*=|\/=|%=|&=|\^=|\|=|[-+*/%<>&|^!~?:=(),[\]]))/y;

interface Token {
  t: 'num' | 'name' | 'op';
  v: string;
}

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  TOKEN_RE.lastIndex = 0;
  let pos = 0;
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break;
    TOKEN_RE.lastIndex = pos;
    const m = TOKEN_RE.exec(text);
    if (!m) {
      const rest = text.slice(pos).trim();
      throw new ArithError(`syntax error: invalid arithmetic operator (error token is "${rest}")`);
    }
    pos = TOKEN_RE.lastIndex;
    if (m[1] !== undefined) out.push({ t: 'num', v: m[1] });
    else if (m[2] !== undefined) out.push({ t: 'name', v: m[2] });
    else out.push({ t: 'op', v: m[3] });
  }
  return out;
}

export function parseNumber(text: string): bigint {
  let m = /^0[xX]([0-9a-fA-F]+)$/.exec(text);
  if (m) return wrap(BigInt(`0x${m[1]}`));
  m = /^([0-9]+)#([0-9a-zA-Z@_]+)$/.exec(text);
  if (m) {
    const base = Number(m[1]);
    if (base < 2 || base > 64 || m[1].startsWith('0'))
      throw new ArithError(`invalid arithmetic base (error token is "${text}")`);
    let v = 0n;
    for (const ch of m[2]) {
      let d: number;
      if (ch >= '0' && ch <= '9') d = ch.charCodeAt(0) - 48;
      else if (ch >= 'a' && ch <= 'z') d = ch.charCodeAt(0) - 97 + 10;
      else if (ch >= 'A' && ch <= 'Z')
        d = base <= 36 ? ch.charCodeAt(0) - 65 + 10 : ch.charCodeAt(0) - 65 + 36;
      else if (ch === '@') d = 62;
      else d = 63;
      if (d >= base) throw new ArithError(`value too great for base (error token is "${text}")`);
      v = v * BigInt(base) + BigInt(d);
    }
    return wrap(v);
  }
  if (/^0[0-9]+$/.test(text)) {
    if (!/^0[0-7]+$/.test(text))
      throw new ArithError(`value too great for base (error token is "${text}")`);
    return wrap(BigInt(`0o${text.slice(1)}`));
  }
  if (/^[0-9]+$/.test(text)) return wrap(BigInt(text));
  if (/^0[0-9]+$/.test(text) || /^[0-9]/.test(text))
    throw new ArithError(`value too great for base (error token is "${text}")`);
  throw new ArithError(`syntax error: operand expected (error token is "${text}")`);
}

class ArithParser {
  private i = 0;
  constructor(
    private readonly toks: Token[],
    private readonly text: string,
  ) {}

  parse(): Node {
    if (this.toks.length === 0) return { k: 'num', v: 0n };
    const n = this.comma();
    if (this.i < this.toks.length) {
      const rest = this.toks
        .slice(this.i)
        .map((t) => t.v)
        .join(' ');
      throw new ArithError(`syntax error in expression (error token is "${rest}")`);
    }
    return n;
  }

  private peek(): string | undefined {
    const t = this.toks[this.i];
    return t?.t === 'op' ? t.v : undefined;
  }

  private eat(op: string): boolean {
    if (this.peek() === op) {
      this.i++;
      return true;
    }
    return false;
  }

  private comma(): Node {
    let l = this.assign();
    while (this.eat(',')) l = { k: 'comma', l, r: this.assign() };
    return l;
  }

  private assign(): Node {
    const start = this.i;
    const lhs = this.ternary();
    const op = this.peek();
    if (op && /^(=|\*=|\/=|%=|\+=|-=|<<=|>>=|&=|\^=|\|=|\*\*=)$/.test(op)) {
      if (lhs.k !== 'var') {
        void start;
        throw new ArithError(`attempted assignment to non-variable (error token is "${op}")`);
      }
      this.i++;
      return { k: 'assign', op, target: lhs, e: this.assign() };
    }
    return lhs;
  }

  private ternary(): Node {
    const c = this.binary(0);
    if (this.eat('?')) {
      const t = this.assign();
      if (!this.eat(':'))
        throw new ArithError(`syntax error: \`:' expected for conditional expression`);
      const f = this.assign();
      return { k: 'cond', c, t, f };
    }
    return c;
  }

  private static LEVELS = [
    ['||'],
    ['&&'],
    ['|'],
    ['^'],
    ['&'],
    ['==', '!='],
    ['<', '>', '<=', '>='],
    ['<<', '>>'],
    ['+', '-'],
    ['*', '/', '%'],
  ];

  private binary(level: number): Node {
    if (level >= ArithParser.LEVELS.length) return this.power();
    let l = this.binary(level + 1);
    for (;;) {
      const op = this.peek();
      if (!op || !ArithParser.LEVELS[level].includes(op)) return l;
      this.i++;
      l = { k: 'bin', op, l, r: this.binary(level + 1) };
    }
  }

  private power(): Node {
    const base = this.unary();
    if (this.eat('**')) return { k: 'bin', op: '**', l: base, r: this.power() };
    return base;
  }

  private unary(): Node {
    const op = this.peek();
    if (op === '++' || op === '--') {
      this.i++;
      const target = this.unary();
      if (target.k !== 'var') throw new ArithError(`syntax error: operand expected`);
      return { k: 'incdec', op, prefix: true, target };
    }
    if (op === '!' || op === '~' || op === '-' || op === '+') {
      this.i++;
      return { k: 'un', op, e: this.unary() };
    }
    return this.postfix();
  }

  private postfix(): Node {
    const p = this.primary();
    const op = this.peek();
    if ((op === '++' || op === '--') && p.k === 'var') {
      this.i++;
      return { k: 'incdec', op, prefix: false, target: p };
    }
    return p;
  }

  private primary(): Node {
    const t = this.toks[this.i];
    if (!t)
      throw new ArithError(`syntax error: operand expected (error token is "${this.text.trim()}")`);
    if (t.t === 'num') {
      this.i++;
      return { k: 'num', v: parseNumber(t.v) };
    }
    if (t.t === 'name') {
      this.i++;
      if (this.eat('[')) {
        const index = this.comma();
        if (!this.eat(']')) throw new ArithError(`syntax error: \`]' expected`);
        return { k: 'var', name: t.v, index };
      }
      return { k: 'var', name: t.v };
    }
    if (t.v === '(') {
      this.i++;
      const e = this.comma();
      if (!this.eat(')')) throw new ArithError(`syntax error: \`)' expected`);
      return e;
    }
    const rest = this.toks
      .slice(this.i)
      .map((x) => x.v)
      .join(' ');
    throw new ArithError(`syntax error: operand expected (error token is "${rest}")`);
  }
}

const cache = new Map<string, Node>();

function parse(text: string): Node {
  let n = cache.get(text);
  if (!n) {
    n = new ArithParser(tokenize(text), text).parse();
    if (cache.size > 1000) cache.clear();
    cache.set(text, n);
  }
  return n;
}

export function evaluateArith(text: string, scope: ArithScope, depth = 0): bigint {
  if (depth > 100) throw new ArithError('expression recursion level exceeded');
  return new Evaluator(scope, depth).eval(parse(text));
}

class Evaluator {
  constructor(
    private readonly scope: ArithScope,
    private readonly depth: number,
  ) {}

  private index(n: Node & { k: 'var' }): bigint | undefined {
    return n.index ? this.eval(n.index) : undefined;
  }

  private read(n: Node & { k: 'var' }, idx: bigint | undefined): bigint {
    const raw = this.scope.get(n.name, idx);
    if (raw === undefined || raw.trim() === '') return 0n;
    const s = raw.trim();
    if (/^-?[0-9]+$/.test(s)) return wrap(BigInt(s));
    return evaluateArith(s, this.scope, this.depth + 1);
  }

  eval(n: Node): bigint {
    switch (n.k) {
      case 'num':
        return n.v;
      case 'var':
        return this.read(n, this.index(n));
      case 'un': {
        const v = this.eval(n.e);
        if (n.op === '-') return wrap(-v);
        if (n.op === '+') return v;
        if (n.op === '!') return v === 0n ? 1n : 0n;
        return wrap(~v);
      }
      case 'comma':
        this.eval(n.l);
        return this.eval(n.r);
      case 'cond':
        return this.eval(n.c) !== 0n ? this.eval(n.t) : this.eval(n.f);
      case 'incdec': {
        const idx = this.index(n.target);
        const old = this.read(n.target, idx);
        const nv = wrap(n.op === '++' ? old + 1n : old - 1n);
        this.scope.set(n.target.name, nv, idx);
        return n.prefix ? nv : old;
      }
      case 'assign': {
        const idx = this.index(n.target);
        let v: bigint;
        if (n.op === '=') v = this.eval(n.e);
        else {
          const old = this.read(n.target, idx);
          v = binop(n.op.slice(0, -1), old, this.eval(n.e));
        }
        this.scope.set(n.target.name, v, idx);
        return v;
      }
      case 'bin': {
        if (n.op === '&&') return this.eval(n.l) !== 0n && this.eval(n.r) !== 0n ? 1n : 0n;
        if (n.op === '||') return this.eval(n.l) !== 0n || this.eval(n.r) !== 0n ? 1n : 0n;
        return binop(n.op, this.eval(n.l), this.eval(n.r));
      }
    }
  }
}

function binop(op: string, a: bigint, b: bigint): bigint {
  switch (op) {
    case '+':
      return wrap(a + b);
    case '-':
      return wrap(a - b);
    case '*':
      return wrap(a * b);
    case '/':
    case '%':
      if (b === 0n) throw new ArithError('division by 0');
      if (a === -(2n ** 63n) && b === -1n) return op === '/' ? a : 0n;
      return op === '/' ? a / b : a % b;
    case '**':
      if (b < 0n) throw new ArithError('exponent less than 0');
      return powWrap(a, b);
    case '<<':
      return wrap(a << (b & 63n));
    case '>>':
      return wrap(a >> (b & 63n));
    case '<':
      return a < b ? 1n : 0n;
    case '>':
      return a > b ? 1n : 0n;
    case '<=':
      return a <= b ? 1n : 0n;
    case '>=':
      return a >= b ? 1n : 0n;
    case '==':
      return a === b ? 1n : 0n;
    case '!=':
      return a !== b ? 1n : 0n;
    case '&':
      return a & b;
    case '|':
      return a | b;
    case '^':
      return a ^ b;
  }
  throw new ArithError(`unknown operator ${op}`);
}

function powWrap(a: bigint, b: bigint): bigint {
  let result = 1n;
  let base = a;
  let e = b;
  while (e > 0n) {
    if (e & 1n) result = wrap(result * base);
    base = wrap(base * base);
    e >>= 1n;
  }
  return result;
}
