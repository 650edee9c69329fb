import { hostname, userInfo } from 'node:os';

/**
 * PS1/PS2 expansion with bash's backslash escapes. Text between \[ and \] (colour codes) is
 * marked with \x01 ... \x02, as readline does, so the editor knows it takes no columns. When
 * the output is not a terminal, colours are dropped: the marked text and any escape sequence.
 */

export interface PromptContext {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** `\s`: the shell's name (basename of $0). */
  shellName: string;
  /** `\v` (major.minor) and `\V` (major.minor.patch). */
  version: string;
  /** `\j`: the number of jobs. */
  jobs?: number;
  /** `\!`: the history number of the next command; `\#`: the command number. */
  historyNumber?: number;
  commandNumber?: number;
  /** `\$`: '#' for root. */
  uid?: number;
  /** Whether colours may be shown (the terminal is a TTY). */
  colour: boolean;
  /**
   * The result will go through parameter and command expansion (bash's promptvars): escape
   * `$`, backquote and backslash in what \w, \u, \h... insert, so a directory named `$(x)` is
   * shown, not run.
   */
  quoteForExpansion?: boolean;
  now?: Date;
}

export const IGNORE_START = '\x01';
export const IGNORE_END = '\x02';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const two = (n: number) => String(n).padStart(2, '0');

/** The user name: $USER when set, else the system's. */
function userName(env: PromptContext['env']): string {
  if (env.USER) return env.USER;
  try {
    return userInfo().username;
  } catch {
    return String(process.getuid?.() ?? '');
  }
}

/** `\w`: the directory with $HOME abbreviated to ~ (and PROMPT_DIRTRIM honoured). */
function tildeDirectory(cwd: string, env: PromptContext['env']): string {
  const home = env.HOME;
  let dir = cwd;
  if (home && home !== '/' && (cwd === home || cwd.startsWith(`${home}/`))) {
    dir = `~${cwd.slice(home.length)}`;
  }
  const trim = Number(env.PROMPT_DIRTRIM);
  if (Number.isInteger(trim) && trim > 0) {
    const parts = dir.split('/');
    const head = dir.startsWith('~') ? 1 : 0;
    if (parts.length - head > trim + 1) {
      dir = `${head ? '~/' : ''}.../${parts.slice(-trim).join('/')}`;
    }
  }
  return dir;
}

export function expandPrompt(template: string, ctx: PromptContext): string {
  const now = ctx.now ?? new Date();
  const hours12 = now.getHours() % 12 || 12;
  const data = (text: string) => (ctx.quoteForExpansion ? text.replace(/[$`\\]/g, '\\$&') : text);
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c !== '\\' || i + 1 >= template.length) {
      out += c;
      continue;
    }
    const e = template[++i];
    switch (e) {
      case 'a':
        out += '\x07';
        break;
      case 'd':
        out += `${DAYS[now.getDay()]} ${MONTHS[now.getMonth()]} ${two(now.getDate())}`;
        break;
      case 'D': {
        // \D{format}: only the common strftime conversions.
        const close = template.indexOf('}', i);
        if (template[i + 1] === '{' && close > 0) {
          out += strftime(template.slice(i + 2, close) || '%X', now);
          i = close;
        } else {
          out += '\\D';
        }
        break;
      }
      case 'e':
        out += '\x1b';
        break;
      case 'h':
        out += data(hostname().split('.')[0]);
        break;
      case 'H':
        out += data(hostname());
        break;
      case 'j':
        out += String(ctx.jobs ?? 0);
        break;
      case 'l':
        out += 'tty';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 's':
        out += data(ctx.shellName);
        break;
      case 't':
        out += `${two(now.getHours())}:${two(now.getMinutes())}:${two(now.getSeconds())}`;
        break;
      case 'T':
        out += `${two(hours12)}:${two(now.getMinutes())}:${two(now.getSeconds())}`;
        break;
      case '@':
        out += `${two(hours12)}:${two(now.getMinutes())} ${now.getHours() < 12 ? 'AM' : 'PM'}`;
        break;
      case 'A':
        out += `${two(now.getHours())}:${two(now.getMinutes())}`;
        break;
      case 'u':
        out += data(userName(ctx.env));
        break;
      case 'v':
        out += ctx.version.split('.').slice(0, 2).join('.');
        break;
      case 'V':
        out += ctx.version;
        break;
      case 'w':
        out += data(tildeDirectory(ctx.cwd, ctx.env));
        break;
      case 'W': {
        const dir = tildeDirectory(ctx.cwd, { HOME: ctx.env.HOME });
        out += data(dir === '/' || dir === '~' ? dir : dir.slice(dir.lastIndexOf('/') + 1));
        break;
      }
      case '!':
        out += String(ctx.historyNumber ?? 1);
        break;
      case '#':
        out += String(ctx.commandNumber ?? 1);
        break;
      case '$':
        out += (ctx.uid ?? process.getuid?.() ?? 1) === 0 ? '#' : '$';
        break;
      case '\\':
        out += data('\\');
        break;
      case '[':
        out += IGNORE_START;
        break;
      case ']':
        out += IGNORE_END;
        break;
      default:
        if (/[0-7]/.test(e)) {
          const digits = /^[0-7]{1,3}/.exec(template.slice(i))![0];
          out += String.fromCharCode(Number.parseInt(digits, 8));
          i += digits.length - 1;
        } else {
          out += `\\${e}`;
        }
    }
  }
  return ctx.colour ? out : stripColour(out);
}

/** Removes \[...\] regions and escape sequences (for prompts shown where colours are off). */
export function stripColour(text: string): string {
  return text
    .replace(/\x01[^\x02]*\x02?/g, '')
    .replace(/\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])/g, '');
}

function strftime(format: string, now: Date): string {
  return format.replace(/%(.)/g, (_, f: string) => {
    switch (f) {
      case 'H':
        return two(now.getHours());
      case 'M':
        return two(now.getMinutes());
      case 'S':
        return two(now.getSeconds());
      case 'Y':
        return String(now.getFullYear());
      case 'm':
        return two(now.getMonth() + 1);
      case 'd':
        return two(now.getDate());
      case 'a':
        return DAYS[now.getDay()];
      case 'b':
        return MONTHS[now.getMonth()];
      case 'X':
      case 'T':
        return `${two(now.getHours())}:${two(now.getMinutes())}:${two(now.getSeconds())}`;
      case '%':
        return '%';
      default:
        return `%${f}`;
    }
  });
}
