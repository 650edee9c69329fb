/**
 * Shell patterns (`* ? [...]` and the extglob groups `?() *() +() @() !()`) for case,
 * [[ == ]], ${x#p} ${x/p/r} and pathname expansion. A pattern is a string in which a backslash
 * quotes the next character (the expander escapes quoted text this way), so a quoted `*`
 * never acts as a wildcard.
 *
 * Matching never backtracks: a pattern compiles to a sequence of runs of single-character
 * steps and stars, simulated as a set of states over the subject (O(subject x pattern)), and
 * extglob groups, evaluated on sets of positions. `a*a*a*...b` against a long string costs
 * what one pass costs, where a backtracking regex takes time exponential in the stars
 * (the class of bug Redis fixed as CVE-2022-36021). Subjects are read as code points.
 */

const CLASSES: Record<string, string> = {
  alpha: 'a-zA-Z',
  digit: '0-9',
  alnum: '0-9a-zA-Z',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  print: ' -~',
  graph: '!-~',
  cntrl: '\\x00-\\x1f\\x7f',
  xdigit: '0-9a-fA-F',
  word: '0-9a-zA-Z_',
};

const escapeClass = (c: string): string => c.replace(/[\]\\^[-]/g, '\\$&');

/** True if the pattern has an unquoted wildcard. */
export function hasGlobChars(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '*' || c === '?') return true;
    else if ((c === '+' || c === '@' || c === '!') && groupAt(pattern, i)) return true;
    else if (c === '[' && bracketEnd(pattern, i) > 0) return true;
  }
  return false;
}

/** True when an extglob group `X(...)` starts at i. */
const groupAt = (p: string, i: number): boolean => p[i + 1] === '(' && extEnd(p, i + 1) > 0;

/** Index of the `)` closing an extglob group whose `(` is at `open`, or -1. */
function extEnd(p: string, open: number): number {
  let depth = 0;
  for (let i = open; i < p.length; i++) {
    if (p[i] === '\\') i++;
    else if (p[i] === '(') depth++;
    else if (p[i] === ')' && --depth === 0) return i;
  }
  return -1;
}

/** Splits an extglob body on top-level `|`. */
function alternatives(body: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\') {
      cur += c + (body[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === '|' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** Index of the `]` closing a bracket expression opened at `start`, or -1. */
function bracketEnd(p: string, start: number): number {
  let i = start + 1;
  if (p[i] === '!' || p[i] === '^') i++;
  if (p[i] === ']') i++;
  for (; i < p.length; i++) {
    if (p[i] === '\\') i++;
    else if (p[i] === '[' && p[i + 1] === ':') {
      const close = p.indexOf(':]', i + 2);
      if (close > 0) i = close + 1;
    } else if (p[i] === ']') return i;
  }
  return -1;
}

/** A bracket expression as a one-character regex class (a class cannot backtrack). */
function bracketToRegex(body: string): RegExp {
  let neg = false;
  let i = 0;
  if (body[0] === '!' || body[0] === '^') {
    neg = true;
    i = 1;
  }
  let out = '';
  for (; i < body.length; i++) {
    const c = body[i];
    if (c === '[' && body[i + 1] === ':') {
      const close = body.indexOf(':]', i + 2);
      if (close > 0) {
        out += CLASSES[body.slice(i + 2, close)] ?? '';
        i = close + 1;
        continue;
      }
    }
    if (c === '\\' && i + 1 < body.length) {
      out += escapeClass(body[++i]);
      continue;
    }
    if (c === '-' && out !== '' && i + 1 < body.length) {
      out += '-';
      continue;
    }
    out += escapeClass(c);
  }
  return new RegExp(`^[${neg ? '^' : ''}${out}]$`, 'u');
}

/** Removes the backslash quoting of a pattern (used when a glob matches nothing). */
export function unescapePattern(p: string): string {
  let out = '';
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '\\' && i + 1 < p.length) i++;
    out += p[i];
  }
  return out;
}

/** One single-character step or a star. */
type Step = { t: 'char'; c: string } | { t: 'any' } | { t: 'star' } | { t: 'set'; re: RegExp };
/** Consecutive steps, simulated together; or an extglob group over alternative sequences. */
type Segment = { t: 'run'; steps: Step[] } | { t: 'group'; op: string; alts: Sequence[] };
type Sequence = Segment[];

function parse(p: string): Sequence {
  const seq: Sequence = [];
  let steps: Step[] = [];
  const flush = (): void => {
    if (steps.length > 0) seq.push({ t: 'run', steps });
    steps = [];
  };
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if ('?*+@!'.includes(c) && p[i + 1] === '(') {
      const end = extEnd(p, i + 1);
      if (end > 0) {
        flush();
        seq.push({ t: 'group', op: c, alts: alternatives(p.slice(i + 2, end)).map(parse) });
        i = end;
        continue;
      }
    }
    if (c === '\\' && i + 1 < p.length) {
      const cp = String.fromCodePoint(p.codePointAt(++i) ?? 0);
      steps.push({ t: 'char', c: cp });
      i += cp.length - 1;
    } else if (c === '*') {
      // a run of stars is one star
      if (steps[steps.length - 1]?.t !== 'star') steps.push({ t: 'star' });
    } else if (c === '?') steps.push({ t: 'any' });
    else if (c === '[' && bracketEnd(p, i) > 0) {
      const end = bracketEnd(p, i);
      steps.push({ t: 'set', re: bracketToRegex(p.slice(i + 1, end)) });
      i = end;
    } else {
      const cp = String.fromCodePoint(p.codePointAt(i) ?? 0);
      steps.push({ t: 'char', c: cp });
      i += cp.length - 1;
    }
  }
  flush();
  return seq;
}

/** The same language read backwards: suffix matching is prefix matching of the reversal. */
function reverse(seq: Sequence): Sequence {
  return seq
    .map(
      (s): Segment =>
        s.t === 'run'
          ? { t: 'run', steps: [...s.steps].reverse() }
          : { ...s, alts: s.alts.map(reverse) },
    )
    .reverse();
}

/** Positions are sorted, duplicate-free index lists into the subject's code points. */
type Positions = number[];

/** Where `steps` can end when started at any of `starts`: one pass over the subject. */
function runEnds(steps: Step[], starts: Positions, chars: string[]): Positions {
  const m = steps.length;
  const n = chars.length;
  const out: Positions = [];
  const mark = new Int32Array(m + 1).fill(-1);
  let cur: number[] = [];
  let next: number[] = [];
  let stamp = 0;
  const add = (list: number[], k: number): void => {
    for (;;) {
      if (mark[k] === stamp) return;
      mark[k] = stamp;
      list.push(k);
      if (k < m && steps[k].t === 'star') k++;
      else return;
    }
  };
  let si = 0;
  for (let pos = starts[0] ?? n + 1; pos <= n; pos++) {
    if (cur.length === 0 && si < starts.length && starts[si] > pos) pos = starts[si];
    if (si < starts.length && starts[si] === pos) {
      add(cur, 0);
      si++;
    }
    if (cur.length === 0) {
      if (si >= starts.length) break;
      continue;
    }
    if (mark[m] === stamp) out.push(pos);
    if (pos === n) break;
    const ch = chars[pos];
    stamp++;
    for (const k of cur) {
      if (k === m) continue;
      const s = steps[k];
      if (s.t === 'star') add(next, k);
      else if (s.t === 'any' || (s.t === 'char' ? s.c === ch : s.re.test(ch))) add(next, k + 1);
    }
    [cur, next] = [next, cur];
    next.length = 0;
  }
  return out;
}

function union(a: Positions, b: Positions): Positions {
  const out: Positions = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i++] : b[j++];
    if (out[out.length - 1] !== x) out.push(x);
  }
  return out;
}

function altEnds(alts: Sequence[], starts: Positions, chars: string[]): Positions {
  let out: Positions = [];
  for (const alt of alts) out = union(out, sequenceEnds(alt, starts, chars));
  return out;
}

/** Repeats the alternatives from `from` until no new position appears (at most n+1 rounds). */
function closure(alts: Sequence[], from: Positions, chars: string[]): Positions {
  let reached = from;
  let frontier = from;
  while (frontier.length > 0) {
    const seen = new Set(reached);
    frontier = altEnds(alts, frontier, chars).filter((e) => !seen.has(e));
    reached = union(reached, frontier);
  }
  return reached;
}

function groupEnds(op: string, alts: Sequence[], starts: Positions, chars: string[]): Positions {
  switch (op) {
    case '@':
      return altEnds(alts, starts, chars);
    case '?':
      return union(starts, altEnds(alts, starts, chars));
    case '*':
      return closure(alts, starts, chars);
    case '+':
      return closure(alts, altEnds(alts, starts, chars), chars);
    default: {
      // !(alts): any stretch from a start that no alternative matches exactly
      const hit = new Uint8Array(chars.length + 1);
      for (const p of starts) {
        const matched = new Set(altEnds(alts, [p], chars));
        for (let e = p; e <= chars.length; e++) if (!matched.has(e)) hit[e] = 1;
      }
      const out: Positions = [];
      for (let e = 0; e <= chars.length; e++) if (hit[e]) out.push(e);
      return out;
    }
  }
}

function sequenceEnds(seq: Sequence, starts: Positions, chars: string[]): Positions {
  let cur = starts;
  for (const seg of seq) {
    if (cur.length === 0) return cur;
    cur =
      seg.t === 'run' ? runEnds(seg.steps, cur, chars) : groupEnds(seg.op, seg.alts, cur, chars);
  }
  return cur;
}

interface Compiled {
  forward: Sequence;
  backward?: Sequence;
}

const cache = new Map<string, Compiled>();

function compile(p: string): Compiled {
  let c = cache.get(p);
  if (!c) {
    c = { forward: parse(p) };
    if (cache.size > 500) cache.clear();
    cache.set(p, c);
  }
  return c;
}

/** Whether the whole of `s` matches the pattern. */
export function matchPattern(p: string, s: string): boolean {
  if (!hasGlobChars(p)) return unescapePattern(p) === s;
  const chars = [...s];
  const ends = sequenceEnds(compile(p).forward, [0], chars);
  return ends[ends.length - 1] === chars.length;
}

/** The lengths (in code points) of the prefixes of `chars` from `start` that match. */
export function prefixMatches(p: string, chars: string[], start = 0): Positions {
  return sequenceEnds(compile(p).forward, [start], chars).map((e) => e - start);
}

/** The lengths (in code points) of the suffixes of `chars` that match, ascending. */
export function suffixMatches(p: string, chars: string[]): Positions {
  const c = compile(p);
  c.backward ??= reverse(c.forward);
  return sequenceEnds(c.backward, [0], [...chars].reverse());
}
