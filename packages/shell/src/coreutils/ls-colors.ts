import { constants } from 'node:fs';

/**
 * `ls --color`: GNU's built-in colours, overridden by $LS_COLORS (`di=01;34:*.tar=01;31:...`,
 * as dircolors writes it). Names are wrapped as GNU does: `ESC[<code>m name ESC[0m` (the lister
 * adds one `ESC[0m` before the first colour it prints).
 */

const { S_IFMT, S_IFDIR, S_IFLNK, S_IFREG, S_IFCHR, S_IFBLK, S_IFIFO, S_IFSOCK } = constants;

/** GNU ls's colours when $LS_COLORS is unset. */
const BUILT_IN: Record<string, string> = {
  di: '01;34',
  ln: '01;36',
  pi: '33',
  so: '01;35',
  bd: '01;33',
  cd: '01;33',
  ex: '01;32',
  do: '01;35',
  su: '37;41',
  sg: '30;43',
  st: '37;44',
  ow: '34;42',
  tw: '30;42',
};

/** Terminal types GNU colours for when $LS_COLORS is unset (dircolors' TERM list). */
const COLOUR_TERMINALS = [
  'Eterm',
  'ansi',
  '*color*',
  'con[0-9]*x[0-9]*',
  'cons25',
  'console',
  'cygwin',
  '*direct*',
  'dtterm',
  'gnome',
  'hurd',
  'jfbterm',
  'konsole',
  'kterm',
  'linux',
  'linux-c',
  'mlterm',
  'putty',
  'rxvt*',
  'screen*',
  'st',
  'terminator',
  'tmux*',
  'vt100',
  'xterm*',
].map((glob) => new RegExp(`^${glob.replace(/\*/g, '.*')}$`));

/**
 * Whether --color may colour at all: with $LS_COLORS unset GNU colours only when $COLORTERM is
 * set or $TERM is a type it knows.
 */
export function coloursAllowed(env: Readonly<Record<string, string>>): boolean {
  if (env.LS_COLORS) return true;
  if (env.COLORTERM) return true;
  const term = env.TERM;
  return term !== undefined && COLOUR_TERMINALS.some((pattern) => pattern.test(term));
}

/** What colouring needs to know about a file (or a symbolic link's target). */
export interface ColourSubject {
  name: string;
  mode: number;
  nlink: number;
}

export class LsColours {
  private readonly codes = new Map<string, string>();
  /** `*.ext` patterns in lower case, the last given first (it wins, as in GNU). */
  private readonly suffixes: Array<[string, string]> = [];

  constructor(lsColors: string | undefined) {
    for (const [key, code] of Object.entries(BUILT_IN)) this.codes.set(key, code);
    for (const item of (lsColors ?? '').split(':')) {
      const eq = item.indexOf('=');
      if (eq <= 0) continue;
      const key = item.slice(0, eq);
      const code = item.slice(eq + 1);
      if (key.startsWith('*')) this.suffixes.unshift([key.slice(1).toLowerCase(), code]);
      else this.codes.set(key, code);
    }
  }

  /** Whether links must be resolved to colour them (ln=target, or orphan/missing colours). */
  get needsLinkTargets(): boolean {
    return this.codes.get('ln') === 'target' || this.isColoured('or') || this.isColoured('mi');
  }

  private isColoured(key: string): boolean {
    const code = this.codes.get(key);
    return code !== undefined && code !== '' && code !== '0' && code !== '00';
  }

  /** The colour of a file; `target` is what a symbolic link resolves to (null: dangling). */
  codeFor(file: ColourSubject, target?: ColourSubject | null): string | undefined {
    const type = file.mode & S_IFMT;
    if (type === S_IFLNK) {
      if (target === null && this.isColoured('or')) return this.codes.get('or');
      if (this.codes.get('ln') === 'target') {
        return target ? this.codeFor({ ...target, name: file.name }) : this.codes.get('or');
      }
      return this.codes.get('ln');
    }
    switch (type) {
      case S_IFDIR: {
        const sticky = (file.mode & 0o1000) !== 0;
        const otherWritable = (file.mode & 0o002) !== 0;
        if (sticky && otherWritable && this.isColoured('tw')) return this.codes.get('tw');
        if (otherWritable && this.isColoured('ow')) return this.codes.get('ow');
        if (sticky && this.isColoured('st')) return this.codes.get('st');
        return this.codes.get('di');
      }
      case S_IFIFO:
        return this.codes.get('pi');
      case S_IFSOCK:
        return this.codes.get('so');
      case S_IFBLK:
        return this.codes.get('bd');
      case S_IFCHR:
        return this.codes.get('cd');
      case S_IFREG:
        return this.regularCode(file);
      default:
        return undefined;
    }
  }

  /** The colour of what a link points to, shown after `->` (missing targets: mi, else or). */
  targetCodeFor(target: ColourSubject | null): string | undefined {
    if (target === null) return this.isColoured('mi') ? this.codes.get('mi') : this.codes.get('or');
    return this.codeFor(target);
  }

  private regularCode(file: ColourSubject): string | undefined {
    if (file.mode & 0o4000 && this.isColoured('su')) return this.codes.get('su');
    if (file.mode & 0o2000 && this.isColoured('sg')) return this.codes.get('sg');
    if (file.mode & 0o111 && this.isColoured('ex')) return this.codes.get('ex');
    if (file.nlink > 1 && this.isColoured('mh')) return this.codes.get('mh');
    // Suffixes match regardless of case; the last one given wins (GNU 9.1).
    const name = file.name.toLowerCase();
    for (const [suffix, code] of this.suffixes) {
      if (name.endsWith(suffix)) return code;
    }
    return this.codes.get('fi');
  }

  /** `text` wrapped in the colour `code` (GNU writes even "00" once it is chosen). */
  paint(text: string, code: string | undefined): string {
    if (code === undefined) return text;
    return `\x1b[${code}m${text}\x1b[0m`;
  }
}
