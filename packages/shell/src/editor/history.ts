import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Command history: entries in order, consecutive duplicates and blank lines dropped, the
 * oldest trimmed past `size` (HISTSIZE). The file (HISTFILE) uses bash's timestamped format,
 * `#<seconds>` before each entry, so multi-line commands stay one entry (bash reads them back
 * the same way); a file without timestamps is read one entry a line.
 */
export class History {
  private list: string[] = [];
  /** Entries added since load, appended to the file by save(). */
  private added = 0;

  constructor(
    private size = 1000,
    private readonly file?: string,
    private readonly fileSize = size,
  ) {}

  entries(): string[] {
    return this.list;
  }

  get length(): number {
    return this.list.length;
  }

  at(index: number): string | undefined {
    return this.list[index];
  }

  setSize(size: number): void {
    this.size = Math.max(0, size);
    this.trim();
  }

  /**
   * Records a command. `control` is $HISTCONTROL: `ignorespace` skips commands starting with a
   * space, `erasedups` drops earlier copies, `ignoreboth` includes `ignoredups` (which this
   * history always does for consecutive entries).
   */
  add(entry: string, control = ''): void {
    const text = entry.replace(/\n+$/, '');
    if (text.trim() === '' || this.list[this.list.length - 1] === text) return;
    const options = control.split(':');
    if (/^\s/.test(text) && (options.includes('ignorespace') || options.includes('ignoreboth'))) {
      return;
    }
    if (options.includes('erasedups')) this.list = this.list.filter((e) => e !== text);
    this.list.push(text);
    this.added++;
    this.trim();
  }

  clear(): void {
    this.list = [];
  }

  private trim(): void {
    if (this.list.length > this.size) this.list.splice(0, this.list.length - this.size);
  }

  load(): void {
    if (!this.file) return;
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return;
    }
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    const timestamped = lines.some((line) => /^#\d+$/.test(line));
    const entries: string[] = [];
    for (const line of lines) {
      if (timestamped) {
        if (/^#\d+$/.test(line)) entries.push('');
        else if (entries.length === 0) entries.push(line);
        else {
          const last = entries.length - 1;
          entries[last] = entries[last] === '' ? line : `${entries[last]}\n${line}`;
        }
      } else {
        entries.push(line);
      }
    }
    for (const entry of entries) this.add(entry);
    this.added = 0;
  }

  /** Appends the new entries to the file, then trims it to the last `fileSize` entries. */
  save(): void {
    if (!this.file || this.added === 0) return;
    const fresh = this.list.slice(-this.added);
    const stamp = Math.floor(Date.now() / 1000);
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      appendFileSync(this.file, fresh.map((entry) => `#${stamp}\n${entry}\n`).join(''), {
        mode: 0o600,
      });
      this.added = 0;
      const onDisk = new History(this.fileSize, this.file);
      onDisk.load();
      if (onDisk.length >= this.fileSize) {
        const kept = onDisk.entries();
        writeFileSync(this.file, kept.map((entry) => `#${stamp}\n${entry}\n`).join(''));
      }
    } catch {
      // An unwritable history file is not worth interrupting the user for (bash is silent too).
    }
  }
}
