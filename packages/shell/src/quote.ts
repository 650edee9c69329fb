/** Quoting values for re-input: `set -x` traces, `set`, `export -p`, `alias`, `printf %q`. */

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** bash's style: bare when safe, else single quotes ('\'' for embedded quotes). */
export function quoteForTrace(s: string): string {
  if (s !== '' && SAFE.test(s)) return s;
  if (/[\x00-\x1f\x7f]/.test(s)) return ansiQuote(s);
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Always single-quoted (export -p, alias output). */
export function singleQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** printf %q: backslash-escape special characters. */
export function backslashQuote(s: string): string {
  if (s === '') return "''";
  if (/[\x00-\x1f\x7f]/.test(s)) return ansiQuote(s);
  return s.replace(/[^A-Za-z0-9_@%+=:,./-]/g, '\\$&');
}

function ansiQuote(s: string): string {
  let out = "$'";
  for (const c of s) {
    const code = c.charCodeAt(0);
    if (c === '\n') out += '\\n';
    else if (c === '\t') out += '\\t';
    else if (c === '\r') out += '\\r';
    else if (c === "'") out += "\\'";
    else if (c === '\\') out += '\\\\';
    else if (code < 0x20 || code === 0x7f) out += `\\${code.toString(8).padStart(3, '0')}`;
    else out += c;
  }
  return `${out}'`;
}
