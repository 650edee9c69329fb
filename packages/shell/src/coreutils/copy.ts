import { constants } from 'node:fs';
import {
  chmod,
  lchown,
  link,
  lstat,
  lutimes,
  mkdir,
  open,
  readlink,
  realpath,
  stat,
  symlink,
  unlink,
} from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { errnoCode, report, strerror } from './errors.js';
import { joinName, readDirectory } from './paths.js';
import type { Prompter } from './prompt.js';
import { quote, shellQuote } from './quote.js';
import type { OutputSink } from './types.js';

/**
 * The copying engine of cp, also used by mv when a rename crosses file systems. Copies files by
 * reading and writing 128 KiB blocks, recreates symbolic links as links unless told to follow
 * them, recurses into directories, and reports every failure GNU's way while going on with the
 * other files.
 */

export interface CopyOptions {
  util: 'cp' | 'mv';
  recursive: boolean;
  /** -L follows every link, -H only those named on the command line, -P none. */
  dereference: 'always' | 'command-line' | 'never';
  preserveMode: boolean;
  preserveOwnership: boolean;
  preserveTimestamps: boolean;
  /** Hard links among the sources stay hard links among the copies (-a). */
  preserveLinks: boolean;
  /** 'ask' is -i, 'never' is -n, 'always' is the default (and -f). */
  overwrite: 'always' | 'never' | 'ask';
  /** -f: remove a destination that cannot be opened for writing, then retry. */
  force: boolean;
  /** -u: skip files whose destination is as new as the source. */
  update?: boolean;
  /** -l makes hard links and -s symbolic links instead of copying files. */
  link?: 'hard' | 'symbolic';
  verbose: boolean;
  /** mv's cross-device messages say "created directory" and "copied". */
  verboseStyle: 'cp' | 'mv';
  /** Stops the copy between files and blocks (Ctrl+C). */
  signal?: AbortSignal;
}

const BLOCK_SIZE = 128 * 1024;

export class Copier {
  /** Set when any file failed; the utility then exits 1. */
  failed = false;
  private readonly copiedInodes = new Map<string, string>();
  /** Directories this run created, to notice a destination inside its own source. */
  private readonly createdDirectories = new Set<string>();
  /** Destinations of command-line operands already written, and from which source. */
  private readonly written = new Map<string, string>();
  /** The command-line operand being copied (its names appear in the into-itself message). */
  private operand = { source: '', destination: '', aborted: false };

  constructor(
    private readonly options: CopyOptions,
    private readonly stdout: OutputSink,
    private readonly stderr: OutputSink,
    private readonly prompter: Prompter,
    private readonly umask: number,
  ) {}

  private fail(message: string): false {
    report(this.stderr, this.options.util, message);
    this.failed = true;
    return false;
  }

  /** Copies one operand; resolves to false when something went wrong (already reported). */
  async copyOperand(source: string, sourcePath: string, destination: string, destPath: string) {
    this.operand = { source, destination, aborted: false };
    const earlier = this.written.get(destPath);
    if (earlier !== undefined) return this.writtenTwice(source, sourcePath, destination, earlier);
    const ok = await this.copy(source, sourcePath, destination, destPath, true);
    this.written.set(destPath, sourcePath);
    return ok;
  }

  /**
   * A destination this run already wrote, named again: the same source twice is only a
   * warning (`cp a a dir`); another file with the same name would overwrite the first copy.
   */
  private async writtenTwice(source: string, sourcePath: string, destination: string, by: string) {
    const [now, then] = await Promise.all([
      lstat(sourcePath).catch(() => undefined),
      lstat(by).catch(() => undefined),
    ]);
    if (now && then && now.ino === then.ino && now.dev === then.dev) {
      if (now.isDirectory() && !this.options.recursive) {
        return this.fail(`-r not specified; omitting directory ${quote(source)}`);
      }
      const kind = now.isDirectory() ? 'directory' : 'file';
      report(
        this.stderr,
        this.options.util,
        `warning: source ${kind} ${quote(source)} specified more than once`,
      );
      return true;
    }
    return this.fail(`will not overwrite just-created ${quote(destination)} with ${quote(source)}`);
  }

  /** Whether an interrupt stopped the copy (the utility then exits 130). */
  get interrupted(): boolean {
    return this.options.signal?.aborted === true;
  }

  private async copy(
    source: string,
    sourcePath: string,
    destination: string,
    destPath: string,
    commandLine: boolean,
  ): Promise<boolean> {
    const { options } = this;
    if (this.interrupted) return false;
    const follow =
      options.dereference === 'always' || (options.dereference === 'command-line' && commandLine);
    let sourceStat: Stats;
    try {
      sourceStat = follow ? await stat(sourcePath) : await lstat(sourcePath);
    } catch (error) {
      return this.fail(`cannot stat ${quote(source)}: ${strerror(error)}`);
    }
    if (sourceStat.isDirectory() && !options.recursive) {
      return this.fail(`-r not specified; omitting directory ${quote(source)}`);
    }
    if (sourceStat.isDirectory() && this.createdDirectories.has(inodeKey(sourceStat))) {
      // A directory this copy created, met again while reading the source: the destination is
      // inside the source. GNU stops the whole operand here, after what it already copied.
      this.operand.aborted = true;
      const { source: top, destination: topDestination } = this.operand;
      const verb = options.util === 'mv' ? 'move' : 'copy';
      return this.fail(
        `cannot ${verb} a directory, ${quote(top)}, into itself, ${quote(topDestination)}`,
      );
    }
    const destStat =
      (await stat(destPath).catch(() => undefined)) ??
      (await lstat(destPath).catch(() => undefined));
    // -n gives up on an existing file before anything else, even the same file.
    if (destStat && options.overwrite === 'never' && !sourceStat.isDirectory()) return true;
    if (destStat && destStat.ino === sourceStat.ino && destStat.dev === sourceStat.dev) {
      if (!(sourceStat.isSymbolicLink() && destStat.isSymbolicLink() && sourcePath !== destPath)) {
        return this.fail(`${quote(source)} and ${quote(destination)} are the same file`);
      }
    }
    if (sourceStat.isDirectory()) {
      return this.copyDirectory(source, sourcePath, destination, destPath, sourceStat, destStat);
    }
    if (destStat?.isDirectory()) {
      return this.fail(`cannot overwrite directory ${quote(destination)} with non-directory`);
    }
    if (destStat && options.update && destStat.mtimeMs >= sourceStat.mtimeMs) return true;
    if (destStat && options.overwrite === 'ask') {
      const question = `${options.util}: overwrite ${quote(destination)}? `;
      if (!(await this.prompter.confirm(question))) return true;
    }
    // GNU says what it copies before it tries (a failure follows the line).
    this.announce(source, destination, false);
    if (options.link) return this.makeLink(source, sourcePath, destination, destPath, destStat);
    if (options.preserveLinks && sourceStat.nlink > 1) {
      const key = `${sourceStat.dev}:${sourceStat.ino}`;
      const earlier = this.copiedInodes.get(key);
      if (earlier !== undefined) return this.hardLink(earlier, destination, destPath, destStat);
      this.copiedInodes.set(key, destPath);
    }
    try {
      if (sourceStat.isSymbolicLink()) {
        const target = await readlink(sourcePath);
        if (destStat) await unlink(destPath);
        await symlink(target, destPath);
      } else if (sourceStat.isFile() || !options.recursive) {
        await this.copyContents(sourcePath, destPath, sourceStat, destStat !== undefined);
      } else {
        return this.fail(`cannot copy special file ${quote(source)}: not supported`);
      }
      await this.preserve(destPath, sourceStat);
    } catch (error) {
      const code = errnoCode(error);
      const what = sourceStat.isSymbolicLink() ? 'symbolic link' : 'regular file';
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES' || code === 'EISDIR') {
        return this.fail(`cannot create ${what} ${quote(destination)}: ${strerror(error)}`);
      }
      return this.fail(
        `error copying ${quote(source)} to ${quote(destination)}: ${strerror(error)}`,
      );
    }
    return true;
  }

  private announce(source: string, destination: string, createdDirectory: boolean): void {
    if (!this.options.verbose) return;
    if (this.options.verboseStyle === 'mv') {
      this.stdout.write(
        createdDirectory
          ? `created directory ${quote(destination)}\n`
          : `copied ${quote(source)} -> ${quote(destination)}\n`,
      );
    } else {
      this.stdout.write(`${quote(source)} -> ${quote(destination)}\n`);
    }
  }

  /** cp -l and cp -s: the destination becomes a link to the source instead of a copy. */
  private async makeLink(
    source: string,
    sourcePath: string,
    destination: string,
    destPath: string,
    destStat: Stats | undefined,
  ): Promise<boolean> {
    const symbolic = this.options.link === 'symbolic';
    if (symbolic && !source.startsWith('/') && destination.includes('/')) {
      return this.fail(
        `${shellQuote(destination)}: can make relative symbolic links only in current directory`,
      );
    }
    try {
      if (destStat && this.options.force) await unlink(destPath);
      if (symbolic) await symlink(source, destPath);
      else if (this.options.dereference === 'never') await link(sourcePath, destPath);
      // link(2) does not follow a symbolic link; linking to its target means resolving it.
      else await link(await realpath(sourcePath), destPath);
    } catch (error) {
      const kind = symbolic ? 'symbolic' : 'hard';
      return this.fail(
        `cannot create ${kind} link ${quote(destination)} to ${quote(source)}: ${strerror(error)}`,
      );
    }
    return true;
  }

  private async hardLink(
    existing: string,
    destination: string,
    destPath: string,
    destStat?: Stats,
  ) {
    try {
      if (destStat) await unlink(destPath);
      await link(existing, destPath);
      return true;
    } catch (error) {
      return this.fail(`cannot create hard link ${quote(destination)}: ${strerror(error)}`);
    }
  }

  private async copyContents(
    sourcePath: string,
    destPath: string,
    sourceStat: Stats,
    exists: boolean,
  ) {
    const input = await open(sourcePath, 'r');
    try {
      const output = await this.openDestination(destPath, sourceStat.mode & 0o777, exists);
      try {
        const buffer = Buffer.allocUnsafe(BLOCK_SIZE);
        for (;;) {
          const { bytesRead } = await input.read(buffer, 0, BLOCK_SIZE, null);
          if (bytesRead === 0 || this.interrupted) break;
          let written = 0;
          while (written < bytesRead) {
            written += (await output.write(buffer, written, bytesRead - written)).bytesWritten;
          }
        }
      } finally {
        await output.close();
      }
    } finally {
      await input.close();
    }
  }

  /** An existing destination keeps its inode and mode (GNU truncates it); -f replaces it. */
  private async openDestination(destPath: string, mode: number, exists: boolean) {
    const { O_WRONLY, O_CREAT, O_TRUNC, O_EXCL } = constants;
    if (!exists) return open(destPath, O_WRONLY | O_CREAT | O_EXCL, mode);
    try {
      return await open(destPath, O_WRONLY | O_TRUNC);
    } catch (error) {
      if (!this.options.force) throw error;
      await unlink(destPath);
      return open(destPath, O_WRONLY | O_CREAT | O_EXCL, mode);
    }
  }

  private async copyDirectory(
    source: string,
    sourcePath: string,
    destination: string,
    destPath: string,
    sourceStat: Stats,
    destStat: Stats | undefined,
  ): Promise<boolean> {
    if (destStat && !destStat.isDirectory()) {
      return this.fail(
        `cannot overwrite non-directory ${quote(destination)} with directory ${quote(source)}`,
      );
    }
    const mode = sourceStat.mode & 0o7777;
    if (!destStat) {
      try {
        // Owner rwx while filling it; the final mode is set once the contents are in.
        await mkdir(destPath, mode | 0o700);
        this.createdDirectories.add(inodeKey(await lstat(destPath)));
      } catch (error) {
        return this.fail(`cannot create directory ${quote(destination)}: ${strerror(error)}`);
      }
      this.announce(source, destination, true);
    }
    let names: string[];
    try {
      names = await readDirectory(sourcePath);
    } catch (error) {
      return this.fail(`cannot access ${quote(source)}: ${strerror(error)}`);
    }
    // GNU reads directories in inode order (gnulib's savedir), which the -v output shows.
    const inodes = new Map<string, number>();
    for (const name of names) {
      inodes.set(name, (await lstat(joinName(sourcePath, name)).catch(() => undefined))?.ino ?? 0);
    }
    names.sort((a, b) => inodes.get(a)! - inodes.get(b)!);
    let ok = true;
    for (const name of names) {
      if (this.operand.aborted) return false;
      const copied = await this.copy(
        joinName(source, name),
        joinName(sourcePath, name),
        joinName(destination, name),
        joinName(destPath, name),
        false,
      );
      ok &&= copied;
    }
    try {
      if (!destStat && !this.options.preserveMode) await chmod(destPath, mode & ~this.umask);
      await this.preserve(destPath, sourceStat);
    } catch (error) {
      return this.fail(`preserving permissions for ${quote(destination)}: ${strerror(error)}`);
    }
    return ok;
  }

  /** -p: ownership first (chown clears set-id bits), then mode, then times. */
  private async preserve(destPath: string, sourceStat: Stats): Promise<void> {
    const { options } = this;
    const isLink = sourceStat.isSymbolicLink();
    if (options.preserveOwnership) {
      // Only root may give files away; like GNU, a refusal is not an error.
      await lchown(destPath, sourceStat.uid, sourceStat.gid).catch(() => undefined);
    }
    if (options.preserveMode && !isLink) await chmod(destPath, sourceStat.mode & 0o7777);
    if (options.preserveTimestamps) await lutimes(destPath, sourceStat.atime, sourceStat.mtime);
  }
}

function inodeKey(info: Stats): string {
  return `${info.dev}:${info.ino}`;
}
