import { chmod, mkdir as makeDirectory, stat } from 'node:fs/promises';
import { errnoCode, report, strerror, usageError } from './errors.js';
import { parseMode } from './modes.js';
import { type OptionSpec, parseCommandLine } from './options.js';
import { resolveOperand } from './paths.js';
import { isUtf8Locale, quote } from './quote.js';
import type { Utility, UtilityContext } from './types.js';

const OPTIONS: OptionSpec[] = [
  { key: 'mode', short: 'm', long: 'mode', argument: 'required' },
  { key: 'parents', short: 'p', long: 'parents' },
  { key: 'verbose', short: 'v', long: 'verbose' },
];

const USAGE = `Usage: mkdir [OPTION]... DIRECTORY...
Create the DIRECTORY(ies), if they do not already exist.

  -m, --mode=MODE   set file mode (as in chmod), not a=rwx - umask
  -p, --parents     no error if existing, make parent directories as needed,
                    with their file modes unaffected by any -m option
  -v, --verbose     print a message for each created directory
      --help        display this help and exit
`;

/** GNU's quote() in diagnostics: curly quotes in a UTF-8 locale, straight ones in C. */
function localeQuote(ctx: UtilityContext, name: string): string {
  return isUtf8Locale(ctx.env) ? `\u2018${name}\u2019` : quote(name);
}

export const mkdir: Utility = async (ctx) => {
  const parsed = parseCommandLine(ctx, 'mkdir', OPTIONS, USAGE);
  if (typeof parsed === 'number') return parsed;
  let modeSpec: string | undefined;
  let parents = false;
  let verbose = false;
  for (const { key, value } of parsed.options) {
    if (key === 'mode') modeSpec = value;
    else if (key === 'parents') parents = true;
    else if (key === 'verbose') verbose = true;
  }
  if (parsed.operands.length === 0) {
    usageError(ctx.stderr, 'mkdir', 'missing operand');
    return 1;
  }
  const umask = process.umask();
  let mode: number | undefined;
  if (modeSpec !== undefined) {
    mode = parseMode(modeSpec, 0o777, umask);
    if (mode === undefined) {
      report(ctx.stderr, 'mkdir', `invalid mode ${localeQuote(ctx, modeSpec)}`);
      return 1;
    }
  }
  let status = 0;
  const created = (name: string) => {
    if (verbose) ctx.stdout.write(`mkdir: created directory ${quote(name)}\n`);
  };
  for (const operand of parsed.operands) {
    const path = resolveOperand(ctx, operand);
    try {
      if (parents) await makeParents(ctx, operand, created);
      try {
        await makeDirectory(path, mode ?? 0o777);
      } catch (error) {
        // -p accepts a directory that is already there.
        if (!(parents && errnoCode(error) === 'EEXIST' && (await stat(path)).isDirectory())) {
          throw error;
        }
        continue;
      }
      // mkdir(2) applies the umask and drops set-id bits; -m means exactly this mode.
      if (mode !== undefined && (mode & ~0o777 || mode & umask)) await chmod(path, mode);
      created(operand);
    } catch (error) {
      report(
        ctx.stderr,
        'mkdir',
        `cannot create directory ${localeQuote(ctx, (error as { failedName?: string }).failedName ?? operand)}: ${strerror(error)}`,
      );
      status = 1;
    }
  }
  return status;
};

/** Creates the missing ancestors of `operand`, each u+wx so the next level can be made. */
async function makeParents(
  ctx: UtilityContext,
  operand: string,
  created: (name: string) => void,
): Promise<void> {
  const parts = operand.split('/');
  const mode = (0o777 & ~process.umask()) | 0o300;
  for (let i = 1; i < parts.length; i++) {
    const name = parts.slice(0, i).join('/');
    if (parts[i - 1] === '' || parts[i - 1] === '.' || parts[i - 1] === '..') continue;
    if (parts.slice(i).every((p) => p === '')) break;
    const path = resolveOperand(ctx, name);
    try {
      await makeDirectory(path, mode);
      created(name);
    } catch (error) {
      if (
        errnoCode(error) === 'EEXIST' &&
        (await stat(path).catch(() => undefined))?.isDirectory()
      ) {
        continue;
      }
      // A file where a directory must be: GNU reports ENOTDIR for that component.
      const code = errnoCode(error) === 'EEXIST' ? 'ENOTDIR' : errnoCode(error);
      throw Object.assign(error as object, { failedName: name, code });
    }
  }
}
