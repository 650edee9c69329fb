import type { OptionSpec } from './options.js';
import { isUtf8Locale, quote } from './quote.js';
import type { UtilityContext } from './types.js';
import { parseTimeStyle, TIME_STYLE_HELP } from './ls-time.js';

/** ls's options, its --help text, and the folding of parsed options into a Config. */

export const OPTIONS: OptionSpec[] = [
  { key: 'all', short: 'a', long: 'all' },
  { key: 'almost-all', short: 'A', long: 'almost-all' },
  { key: 'directory', short: 'd', long: 'directory' },
  { key: 'classify', short: 'F', long: 'classify' },
  { key: 'slash', short: 'p' },
  { key: 'indicator-style', long: 'indicator-style', argument: 'required' },
  { key: 'human', short: 'h', long: 'human-readable' },
  { key: 'long', short: 'l' },
  { key: 'no-owner', short: 'g' },
  { key: 'no-group', short: 'o' },
  { key: 'no-group', short: 'G', long: 'no-group' },
  { key: 'numeric', short: 'n', long: 'numeric-uid-gid' },
  { key: 'recursive', short: 'R', long: 'recursive' },
  { key: 'single', short: '1' },
  { key: 'columns', short: 'C' },
  { key: 'across', short: 'x' },
  { key: 'time', short: 't' },
  { key: 'reverse', short: 'r', long: 'reverse' },
  { key: 'size', short: 'S' },
  { key: 'unsorted', short: 'U' },
  { key: 'sort', long: 'sort', argument: 'required' },
  { key: 'inode', short: 'i', long: 'inode' },
  { key: 'blocks', short: 's', long: 'size' },
  { key: 'ctime', short: 'c' },
  { key: 'atime', short: 'u' },
  { key: 'dereference', short: 'L', long: 'dereference' },
  { key: 'dereference-command-line', short: 'H', long: 'dereference-command-line' },
  { key: 'width', short: 'w', long: 'width', argument: 'required' },
  { key: 'literal', short: 'N', long: 'literal' },
  { key: 'quoting-style', long: 'quoting-style', argument: 'required' },
  { key: 'group-directories-first', long: 'group-directories-first' },
  { key: 'color', long: 'color', argument: 'optional' },
  { key: 'time-style', long: 'time-style', argument: 'required' },
  { key: 'full-time', long: 'full-time' },
  { key: 'color', long: 'colour', argument: 'optional' },
];

export const USAGE = `Usage: ls [OPTION]... [FILE]...
List information about the FILEs (the current directory by default).
Entries are sorted by name in the C locale's byte order unless -t, -S, -U or --sort is given.

  -a, --all                  do not ignore entries starting with .
  -A, --almost-all           do not list implied . and ..
  -c                         with -lt: sort by, and show, ctime; with -l: show
                               ctime; otherwise: sort by ctime, newest first
  -C                         list entries by columns
  -d, --directory            list directories themselves, not their contents
  -F, --classify             append indicator (one of */=@|) to entries
  -g                         like -l, but do not list owner
  -G, --no-group             in a long listing, don't print group names
  -h, --human-readable       with -l, print sizes like 1K 234M 2G
  -H, --dereference-command-line  follow symbolic links listed on the command line
  -i, --inode                print the index number of each file
  -l                         use a long listing format
  -L, --dereference          show information for the file a symbolic link references
  -n, --numeric-uid-gid      like -l, but list numeric user and group IDs
  -N, --literal              print entry names without quoting
  -o                         like -l, but do not list group information
  -p                         append / indicator to directories
  -r, --reverse              reverse order while sorting
  -R, --recursive            list subdirectories recursively
  -s, --size                 print the allocated size of each file, in blocks
  -S                         sort by file size, largest first
  -t                         sort by modification time, newest first
  -u                         like -c, with access time
  -U                         do not sort; list entries in directory order
  -w, --width=COLS           set output width to COLS
  -x                         list entries by lines instead of by columns
  -1                         list one file per line
      --group-directories-first  group directories before files
      --quoting-style=WORD   literal, shell-escape or shell-escape-always
      --sort=WORD            none, size, time or name
      --time-style=STYLE     full-iso, long-iso, iso, locale or +FORMAT
      --full-time            like -l --time-style=full-iso
      --help                 display this help and exit

Exit status: 0 if OK, 1 if minor problems (e.g., cannot access subdirectory),
2 if serious trouble (e.g., cannot access command-line argument).
`;

type Format = 'long' | 'columns' | 'across' | 'single';
type Quoting = 'literal' | 'shell-escape' | 'shell-escape-always';

export interface Config {
  format: Format;
  hidden: 'none' | 'almost' | 'all';
  directory: boolean;
  recursive: boolean;
  human: boolean;
  sort: 'name' | 'time' | 'size' | 'none';
  reverse: boolean;
  indicator: 'none' | 'slash' | 'classify';
  dereference: 'never' | 'command-line' | 'command-line-dirs' | 'always';
  quoting: Quoting;
  width: number;
  owner: boolean;
  group: boolean;
  numeric: boolean;
  inode: boolean;
  blocks: boolean;
  time: 'mtime' | 'ctime' | 'atime';
  directoriesFirst: boolean;
  utf8: boolean;
  colour: boolean;
  /** strftime formats for old and recent times (--time-style). */
  timeFormats: [string, string];
}

export function configure(
  options: { key: string; value?: string }[],
  ctx: UtilityContext,
): Config | ConfigError {
  const config: Config = {
    format: ctx.stdout.isTTY ? 'columns' : 'single',
    hidden: 'none',
    directory: false,
    recursive: false,
    human: false,
    sort: 'name',
    reverse: false,
    indicator: 'none',
    dereference: 'never',
    quoting: ctx.stdout.isTTY ? 'shell-escape' : 'literal',
    width: ctx.stdout.columns > 0 ? ctx.stdout.columns : 80,
    owner: true,
    group: true,
    numeric: false,
    inode: false,
    blocks: false,
    time: 'mtime',
    directoriesFirst: false,
    utf8: isUtf8Locale(ctx.env),
    colour: false,
    timeFormats: parseTimeStyle('locale')!,
  };
  let dereference: Config['dereference'] | undefined;
  let sortChosen = false;
  let timeStyle = ctx.env.TIME_STYLE;
  const styleFromEnv = ctx.env.QUOTING_STYLE;
  if (styleFromEnv === 'literal' || styleFromEnv?.startsWith('shell-escape')) {
    config.quoting = styleFromEnv as Quoting;
  }
  const columnsFromEnv = Number(ctx.env.COLUMNS);
  // The terminal's own width wins over $COLUMNS, as GNU's TIOCGWINSZ does.
  if (!ctx.stdout.isTTY && Number.isInteger(columnsFromEnv) && columnsFromEnv > 0) {
    config.width = columnsFromEnv;
  }
  for (const { key, value } of options) {
    switch (key) {
      case 'all':
        config.hidden = 'all';
        break;
      case 'almost-all':
        config.hidden = 'almost';
        break;
      case 'directory':
        config.directory = true;
        break;
      case 'classify':
        config.indicator = 'classify';
        break;
      case 'slash':
        config.indicator = 'slash';
        break;
      case 'indicator-style':
        if (value !== 'none' && value !== 'slash' && value !== 'classify') {
          return invalidArgument(value, '--indicator-style', ['none', 'slash', 'classify']);
        }
        config.indicator = value;
        break;
      case 'human':
        config.human = true;
        break;
      case 'long':
        config.format = 'long';
        break;
      case 'no-owner':
        config.format = 'long';
        config.owner = false;
        break;
      case 'no-group':
        if (value === undefined && ctx.args.includes('-o')) config.format = 'long';
        config.group = false;
        break;
      case 'numeric':
        config.format = 'long';
        config.numeric = true;
        break;
      case 'recursive':
        config.recursive = true;
        break;
      case 'single':
        // -1 has no effect after -l.
        if (config.format !== 'long') config.format = 'single';
        break;
      case 'columns':
        config.format = 'columns';
        break;
      case 'across':
        config.format = 'across';
        break;
      case 'time':
        config.sort = 'time';
        sortChosen = true;
        break;
      case 'size':
        config.sort = 'size';
        sortChosen = true;
        break;
      case 'unsorted':
        config.sort = 'none';
        sortChosen = true;
        break;
      case 'sort':
        if (value === 'none' || value === 'size' || value === 'time' || value === 'name') {
          config.sort = value;
          sortChosen = true;
        } else {
          return invalidArgument(value, '--sort', ['none', 'time', 'size', 'name']);
        }
        break;
      case 'reverse':
        config.reverse = true;
        break;
      case 'inode':
        config.inode = true;
        break;
      case 'blocks':
        config.blocks = true;
        break;
      case 'ctime':
        config.time = 'ctime';
        break;
      case 'atime':
        config.time = 'atime';
        break;
      case 'dereference':
        dereference = 'always';
        break;
      case 'dereference-command-line':
        dereference = 'command-line';
        break;
      case 'width': {
        const width = Number(value);
        if (!/^\d+$/.test(value ?? '')) {
          return {
            message: `invalid line width: ${quote(value ?? '')}`,
            status: 2,
            tryHelp: false,
          };
        }
        config.width = width === 0 ? Number.MAX_SAFE_INTEGER : width;
        break;
      }
      case 'literal':
        config.quoting = 'literal';
        break;
      case 'quoting-style':
        if (value !== 'literal' && value !== 'shell-escape' && value !== 'shell-escape-always') {
          const styles = ['literal', 'shell-escape', 'shell-escape-always'];
          return invalidArgument(value, '--quoting-style', styles);
        }
        config.quoting = value;
        break;
      case 'group-directories-first':
        config.directoriesFirst = true;
        break;
      case 'time-style':
        timeStyle = value ?? '';
        break;
      case 'full-time':
        timeStyle = 'full-iso';
        config.format = 'long';
        break;
      case 'color':
        if (value === undefined || ['always', 'yes', 'force'].includes(value)) config.colour = true;
        else if (['auto', 'tty', 'if-tty'].includes(value)) config.colour = ctx.stdout.isTTY;
        else if (['never', 'no', 'none'].includes(value)) config.colour = false;
        else
          return invalidArgument(value, '--color', [
            ['always', 'yes', 'force'],
            ['never', 'no', 'none'],
            ['auto', 'tty', 'if-tty'],
          ]);
        break;
    }
  }
  // GNU checks the time style only when the long format shows times.
  if (timeStyle !== undefined && config.format === 'long') {
    const formats = parseTimeStyle(timeStyle);
    if (!formats) {
      const message = `invalid argument ${quote(timeStyle)} for 'time style'\n${TIME_STYLE_HELP}`;
      return { message, status: 2, tryHelp: true };
    }
    config.timeFormats = formats;
  }
  // -c and -u sort by that time unless the long format shows it (or a sort was chosen).
  if (config.time !== 'mtime' && config.format !== 'long' && !sortChosen) config.sort = 'time';
  // GNU follows command-line symlinks to directories unless the listing shows the links.
  config.dereference =
    dereference ??
    (config.directory || config.indicator === 'classify' || config.format === 'long'
      ? 'never'
      : 'command-line-dirs');
  return config;
}

export interface ConfigError {
  message: string;
  status: number;
  tryHelp: boolean;
}

/** GNU's argmatch diagnostic: the bad value and the valid ones (with synonyms), status 1. */
function invalidArgument(
  value: string | undefined,
  option: string,
  valid: Array<string | string[]>,
): ConfigError {
  const spell = (names: string | string[]) =>
    [names]
      .flat()
      .map((n) => `'${n}'`)
      .join(', ');
  const list = valid.map((names) => `\n  - ${spell(names)}`).join('');
  const message = `invalid argument ${quote(value ?? '')} for '${option}'\nValid arguments are:${list}`;
  return { message, status: 1, tryHelp: true };
}
