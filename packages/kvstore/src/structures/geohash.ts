/**
 * Geohash arithmetic as Redis's GEO commands do it, so that scores, coordinates, distances and
 * the cells a search visits come out bit for bit the same:
 *
 * - A position is stored as the score of a sorted-set member: the 26-bit longitude index and the
 *   26-bit latitude index of its cell, interleaved (latitude bits at even positions, longitude
 *   bits at odd ones, so the top bit is the longitude's), i.e. a 52-bit integer.
 * - Latitudes are limited to the Web Mercator range +-85.05112878, longitudes to +-180.
 * - Distances use the haversine formula on a sphere of radius 6372797.560856 m.
 * - A radius or box search looks at the cell holding the center at a step (bits per axis) chosen
 *   from the radius, plus its 8 neighbours, scanning each cell as one score range.
 */

export const LONG_MIN = -180;
export const LONG_MAX = 180;
export const LAT_MIN = -85.05112878;
export const LAT_MAX = 85.05112878;
/** Bits per axis of a stored position. */
export const STEP_MAX = 26;

const EARTH_RADIUS_M = 6372797.560856;
/** Half the Earth's circumference in Web Mercator metres: the widest cell. */
const MERCATOR_MAX = 20037726.37;
const DEG_TO_RAD = Math.PI / 180;
const TWO_32 = 2 ** 32;

export interface Point {
  lon: number;
  lat: number;
}

/** A cell: its longitude and latitude indexes at `step` bits per axis. */
export interface Cell {
  lon: number;
  lat: number;
  step: number;
}

/** The bounds of a cell in degrees. */
interface Area {
  lonMin: number;
  lonMax: number;
  latMin: number;
  latMax: number;
}

// ---------------------------------------------------------------------------------------------
// Bit interleaving on 32-bit halves (scores reach 2^54 at the +180 / +85.05 edges).

/** The 16 low bits of v spread to the even bits of a 32-bit word. */
function spread16(v: number): number {
  let x = v & 0xffff;
  x = (x | (x << 8)) & 0x00ff00ff;
  x = (x | (x << 4)) & 0x0f0f0f0f;
  x = (x | (x << 2)) & 0x33333333;
  x = (x | (x << 1)) & 0x55555555;
  return x >>> 0;
}

/** The even bits of a 32-bit word packed into 16 bits. */
function squash16(v: number): number {
  let x = v & 0x55555555;
  x = (x | (x >>> 1)) & 0x33333333;
  x = (x | (x >>> 2)) & 0x0f0f0f0f;
  x = (x | (x >>> 4)) & 0x00ff00ff;
  x = (x | (x >>> 8)) & 0x0000ffff;
  return x;
}

/** Latitude index bits at even positions, longitude index bits at odd ones, as a double. */
export function interleave(lat: number, lon: number): number {
  const low = (spread16(lat) | (spread16(lon) << 1)) >>> 0;
  const high = (spread16(lat >>> 16) | (spread16(lon >>> 16) << 1)) >>> 0;
  return high * TWO_32 + low;
}

/**
 * A score as the two 32-bit halves of C's (uint64_t) conversion, as compiled for x86-64 (what
 * Redis does to any score it decodes, geohash or not): fractions truncate, negative values wrap
 * around, values out of range give 2^63 below zero and 0 above 2^64.
 */
function scoreBits(score: number): { high: number; low: number } {
  if (score >= 0 && score < 2 ** 53) {
    const whole = Math.floor(score);
    return { high: Math.floor(whole / TWO_32), low: whole % TWO_32 };
  }
  let bits: bigint;
  if (score >= 2 ** 63)
    bits = score - 2 ** 63 >= 2 ** 63 ? 0n : BigInt(score - 2 ** 63) + (1n << 63n);
  else if (score >= -(2 ** 63)) bits = BigInt.asUintN(64, BigInt(Math.trunc(score)));
  else bits = 1n << 63n;
  return { high: Number(bits >> 32n), low: Number(bits & 0xffffffffn) };
}

/** The inverse of interleave(): the latitude and longitude indexes held by a score. */
function deinterleave(score: number): { lat: number; lon: number } {
  const { high, low } = scoreBits(score);
  return {
    lat: squash16(low) + squash16(high) * 0x10000,
    lon: squash16(low >>> 1) + squash16(high >>> 1) * 0x10000,
  };
}

// ---------------------------------------------------------------------------------------------
// Encoding and decoding.

export function isValidPosition(lon: number, lat: number): boolean {
  return lon >= LONG_MIN && lon <= LONG_MAX && lat >= LAT_MIN && lat <= LAT_MAX;
}

/** The cell of a position at `step` bits per axis over the given latitude range. */
function encodeCell(point: Point, step: number, latMin = LAT_MIN, latMax = LAT_MAX): Cell {
  const latOffset = ((point.lat - latMin) / (latMax - latMin)) * 2 ** step;
  const lonOffset = ((point.lon - LONG_MIN) / (LONG_MAX - LONG_MIN)) * 2 ** step;
  // C's conversion to uint32: truncation (offsets are never negative for valid positions).
  return { lat: Math.trunc(latOffset) >>> 0, lon: Math.trunc(lonOffset) >>> 0, step };
}

/** The score a member at this position gets (GEOADD). */
export function encodeScore(point: Point): number {
  const cell = encodeCell(point, STEP_MAX);
  return interleave(cell.lat, cell.lon);
}

function cellArea(cell: Cell, latMin = LAT_MIN, latMax = LAT_MAX): Area {
  const cells = 2 ** cell.step;
  const latScale = latMax - latMin;
  const lonScale = LONG_MAX - LONG_MIN;
  return {
    latMin: latMin + (cell.lat / cells) * latScale,
    latMax: latMin + ((cell.lat + 1) / cells) * latScale,
    lonMin: LONG_MIN + (cell.lon / cells) * lonScale,
    lonMax: LONG_MIN + ((cell.lon + 1) / cells) * lonScale,
  };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}

/** The position a score stands for: the center of its 26-bit cell (GEOPOS, WITHCOORD). */
export function decodeScore(score: number): Point {
  const { lat, lon } = deinterleave(score);
  const area = cellArea({ lat, lon, step: STEP_MAX });
  return {
    lon: clamp((area.lonMin + area.lonMax) / 2, LONG_MIN, LONG_MAX),
    lat: clamp((area.latMin + area.latMax) / 2, LAT_MIN, LAT_MAX),
  };
}

const BASE32 = '0123456789bcdefghjkmnpqrstuvwxyz';

/**
 * The standard 11-character geohash of a stored score (GEOHASH): its decoded position encoded
 * again over latitudes +-90, 10 characters of 5 bits from the 52-bit value and a final '0'.
 */
export function standardGeohash(score: number): string {
  const cell = encodeCell(decodeScore(score), STEP_MAX, -90, 90);
  const bits = BigInt(interleave(cell.lat, cell.lon));
  let out = '';
  for (let i = 1; i <= 10; i++) out += BASE32[Number((bits >> BigInt(52 - i * 5)) & 31n)];
  return `${out}0`;
}

// ---------------------------------------------------------------------------------------------
// Distances.

function latitudeDistance(lat1: number, lat2: number): number {
  return EARTH_RADIUS_M * Math.abs(lat2 * DEG_TO_RAD - lat1 * DEG_TO_RAD);
}

/** Haversine distance in metres. */
export function distance(a: Point, b: Point): number {
  const lon1 = a.lon * DEG_TO_RAD;
  const lon2 = b.lon * DEG_TO_RAD;
  const v = Math.sin((lon2 - lon1) / 2);
  // Same meridian: the cheaper latitude-only formula, as Redis does.
  if (v === 0) return latitudeDistance(a.lat, b.lat);
  const lat1 = a.lat * DEG_TO_RAD;
  const lat2 = b.lat * DEG_TO_RAD;
  const u = Math.sin((lat2 - lat1) / 2);
  const h = u * u + Math.cos(lat1) * Math.cos(lat2) * v * v;
  return 2.0 * EARTH_RADIUS_M * Math.asin(Math.sqrt(h));
}

// ---------------------------------------------------------------------------------------------
// Search shapes and the cells covering them.

/**
 * A search: a circle or a box around `center`, its sizes in a unit of `unit` metres (kept apart
 * because Redis converts at specific points, and the rounding shows in the last digits).
 */
export type Shape = { center: Point } & ShapeSize;

/** A shape's kind and sizes, without its center. */
export type ShapeSize = { unit: number } & (
  | { kind: 'radius'; radius: number }
  | { kind: 'box'; width: number; height: number }
);

/** The distance in metres from the shape's center when `point` lies inside, else undefined. */
export function distanceIfInside(shape: Shape, point: Point): number | undefined {
  const { center, unit } = shape;
  if (shape.kind === 'radius') {
    const d = distance(center, point);
    return d > shape.radius * unit ? undefined : d;
  }
  if (latitudeDistance(point.lat, center.lat) > (shape.height * unit) / 2) return undefined;
  // The east-west extent is measured along the point's own parallel.
  const across = distance(point, { lon: center.lon, lat: point.lat });
  if (across > (shape.width * unit) / 2) return undefined;
  return distance(center, point);
}

/** [minLon, minLat, maxLon, maxLat] of the shape, widened where the parallels are shorter. */
function boundingBox(shape: Shape): [number, number, number, number] {
  const { lon, lat } = shape.center;
  const halfHeight = shape.unit * (shape.kind === 'radius' ? shape.radius : shape.height / 2);
  const halfWidth = shape.unit * (shape.kind === 'radius' ? shape.radius : shape.width / 2);
  const latDelta = halfHeight / EARTH_RADIUS_M / DEG_TO_RAD;
  const lonDeltaTop = halfWidth / EARTH_RADIUS_M / Math.cos((lat + latDelta) * DEG_TO_RAD);
  const lonDeltaBottom = halfWidth / EARTH_RADIUS_M / Math.cos((lat - latDelta) * DEG_TO_RAD);
  // The parallel nearer the pole is the shorter one: north in the north, south in the south.
  const lonDelta = (lat < 0 ? lonDeltaBottom : lonDeltaTop) / DEG_TO_RAD;
  return [lon - lonDelta, lat - latDelta, lon + lonDelta, lat + latDelta];
}

/** Bits per axis for cells about as large as the searched radius (fewer near the poles). */
function stepsForRadius(radius: number, lat: number): number {
  if (radius === 0) return STEP_MAX;
  let step = 1;
  while (radius < MERCATOR_MAX) {
    radius *= 2;
    step++;
  }
  step -= 2;
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  return clamp(step, 1, STEP_MAX);
}

/** The cell `dLon`, `dLat` cells away, wrapping around at the edges as the bit arithmetic does. */
function neighbour(cell: Cell, dLon: number, dLat: number): Cell {
  const size = 2 ** cell.step;
  const wrap = (index: number, delta: number) =>
    delta === 0 ? index : (index + delta + size) % size;
  return { lon: wrap(cell.lon, dLon), lat: wrap(cell.lat, dLat), step: cell.step };
}

/** The center cell and its neighbours in Redis's visiting order; null for a skipped one. */
function cellsAround(center: Point, step: number): { cell: Cell; around: (Cell | null)[] } {
  const cell = encodeCell(center, step);
  const around = [
    [0, 1], // north
    [0, -1], // south
    [1, 0], // east
    [-1, 0], // west
    [1, 1], // north-east
    [-1, 1], // north-west
    [1, -1], // south-east
    [-1, -1], // south-west
  ].map(([dLon, dLat]) => neighbour(cell, dLon!, dLat!));
  return { cell, around };
}

/**
 * The cells to scan for a shape, in order, possibly with repeats (Redis skips a cell only when it
 * equals the previously scanned one, and the center cell never counts as previous).
 */
export function searchCells(shape: Shape): Cell[] {
  const [minLon, minLat, maxLon, maxLat] = boundingBox(shape);
  // A box is reached through its corners.
  const reach =
    shape.kind === 'radius'
      ? shape.radius * shape.unit
      : Math.sqrt((shape.width / 2) * (shape.width / 2) + (shape.height / 2) * (shape.height / 2)) *
        shape.unit;
  let step = stepsForRadius(reach, shape.center.lat);
  let { cell, around } = cellsAround(shape.center, step);
  const [north, south, east, west] = around.map((c) => cellArea(c!));
  const tooCoarse =
    north!.latMax < maxLat ||
    south!.latMin > minLat ||
    east!.lonMax < maxLon ||
    west!.lonMin > minLon;
  if (step > 1 && tooCoarse) {
    step--;
    ({ cell, around } = cellsAround(shape.center, step));
  }
  if (step >= 2) {
    // Neighbours on a side the shape does not reach are not scanned.
    const area = cellArea(cell);
    const drop = (...indexes: number[]) => {
      for (const i of indexes) around[i] = null;
    };
    if (area.latMin < minLat) drop(1, 6, 7);
    if (area.latMax > maxLat) drop(0, 4, 5);
    if (area.lonMin < minLon) drop(3, 5, 7);
    if (area.lonMax > maxLon) drop(2, 4, 6);
  }
  const out: Cell[] = [cell];
  let previous: Cell | undefined;
  for (const next of around) {
    if (next === null) continue;
    if (previous && previous.lon === next.lon && previous.lat === next.lat) continue;
    out.push(next);
    previous = next;
  }
  return out;
}

/** The score interval [min, max) holding the positions inside a cell. */
export function cellScoreRange(cell: Cell): { min: number; max: number } {
  const shift = 2n ** BigInt(2 * (STEP_MAX - cell.step));
  const bits = BigInt(interleave(cell.lat, cell.lon));
  return { min: Number(bits * shift), max: Number((bits + 1n) * shift) };
}

/** Metres per unit of GEODIST / GEORADIUS distances. */
export const UNITS: Readonly<Record<string, number>> = { m: 1, km: 1000, ft: 0.3048, mi: 1609.34 };
