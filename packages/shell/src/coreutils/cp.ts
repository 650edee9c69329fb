import { Copier, type CopyOptions } from './copy.js';
import { usageError } from './errors.js';
import { type OptionSpec, parseCommandLine } from './options.js';
import { Prompter } from './prompt.js';
import { planTransfers, TRANSFER_OPTIONS } from './targets.js';
import { INTERRUPTED, type Utility } from './types.js';

const OPTIONS: OptionSpec[] = [
  ...TRANSFER_OPTIONS,
  { key: 'archive', short: 'a', long: 'archive' },
  { key: 'recursive', short: 'r', long: 'recursive' },
  { key: 'recursive', short: 'R' },
  { key: 'preserve-default', short: 'p' },
  { key: 'preserve', long: 'preserve', argument: 'optional' },
  { key: 'no-dereference', short: 'P', long: 'no-dereference' },
  { key: 'no-dereference-preserve-links', short: 'd' },
  { key: 'dereference', short: 'L', long: 'dereference' },
  { key: 'dereference-command-line', short: 'H' },
  { key: 'update', short: 'u', long: 'update' },
  { key: 'link', short: 'l', long: 'link' },
  { key: 'symbolic-link', short: 's', long: 'symbolic-link' },
];

const USAGE = `Usage: cp [OPTION]... [-T] SOURCE DEST
  or:  cp [OPTION]... SOURCE... DIRECTORY
  or:  cp [OPTION]... -t DIRECTORY SOURCE...
Copy SOURCE to DEST, or multiple SOURCE(s) to DIRECTORY.

  -a, --archive                same as -dR --preserve=all
  -d                           same as --no-dereference --preserve=links
  -f, --force                  if an existing destination file cannot be
                                 opened, remove it and try again
  -i, --interactive            prompt before overwrite
  -H                           follow command-line symbolic links in SOURCE
  -l, --link                   hard link files instead of copying
  -L, --dereference            always follow symbolic links in SOURCE
  -n, --no-clobber             do not overwrite an existing file
  -P, --no-dereference         never follow symbolic links in SOURCE
  -p                           same as --preserve=mode,ownership,timestamps
      --preserve[=ATTR_LIST]   preserve mode, ownership, timestamps, links, all
  -R, -r, --recursive          copy directories recursively
  -s, --symbolic-link          make symbolic links instead of copying
  -t, --target-directory=DIRECTORY  copy all SOURCE arguments into DIRECTORY
  -T, --no-target-directory    treat DEST as a normal file
  -u, --update                 copy only when the SOURCE file is newer than the
                                 destination file or it is missing
  -v, --verbose                explain what is being done
      --help                   display this help and exit

Without -R, symbolic links in SOURCE are followed; with -R they are copied as links.
`;

export const cp: Utility = async (ctx) => {
  const parsed = parseCommandLine(ctx, 'cp', OPTIONS, USAGE);
  if (typeof parsed === 'number') return parsed;
  const options: CopyOptions = {
    util: 'cp',
    recursive: false,
    dereference: 'always',
    preserveMode: false,
    preserveOwnership: false,
    preserveTimestamps: false,
    preserveLinks: false,
    overwrite: 'always',
    force: false,
    verbose: false,
    verboseStyle: 'cp',
    signal: ctx.signal,
  };
  let dereference: CopyOptions['dereference'] | undefined;
  let targetDirectory: string | undefined;
  let noTargetDirectory = false;
  const preserveAll = () => {
    options.preserveMode = options.preserveOwnership = options.preserveTimestamps = true;
    options.preserveLinks = true;
  };
  for (const { key, value } of parsed.options) {
    switch (key) {
      case 'archive':
        options.recursive = true;
        dereference = 'never';
        preserveAll();
        break;
      case 'force':
        options.force = true;
        if (options.overwrite === 'ask') options.overwrite = 'always';
        break;
      case 'interactive':
        options.overwrite = 'ask';
        break;
      case 'no-clobber':
        options.overwrite = 'never';
        break;
      case 'recursive':
        options.recursive = true;
        break;
      case 'preserve-default':
        options.preserveMode = options.preserveOwnership = options.preserveTimestamps = true;
        break;
      case 'preserve':
        for (const attribute of (value ?? 'mode,ownership,timestamps').split(',')) {
          if (attribute === 'mode') options.preserveMode = true;
          else if (attribute === 'ownership') options.preserveOwnership = true;
          else if (attribute === 'timestamps') options.preserveTimestamps = true;
          else if (attribute === 'links') options.preserveLinks = true;
          else if (attribute === 'all') preserveAll();
          else if (!['context', 'xattr'].includes(attribute)) {
            usageError(ctx.stderr, 'cp', `invalid argument '${attribute}' for '--preserve'`);
            return 1;
          }
        }
        break;
      case 'no-dereference':
        dereference = 'never';
        break;
      case 'no-dereference-preserve-links':
        dereference = 'never';
        options.preserveLinks = true;
        break;
      case 'dereference':
        dereference = 'always';
        break;
      case 'dereference-command-line':
        dereference = 'command-line';
        break;
      case 'verbose':
        options.verbose = true;
        break;
      case 'update':
        options.update = true;
        break;
      case 'link':
        options.link = 'hard';
        break;
      case 'symbolic-link':
        options.link = 'symbolic';
        break;
      case 'target-directory':
        targetDirectory = value;
        break;
      case 'no-target-directory':
        noTargetDirectory = true;
        break;
    }
  }
  // Recursive copies keep symbolic links as links unless -L or -H says otherwise (GNU makes
  // an exception for -l, which links to what the symbolic links point to).
  const keepLinks = options.recursive && options.link !== 'hard';
  options.dereference = dereference ?? (keepLinks ? 'never' : 'always');
  const transfers = await planTransfers(
    ctx,
    'cp',
    parsed.operands,
    targetDirectory,
    noTargetDirectory,
  );
  if (!transfers) return 1;
  const umask = process.umask();
  const copier = new Copier(
    options,
    ctx.stdout,
    ctx.stderr,
    new Prompter(ctx.stdin, ctx.stderr),
    umask,
  );
  for (const t of transfers) {
    if (copier.interrupted) break;
    await copier.copyOperand(t.source, t.sourcePath, t.destination, t.destinationPath);
  }
  if (copier.interrupted) return INTERRUPTED;
  return copier.failed ? 1 : 0;
};
