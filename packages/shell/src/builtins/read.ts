/** read: one line (or -d delimiter, -n count) from stdin, split on IFS into variables. */
import { type Interp, InterruptSignal } from '../interp.js';
import { TIMED_OUT } from '../io.js';
import { interruptState } from '../signals.js';
import { fail, isName } from './util.js';

interface Ch {
  c: string;
  escaped: boolean;
}

export async function readBuiltin(sh: Interp, argv: string[]): Promise<number> {
  let raw = false;
  let prompt: string | undefined;
  let arrayName: string | undefined;
  let delim = '\n';
  let count: number | undefined;
  /** read -N: exactly `count` characters, delimiters and IFS not special. */
  let exact = false;
  let timeout: number | undefined;
  let fdNum = 0;
  let i = 1;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    for (let j = 1; j < a.length; j++) {
      const o = a[j];
      const takeArg = (): string | undefined => {
        const rest = a.slice(j + 1);
        j = a.length;
        if (rest) return rest;
        return argv[++i];
      };
      if (o === 'r') raw = true;
      else if (o === 's') {
        // silent: only meaningful on a terminal
      } else if (o === 'p') prompt = takeArg();
      else if (o === 'a') arrayName = takeArg();
      else if (o === 'd') delim = takeArg() ?? '';
      else if (o === 'n' || o === 'N') {
        count = Number(takeArg());
        exact = o === 'N';
      } else if (o === 'u') fdNum = Number(takeArg());
      else if (o === 't') {
        const spec = takeArg() ?? '';
        if (!/^(\d+\.?\d*|\.\d+)$/.test(spec))
          return fail(sh, 'read', `${spec}: invalid timeout specification`);
        timeout = Number(spec);
      } else return fail(sh, 'read', `-${o}: invalid option`, 2);
    }
  }
  const names = argv.slice(i);
  for (const n of names) if (!isName(n)) return fail(sh, 'read', `\`${n}': not a valid identifier`);
  const fd = sh.io.get(fdNum);
  if (!fd) return fail(sh, 'read', `${fdNum}: invalid file descriptor: Bad file descriptor`);
  if (prompt !== undefined && fd.isTTY()) sh.writeErr(prompt);
  // -t 0 only asks whether input is waiting; a file or end of input counts, as in bash
  if (timeout === 0) return (await fd.hasInput()) ? 0 : 1;
  const deadline = timeout === undefined ? undefined : Date.now() + timeout * 1000;
  let timedOut = false;

  const chars: Ch[] = [];
  let eof = false;
  const delimCode = delim === '' ? 0 : delim.charCodeAt(0);
  const bytes: number[] = [];
  let pendingEscape = false;
  // Ctrl+C in an interactive shell ends a read of the terminal and the command line.
  const interrupt = sh.opts.interactive ? interruptState.controller.signal : undefined;
  for (;;) {
    if (count !== undefined && chars.length >= count) break;
    const b =
      deadline === undefined ? await fd.nextByte(interrupt) : await fd.nextByteBefore(deadline);
    if (b === TIMED_OUT) {
      timedOut = true;
      break;
    }
    if (b === null) {
      if (interruptState.pending) throw new InterruptSignal();
      eof = true;
      break;
    }
    bytes.push(b);
    // decode UTF-8 sequences as they complete
    const text = decodeComplete(bytes);
    if (text === undefined) continue;
    bytes.length = 0;
    if (pendingEscape) {
      pendingEscape = false;
      if (text !== '\n') chars.push({ c: text, escaped: true });
      continue;
    }
    if (!raw && text === '\\') {
      pendingEscape = true;
      continue;
    }
    if (!exact && text.charCodeAt(0) === delimCode && text.length === 1) break;
    chars.push({ c: text, escaped: false });
  }
  const text = chars.map((x) => x.c).join('');
  if (exact) {
    // -N assigns the characters as read, without IFS splitting
    if (arrayName) sh.vars.setArray(arrayName, [text]);
    else if (names.length === 0) sh.setVar('REPLY', text);
    for (const [k, n] of names.entries()) sh.setVar(n, k === 0 ? text : '');
  } else if (arrayName) {
    const fields = splitFields(sh, chars, Number.POSITIVE_INFINITY);
    sh.vars.setArray(arrayName, fields);
  } else if (names.length === 0) {
    sh.setVar('REPLY', text);
  } else {
    const fields = splitFields(sh, chars, names.length);
    names.forEach((n, k) => {
      sh.setVar(n, fields[k] ?? '');
    });
  }
  // a timeout is reported as bash's SIGALRM status
  if (timedOut) return 128 + 14;
  return eof ? 1 : 0;
}

function decodeComplete(bytes: number[]): string | undefined {
  const first = bytes[0];
  const need = first < 0x80 ? 1 : first >= 0xf0 ? 4 : first >= 0xe0 ? 3 : first >= 0xc0 ? 2 : 1;
  if (bytes.length < need) return undefined;
  return Buffer.from(bytes).toString();
}

function splitFields(sh: Interp, chars: Ch[], max: number): string[] {
  const ifs = sh.getVar('IFS') ?? ' \t\n';
  const isWs = (ch: Ch) =>
    !ch.escaped && (ch.c === ' ' || ch.c === '\t' || ch.c === '\n') && ifs.includes(ch.c);
  const isOther = (ch: Ch) => !ch.escaped && ifs.includes(ch.c) && !isWs(ch);
  const fields: string[] = [];
  let i = 0;
  const n = chars.length;
  while (i < n && isWs(chars[i])) i++;
  while (i < n) {
    if (fields.length === max - 1) {
      // the last variable takes the rest, minus trailing IFS whitespace
      let end = n;
      while (end > i && isWs(chars[end - 1])) end--;
      fields.push(
        chars
          .slice(i, end)
          .map((x) => x.c)
          .join(''),
      );
      return fields;
    }
    let field = '';
    while (i < n && !isWs(chars[i]) && !isOther(chars[i])) field += chars[i++].c;
    fields.push(field);
    while (i < n && isWs(chars[i])) i++;
    if (i < n && isOther(chars[i])) {
      i++;
      while (i < n && isWs(chars[i])) i++;
    }
  }
  return fields;
}
