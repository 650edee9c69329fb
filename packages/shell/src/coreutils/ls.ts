import { lstat, readlink, stat } from 'node:fs/promises';
import { report, strerror, usageError } from './errors.js';
import { humanSize } from './human.js';
import { isDeviceMode, isDirMode, isLinkMode, isRegularMode, modeString } from './modes.js';
import { parseCommandLine } from './options.js';
import { type Config, configure, OPTIONS, USAGE } from './ls-options.js';
import { compareBytes, joinName, resolveOperand, readDirectory } from './paths.js';
import { quote, shellQuote } from './quote.js';
import { INTERRUPTED, type Utility, type UtilityContext } from './types.js';
import { IdNames } from './users.js';
import { byteColumns, layoutColumns } from './columns.js';
import { coloursAllowed, LsColours } from './ls-colors.js';
import { TimeFormatter } from './ls-time.js';
import { stringWidth } from './width.js';

/**
 * ls as GNU coreutils 9.1 prints it in the C locale: names sorted byte-wise (GNU sorts with
 * strcoll, so under a UTF-8 locale its order differs; ours is always the C order), columns on a
 * terminal, one name a line otherwise, and the long format with GNU's widths and date styles.
 */

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
