import { SqlError } from '../../engine/errors.js';
import { Decimal } from './numeric.js';
import { Oid } from './oids.js';
import { parseText, formatText } from './text.js';

/** Binary send/receive functions per type OID (PostgreSQL's typsend/typreceive layouts). */

// PostgreSQL's binary dates and timestamps count from 2000-01-01.
const PG_EPOCH_DAYS = 10957;
const PG_EPOCH_US = PG_EPOCH_DAYS * 86_400_000_000;

function badLength(oid: number, len: number): SqlError {
  return new SqlError(
    '22P03',
    `incorrect binary data format in bind parameter (type ${oid}, ${len} bytes)`,
  );
}

export function decodeBinary(oid: number, data: Buffer): unknown {
  const need = (n: number) => {
    if (data.length !== n) throw badLength(oid, data.length);
  };
  switch (oid) {
    case Oid.bool:
      need(1);
      return data[0] !== 0;
    case Oid.int2:
      need(2);
      return data.readInt16BE(0);
    case Oid.int4:
      need(4);
      return data.readInt32BE(0);
    case Oid.oid:
    case Oid.regclass:
    case Oid.regtype:
      need(4);
      return data.readUInt32BE(0);
    case Oid.int8:
      need(8);
      return data.readBigInt64BE(0);
    case Oid.float4:
      need(4);
      return data.readFloatBE(0);
    case Oid.float8:
      need(8);
      return data.readDoubleBE(0);
    case Oid.numeric:
      return decodeNumeric(data);
    case Oid.bytea:
      return Buffer.from(data);
    case Oid.uuid: {
      need(16);
      const h = data.toString('hex');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    }
    case Oid.date:
      need(4);
      return data.readInt32BE(0) + PG_EPOCH_DAYS;
    case Oid.time:
      need(8);
      return Number(data.readBigInt64BE(0));
    case Oid.timestamp:
    case Oid.timestamptz:
      need(8);
      return Number(data.readBigInt64BE(0)) + PG_EPOCH_US;
    case Oid.interval:
      need(16);
      return {
        micros: Number(data.readBigInt64BE(0)),
        days: data.readInt32BE(8),
        months: data.readInt32BE(12),
      };
    case Oid.jsonb:
      return parseText(oid, data.subarray(1).toString('utf8'));
    default:
      return parseText(oid, data.toString('utf8'));
  }
}

export function encodeBinary(oid: number, value: unknown): Buffer {
  switch (oid) {
    case Oid.bool:
      return Buffer.from([value ? 1 : 0]);
    case Oid.int2: {
      const b = Buffer.allocUnsafe(2);
      b.writeInt16BE(value as number);
      return b;
    }
    case Oid.int4: {
      const b = Buffer.allocUnsafe(4);
      b.writeInt32BE(value as number);
      return b;
    }
    case Oid.oid:
    case Oid.regclass:
    case Oid.regtype: {
      const b = Buffer.allocUnsafe(4);
      b.writeUInt32BE(value as number);
      return b;
    }
    case Oid.int8: {
      const b = Buffer.allocUnsafe(8);
      b.writeBigInt64BE(BigInt(value as bigint));
      return b;
    }
    case Oid.float4: {
      const b = Buffer.allocUnsafe(4);
      b.writeFloatBE(value as number);
      return b;
    }
    case Oid.float8: {
      const b = Buffer.allocUnsafe(8);
      b.writeDoubleBE(value as number);
      return b;
    }
    case Oid.numeric:
      return encodeNumeric(value as Decimal);
    case Oid.bytea:
      return value as Buffer;
    case Oid.uuid:
      return Buffer.from((value as string).replace(/-/g, ''), 'hex');
    case Oid.date: {
      const b = Buffer.allocUnsafe(4);
      b.writeInt32BE((value as number) - PG_EPOCH_DAYS);
      return b;
    }
    case Oid.time: {
      const b = Buffer.allocUnsafe(8);
      b.writeBigInt64BE(BigInt(value as number));
      return b;
    }
    case Oid.timestamp:
    case Oid.timestamptz: {
      const b = Buffer.allocUnsafe(8);
      b.writeBigInt64BE(BigInt((value as number) - PG_EPOCH_US));
      return b;
    }
    case Oid.interval: {
      const iv = value as { months: number; days: number; micros: number };
      const b = Buffer.allocUnsafe(16);
      b.writeBigInt64BE(BigInt(iv.micros), 0);
      b.writeInt32BE(iv.days, 8);
      b.writeInt32BE(iv.months, 12);
      return b;
    }
    case Oid.jsonb:
      return Buffer.concat([Buffer.from([1]), Buffer.from(formatText(oid, value), 'utf8')]);
    default:
      return Buffer.from(formatText(oid, value), 'utf8');
  }
}

/** numeric_send: ndigits, weight, sign, dscale, then base-10000 digits. */
function encodeNumeric(d: Decimal): Buffer {
  if (d.nan) {
    const b = Buffer.alloc(8);
    b.writeUInt16BE(0xc000, 4);
    return b;
  }
  const neg = d.digits < 0n;
  const text = (neg ? -d.digits : d.digits).toString().padStart(d.scale + 1, '0');
  let intPart = text.slice(0, text.length - d.scale);
  let frac = text.slice(text.length - d.scale);
  intPart = intPart.replace(/^0+/, '');
  intPart = intPart.padStart(Math.ceil(intPart.length / 4) * 4, '0');
  frac = frac.padEnd(Math.ceil(frac.length / 4) * 4, '0');
  const groups = (intPart + frac).match(/.{4}/g)?.map(Number) ?? [];
  let weight = intPart.length / 4 - 1;
  while (groups.length && groups[0] === 0) {
    groups.shift();
    weight--;
  }
  while (groups.length && groups[groups.length - 1] === 0) groups.pop();
  if (groups.length === 0) weight = 0;
  const b = Buffer.allocUnsafe(8 + groups.length * 2);
  b.writeUInt16BE(groups.length, 0);
  b.writeInt16BE(weight, 2);
  b.writeUInt16BE(neg ? 0x4000 : 0, 4);
  b.writeUInt16BE(d.scale, 6);
  groups.forEach((g, k) => {
    b.writeUInt16BE(g, 8 + k * 2);
  });
  return b;
}

function decodeNumeric(data: Buffer): Decimal {
  if (data.length < 8) throw badLength(Oid.numeric, data.length);
  const n = data.readUInt16BE(0);
  const weight = data.readInt16BE(2);
  const sign = data.readUInt16BE(4);
  const dscale = data.readUInt16BE(6);
  if (sign === 0xc000) return Decimal.NaN;
  if (data.length !== 8 + n * 2) throw badLength(Oid.numeric, data.length);
  let digits = 0n;
  for (let k = 0; k < n; k++) digits = digits * 10000n + BigInt(data.readUInt16BE(8 + k * 2));
  // digits currently has scale 4*(n - weight - 1)
  const scale = 4 * (n - weight - 1);
  let d = scale >= 0 ? new Decimal(digits, scale) : new Decimal(digits * 10n ** BigInt(-scale), 0);
  d = d.withScale(dscale);
  return sign === 0x4000 ? d.neg() : d;
}
