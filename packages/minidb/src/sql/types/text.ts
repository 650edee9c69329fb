import { SqlError } from '../../engine/errors.js';
import { formatFloat, parseFloatText } from './float.js';
import { Decimal } from './numeric.js';
import { elementType, Oid } from './oids.js';
import {
  formatDate,
  formatInterval,
  formatTime,
  formatTimestamp,
  parseDate,
  parseInterval,
  parseTime,
  parseTimestamp,
  type Interval,
} from './datetime.js';
import { formatArray, parseArray } from './array-text.js';

/** Text input and output functions (typinput/typoutput) per type OID. */

function invalid(typeName: string, text: string): SqlError {
  return new SqlError('22P02', `invalid input syntax for type ${typeName}: "${text}"`);
}

const INT_RANGE: Record<number, [number, number, string]> = {
  [Oid.int2]: [-32768, 32767, 'smallint'],
  [Oid.int4]: [-2147483648, 2147483647, 'integer'],
  [Oid.oid]: [-2147483648, 4294967295, 'oid'],
  [Oid.regclass]: [0, 4294967295, 'oid'],
  [Oid.regtype]: [0, 4294967295, 'oid'],
  [Oid.regproc]: [0, 4294967295, 'oid'],
};

export function parseBool(text: string): boolean | null {
  const s = text.trim().toLowerCase();
  if (s.length === 0) return null;
  if ('true'.startsWith(s) || 'yes'.startsWith(s) || s === 'on' || s === '1') return true;
  if ('false'.startsWith(s) || 'no'.startsWith(s) || s === 'off' || s === '0') return false;
  return null;
}

export function parseText(oid: number, text: string): unknown {
  switch (oid) {
    case Oid.bool: {
      const b = parseBool(text);
      if (b === null) throw invalid('boolean', text);
      return b;
    }
    case Oid.int2:
    case Oid.int4:
    case Oid.oid:
    case Oid.regclass:
    case Oid.regtype:
    case Oid.regproc: {
      const [min, max, name] = INT_RANGE[oid];
      const s = text.trim();
      if (!/^[+-]?\d+$/.test(s)) throw invalid(name, text);
      const v = Number(s);
      if (v < min || v > max)
        throw new SqlError('22003', `value "${text}" is out of range for type ${name}`);
      return v;
    }
    case Oid.int8: {
      const s = text.trim();
      if (!/^[+-]?\d+$/.test(s)) throw invalid('bigint', text);
      const v = BigInt(s);
      if (v < -(2n ** 63n) || v >= 2n ** 63n)
        throw new SqlError('22003', `value "${text}" is out of range for type bigint`);
      return v;
    }
    case Oid.float4:
    case Oid.float8: {
      const v = parseFloatText(text);
      const name = oid === Oid.float4 ? 'real' : 'double precision';
      if (v === null) throw invalid(name, text);
      if (!Number.isFinite(v) && !/inf|nan/i.test(text))
        throw new SqlError('22003', `"${text}" is out of range for type ${name}`);
      return oid === Oid.float4 ? Math.fround(v) : v;
    }
    case Oid.numeric: {
      const d = Decimal.parse(text);
      if (!d) throw invalid('numeric', text);
      return d;
    }
    case Oid.text:
    case Oid.varchar:
    case Oid.bpchar:
    case Oid.name:
    case Oid.unknown:
    case Oid.char:
      return text;
    case Oid.json:
    case Oid.jsonb:
      try {
        JSON.parse(text);
      } catch {
        throw invalid('json', text);
      }
      return oid === Oid.jsonb ? JSON.stringify(JSON.parse(text)) : text;
    case Oid.bytea:
      return parseBytea(text);
    case Oid.uuid: {
      const hex = text.trim().replace(/[{}]/g, '').replace(/-/g, '').toLowerCase();
      if (!/^[0-9a-f]{32}$/.test(hex)) throw invalid('uuid', text);
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    }
    case Oid.date:
      return parseDate(text);
    case Oid.time:
      return parseTime(text);
    case Oid.timestamp:
      return parseTimestamp(text, false);
    case Oid.timestamptz:
      return parseTimestamp(text, true);
    case Oid.interval:
      return parseInterval(text);
    default: {
      const elem = elementType(oid);
      if (elem) return parseArray(text, (s) => parseText(elem, s));
      return text;
    }
  }
}

function parseBytea(text: string): Buffer {
  if (text.startsWith('\\x')) {
    const hex = text.slice(2).replace(/\s/g, '');
    if (!/^([0-9a-fA-F]{2})*$/.test(hex)) throw invalid('bytea', text);
    return Buffer.from(hex, 'hex');
  }
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 92) {
      out.push(...Buffer.from(text[i], 'utf8'));
      continue;
    }
    if (text[i + 1] === '\\') {
      out.push(92);
      i++;
    } else if (/^[0-3][0-7][0-7]$/.test(text.slice(i + 1, i + 4))) {
      out.push(Number.parseInt(text.slice(i + 1, i + 4), 8));
      i += 3;
    } else throw invalid('bytea', text);
  }
  return Buffer.from(out);
}

export function formatText(oid: number, value: unknown): string {
  switch (oid) {
    case Oid.bool:
      return value ? 't' : 'f';
    case Oid.float4:
      return formatFloat(value as number, true);
    case Oid.float8:
      return formatFloat(value as number, false);
    case Oid.bytea:
      return `\\x${(value as Buffer).toString('hex')}`;
    case Oid.date:
      return formatDate(value as number);
    case Oid.time:
      return formatTime(value as number);
    case Oid.timestamp:
      return formatTimestamp(value as number, false);
    case Oid.timestamptz:
      return formatTimestamp(value as number, true);
    case Oid.interval:
      return formatInterval(value as Interval);
    default: {
      if (Array.isArray(value)) {
        const elem = elementType(oid);
        return formatArray(value, (v) => formatText(elem || Oid.text, v));
      }
      return String(value);
    }
  }
}
