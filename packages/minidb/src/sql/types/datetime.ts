import { SqlError } from '../../engine/errors.js';

/**
 * Dates are days since 1970-01-01, times microseconds since midnight, timestamps microseconds
 * since 1970-01-01 00:00 UTC (exact as JS numbers up to year 2255), intervals months/days/µs.
 * The session time zone is UTC.
 */
export interface Interval {
  months: number;
  days: number;
  micros: number;
}

const US_PER_DAY = 86_400_000_000;

function invalid(type: string, text: string): SqlError {
  return new SqlError('22007', `invalid input syntax for type ${type}: "${text}"`);
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's algorithm). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civil(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

const DATE_RE = /^(\d{4,})-(\d{1,2})-(\d{1,2})/;

export function parseDate(text: string): number {
  const s = text.trim().toLowerCase();
  if (s === 'today' || s === 'now') return Math.floor(Date.now() / 86_400_000);
  if (s === 'epoch') return 0;
  const m = DATE_RE.exec(s);
  if (!m) throw invalid('date', text);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  checkDate(y, mo, d, text);
  return daysFromCivil(y, mo, d);
}

function checkDate(y: number, mo: number, d: number, text: string): void {
  const dim = [
    31,
    y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28,
    31,
    30,
    31,
    30,
    31,
    31,
    30,
    31,
    30,
    31,
  ];
  if (mo < 1 || mo > 12 || d < 1 || d > dim[mo - 1]) {
    throw new SqlError('22008', `date/time field value out of range: "${text}"`);
  }
}

const TIME_RE = /(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?/;

export function parseTime(text: string): number {
  const m = TIME_RE.exec(text.trim());
  if (!m) throw invalid('time without time zone', text);
  return timeMicros(m, text);
}

function timeMicros(m: RegExpExecArray, text: string): number {
  const h = Number(m[1]);
  const mi = Number(m[2]);
  const sec = Number(m[3] ?? 0);
  const frac = m[4] ? Math.round(Number(`0.${m[4]}`) * 1e6) : 0;
  if (h > 24 || mi > 59 || sec > 60)
    throw new SqlError('22008', `date/time field value out of range: "${text}"`);
  return ((h * 60 + mi) * 60 + sec) * 1e6 + frac;
}

export function parseTimestamp(text: string, withZone: boolean): number {
  const s = text.trim();
  const lower = s.toLowerCase();
  if (lower === 'now') return Date.now() * 1000;
  if (lower === 'epoch') return 0;
  if (lower === 'infinity' || lower === '-infinity')
    return lower === 'infinity' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  const m = DATE_RE.exec(s);
  const type = withZone ? 'timestamp with time zone' : 'timestamp without time zone';
  if (!m) throw invalid(type, text);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  checkDate(y, mo, d, text);
  let micros = daysFromCivil(y, mo, d) * US_PER_DAY;
  const rest = s.slice(m[0].length).replace(/^[T ]\s*/, '');
  if (rest) {
    const t = TIME_RE.exec(rest);
    if (t?.index !== 0) throw invalid(type, text);
    micros += timeMicros(t, text);
    const zone = rest.slice(t[0].length).trim();
    if (zone && withZone) micros -= zoneOffsetSeconds(zone, text) * 1e6;
    else if (zone && !/^([+-]\d{1,2}(:?\d{2})?|z|utc|gmt)$/i.test(zone)) throw invalid(type, text);
  }
  return micros;
}

function zoneOffsetSeconds(zone: string, text: string): number {
  if (/^(z|utc|gmt)$/i.test(zone)) return 0;
  const m = /^([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(zone);
  if (!m) throw invalid('timestamp with time zone', text);
  const v = Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60;
  return m[1] === '-' ? -v : v;
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

function formatYmd(y: number, m: number, d: number): string {
  return y <= 0 ? `${pad(1 - y, 4)}-${pad(m)}-${pad(d)} BC` : `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
}

export function formatDate(days: number): string {
  const [y, m, d] = civil(days);
  return formatYmd(y, m, d);
}

export function formatTime(micros: number): string {
  const total = Math.floor(micros / 1e6);
  const frac = micros - total * 1e6;
  const h = Math.floor(total / 3600);
  const mi = Math.floor((total % 3600) / 60);
  const s = total % 60;
  let out = `${pad(h)}:${pad(mi)}:${pad(s)}`;
  if (frac) out += `.${pad(Math.round(frac), 6).replace(/0+$/, '')}`;
  return out;
}

export function formatTimestamp(micros: number, withZone: boolean): string {
  if (micros === Number.POSITIVE_INFINITY) return 'infinity';
  if (micros === Number.NEGATIVE_INFINITY) return '-infinity';
  const days = Math.floor(micros / US_PER_DAY);
  const [y, m, d] = civil(days);
  const bc = y <= 0;
  const date = formatYmd(y, m, d).replace(' BC', '');
  const out = `${date} ${formatTime(micros - days * US_PER_DAY)}${withZone ? '+00' : ''}`;
  return bc ? `${out} BC` : out;
}

const UNITS: Record<string, [keyof Interval, number]> = {
  microsecond: ['micros', 1],
  millisecond: ['micros', 1000],
  second: ['micros', 1e6],
  minute: ['micros', 60e6],
  hour: ['micros', 3600e6],
  day: ['days', 1],
  week: ['days', 7],
  month: ['months', 1],
  year: ['months', 12],
  decade: ['months', 120],
  century: ['months', 1200],
};

const UNIT_ALIASES: Record<string, string> = {
  us: 'microsecond',
  usec: 'microsecond',
  usecs: 'microsecond',
  microseconds: 'microsecond',
  ms: 'millisecond',
  msec: 'millisecond',
  msecs: 'millisecond',
  milliseconds: 'millisecond',
  s: 'second',
  sec: 'second',
  secs: 'second',
  seconds: 'second',
  m: 'minute',
  min: 'minute',
  mins: 'minute',
  minutes: 'minute',
  h: 'hour',
  hr: 'hour',
  hrs: 'hour',
  hours: 'hour',
  d: 'day',
  days: 'day',
  w: 'week',
  weeks: 'week',
  mon: 'month',
  mons: 'month',
  months: 'month',
  y: 'year',
  yr: 'year',
  yrs: 'year',
  years: 'year',
  decades: 'decade',
  centuries: 'century',
};

export function parseInterval(text: string): Interval {
  const out: Interval = { months: 0, days: 0, micros: 0 };
  let s = text.trim().toLowerCase();
  const ago = s.endsWith(' ago');
  if (ago) s = s.slice(0, -4);
  if (s.startsWith('@')) s = s.slice(1);
  const re = /\s*([+-]?\d+(?:\.\d+)?)\s*([a-z]+)|\s*([+-]?)(\d+):(\d{2})(?::(\d{2}(?:\.\d+)?))?/y;
  let matched = false;
  while (re.lastIndex < s.length) {
    const m = re.exec(s);
    if (!m) throw invalid('interval', text);
    matched = true;
    if (m[2]) {
      const unit = UNITS[m[2]] ? m[2] : UNIT_ALIASES[m[2]];
      if (!unit) throw invalid('interval', text);
      const [field, factor] = UNITS[unit];
      const v = Number(m[1]) * factor;
      out[field] += field === 'micros' ? Math.round(v) : Math.trunc(v);
      const fraction = v - Math.trunc(v);
      if (field === 'months' && fraction) out.days += Math.round(fraction * 30);
      if (field === 'days' && fraction) out.micros += Math.round(fraction * US_PER_DAY);
    } else {
      const sign = m[3] === '-' ? -1 : 1;
      const v = (Number(m[4]) * 3600 + Number(m[5]) * 60 + Number(m[6] ?? 0)) * 1e6;
      out.micros += sign * Math.round(v);
    }
  }
  if (!matched) throw invalid('interval', text);
  if (ago) return { months: -out.months, days: -out.days, micros: -out.micros };
  return out;
}

export function formatInterval(iv: Interval): string {
  const parts: string[] = [];
  const years = Math.trunc(iv.months / 12);
  const months = iv.months % 12;
  if (years) parts.push(`${years} year${Math.abs(years) === 1 ? '' : 's'}`);
  if (months) parts.push(`${months} mon${Math.abs(months) === 1 ? '' : 's'}`);
  if (iv.days) parts.push(`${iv.days} day${Math.abs(iv.days) === 1 ? '' : 's'}`);
  if (iv.micros || parts.length === 0) {
    const neg = iv.micros < 0;
    const time = formatTime(Math.abs(iv.micros));
    const [h, ...rest] = time.split(':');
    const text = `${neg ? '-' : parts.length && iv.micros > 0 && parts.some((p) => p.startsWith('-')) ? '+' : ''}${pad(Number(h))}:${rest.join(':')}`;
    parts.push(text);
  }
  return parts.join(' ');
}
