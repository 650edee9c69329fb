import { open } from 'node:fs/promises';
import { errnoCode, report, strerror } from './errors.js';
import { type OptionSpec, parseCommandLine } from './options.js';
import { resolveOperand } from './paths.js';
import { shellQuote } from './quote.js';
import { INTERRUPTED, type Utility } from './types.js';

const OPTIONS: OptionSpec[] = [
  { key: 'show-all', short: 'A', long: 'show-all' },
  { key: 'number-nonblank', short: 'b', long: 'number-nonblank' },
  { key: 'e', short: 'e' },
  { key: 'show-ends', short: 'E', long: 'show-ends' },
  { key: 'number', short: 'n', long: 'number' },
  { key: 'squeeze-blank', short: 's', long: 'squeeze-blank' },
  { key: 't', short: 't' },
  { key: 'show-tabs', short: 'T', long: 'show-tabs' },
  { key: 'ignored', short: 'u' },
  { key: 'show-nonprinting', short: 'v', long: 'show-nonprinting' },
];

const USAGE = `Usage: cat [OPTION]... [FILE]...
Concatenate FILE(s) to standard output.

With no FILE, or when FILE is -, read standard input.

  -A, --show-all           equivalent to -vET
  -b, --number-nonblank    number nonempty output lines, overrides -n
  -e                       equivalent to -vE
  -E, --show-ends          display $ at end of each line
  -n, --number             number all output lines
  -s, --squeeze-blank      suppress repeated empty output lines
  -t                       equivalent to -vT
  -T, --show-tabs          display TAB characters as ^I
  -u                       (ignored)
  -v, --show-nonprinting   use ^ and M- notation, except for LFD and TAB
      --help               display this help and exit
`;

interface Decorations {
  number: 'none' | 'all' | 'nonblank';
  squeeze: boolean;
  ends: boolean;
  tabs: boolean;
  nonprinting: boolean;
}

const CHUNK_SIZE = 128 * 1024;

/**
 * The state of the decorated output across chunks and files: GNU numbers lines continuously
 * over all files and squeezes blank runs that span file boundaries.
 */
class Decorator {
  private lineNumber = 0;
  private atLineStart = true;
  private blankRun = 0;

  constructor(private readonly options: Decorations) {}

  transform(chunk: Buffer): Buffer {
    const { options } = this;
    const out: number[] = [];
    const pushText = (text: string) => {
      for (let i = 0; i < text.length; i++) out.push(text.charCodeAt(i));
    };
    for (const byte of chunk) {
      if (this.atLineStart) {
        if (byte === 10) {
          this.blankRun++;
          if (options.squeeze && this.blankRun > 1) continue;
          if (options.number === 'all') pushText(this.nextNumber());
        } else {
          this.blankRun = 0;
          if (options.number !== 'none') pushText(this.nextNumber());
        }
      }
      this.atLineStart = byte === 10;
      if (byte === 10) {
        if (options.ends) out.push(36);
        out.push(10);
      } else if (byte === 9) {
        if (options.tabs) pushText('^I');
        else out.push(9);
      } else if (options.nonprinting) {
        pushText(visible(byte));
      } else {
        out.push(byte);
      }
    }
    return Buffer.from(out);
  }

  private nextNumber(): string {
    this.lineNumber++;
    return `${String(this.lineNumber).padStart(6)}\t`;
  }
}

/** -v notation: ^X for control bytes, ^? for DEL, M- for bytes with the high bit. */
function visible(byte: number): string {
  let prefix = '';
  if (byte >= 128) {
    prefix = 'M-';
    byte -= 128;
  }
  if (byte < 32) return `${prefix}^${String.fromCharCode(byte + 64)}`;
  if (byte === 127) return `${prefix}^?`;
  return prefix + String.fromCharCode(byte);
}

export const cat: Utility = async (ctx) => {
  const parsed = parseCommandLine(ctx, 'cat', OPTIONS, USAGE);
  if (typeof parsed === 'number') return parsed;
  const options: Decorations = {
    number: 'none',
    squeeze: false,
    ends: false,
    tabs: false,
    nonprinting: false,
  };
  for (const { key } of parsed.options) {
    if (key === 'show-all') options.nonprinting = options.ends = options.tabs = true;
    else if (key === 'number-nonblank') options.number = 'nonblank';
    else if (key === 'e') options.nonprinting = options.ends = true;
    else if (key === 'show-ends') options.ends = true;
    else if (key === 'number' && options.number === 'none') options.number = 'all';
    else if (key === 'squeeze-blank') options.squeeze = true;
    else if (key === 't') options.nonprinting = options.tabs = true;
    else if (key === 'show-tabs') options.tabs = true;
    else if (key === 'show-nonprinting') options.nonprinting = true;
  }
  const plain = Object.values(options).every((v) => v === false || v === 'none');
  const decorator = new Decorator(options);
  const emit = (chunk: Buffer) => ctx.stdout.write(plain ? chunk : decorator.transform(chunk));
  const interrupted = () => ctx.signal?.aborted === true;
  const files = parsed.operands.length > 0 ? parsed.operands : ['-'];
  let status = 0;
  for (const file of files) {
    if (file === '-') {
      for (let chunk = await ctx.stdin.read(); chunk !== null; chunk = await ctx.stdin.read()) {
        if (interrupted()) return INTERRUPTED;
        emit(chunk);
      }
      // An interrupted read of the terminal ends like end of input.
      if (interrupted()) return INTERRUPTED;
      continue;
    }
    try {
      const handle = await open(resolveOperand(ctx, file), 'r');
      try {
        for (;;) {
          const buffer = Buffer.allocUnsafe(CHUNK_SIZE);
          const { bytesRead } = await handle.read(buffer, 0, CHUNK_SIZE, null);
          if (bytesRead === 0 || interrupted()) break;
          emit(buffer.subarray(0, bytesRead));
        }
      } finally {
        await handle.close();
      }
    } catch (error) {
      // cat quotes a name only when a shell would need it (`cat: 'a b': ...`).
      const name = shellQuote(file);
      const message = errnoCode(error) === 'EISDIR' ? 'Is a directory' : strerror(error);
      report(ctx.stderr, 'cat', `${name}: ${message}`);
      status = 1;
    }
    if (interrupted()) return INTERRUPTED;
  }
  return status;
};
