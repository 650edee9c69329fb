/** Backslash escapes shared by $'...', `echo -e` and printf. */

const SIMPLE: Record<string, string> = {
  a: '\x07',
  b: '\b',
  e: '\x1b',
  E: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '?': '?',
};

export interface EscapeResult {
  text: string;
  /** The output as bytes: \xHH and octal escapes are raw bytes, other text is UTF-8. */
  bytes: Buffer;
  /** `\c` seen: echo -e and printf %b stop output there. */
  stop: boolean;
}

/**
 * Interprets backslash escapes. `octalNeedsZero`: echo -e and printf %b spell octal as \0nnn,
 * $'...' and printf's format as \nnn.
 */
export function interpretEscapes(s: string, mode: 'ansi' | 'echo' | 'printf'): EscapeResult {
  let out = '';
  const chunks: Buffer[] = [];
  const rawByte = (b: number) => {
    chunks.push(Buffer.from(out), Buffer.from([b]));
    out = '';
  };
  const result = (stop: boolean): EscapeResult => {
    chunks.push(Buffer.from(out));
    const bytes = Buffer.concat(chunks);
    return { text: bytes.toString(), bytes, stop };
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== '\\' || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const n = s[++i];
    if (n in SIMPLE && !(mode === 'echo' && (n === "'" || n === '"' || n === '?'))) {
      out += SIMPLE[n];
    } else if (n === 'c') {
      if (mode === 'ansi') {
        const ch = s[i + 1];
        if (ch !== undefined) {
          out += String.fromCharCode(ch.charCodeAt(0) & 0x1f);
          i++;
        }
      } else return result(true);
    } else if (n === 'x') {
      const m = /^[0-9a-fA-F]{1,2}/.exec(s.slice(i + 1));
      if (m) {
        rawByte(Number.parseInt(m[0], 16));
        i += m[0].length;
      } else out += '\\x';
    } else if (n === 'u' || n === 'U') {
      const m = (n === 'u' ? /^[0-9a-fA-F]{1,4}/ : /^[0-9a-fA-F]{1,8}/).exec(s.slice(i + 1));
      if (m) {
        out += String.fromCodePoint(Number.parseInt(m[0], 16));
        i += m[0].length;
      } else out += `\\${n}`;
    } else if (mode === 'echo' && n === '0') {
      const m = /^[0-7]{0,3}/.exec(s.slice(i + 1));
      rawByte(Number.parseInt(m?.[0] || '0', 8) & 0xff);
      i += m?.[0].length ?? 0;
    } else if (mode !== 'echo' && /[0-7]/.test(n)) {
      const m = /^[0-7]{1,3}/.exec(s.slice(i))!;
      rawByte(Number.parseInt(m[0], 8) & 0xff);
      i += m[0].length - 1;
    } else {
      out += `\\${n}`;
    }
  }
  return result(false);
}

export function ansiCUnescape(s: string): string {
  return interpretEscapes(s, 'ansi').text;
}
