/**
 * Decodes the bytes a terminal sends in raw mode into key events: UTF-8 text, control keys,
 * and the escape sequences of xterm, VT100/VT220, rxvt and the Linux console for the arrows,
 * Home, End, Delete and friends (several spellings each), plus Alt+key as ESC followed by it.
 */

export type KeyName =
  | 'up'
  | 'down'
  | 'left'
  | 'right'
  | 'home'
  | 'end'
  | 'delete'
  | 'insert'
  | 'pageup'
  | 'pagedown'
  | 'backspace'
  | 'enter'
  | 'tab'
  | 'escape'
  | 'word-left'
  | 'word-right'
  | 'paste-start'
  | 'paste-end'
  /** Not a key: the input stream ended. */
  | 'end-of-input'
  | 'unknown';

export type Key =
  | { kind: 'text'; text: string }
  | { kind: 'ctrl'; letter: string }
  | { kind: 'alt'; text: string }
  | { kind: 'special'; name: KeyName };

/** The final byte (and parameter) of CSI sequences: ESC [ <param> <final>. */
const CSI_FINALS: Record<string, KeyName> = {
  A: 'up',
  B: 'down',
  C: 'right',
  D: 'left',
  H: 'home',
  F: 'end',
};

/** ESC [ <n> ~ sequences (VT220 / xterm / rxvt / Linux console). */
const TILDE_CODES: Record<string, KeyName> = {
  '1': 'home',
  '2': 'insert',
  '3': 'delete',
  '4': 'end',
  '5': 'pageup',
  '6': 'pagedown',
  '7': 'home',
  '8': 'end',
  '200': 'paste-start',
  '201': 'paste-end',
};

/** ESC O <letter> (application cursor mode, as many terminals send in raw mode). */
const SS3_FINALS: Record<string, KeyName> = { ...CSI_FINALS, c: 'word-right', d: 'word-left' };

export class KeyDecoder {
  private pending = Buffer.alloc(0);

  /**
   * Decodes what can be decoded; an incomplete escape sequence or UTF-8 character at the end is
   * kept for the next chunk. `flush()` turns a lone ESC left over into an escape key.
   */
  decode(chunk: Buffer): Key[] {
    const data = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = Buffer.alloc(0);
    const keys: Key[] = [];
    let i = 0;
    while (i < data.length) {
      const consumed = this.decodeOne(data, i, keys);
      if (consumed === 0) {
        this.pending = Buffer.from(data.subarray(i));
        break;
      }
      i += consumed;
    }
    return keys;
  }

  /** Whether a partial sequence waits (the caller may time out and call flush()). */
  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  flush(): Key[] {
    const rest = this.pending;
    this.pending = Buffer.alloc(0);
    if (rest.length === 0) return [];
    const keys: Key[] = [{ kind: 'special', name: 'escape' }];
    if (rest.length > 1) keys.push(...this.decode(rest.subarray(1)));
    return keys;
  }

  /** Decodes one key at `i`; returns the bytes used, or 0 when more bytes are needed. */
  private decodeOne(data: Buffer, i: number, keys: Key[]): number {
    const byte = data[i];
    if (byte === 0x1b) return this.decodeEscape(data, i, keys);
    if (byte === 0x0d || byte === 0x0a) {
      keys.push({ kind: 'special', name: 'enter' });
      return 1;
    }
    if (byte === 0x09) {
      keys.push({ kind: 'special', name: 'tab' });
      return 1;
    }
    if (byte === 0x7f || byte === 0x08) {
      keys.push({ kind: 'special', name: 'backspace' });
      return 1;
    }
    if (byte < 0x20) {
      // Ctrl+A..Ctrl+Z are letters; NUL and 0x1c-0x1f are Ctrl+@, Ctrl+\\, Ctrl+], Ctrl+^, Ctrl+_.
      const letter = byte >= 1 && byte <= 26 ? byte + 0x60 : byte + 0x40;
      keys.push({ kind: 'ctrl', letter: String.fromCharCode(letter) });
      return 1;
    }
    const length = utf8Length(byte);
    if (i + length > data.length) return 0;
    // Consecutive printable characters arrive as one text key (typing fast, pasting).
    let end = i + length;
    while (end < data.length && data[end] >= 0x20 && data[end] !== 0x7f) {
      const next = utf8Length(data[end]);
      if (end + next > data.length) break;
      end += next;
    }
    keys.push({ kind: 'text', text: data.toString('utf8', i, end) });
    return end - i;
  }

  private decodeEscape(data: Buffer, i: number, keys: Key[]): number {
    if (i + 1 >= data.length) return 0;
    const next = data[i + 1];
    if (next === 0x5b /* [ */) {
      // Parameters are digits and ';', then one final byte in @..~.
      let j = i + 2;
      while (j < data.length && ((data[j] >= 0x30 && data[j] <= 0x3f) || data[j] === 0x20)) j++;
      if (j >= data.length) return 0;
      const params = data.toString('latin1', i + 2, j);
      const final = String.fromCharCode(data[j]);
      keys.push({ kind: 'special', name: csiKey(params, final) });
      return j + 1 - i;
    }
    if (next === 0x4f /* O */) {
      if (i + 2 >= data.length) return 0;
      const final = String.fromCharCode(data[i + 2]);
      keys.push({ kind: 'special', name: SS3_FINALS[final] ?? 'unknown' });
      return 3;
    }
    if (next === 0x1b) {
      keys.push({ kind: 'special', name: 'escape' });
      return 1;
    }
    if (next === 0x7f || next === 0x08) {
      keys.push({ kind: 'alt', text: 'backspace' });
      return 2;
    }
    const length = utf8Length(next);
    if (i + 1 + length > data.length) return 0;
    keys.push({ kind: 'alt', text: data.toString('utf8', i + 1, i + 1 + length) });
    return 1 + length;
  }
}

function csiKey(params: string, final: string): KeyName {
  if (final === '~') return TILDE_CODES[params.split(';')[0]] ?? 'unknown';
  const name = CSI_FINALS[final];
  if (!name) return 'unknown';
  // xterm reports modifiers as "1;5" (Ctrl) or "1;3" (Alt): Ctrl/Alt+arrows move by words.
  const modifier = params.split(';')[1];
  if ((modifier === '5' || modifier === '3') && (name === 'left' || name === 'right')) {
    return name === 'left' ? 'word-left' : 'word-right';
  }
  return name;
}

function utf8Length(first: number): number {
  if (first >= 0xf0) return 4;
  if (first >= 0xe0) return 3;
  if (first >= 0xc0) return 2;
  return 1;
}
