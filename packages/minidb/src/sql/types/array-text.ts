import { SqlError } from '../../engine/errors.js';

/** Array text form: {1,2,NULL} with double quotes around elements that need them. */
export function formatArray(values: unknown[], formatElement: (v: unknown) => string): string {
  const parts = values.map((v) => {
    if (v === null) return 'NULL';
    if (Array.isArray(v)) return formatArray(v, formatElement);
    const s = formatElement(v);
    if (s === '' || /[{},"\\\s]/.test(s) || s.toUpperCase() === 'NULL')
      return `"${s.replace(/(["\\])/g, '\\$1')}"`;
    return s;
  });
  return `{${parts.join(',')}}`;
}

export function parseArray(text: string, parseElement: (s: string) => unknown): unknown[] {
  const s = text.trim();
  let i = 0;
  const fail = () => new SqlError('22P02', `malformed array literal: "${text}"`);
  const parseLevel = (): unknown[] => {
    if (s[i] !== '{') throw fail();
    i++;
    const out: unknown[] = [];
    if (s[i] === '}') {
      i++;
      return out;
    }
    for (;;) {
      while (s[i] === ' ') i++;
      if (s[i] === '{') out.push(parseLevel());
      else if (s[i] === '"') {
        let v = '';
        i++;
        while (i < s.length && s[i] !== '"') {
          if (s[i] === '\\') i++;
          v += s[i++];
        }
        if (s[i] !== '"') throw fail();
        i++;
        out.push(parseElement(v));
      } else {
        const start = i;
        while (i < s.length && s[i] !== ',' && s[i] !== '}') i++;
        const raw = s.slice(start, i).trim();
        if (raw === '') throw fail();
        out.push(raw.toUpperCase() === 'NULL' ? null : parseElement(raw));
      }
      while (s[i] === ' ') i++;
      if (s[i] === ',') {
        i++;
        continue;
      }
      if (s[i] === '}') {
        i++;
        return out;
      }
      throw fail();
    }
  };
  const result = parseLevel();
  if (i !== s.length) throw fail();
  return result;
}
