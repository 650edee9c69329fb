import type { Stats } from 'node:fs';
import { lstat, rmdir, unlink } from 'node:fs/promises';
import { errnoCode, report, strerror } from './errors.js';
import { fileTypeName } from './modes.js';
import { joinName, readDirectory } from './paths.js';
import type { Prompter } from './prompt.js';
import { quote } from './quote.js';
import type { OutputSink } from './types.js';

export interface RemoveOptions {
  util: 'rm' | 'mv';
  recursive: boolean;
  /** -d: remove empty directories. */
  emptyDirectories: boolean;
  /** -f: missing files are not errors. */
  force: boolean;
  verbose: boolean;
  /** -i: a Prompter asks before each removal. */
  prompter?: Prompter;
  /** Stops the walk between entries (Ctrl+C). */
  signal?: AbortSignal;
}

export type Outcome = 'removed' | 'declined' | 'failed';

/**
 * The removal walk of rm (and of mv after a cross-device copy): entries in directory order,
 * children before their directory, each failure reported and the walk continued.
 */
export class Remover {
  failed = false;

  constructor(
    private readonly options: RemoveOptions,
    private readonly stdout: OutputSink,
    private readonly stderr: OutputSink,
  ) {}

  private fail(message: string): 'failed' {
    report(this.stderr, this.options.util, message);
    this.failed = true;
    return 'failed';
  }

  /** Removes `name` (as shown in messages) at `path`. */
  get interrupted(): boolean {
    return this.options.signal?.aborted === true;
  }

  async remove(name: string, path: string): Promise<Outcome> {
    if (this.interrupted) return 'failed';
    let info: Stats;
    try {
      info = await lstat(path);
    } catch (error) {
      if (this.options.force && errnoCode(error) === 'ENOENT') return 'removed';
      return this.fail(`cannot remove ${quote(name)}: ${strerror(error)}`);
    }
    if (!info.isDirectory()) {
      if (!(await this.ask(`remove ${fileTypeName(info.mode, info.size)} ${quote(name)}`))) {
        return 'declined';
      }
      try {
        await unlink(path);
      } catch (error) {
        return this.fail(`cannot remove ${quote(name)}: ${strerror(error)}`);
      }
      if (this.options.verbose) this.stdout.write(`removed ${quote(name)}\n`);
      return 'removed';
    }
    if (this.options.recursive) return this.removeDirectory(name, path);
    if (!this.options.emptyDirectories) {
      return this.fail(`cannot remove ${quote(name)}: Is a directory`);
    }
    return this.removeEmptyDirectory(name, path);
  }

  private async ask(question: string): Promise<boolean> {
    const { prompter, util } = this.options;
    return !prompter || prompter.confirm(`${util}: ${question}? `);
  }

  private async removeDirectory(name: string, path: string): Promise<Outcome> {
    let children: string[];
    try {
      children = await readDirectory(path);
    } catch (error) {
      return this.fail(`cannot remove ${quote(name)}: ${strerror(error)}`);
    }
    if (children.length > 0) {
      if (!(await this.ask(`descend into directory ${quote(name)}`))) return 'declined';
      let childFailed = false;
      for (const child of children) {
        const outcome = await this.remove(joinName(name, child), joinName(path, child));
        if (outcome === 'failed') childFailed = true;
      }
      // After a failure below, GNU leaves the directory without another message; after a
      // declined child it still asks, and rmdir then reports the directory not empty.
      if (childFailed) return 'failed';
    }
    return this.removeEmptyDirectory(name, path);
  }

  private async removeEmptyDirectory(name: string, path: string): Promise<Outcome> {
    if (!(await this.ask(`remove directory ${quote(name)}`))) return 'declined';
    try {
      await rmdir(path);
    } catch (error) {
      return this.fail(`cannot remove ${quote(name)}: ${strerror(error)}`);
    }
    if (this.options.verbose) this.stdout.write(`removed directory ${quote(name)}\n`);
    return 'removed';
  }
}
