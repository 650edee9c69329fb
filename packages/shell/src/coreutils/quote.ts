/**
 * File name quoting as GNU coreutils prints it (gnulib's shell-escape quoting styles): names
 * that a shell would misread are put in single quotes, control bytes become $'\n' / $'\ooo'
 * segments. In messages GNU always quotes (`cannot access 'x'`); `cat` and ls on a terminal
 * quote only when needed.
 */

const ALWAYS_SPECIAL = new Set(' !"$&\'()*;<=>?[\\^`|\t');
const SPECIAL_AT_START = new Set('#~');
const C_ESCAPES: Record<number, string> = {
  7: 'a',
  8: 'b',
  9: 't',
  10: 'n',
  11: 'v',
  12: 'f',
  13: 'r',
};

/** Whether a character is printed as is (in a UTF-8 locale, non-ASCII printable ones too). */
function isPrintable(char: string, utf8: boolean): boolean {
  const code = char.codePointAt(0)!;
  if (code < 0x20 || code === 0x7f) return false;
  if (code < 0x80) return true;
  return utf8 && code !== 0xfffd && !(code >= 0x80 && code < 0xa0);
}

function needsQuoting(name: string, utf8: boolean): boolean {
  if (name === '') return true;
  if (SPECIAL_AT_START.has(name[0])) return true;
  for (const char of name) {
    if (ALWAYS_SPECIAL.has(char) || !isPrintable(char, utf8)) return true;
  }
  return false;
}

function escapeBytes(char: string): string {
  let out = '';
  for (const byte of Buffer.from(char)) {
    out += C_ESCAPES[byte] ? `\\${C_ESCAPES[byte]}` : `\\${byte.toString(8).padStart(3, '0')}`;
  }
  return out;
}

/** Quote for a shell: `'a b'`, `"it's"`, `'new'$'\n''line'`. */
export function shellQuote(
  name: string,
  options: { always?: boolean; utf8?: boolean } = {},
): string {
  const utf8 = options.utf8 ?? false;
  if (!options.always && !needsQuoting(name, utf8)) return name;
  const chars = [...name];
  const allPrintable = chars.every((c) => isPrintable(c, utf8));
  if (allPrintable && name.includes("'") && !/[$`\\"!]/.test(name)) return `"${name}"`;
  let out = "'";
  let inQuote = true;
  let inEscape = false;
  for (const char of chars) {
    if (!isPrintable(char, utf8)) {
      if (inQuote) out += "'";
      if (!inEscape) out += "$'";
      out += escapeBytes(char);
      inQuote = false;
      inEscape = true;
      continue;
    }
    if (inEscape) out += "'";
    inEscape = false;
    if (!inQuote) out += "'";
    inQuote = true;
    out += char === "'" ? "'\\''" : char;
  }
  if (inEscape || inQuote) out += "'";
  return out;
}

/** How GNU's quote() renders a name in a diagnostic: always quoted. */
export function quote(name: string): string {
  return shellQuote(name, { always: true });
}

/** Whether the environment selects a UTF-8 locale (LC_ALL, then LC_CTYPE, then LANG). */
export function isUtf8Locale(env: Readonly<Record<string, string>>): boolean {
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  return /utf-?8/i.test(locale);
}
