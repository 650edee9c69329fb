import { type Dirent, readdirSync, statSync } from 'node:fs';

/**
 * Tab completion of the word before the cursor: command names in command position (from the
 * shell's builtins, functions and aliases, and executables on PATH), `$NAME` variables, and
 * file names elsewhere (directories get a `/`, special characters are backslash-escaped, a
 * word opened with a quote is closed on a unique match).
 */

export interface CompletionProvider {
  cwd(): string;
  getVar(name: string): string | undefined;
  /** Builtins, functions and aliases. */
  commandNames(): string[];
  variableNames(): string[];
}

export interface Candidate {
  /** What replaces the word (quoted as needed). */
  replacement: string;
  /** What a listing shows. */
  display: string;
  /** Appended after a unique match: ' ' after a complete word, '' after a directory's '/'. */
  suffix: string;
}

export interface Completions {
  /** UTF-16 offsets of the word being replaced. */
  start: number;
  end: number;
  candidates: Candidate[];
}

export type Completer = (line: string, cursor: number) => Completions;

const SPECIAL = /[\s\\"'$`<>|&;()*?[\]!{}]/;
const WORD_BREAK = /[\s;|&()<>]/;
const COMMAND_KEYWORDS = new Set([
  'if',
  'then',
  'else',
  'elif',
  'do',
  'while',
  'until',
  '!',
  'time',
  '{',
  // Commands that run the next word as a command.
  'sudo',
  'command',
  'builtin',
  'exec',
  'nohup',
  'nice',
  'xargs',
  'watch',
]);

/** Commands whose arguments are directories (as bash-completion completes them). */
const DIRECTORY_COMMANDS = new Set(['cd', 'pushd', 'rmdir']);

/**
 * Backslash-escapes what the shell would otherwise interpret in a completed word. A leading
 * `~` stays: it was typed to mean the home directory.
 */
export function escapeWord(text: string): string {
  let out = text.startsWith('#') ? '\\' : '';
  for (const char of text) out += SPECIAL.test(char) ? `\\${char}` : char;
  return out;
}

interface WordInfo {
  start: number;
  /** The word with quotes and backslashes removed. */
  value: string;
  /** The quote the word is open in, if any. */
  openQuote: '' | "'" | '"';
  commandPosition: boolean;
  /** The command the word is an argument of ('' in command position). */
  command: string;
}

/** Finds the word ending at `cursor`, honouring quotes and backslashes. */
function currentWord(line: string, cursor: number): WordInfo {
  let start = 0;
  let quote: '' | "'" | '"' = '';
  for (let i = 0; i < cursor; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = '';
      else if (c === '\\' && quote === '"') i++;
    } else if (c === '\\') {
      i++;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (WORD_BREAK.test(c)) {
      start = i + 1;
    }
  }
  const raw = line.slice(start, cursor);
  const value = raw.replace(/\\(.)|["']/g, (_, escaped: string | undefined) => escaped ?? '');
  const before = line.slice(0, start).trimEnd();
  const previousWord = /(\S+)$/.exec(before)?.[1] ?? '';
  const commandPosition =
    before === '' ||
    /[;|&(]$/.test(before) ||
    COMMAND_KEYWORDS.has(previousWord) ||
    (/^[A-Za-z_][A-Za-z0-9_]*=\S*$/.test(previousWord) && isOnlyAssignments(before));
  const segment = before
    .split(/[;|&(]/)
    .pop()!
    .trim();
  const command = commandPosition ? '' : (segment.split(/\s+/)[0] ?? '');
  return { start, value, openQuote: quote, commandPosition, command };
}

function isOnlyAssignments(text: string): boolean {
  const segment = text
    .split(/[;|&(]/)
    .pop()!
    .trim();
  return segment.split(/\s+/).every((w) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(w));
}

export function createCompleter(provider: CompletionProvider): Completer {
  return (line, cursor) => {
    const word = currentWord(line, cursor);
    const dollar = /\$(\{?)([A-Za-z_][A-Za-z0-9_]*)?$/.exec(line.slice(word.start, cursor));
    if (dollar && word.openQuote !== "'") {
      const start = word.start + dollar.index;
      const brace = dollar[1];
      const prefix = dollar[2] ?? '';
      const names = provider.variableNames().filter((n) => n.startsWith(prefix));
      return {
        start,
        end: cursor,
        candidates: unique(names).map((name) => ({
          replacement: `$${brace}${name}${brace ? '}' : ''}`,
          display: name,
          suffix: word.openQuote ? '' : ' ',
        })),
      };
    }
    // NAME=value: the value is completed as a file name (PATH=/us<Tab>).
    const assignment = /^[A-Za-z_][A-Za-z0-9_]*=/.exec(line.slice(word.start, cursor));
    if (assignment && !word.openQuote) {
      word.start += assignment[0].length;
      word.value = word.value.slice(assignment[0].length);
      word.commandPosition = false;
    }
    let names: Match[];
    if (word.commandPosition && !word.value.includes('/')) {
      names = commandCandidates(provider, word.value);
    } else {
      const kind = word.commandPosition
        ? 'executables'
        : DIRECTORY_COMMANDS.has(word.command)
          ? 'directories'
          : 'all';
      names = fileCandidates(provider, word.value, kind);
    }
    return {
      start: word.start,
      end: cursor,
      candidates: names.map(({ name, directory }) => {
        const quoted = word.openQuote
          ? word.openQuote + name.replaceAll(word.openQuote, `\\${word.openQuote}`)
          : escapeWord(name);
        const display = directory ? `${baseOf(name)}/` : baseOf(name);
        if (directory) return { replacement: `${quoted}/`, display, suffix: '' };
        return { replacement: quoted, display, suffix: `${word.openQuote} ` };
      }),
    };
  };
}

function baseOf(path: string): string {
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

function unique(names: string[]): string[] {
  return [...new Set(names)].sort();
}

interface Match {
  name: string;
  directory: boolean;
}

function commandCandidates(provider: CompletionProvider, prefix: string): Match[] {
  const names = new Set(provider.commandNames().filter((n) => n.startsWith(prefix)));
  for (const dir of (provider.getVar('PATH') ?? '').split(':')) {
    for (const entry of listDirectory(dir || '.')) {
      if (!entry.name.startsWith(prefix) || names.has(entry.name)) continue;
      const path = `${dir || '.'}/${entry.name}`;
      try {
        const info = statSync(path);
        if (info.isFile() && info.mode & 0o111) names.add(entry.name);
      } catch {
        // A dangling link on PATH is not a command.
      }
    }
  }
  return unique([...names]).map((name) => ({ name, directory: false }));
}

function fileCandidates(
  provider: CompletionProvider,
  word: string,
  kind: 'all' | 'executables' | 'directories',
) {
  const slash = word.lastIndexOf('/');
  const dirPart = word.slice(0, slash + 1);
  const prefix = word.slice(slash + 1);
  const home = provider.getVar('HOME') ?? '';
  let lookup = dirPart;
  if (lookup.startsWith('~/') || lookup === '~') lookup = home + lookup.slice(1);
  if (!lookup.startsWith('/')) lookup = `${provider.cwd()}/${lookup}`;
  const matches: Match[] = [];
  for (const entry of listDirectory(lookup)) {
    if (!entry.name.startsWith(prefix)) continue;
    if (entry.name.startsWith('.') && !prefix.startsWith('.')) continue;
    let directory = entry.isDirectory();
    let executable = false;
    try {
      const info = statSync(`${lookup}/${entry.name}`);
      directory = info.isDirectory();
      executable = info.isFile() && (info.mode & 0o111) !== 0;
    } catch {
      // Dangling links complete as plain names.
    }
    if (kind === 'executables' && !directory && !executable) continue;
    if (kind === 'directories' && !directory) continue;
    matches.push({ name: dirPart + entry.name, directory });
  }
  return matches.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function listDirectory(path: string): Dirent[] {
  try {
    return readdirSync(path, { withFileTypes: true });
  } catch {
    return [];
  }
}

/** The longest common prefix of the replacements (what a first Tab inserts). */
export function commonPrefix(texts: string[]): string {
  if (texts.length === 0) return '';
  let prefix = texts[0];
  for (const text of texts) {
    let i = 0;
    while (i < prefix.length && i < text.length && prefix[i] === text[i]) i++;
    prefix = prefix.slice(0, i);
  }
  return prefix;
}
