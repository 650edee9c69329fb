import type { Stats } from 'node:fs';
import { lstat, rename, rmdir, unlink } from 'node:fs/promises';
import { Copier } from './copy.js';
import { errnoCode, report, strerror } from './errors.js';
import { parseCommandLine } from './options.js';
import { Prompter } from './prompt.js';
import { quote } from './quote.js';
import { Remover } from './remove.js';
import { planTransfers, TRANSFER_OPTIONS, type Transfer } from './targets.js';
import { INTERRUPTED, type Utility, type UtilityContext } from './types.js';

const USAGE = `Usage: mv [OPTION]... [-T] SOURCE DEST
  or:  mv [OPTION]... SOURCE... DIRECTORY
  or:  mv [OPTION]... -t DIRECTORY SOURCE...
Rename SOURCE to DEST, or move SOURCE(s) to DIRECTORY.
Across file systems, files are copied (with mode, ownership and times) and then removed.

  -f, --force                  do not prompt before overwriting
  -i, --interactive            prompt before overwrite
  -n, --no-clobber             do not overwrite an existing file
  -t, --target-directory=DIRECTORY  move all SOURCE arguments into DIRECTORY
  -T, --no-target-directory    treat DEST as a normal file
  -v, --verbose                explain what is being done
      --help                   display this help and exit
`;

interface MoveOptions {
  overwrite: 'always' | 'never' | 'ask';
  verbose: boolean;
}

export const mv: Utility = async (ctx) => {
  const parsed = parseCommandLine(ctx, 'mv', TRANSFER_OPTIONS, USAGE);
  if (typeof parsed === 'number') return parsed;
  const options: MoveOptions = { overwrite: 'always', verbose: false };
  let targetDirectory: string | undefined;
  let noTargetDirectory = false;
  for (const { key, value } of parsed.options) {
    if (key === 'force') options.overwrite = 'always';
    else if (key === 'interactive') options.overwrite = 'ask';
    else if (key === 'no-clobber') options.overwrite = 'never';
    else if (key === 'verbose') options.verbose = true;
    else if (key === 'target-directory') targetDirectory = value;
    else if (key === 'no-target-directory') noTargetDirectory = true;
  }
  const transfers = await planTransfers(
    ctx,
    'mv',
    parsed.operands,
    targetDirectory,
    noTargetDirectory,
  );
  if (!transfers) return 1;
  const prompter = new Prompter(ctx.stdin, ctx.stderr);
  let status = 0;
  for (const transfer of transfers) {
    if (ctx.signal?.aborted) return INTERRUPTED;
    if (!(await move(ctx, transfer, options, prompter))) status = 1;
  }
  return ctx.signal?.aborted ? INTERRUPTED : status;
};

async function move(
  ctx: UtilityContext,
  { source, sourcePath, destination, destinationPath }: Transfer,
  options: MoveOptions,
  prompter: Prompter,
): Promise<boolean> {
  const fail = (message: string) => {
    report(ctx.stderr, 'mv', message);
    return false;
  };
  let sourceStat: Stats;
  try {
    sourceStat = await lstat(sourcePath);
  } catch (error) {
    return fail(`cannot stat ${quote(source)}: ${strerror(error)}`);
  }
  const destStat = await lstat(destinationPath).catch(() => undefined);
  if (destStat) {
    if (destStat.ino === sourceStat.ino && destStat.dev === sourceStat.dev) {
      return fail(`${quote(source)} and ${quote(destination)} are the same file`);
    }
    if (options.overwrite === 'never') return true;
    if (options.overwrite === 'ask') {
      if (!(await prompter.confirm(`mv: overwrite ${quote(destination)}? `))) return true;
    }
    if (sourceStat.isDirectory() && !destStat.isDirectory()) {
      return fail(
        `cannot overwrite non-directory ${quote(destination)} with directory ${quote(source)}`,
      );
    }
    if (!sourceStat.isDirectory() && destStat.isDirectory()) {
      return fail(`cannot overwrite directory ${quote(destination)} with non-directory`);
    }
  }
  try {
    await rename(sourcePath, destinationPath);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'EINVAL' && sourceStat.isDirectory()) {
      return fail(
        `cannot move ${quote(source)} to a subdirectory of itself, ${quote(destination)}`,
      );
    }
    if (code === 'EXDEV')
      return moveAcrossDevices(
        ctx,
        source,
        sourcePath,
        destination,
        destinationPath,
        options,
        destStat,
      );
    return fail(`cannot move ${quote(source)} to ${quote(destination)}: ${strerror(error)}`);
  }
  if (options.verbose) ctx.stdout.write(`renamed ${quote(source)} -> ${quote(destination)}\n`);
  return true;
}

/** rename(2) cannot cross file systems: copy everything as `cp -a` would, then remove. */
async function moveAcrossDevices(
  ctx: UtilityContext,
  source: string,
  sourcePath: string,
  destination: string,
  destinationPath: string,
  options: MoveOptions,
  destStat: Stats | undefined,
): Promise<boolean> {
  if (destStat) {
    try {
      if (destStat.isDirectory()) await rmdir(destinationPath);
      else await unlink(destinationPath);
    } catch (error) {
      report(
        ctx.stderr,
        'mv',
        `cannot move ${quote(source)} to ${quote(destination)}: ${strerror(error)}`,
      );
      return false;
    }
  }
  const copier = new Copier(
    {
      util: 'mv',
      recursive: true,
      dereference: 'never',
      preserveMode: true,
      preserveOwnership: true,
      preserveTimestamps: true,
      preserveLinks: true,
      overwrite: 'always',
      force: true,
      verbose: options.verbose,
      verboseStyle: 'mv',
      signal: ctx.signal,
    },
    ctx.stdout,
    ctx.stderr,
    new Prompter(ctx.stdin, ctx.stderr),
    0,
  );
  if (!(await copier.copyOperand(source, sourcePath, destination, destinationPath))) return false;
  const remover = new Remover(
    {
      util: 'mv',
      recursive: true,
      emptyDirectories: true,
      force: false,
      verbose: options.verbose,
      signal: ctx.signal,
    },
    ctx.stdout,
    ctx.stderr,
  );
  return (await remover.remove(source, sourcePath)) === 'removed';
}
