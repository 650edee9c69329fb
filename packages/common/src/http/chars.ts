/**
 * Byte classes of RFC 9110/9112 as 256-entry tables, so the hot loops test one array read per
 * byte instead of a chain of comparisons.
 */
function table(accept: (byte: number) => boolean): Uint8Array {
  const t = new Uint8Array(256);
  for (let b = 0; b < 256; b++) t[b] = accept(b) ? 1 : 0;
  return t;
}

const TCHAR_SYMBOLS = "!#$%&'*+-.^_`|~";

/** tchar (RFC 9110 §5.6.2): method names, field names, transfer-coding names. */
export const TOKEN = table(
  (b) =>
    (b >= 0x30 && b <= 0x39) ||
    (b >= 0x41 && b <= 0x5a) ||
    (b >= 0x61 && b <= 0x7a) ||
    TCHAR_SYMBOLS.includes(String.fromCharCode(b)),
);

/** field-vchar, SP and HTAB (RFC 9110 §5.5): everything but NUL, CR, LF and other controls. */
export const FIELD_VALUE = table((b) => b === 0x09 || (b >= 0x20 && b !== 0x7f));

/** Bytes allowed in a request-target: visible ASCII only (URIs are ASCII, RFC 3986 §2). */
export const TARGET = table((b) => b > 0x20 && b < 0x7f);

export const HEX_VALUE = (() => {
  const t = new Int8Array(256).fill(-1);
  for (let d = 0; d < 10; d++) t[0x30 + d] = d;
  for (let d = 0; d < 6; d++) {
    t[0x41 + d] = 10 + d;
    t[0x61 + d] = 10 + d;
  }
  return t;
})();

export const CR = 0x0d;
export const LF = 0x0a;
export const SP = 0x20;
export const HTAB = 0x09;
export const COLON = 0x3a;
