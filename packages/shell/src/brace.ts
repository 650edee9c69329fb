/** Brace expansion (`{a,b}`, `{1..5}`, `{a..e..2}`) on unquoted literal text of a word. */
import type { Word, WordPart } from './ast.js';

/** A word flattened into unquoted characters and opaque parts. */
type Item = string | WordPart;

export function needsBraceExpansion(word: Word): boolean {
  return word.some((p) => p.type === 'lit' && p.value.includes('{'));
}

export function braceExpand(word: Word): Word[] {
  const items: Item[] = [];
  for (const p of word) {
    if (p.type === 'lit') for (const c of p.value) items.push(c);
    else items.push(p);
  }
  return expandItems(items).map(toWord);
}

function toWord(items: Item[]): Word {
  const out: Word = [];
  let lit = '';
  for (const it of items) {
    if (typeof it === 'string') lit += it;
    else {
      if (lit) out.push({ type: 'lit', value: lit });
      lit = '';
      out.push(it);
    }
  }
  if (lit) out.push({ type: 'lit', value: lit });
  return out;
}

function expandItems(items: Item[]): Item[][] {
  for (let open = 0; open < items.length; open++) {
    if (items[open] !== '{') continue;
    // find the matching close brace and top-level commas
    let depth = 0;
    const commas: number[] = [];
    let close = -1;
    for (let i = open + 1; i < items.length; i++) {
      const c = items[i];
      if (c === '{') depth++;
      else if (c === '}') {
        if (depth === 0) {
          close = i;
          break;
        }
        depth--;
      } else if (c === ',' && depth === 0) commas.push(i);
    }
    if (close < 0) return [items];
    const prefix = items.slice(0, open);
    const suffix = items.slice(close + 1);
    let alternatives: Item[][] | undefined;
    if (commas.length > 0) {
      alternatives = [];
      let start = open + 1;
      for (const c of [...commas, close]) {
        alternatives.push(items.slice(start, c));
        start = c + 1;
      }
    } else {
      const inner = items.slice(open + 1, close);
      if (inner.every((x) => typeof x === 'string')) {
        const seq = sequence(inner.join(''));
        if (seq) alternatives = seq.map((s) => [...s]);
      }
    }
    if (!alternatives) continue;
    const out: Item[][] = [];
    for (const alt of alternatives) {
      for (const expanded of expandItems([...prefix, ...alt, ...suffix])) out.push(expanded);
    }
    return out;
  }
  return [items];
}

function sequence(text: string): string[] | undefined {
  let m = /^(-?\d+)\.\.(-?\d+)(?:\.\.(-?\d+))?$/.exec(text);
  if (m) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    let step = Math.abs(Number(m[3] ?? 1)) || 1;
    const width =
      /^-?0\d/.test(m[1]) || /^-?0\d/.test(m[2]) ? Math.max(m[1].length, m[2].length) : 0;
    if (a > b) step = -step;
    const out: string[] = [];
    for (let v = a; step > 0 ? v <= b : v >= b; v += step) {
      const s = String(Math.abs(v)).padStart(width - (v < 0 ? 1 : 0), '0');
      out.push(v < 0 ? `-${s}` : s);
      if (out.length > 1_000_000) break;
    }
    return out;
  }
  m = /^([a-zA-Z])\.\.([a-zA-Z])(?:\.\.(-?\d+))?$/.exec(text);
  if (m) {
    const a = m[1].charCodeAt(0);
    const b = m[2].charCodeAt(0);
    let step = Math.abs(Number(m[3] ?? 1)) || 1;
    if (a > b) step = -step;
    const out: string[] = [];
    for (let v = a; step > 0 ? v <= b : v >= b; v += step) out.push(String.fromCharCode(v));
    return out;
  }
  return undefined;
}
