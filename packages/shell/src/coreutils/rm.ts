import { realpath } from 'node:fs/promises';
import { report, usageError } from './errors.js';
import { type OptionSpec, parseCommandLine } from './options.js';
import { baseName, resolveOperand } from './paths.js';
import { Prompter } from './prompt.js';
import { quote } from './quote.js';
import { Remover } from './remove.js';
import { INTERRUPTED, type Utility } from './types.js';

const OPTIONS: OptionSpec[] = [
  { key: 'force', short: 'f', long: 'force' },
  { key: 'interactive', short: 'i' },
  { key: 'recursive', short: 'r', long: 'recursive' },
  { key: 'recursive', short: 'R' },
  { key: 'dir', short: 'd', long: 'dir' },
  { key: 'verbose', short: 'v', long: 'verbose' },
  { key: 'no-preserve-root', long: 'no-preserve-root' },
  { key: 'preserve-root', long: 'preserve-root' },
];

const USAGE = `Usage: rm [OPTION]... [FILE]...
Remove (unlink) the FILE(s).

  -f, --force           ignore nonexistent files and arguments, never prompt
  -i                    prompt before every removal
  -r, -R, --recursive   remove directories and their contents recursively
  -d, --dir             remove empty directories
  -v, --verbose         explain what is being done
      --no-preserve-root  do not treat '/' specially
      --help            display this help and exit
`;

export const rm: Utility = async (ctx) => {
  const parsed = parseCommandLine(ctx, 'rm', OPTIONS, USAGE);
  if (typeof parsed === 'number') return parsed;
  let force = false;
  let interactive = false;
  let recursive = false;
  let emptyDirectories = false;
  let verbose = false;
  let preserveRoot = true;
  for (const { key } of parsed.options) {
    if (key === 'force') [force, interactive] = [true, false];
    else if (key === 'interactive') [force, interactive] = [false, true];
    else if (key === 'recursive') recursive = true;
    else if (key === 'dir') emptyDirectories = true;
    else if (key === 'verbose') verbose = true;
    else if (key === 'no-preserve-root') preserveRoot = false;
    else if (key === 'preserve-root') preserveRoot = true;
  }
  if (parsed.operands.length === 0) {
    if (force) return 0;
    usageError(ctx.stderr, 'rm', 'missing operand');
    return 1;
  }
  const remover = new Remover(
    {
      util: 'rm',
      recursive,
      emptyDirectories,
      force,
      verbose,
      prompter: interactive ? new Prompter(ctx.stdin, ctx.stderr) : undefined,
      signal: ctx.signal,
    },
    ctx.stdout,
    ctx.stderr,
  );
  let status = 0;
  for (const operand of parsed.operands) {
    if (remover.interrupted) return INTERRUPTED;
    const path = resolveOperand(ctx, operand);
    const last = baseName(operand);
    if (recursive && (last === '.' || last === '..')) {
      report(
        ctx.stderr,
        'rm',
        `refusing to remove '.' or '..' directory: skipping ${quote(operand)}`,
      );
      status = 1;
      continue;
    }
    if (recursive && preserveRoot && (await realpath(path).catch(() => path)) === '/') {
      report(ctx.stderr, 'rm', `it is dangerous to operate recursively on ${quote(operand)}`);
      report(ctx.stderr, 'rm', 'use --no-preserve-root to override this failsafe');
      status = 1;
      continue;
    }
    await remover.remove(operand, path);
  }
  if (remover.interrupted) return INTERRUPTED;
  return remover.failed ? 1 : status;
};
