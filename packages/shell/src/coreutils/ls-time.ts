/**
 * The time column of `ls -l`: GNU's default (`Nov 26 09:17` within the last six months,
 * `Apr 18  2025` otherwise) and the --time-style choices (full-iso, long-iso, iso, locale,
 * +FORMAT with strftime conversions, "+OLD\nRECENT" pairs), in the shell's $TZ.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const SIX_MONTHS_NS = BigInt(31556952 / 2) * 1_000_000_000n;

/** strftime formats for files older than six months (or in the future) and recent ones. */
const STYLES: Record<string, [string, string]> = {
  'full-iso': ['%Y-%m-%d %H:%M:%S.%N %z', '%Y-%m-%d %H:%M:%S.%N %z'],
  'long-iso': ['%Y-%m-%d %H:%M', '%Y-%m-%d %H:%M'],
  iso: ['%Y-%m-%d ', '%m-%d %H:%M'],
  locale: ['%b %e  %Y', '%b %e %H:%M'],
};

export const TIME_STYLE_HELP = `Valid arguments are:
  - [posix-]full-iso
  - [posix-]long-iso
  - [posix-]iso
  - [posix-]locale
  - +FORMAT (e.g., +%H:%M) for a 'date'-style format`;

/** The two formats of a --time-style value, or undefined when it is not one. */
export function parseTimeStyle(style: string): [string, string] | undefined {
  if (style.startsWith('+')) {
    const [old, recent] = style.slice(1).split('\n');
    return [old, recent ?? old];
  }
  // posix-STYLE means STYLE except in the POSIX locale, which is the one ls dates use here.
  if (style.startsWith('posix-')) return STYLES[style.slice(6)] ? STYLES.locale : undefined;
  return STYLES[style];
}

interface TimeParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
  /** Minutes east of UTC. */
  offset: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Date parts in a time zone (an IANA name, or the process's); creating one costs ~10 ms. */
function formatterFor(zone: string | undefined): Intl.DateTimeFormat {
  const key = zone ?? '';
  let format = formatters.get(key);
  if (format) return format;
  const options: Intl.DateTimeFormatOptions = {
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    weekday: 'short',
    timeZoneName: 'longOffset',
    hourCycle: 'h23',
  };
  try {
    format = new Intl.DateTimeFormat('en-US', { ...options, timeZone: zone || undefined });
  } catch {
    format = new Intl.DateTimeFormat('en-US', options);
  }
  formatters.set(key, format);
  return format;
}

export class TimeFormatter {
  private readonly nowNs = BigInt(Date.now()) * 1_000_000n;
  private formatter?: Intl.DateTimeFormat;
  private readonly cache = new Map<bigint, TimeParts>();

  constructor(
    private readonly formats: [string, string],
    private readonly zone: string | undefined,
  ) {}

  format(timeNs: bigint): string {
    const recent = timeNs > this.nowNs - SIX_MONTHS_NS && timeNs <= this.nowNs;
    return strftime(recent ? this.formats[1] : this.formats[0], this.parts(timeNs), timeNs);
  }

  private parts(timeNs: bigint): TimeParts {
    // Files made together share their second: formatToParts is the costly step of a listing.
    if (timeNs < 0n) return this.computeParts(timeNs);
    const second = timeNs / 1_000_000_000n;
    const cached = this.cache.get(second);
    if (cached) return cached;
    if (this.cache.size > 10_000) this.cache.clear();
    const parts = this.computeParts(timeNs);
    this.cache.set(second, parts);
    return parts;
  }

  private computeParts(timeNs: bigint): TimeParts {
    this.formatter ??= formatterFor(this.zone);
    const found: Record<string, string> = {};
    const ms = Number(timeNs / 1_000_000n);
    for (const part of this.formatter.formatToParts(new Date(ms))) found[part.type] = part.value;
    const offset = /GMT([+-])(\d\d):(\d\d)/.exec(found.timeZoneName ?? '');
    return {
      year: Number(found.year),
      month: Number(found.month),
      day: Number(found.day),
      hour: Number(found.hour) % 24,
      minute: Number(found.minute),
      second: Number(found.second),
      weekday: DAYS.indexOf(found.weekday),
      offset: offset
        ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3]))
        : 0,
    };
  }
}

const two = (n: number) => String(n).padStart(2, '0');

function strftime(format: string, t: TimeParts, timeNs: bigint): string {
  return format.replace(/%([%a-zA-Z])/g, (match, conversion: string) => {
    switch (conversion) {
      case 'Y':
        return String(t.year);
      case 'y':
        return two(t.year % 100);
      case 'm':
        return two(t.month);
      case 'd':
        return two(t.day);
      case 'e':
        return String(t.day).padStart(2);
      case 'H':
        return two(t.hour);
      case 'I':
        return two(t.hour % 12 || 12);
      case 'M':
        return two(t.minute);
      case 'S':
        return two(t.second);
      case 'p':
        return t.hour < 12 ? 'AM' : 'PM';
      case 'N':
        return String(((timeNs % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n).padStart(
          9,
          '0',
        );
      case 'z': {
        const sign = t.offset < 0 ? '-' : '+';
        const minutes = Math.abs(t.offset);
        return `${sign}${two(Math.floor(minutes / 60))}${two(minutes % 60)}`;
      }
      case 'b':
      case 'h':
        return MONTHS[t.month - 1];
      case 'B':
        return MONTH_NAMES[t.month - 1];
      case 'a':
        return DAYS[t.weekday];
      case 'A':
        return DAY_NAMES[t.weekday];
      case 'F':
        return `${t.year}-${two(t.month)}-${two(t.day)}`;
      case 'T':
        return `${two(t.hour)}:${two(t.minute)}:${two(t.second)}`;
      case 'R':
        return `${two(t.hour)}:${two(t.minute)}`;
      case 'D':
        return `${two(t.month)}/${two(t.day)}/${two(t.year % 100)}`;
      case 's':
        return String(timeNs / 1_000_000_000n);
      case 'j': {
        const start = Date.UTC(t.year, 0, 1);
        const day = (Date.UTC(t.year, t.month - 1, t.day) - start) / 86_400_000 + 1;
        return String(day).padStart(3, '0');
      }
      case 'u':
        return String(t.weekday || 7);
      case 'w':
        return String(t.weekday);
      case 'k':
        return String(t.hour).padStart(2);
      case 'l':
        return String(t.hour % 12 || 12).padStart(2);
      case 'C':
        return two(Math.floor(t.year / 100));
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case '%':
        return '%';
      default:
        return match;
    }
  });
}
