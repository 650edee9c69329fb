/** printf: the format is reused until the arguments are consumed; -v assigns instead. */
import { interpretEscapes } from '../ansi-c.js';
import type { Interp } from '../interp.js';
import { backslashQuote } from '../quote.js';
import { fail, isName, out } from './util.js';

const SPEC_RE = /%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?([diouxXfFeEgGsbcq%])/y;

export async function printfBuiltin(sh: Interp, argv: string[]): Promise<number> {
  let i = 1;
  let varName: string | undefined;
  if (argv[i] === '-v') {
    varName = argv[i + 1];
    if (varName === undefined || !isName(varName))
      return fail(sh, 'printf', `\`${varName}': not a valid identifier`, 2);
    i += 2;
  }
  if (argv[i] === '--') i++;
  const format = argv[i];
  if (format === undefined)
    return fail(sh, 'printf', 'usage: printf [-v var] format [arguments]', 2);
  const args = argv.slice(i + 1);
  const state = { status: 0 };
  const chunks: Buffer[] = [];
  let consumed = 0;
  do {
    const before = consumed;
    const r = formatOnce(sh, format, args, consumed, state);
    chunks.push(r.bytes);
    consumed = r.consumed;
    if (r.stop || consumed === before) break;
  } while (consumed < args.length);
  const data = Buffer.concat(chunks);
  if (varName) sh.setVar(varName, data.toString());
  else await out(sh, data);
  return state.status;
}

function formatOnce(
  sh: Interp,
  format: string,
  args: string[],
  start: number,
  state: { status: number },
): { bytes: Buffer; consumed: number; stop: boolean } {
  const chunks: Buffer[] = [];
  let k = start;
  const next = (): string | undefined => (k < args.length ? args[k++] : undefined);
  let lit = '';
  const flushLit = () => {
    if (lit) {
      const r = interpretEscapes(lit, 'printf');
      chunks.push(r.bytes);
      lit = '';
      return r.stop;
    }
    return false;
  };
  for (let i = 0; i < format.length; ) {
    const c = format[i];
    if (c === '\\') {
      lit += format.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (c !== '%') {
      lit += c;
      i++;
      continue;
    }
    SPEC_RE.lastIndex = i;
    const m = SPEC_RE.exec(format);
    if (!m) {
      if (flushLit()) return { bytes: Buffer.concat(chunks), consumed: k, stop: true };
      fail(sh, 'printf', `\`${format[i + 1] ?? ''}': invalid format character`);
      state.status = 1;
      return { bytes: Buffer.concat(chunks), consumed: k, stop: true };
    }
    i = SPEC_RE.lastIndex;
    if (flushLit()) return { bytes: Buffer.concat(chunks), consumed: k, stop: true };
    const [, flags, widthSpec, precSpec, conv] = m;
    if (conv === '%') {
      if (m[0] !== '%%') {
        // bash accepts only a bare %%
        fail(sh, 'printf', "`%': invalid format character");
        state.status = 1;
        return { bytes: Buffer.concat(chunks), consumed: k, stop: true };
      }
      chunks.push(Buffer.from('%'));
      continue;
    }
    let width =
      widthSpec === '*'
        ? Number(toInt(sh, next(), state))
        : widthSpec
          ? Number(widthSpec)
          : undefined;
    let leftAlign = flags.includes('-');
    if (width !== undefined && width < 0) {
      leftAlign = true;
      width = -width;
    }
    const precision =
      precSpec === undefined
        ? undefined
        : precSpec === '*'
          ? Number(toInt(sh, next(), state))
          : Number(precSpec || 0);
    const arg = next();
    let body: string | Buffer;
    switch (conv) {
      case 's':
        body = arg ?? '';
        if (precision !== undefined) body = body.slice(0, precision);
        break;
      case 'q':
        body = backslashQuote(arg ?? '');
        break;
      case 'b': {
        const r = interpretEscapes(arg ?? '', 'echo');
        body = r.bytes;
        if (precision !== undefined) body = body.subarray(0, precision);
        if (r.stop) {
          chunks.push(pad(body, width, leftAlign, ' '));
          return { bytes: Buffer.concat(chunks), consumed: k, stop: true };
        }
        break;
      }
      case 'c':
        body = (arg ?? '').slice(0, 1);
        break;
      case 'd':
      case 'i':
      case 'o':
      case 'u':
      case 'x':
      case 'X':
        body = formatInt(toInt(sh, arg, state), conv, flags, precision);
        break;
      default:
        body = formatFloat(toFloat(sh, arg, state), conv, flags, precision);
    }
    const zero =
      flags.includes('0') &&
      !leftAlign &&
      /[diouxXfFeEgG]/.test(conv) &&
      !(precision !== undefined && /[diouxX]/.test(conv));
    chunks.push(pad(body, width, leftAlign, zero ? '0' : ' '));
  }
  const stop = flushLit();
  return { bytes: Buffer.concat(chunks), consumed: k, stop };
}

function pad(
  body: string | Buffer,
  width: number | undefined,
  left: boolean,
  fill: string,
): Buffer {
  const b = typeof body === 'string' ? Buffer.from(body) : body;
  const len = typeof body === 'string' ? [...body].length : body.length;
  if (width === undefined || len >= width) return b;
  const padding = width - len;
  if (left) return Buffer.concat([b, Buffer.from(' '.repeat(padding))]);
  if (fill === '0') {
    const s = b.toString();
    const sign = /^[-+ ]/.test(s) ? s[0] : '';
    const prefix = /^[-+ ]?0[xX]/.test(s) ? s.slice(sign.length, sign.length + 2) : '';
    return Buffer.from(sign + prefix + '0'.repeat(padding) + s.slice(sign.length + prefix.length));
  }
  return Buffer.concat([Buffer.from(fill.repeat(padding)), b]);
}

function toInt(sh: Interp, arg: string | undefined, state: { status: number }): bigint {
  if (arg === undefined || arg === '') return 0n;
  const s = arg.trim();
  if (/^['"]/.test(s)) return BigInt(s.codePointAt(1) ?? 0);
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(s);
  if (!m) {
    fail(sh, 'printf', `${arg}: invalid number`);
    state.status = 1;
    return 0n;
  }
  let v = BigInt(
    m[2].startsWith('0') && m[2].length > 1 && !/^0[xX]/.test(m[2]) ? `0o${m[2].slice(1)}` : m[2],
  );
  if (m[1] === '-') v = -v;
  if (m[0].length !== s.length) {
    fail(sh, 'printf', `${arg}: invalid number`);
    state.status = 1;
  }
  return v;
}

function toFloat(sh: Interp, arg: string | undefined, state: { status: number }): number {
  if (arg === undefined || arg === '') return 0;
  if (/^['"]/.test(arg)) return arg.codePointAt(1) ?? 0;
  const v = Number(arg.trim());
  if (Number.isNaN(v)) {
    const p = Number.parseFloat(arg);
    fail(sh, 'printf', `${arg}: invalid number`);
    state.status = 1;
    return Number.isNaN(p) ? 0 : p;
  }
  return v;
}

function formatInt(v: bigint, conv: string, flags: string, precision: number | undefined): string {
  let s: string;
  const neg = v < 0n && (conv === 'd' || conv === 'i');
  const mag = neg ? -v : conv === 'd' || conv === 'i' ? v : BigInt.asUintN(64, v);
  switch (conv) {
    case 'o':
      s = mag.toString(8);
      if (flags.includes('#') && !s.startsWith('0')) s = `0${s}`;
      break;
    case 'x':
      s = mag.toString(16);
      break;
    case 'X':
      s = mag.toString(16).toUpperCase();
      break;
    default:
      s = mag.toString();
  }
  if (precision !== undefined) s = s.padStart(precision, '0');
  if ((conv === 'x' || conv === 'X') && flags.includes('#') && mag !== 0n)
    s = (conv === 'x' ? '0x' : '0X') + s;
  if (neg) s = `-${s}`;
  else if ((conv === 'd' || conv === 'i') && flags.includes('+')) s = `+${s}`;
  else if ((conv === 'd' || conv === 'i') && flags.includes(' ')) s = ` ${s}`;
  return s;
}

function formatFloat(
  v: number,
  conv: string,
  flags: string,
  precision: number | undefined,
): string {
  const p = precision ?? 6;
  let s: string;
  switch (conv) {
    case 'f':
    case 'F':
      s = v.toFixed(p);
      break;
    case 'e':
    case 'E':
      s = v.toExponential(p).replace(/e([+-])(\d)$/, 'e$10$2');
      if (conv === 'E') s = s.toUpperCase();
      break;
    default: {
      const prec = p === 0 ? 1 : p;
      const exp = v === 0 ? 0 : Math.floor(Math.log10(Math.abs(v)));
      if (exp < -4 || exp >= prec) {
        s = v.toExponential(prec - 1);
        if (!flags.includes('#')) s = s.replace(/\.?0+e/, 'e');
        s = s.replace(/e([+-])(\d)$/, 'e$10$2');
      } else {
        s = v.toFixed(Math.max(0, prec - 1 - exp));
        if (!flags.includes('#') && s.includes('.')) s = s.replace(/\.?0+$/, '');
      }
      if (conv === 'G') s = s.toUpperCase();
    }
  }
  if (v >= 0 && flags.includes('+')) s = `+${s}`;
  else if (v >= 0 && flags.includes(' ')) s = ` ${s}`;
  return s;
}
