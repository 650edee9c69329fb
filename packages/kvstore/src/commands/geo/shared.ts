import { CommandError } from '../../command-error.js';
import type { ReplyWriter } from '../../protocol/reply-writer.js';
import { isValidPosition, type Point, UNITS } from '../../structures/geohash.js';
import { parseFloatArg } from '../args.js';

/** Argument parsing and number formatting shared by the GEO commands, with Redis's texts. */

/** C's printf("%f"): 6 decimals, full integer digits for huge values, inf spelled out. */
function printfFixed(value: number): string {
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (Math.abs(value) >= 1e21) return `${BigInt(value)}.000000`;
  return value.toFixed(6);
}

/** `longitude latitude` at argv[at], validated against the Web Mercator limits. */
export function parsePosition(argv: readonly string[], at: number): Point {
  const lon = parseFloatArg(argv[at]!);
  const lat = parseFloatArg(argv[at + 1]!);
  if (!isValidPosition(lon, lat)) {
    throw new CommandError(
      `ERR invalid longitude,latitude pair ${printfFixed(lon)},${printfFixed(lat)}`,
    );
  }
  return { lon, lat };
}

/** Metres per unit for m, km, ft, mi (any case). */
export function parseUnit(text: string): number {
  const metres = UNITS[text.toLowerCase()];
  if (metres === undefined) {
    throw new CommandError('ERR unsupported unit provided. please use M, KM, FT, MI');
  }
  return metres;
}

function parseLength(text: string, what: string): number {
  return parseFloatArg(text, `ERR need numeric ${what}`);
}

/** `radius unit` at argv[at]: the radius in the unit, and the unit's size in metres. */
export function parseRadius(argv: readonly string[], at: number): { radius: number; unit: number } {
  const radius = parseLength(argv[at]!, 'radius');
  if (radius < 0) throw new CommandError('ERR radius cannot be negative');
  return { radius, unit: parseUnit(argv[at + 1]!) };
}

/** `width height unit` at argv[at]. */
export function parseBox(
  argv: readonly string[],
  at: number,
): { width: number; height: number; unit: number } {
  const width = parseLength(argv[at]!, 'width');
  const height = parseLength(argv[at + 1]!, 'height');
  if (width < 0 || height < 0) throw new CommandError('ERR height or width cannot be negative');
  return { width, height, unit: parseUnit(argv[at + 2]!) };
}

/**
 * A coordinate as Redis prints it: 17 decimals with trailing zeros dropped, a bulk string under
 * RESP2 and a double under RESP3.
 */
export function replyCoordinate(reply: ReplyWriter, value: number): void {
  let text = value.toFixed(17).replace(/\.?0+$/, '');
  if (text === '-0') text = '0';
  if (reply.resp === 3) reply.raw(`,${text}\r\n`);
  else reply.bulk(text);
}

/** A position as the [longitude, latitude] pair of GEOPOS and WITHCOORD. */
export function replyPoint(reply: ReplyWriter, point: Point): void {
  reply.arrayHeader(2);
  replyCoordinate(reply, point.lon);
  replyCoordinate(reply, point.lat);
}

/** A distance: always a bulk string with 4 decimals, under RESP3 too. */
export function replyDistance(reply: ReplyWriter, metres: number): void {
  reply.bulk(metres.toFixed(4));
}
