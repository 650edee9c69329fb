import { lstat, readlink, stat } from 'node:fs/promises';
import { report, strerror, usageError } from './errors.js';
import { humanSize } from './human.js';
import { isDeviceMode, isDirMode, isLinkMode, isRegularMode, modeString } from './modes.js';
import { type OptionSpec, parseCommandLine } from './options.js';
import { compareBytes, joinName, resolveOperand, readDirectory } from './paths.js';
import { isUtf8Locale, quote, shellQuote } from './quote.js';
import { INTERRUPTED, type Utility, type UtilityContext } from './types.js';
import { IdNames } from './users.js';
import { byteColumns, layoutColumns } from './columns.js';
import { coloursAllowed, LsColours } from './ls-colors.js';
import { parseTimeStyle, TIME_STYLE_HELP, TimeFormatter } from './ls-time.js';
import { stringWidth } from './width.js';

/**
 * ls as GNU coreutils 9.1 prints it in the C locale: names sorted byte-wise (GNU sorts with
 * strcoll, so under a UTF-8 locale its order differs; ours is always the C order), columns on a
 * terminal, one name a line otherwise, and the long format with GNU's widths and date styles.
 */

const OPTIONS: OptionSpec[] = [
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

const USAGE = `Usage: ls [OPTION]... [FILE]...
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

interface Config {
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

interface FileStat {
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  size: bigint;
  blocks: bigint;
  ino: bigint;
  dev: bigint;
  rdev: number;
  /** The time -l shows and -t sorts by: modification, or change (-c), or access (-u). */
  timeNs: bigint;
}

interface Entry {
  /** The name shown: the operand on the command line, the base name inside a directory. */
  name: string;
  path: string;
  stat: FileStat;
  linkTarget?: string;
  /** What a symbolic link points to, when that exists. */
  targetStat?: FileStat;
  /** stat() failed (a dangling link under -L): the long format shows `?` fields. */
  failed?: boolean;
}

async function statFile(
  path: string,
  follow: boolean,
  time: Config['time'] = 'mtime',
): Promise<FileStat> {
  const s = follow ? await stat(path, { bigint: true }) : await lstat(path, { bigint: true });
  return {
    mode: Number(s.mode),
    nlink: Number(s.nlink),
    uid: Number(s.uid),
    gid: Number(s.gid),
    size: s.size,
    blocks: s.blocks,
    ino: s.ino,
    dev: s.dev,
    rdev: Number(s.rdev),
    timeNs: time === 'ctime' ? s.ctimeNs : time === 'atime' ? s.atimeNs : s.mtimeNs,
  };
}

function configure(
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

interface ConfigError {
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

export const ls: Utility = async (ctx) => {
  const parsed = parseCommandLine(ctx, 'ls', OPTIONS, USAGE, 2);
  if (typeof parsed === 'number') return parsed;
  const config = configure(parsed.options, ctx);
  if ('message' in config) {
    if (config.tryHelp) usageError(ctx.stderr, 'ls', config.message);
    else report(ctx.stderr, 'ls', config.message);
    return config.status;
  }
  return new Lister(ctx, config).run(parsed.operands);
};

/** What an entry that could not be stat()ed sorts as (GNU zeroes its stat buffer). */
const UNKNOWN_STAT: FileStat = {
  mode: 0,
  nlink: 0,
  uid: 0,
  gid: 0,
  size: 0n,
  blocks: 0n,
  ino: 0n,
  dev: 0n,
  rdev: 0,
  timeNs: 0n,
};

/** How many entries of a directory are stat()ed concurrently. */
const STAT_BATCH = 64;

class Lister {
  private status = 0;
  private printedSomething = false;
  private readonly ids = new IdNames();
  /** Directories being listed (-R -L), to stop at loops. */
  private readonly ancestors = new Set<string>();
  private readonly dates: TimeFormatter;
  private readonly colours?: LsColours;
  /** Whether symbolic links are resolved for colours and indicators (GNU's check_symlink_mode). */
  private readonly resolveLinks: boolean;
  private coloured = false;
  /** GNU stats entries only when the listing needs more than names (format_needs_stat)... */
  private readonly needsStat: boolean;
  /** ...or their types, which readdir gives except for links under -L (format_needs_type). */
  private readonly needsType: boolean;

  constructor(
    private readonly ctx: UtilityContext,
    private readonly config: Config,
  ) {
    if (config.colour && coloursAllowed(ctx.env)) this.colours = new LsColours(ctx.env.LS_COLORS);
    this.dates = new TimeFormatter(config.timeFormats, ctx.env.TZ?.replace(/^:/, ''));
    // -F resolves links (to mark their targets), -p does not (GNU's file_type <= indicator_style).
    // So does --group-directories-first (to group links to directories with them).
    this.resolveLinks =
      config.indicator === 'classify' ||
      config.directoriesFirst ||
      this.colours?.needsLinkTargets === true;
    this.needsStat =
      config.sort === 'time' || config.sort === 'size' || config.format === 'long' || config.blocks;
    this.needsType =
      !this.needsStat &&
      (config.recursive || config.colour || config.directoriesFirst || config.indicator !== 'none');
  }

  /** Writes to stdout; GNU resets the terminal's colours once, before the first colour. */
  private write(text: string): void {
    if (!this.coloured && this.colours) {
      const at = text.indexOf('\x1b[');
      if (at >= 0) {
        this.coloured = true;
        text = `${text.slice(0, at)}\x1b[0m${text.slice(at)}`;
      }
    }
    this.ctx.stdout.write(text);
  }

  /** A name painted with its colour (when --color is on). */
  private paint(text: string, entry: Entry): string {
    if (!this.colours) return text;
    const target = this.resolveLinks ? (entry.targetStat ?? null) : undefined;
    const subject = { name: entry.name, mode: entry.stat.mode, nlink: entry.stat.nlink };
    const targetSubject = target && {
      name: entry.linkTarget ?? '',
      mode: target.mode,
      nlink: target.nlink,
    };
    return this.colours.paint(text, this.colours.codeFor(subject, targetSubject));
  }

  /** A symbolic link's target after `->`, painted as what it points to when that is known. */
  private paintTarget(text: string, entry: Entry): string {
    if (!this.colours || !this.resolveLinks) return text;
    const target = entry.targetStat;
    const subject = target
      ? { name: entry.linkTarget ?? '', mode: target.mode, nlink: target.nlink }
      : null;
    return this.colours.paint(text, this.colours.targetCodeFor(subject));
  }

  async run(operands: string[]): Promise<number> {
    const showHeaders = this.config.recursive || operands.length > 1;
    if (operands.length === 0) operands = ['.'];
    const files: Entry[] = [];
    const dirs: Entry[] = [];
    for (const operand of operands) {
      const entry = await this.statOperand(operand);
      if (!entry) continue;
      if (!this.config.directory && isDirMode(entry.stat.mode)) dirs.push(entry);
      else files.push(entry);
    }
    // GNU sizes the columns of the file operands' long listing over the directory operands too.
    if (files.length > 0) this.printGroup(this.sorted(files), false, [...files, ...dirs]);
    for (const dir of this.sorted(dirs)) {
      if (this.ctx.signal?.aborted) break;
      await this.listDirectory(dir, showHeaders, true);
    }
    return this.ctx.signal?.aborted ? INTERRUPTED : this.status;
  }

  private stat(path: string, follow: boolean): Promise<FileStat> {
    return statFile(path, follow, this.config.time);
  }

  private fail(status: number, message: string): void {
    report(this.ctx.stderr, 'ls', message);
    this.status = Math.max(this.status, status);
  }

  private async statOperand(operand: string): Promise<Entry | undefined> {
    const path = resolveOperand(this.ctx, operand);
    const { dereference } = this.config;
    try {
      let fileStat = await this.stat(
        path,
        dereference === 'always' || dereference === 'command-line',
      );
      if (isLinkMode(fileStat.mode) && dereference === 'command-line-dirs') {
        const target = await this.stat(path, true).catch(() => undefined);
        if (target && isDirMode(target.mode)) fileStat = target;
      }
      return await this.withLinkInfo({ name: operand, path, stat: fileStat });
    } catch (error) {
      this.fail(2, `cannot access ${quote(operand)}: ${strerror(error)}`);
      return undefined;
    }
  }

  private async withLinkInfo(entry: Entry): Promise<Entry> {
    if (!isLinkMode(entry.stat.mode)) return entry;
    const { format, directoriesFirst } = this.config;
    if (format !== 'long' && !this.resolveLinks && !directoriesFirst) return entry;
    entry.linkTarget = await readlink(entry.path).catch(() => undefined);
    entry.targetStat = await this.stat(entry.path, true).catch(() => undefined);
    return entry;
  }

  private async listDirectory(dir: Entry, showHeader: boolean, commandLine: boolean) {
    if (this.ctx.signal?.aborted) return;
    let names: string[];
    try {
      names = await readDirectory(dir.path);
    } catch (error) {
      this.fail(
        commandLine ? 2 : 1,
        `cannot open directory ${quote(dir.name)}: ${strerror(error)}`,
      );
      return;
    }
    // Following links can lead back into a directory being listed: GNU skips a directory
    // that is its own ancestor.
    const key = `${dir.stat.dev}:${dir.stat.ino}`;
    if (this.config.dereference === 'always') {
      if (this.ancestors.has(key)) {
        this.fail(2, `${shellQuote(dir.name)}: not listing already-listed directory`);
        return;
      }
      this.ancestors.add(key);
    }
    if (showHeader) {
      if (this.printedSomething) this.write('\n');
      this.write(`${this.quoteName(dir.name, false)}:\n`);
      this.printedSomething = true;
    }
    // Node's directory reading hides . and ..; GNU lists them where readdir(3) returns them,
    // which only shows with -U (they come first here).
    if (this.config.hidden === 'all') names.unshift('.', '..');
    if (this.config.hidden === 'none') names = names.filter((n) => !n.startsWith('.'));
    // Stat in batches: the thread pool works on several at once (a big directory lists ~3x
    // faster), while diagnostics keep the directory's order.
    const entries: Entry[] = [];
    for (let start = 0; start < names.length; start += STAT_BATCH) {
      const batch = names.slice(start, start + STAT_BATCH).map(async (name) => {
        const path = joinName(dir.path, name);
        try {
          const fileStat = await this.stat(path, this.config.dereference === 'always');
          return await this.withLinkInfo({ name, path, stat: fileStat });
        } catch (error) {
          return { name, path, error };
        }
      });
      for (const result of await Promise.all(batch)) {
        if (!('error' in result)) {
          entries.push(result);
          continue;
        }
        // Under -L a dangling link cannot be followed. GNU only notices when the listing
        // needs stat() (or the type of a link), and then still lists the name.
        const link = await this.stat(result.path, false).catch(() => undefined);
        const typeOrInode = this.needsType || this.config.inode;
        const noticed = !link || this.needsStat || (typeOrInode && isLinkMode(link.mode));
        if (noticed) {
          // Entries of "." are named without "./", as GNU names them.
          const shown = quote(dir.name === '.' ? result.name : joinName(dir.name, result.name));
          this.fail(1, `cannot access ${shown}: ${strerror(result.error)}`);
        }
        if (!link) continue;
        const stat = noticed ? { ...UNKNOWN_STAT, mode: link.mode & 0o170000 } : link;
        entries.push({ name: result.name, path: result.path, stat, failed: noticed });
      }
    }
    const sorted = this.sorted(entries);
    this.printGroup(sorted, true);
    if (!this.config.recursive) {
      this.ancestors.delete(key);
      return;
    }
    for (const entry of sorted) {
      if (entry.name === '.' || entry.name === '..' || !isDirMode(entry.stat.mode)) continue;
      const child = { ...entry, name: joinName(dir.name, entry.name) };
      await this.listDirectory(child, true, false);
    }
    this.ancestors.delete(key);
  }

  private sorted(entries: Entry[]): Entry[] {
    const { sort, reverse, directoriesFirst } = this.config;
    const byName = (a: Entry, b: Entry) => compareBytes(a.name, b.name);
    const compare = (a: Entry, b: Entry): number => {
      if (sort === 'time') {
        const diff = b.stat.timeNs - a.stat.timeNs;
        return diff === 0n ? byName(a, b) : diff > 0n ? 1 : -1;
      }
      if (sort === 'size') {
        const diff = b.stat.size - a.stat.size;
        return diff === 0n ? byName(a, b) : diff > 0n ? 1 : -1;
      }
      return byName(a, b);
    };
    let result = sort === 'none' ? [...entries] : [...entries].sort(compare);
    if (reverse && sort !== 'none') result.reverse();
    if (directoriesFirst && sort !== 'none') {
      const isDir = (e: Entry) => isDirMode(e.targetStat?.mode ?? e.stat.mode);
      result = [...result.filter(isDir), ...result.filter((e) => !isDir(e))];
    }
    return result;
  }

  /** A name as this listing prints it, with the alignment space GNU adds beside quoted names. */
  private quoteName(name: string, alignQuotes: boolean): string {
    const { quoting, utf8 } = this.config;
    if (quoting === 'literal') return name;
    const quoted = shellQuote(name, { always: quoting === 'shell-escape-always', utf8 });
    return alignQuotes && !quoted.startsWith("'") && !quoted.startsWith('"')
      ? ` ${quoted}`
      : quoted;
  }

  private indicator(fileStat: FileStat | undefined): string {
    if (!fileStat || this.config.indicator === 'none') return '';
    const { mode } = fileStat;
    if (isDirMode(mode)) return '/';
    if (this.config.indicator === 'slash') return '';
    if (isLinkMode(mode)) return '@';
    if (isRegularMode(mode)) return mode & 0o111 ? '*' : '';
    const type = mode & 0o170000;
    if (type === 0o010000) return '|';
    if (type === 0o140000) return '=';
    return '';
  }

  private printGroup(entries: Entry[], inDirectory: boolean, sizedOver = entries): void {
    const { quoting, utf8 } = this.config;
    // GNU indents unquoted names by one column beside quoted ones, except one name a line.
    const alignQuotes =
      quoting === 'shell-escape' &&
      this.config.format !== 'single' &&
      entries.some((e) => shellQuote(e.name, { utf8 }) !== e.name);
    const names = entries.map((e) => this.paint(this.quoteName(e.name, alignQuotes), e));
    const prefixes = this.prefixes(entries, sizedOver);
    if (inDirectory && (this.config.format === 'long' || this.config.blocks)) {
      this.write(`total ${this.blockCount(entries.reduce((n, e) => n + e.stat.blocks, 0n))}\n`);
    }
    if (this.config.format === 'long') {
      this.printLong(entries, names, prefixes, sizedOver);
    } else {
      const cells = entries.map((e, i) => prefixes[i] + names[i] + this.indicator(e.stat));
      if (this.config.format === 'single') {
        this.write(cells.map((c) => `${c}\n`).join(''));
      } else {
        const width = this.config.utf8 ? stringWidth : byteColumns;
        this.write(layoutColumns(cells, this.config.width, this.config.format, width));
      }
    }
    if (entries.length > 0 || inDirectory) this.printedSomething = true;
  }

  /** 512-byte blocks as ls shows them: 1K units, or human-readable with -h. */
  private blockCount(blocks: bigint): string {
    return this.config.human ? humanSize(blocks * 512n) : ((blocks + 1n) / 2n).toString();
  }

  /** The -i and -s columns before each name, right-aligned over the group. */
  private prefixes(entries: Entry[], sizedOver: Entry[]): string[] {
    const columns: Array<(e: Entry) => string> = [];
    if (this.config.inode) columns.push((e) => (e.failed ? '?' : e.stat.ino.toString()));
    if (this.config.blocks) columns.push((e) => (e.failed ? '?' : this.blockCount(e.stat.blocks)));
    const widths = columns.map((column) => Math.max(0, ...sizedOver.map((e) => column(e).length)));
    return entries.map((e) =>
      columns.map((column, i) => `${column(e).padStart(widths[i])} `).join(''),
    );
  }

  private printLong(
    entries: Entry[],
    names: string[],
    prefixes: string[],
    sizedOver: Entry[],
  ): void {
    const { config, ids } = this;
    const lines: string[] = [];
    const rowOf = new Map(
      sizedOver.map((e) => {
        const { stat: s } = e;
        const device = isDeviceMode(s.mode);
        if (e.failed) {
          const unknown = { links: '?', owner: '?', group: '?', major: '', minor: '', size: '?' };
          return [e, { ...unknown, mode: `${modeString(s.mode)[0]}?????????`, date: '?' }] as const;
        }
        const row = {
          mode: modeString(s.mode),
          links: String(s.nlink),
          owner: config.numeric ? String(s.uid) : ids.user(s.uid),
          group: config.numeric ? String(s.gid) : ids.group(s.gid),
          major: device ? String(deviceMajor(s.rdev)) : '',
          minor: device ? String(deviceMinor(s.rdev)) : '',
          size: device ? '' : config.human ? humanSize(s.size) : s.size.toString(),
          date: this.dates.format(s.timeNs),
        };
        return [e, row] as const;
      }),
    );
    const rows = [...rowOf.values()];
    const widest = (pick: (r: (typeof rows)[number]) => string) =>
      Math.max(0, ...rows.map((r) => pick(r).length));
    const linksWidth = widest((r) => r.links);
    const dateWidth = widest((r) => (r.date === '?' ? '' : r.date)) || 12;
    const ownerWidth = widest((r) => r.owner);
    const groupWidth = widest((r) => r.group);
    const majorWidth = widest((r) => r.major);
    const minorWidth = widest((r) => r.minor);
    const sizeWidth = Math.max(
      widest((r) => r.size),
      majorWidth > 0 ? majorWidth + 2 + minorWidth : 0,
    );
    entries.forEach((entry, i) => {
      const r = rowOf.get(entry)!;
      let line = `${prefixes[i]}${r.mode} ${r.links.padStart(linksWidth)} `;
      if (config.owner) line += `${r.owner.padEnd(ownerWidth)} `;
      if (config.group) line += `${r.group.padEnd(groupWidth)} `;
      const size = r.major
        ? `${r.major.padStart(majorWidth)}, ${r.minor.padStart(minorWidth)}`
        : r.size;
      // A failed entry's `?` stands right-aligned in the width of the dates.
      const date = r.date === '?' ? r.date.padStart(dateWidth) : r.date;
      line += `${size.padStart(sizeWidth)} ${date} ${names[i]}`;
      if (entry.linkTarget !== undefined) {
        const target = this.paintTarget(this.quoteName(entry.linkTarget, false), entry);
        const mark = this.resolveLinks ? this.indicator(entry.targetStat) : '';
        line += ` -> ${target}${mark}`;
      } else if (!isLinkMode(entry.stat.mode)) {
        line += this.indicator(entry.stat);
      }
      lines.push(line);
    });
    if (lines.length > 0) this.write(`${lines.join('\n')}\n`);
  }
}

function deviceMajor(rdev: number): number {
  return ((rdev >>> 8) & 0xfff) | (Math.floor(rdev / 2 ** 32) & ~0xfff);
}

function deviceMinor(rdev: number): number {
  return (rdev & 0xff) | ((rdev >>> 12) & ~0xff);
}
