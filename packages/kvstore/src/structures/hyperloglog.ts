/**
 * HyperLogLog in Redis's own string format, so that PFCOUNT answers, GET of an HLL key and
 * DUMP payloads are byte-for-byte those of Redis 7.0 for the same inputs.
 *
 * Layout (all facts from Redis's documented format): a 16-byte header "HYLL", encoding byte
 * (0 dense, 1 sparse), 3 unused bytes, 8-byte little-endian cached cardinality whose top bit
 * flags the cache as stale; then either 16384 6-bit registers packed little-endian (dense), or
 * run-length opcodes (sparse):
 *   ZERO  00xxxxxx           run of 1..64 zero registers
 *   XZERO 01xxxxxx yyyyyyyy  run of 1..16384 zero registers
 *   VAL   1vvvvvxx           run of 1..4 registers holding value 1..32
 * Elements hash with MurmurHash64A (seed 0xadc83b19): the low 14 bits pick the register, the
 * run of zero bits after them (plus one) is the candidate register value.
 */

const HEADER_SIZE = 16;
const P = 14;
const REGISTERS = 1 << P;
const Q = 64 - P;
const BITS = 6;
const REGISTER_MAX = (1 << BITS) - 1;
const DENSE_SIZE = HEADER_SIZE + Math.ceil((REGISTERS * BITS) / 8);
const ENCODING_DENSE = 0;
const ENCODING_SPARSE = 1;
const SPARSE_VAL_MAX_VALUE = 32;
const SPARSE_VAL_MAX_LEN = 4;
const SPARSE_ZERO_MAX_LEN = 64;
const SPARSE_XZERO_MAX_LEN = 16384;
/** 1 / (2 ln 2), Redis's HLL_ALPHA_INF (its literal has more digits than a double keeps). */
const ALPHA_INF = 0.7213475204444817;
const MAGIC = Buffer.from('HYLL');

/** Redis's reply when a corrupted sparse HLL is read. */
export const INVALID_HLL_ERROR = 'INVALIDOBJ Corrupted HLL object detected';
/** Redis's reply when PF* meets a string that is not an HLL. */
export const NOT_HLL_ERROR = 'WRONGTYPE Key is not a valid HyperLogLog string value.';
/** Default of the `hll-sparse-max-bytes` config: bigger sparse HLLs turn dense. */
export const DEFAULT_SPARSE_MAX_BYTES = 3000;

// ---------------------------------------------------------------------------------------------
// MurmurHash64A on two 32-bit halves (BigInt would allocate per element).

const M_HI = 0xc6a4a793;
const M_LO = 0x5bd1e995;
let mulHi = 0;
let mulLo = 0;

/** (aHi:aLo * bHi:bLo) mod 2^64 into mulHi:mulLo. */
function mul64(aHi: number, aLo: number, bHi: number, bLo: number): void {
  const a0 = aLo & 0xffff;
  const a1 = aLo >>> 16;
  const b0 = bLo & 0xffff;
  const b1 = bLo >>> 16;
  const mid1 = a1 * b0;
  const mid2 = a0 * b1;
  const low = a0 * b0 + (mid1 & 0xffff) * 0x10000 + (mid2 & 0xffff) * 0x10000;
  const carry = Math.floor(low / 0x100000000);
  const high = a1 * b1 + (mid1 >>> 16) + (mid2 >>> 16) + carry;
  mulLo = low >>> 0;
  mulHi = (high + Math.imul(aHi, bLo) + Math.imul(aLo, bHi)) >>> 0;
}

let hashHi = 0;
let hashLo = 0;

/** MurmurHash64A(data, seed) into hashHi:hashLo. */
function murmur64a(data: Uint8Array, seed: number): void {
  const len = data.length;
  mul64(0, len, M_HI, M_LO);
  let hHi = mulHi;
  let hLo = (mulLo ^ seed) >>> 0;
  const blocks = len - (len & 7);
  for (let i = 0; i < blocks; i += 8) {
    const kLo = (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24)) >>> 0;
    const kHi =
      (data[i + 4] | (data[i + 5] << 8) | (data[i + 6] << 16) | (data[i + 7] << 24)) >>> 0;
    mul64(kHi, kLo, M_HI, M_LO);
    let k1Hi = mulHi;
    let k1Lo = mulLo;
    k1Lo = (k1Lo ^ (k1Hi >>> 15)) >>> 0; // k ^= k >> 47
    mul64(k1Hi, k1Lo, M_HI, M_LO);
    k1Hi = mulHi;
    k1Lo = mulLo;
    hHi = (hHi ^ k1Hi) >>> 0;
    hLo = (hLo ^ k1Lo) >>> 0;
    mul64(hHi, hLo, M_HI, M_LO);
    hHi = mulHi;
    hLo = mulLo;
  }
  const rest = len & 7;
  if (rest > 0) {
    for (let j = rest - 1; j >= 0; j--) {
      const byte = data[blocks + j];
      if (j >= 4) hHi = (hHi ^ (byte << ((j - 4) * 8))) >>> 0;
      else hLo = (hLo ^ (byte << (j * 8))) >>> 0;
    }
    mul64(hHi, hLo, M_HI, M_LO);
    hHi = mulHi;
    hLo = mulLo;
  }
  hLo = (hLo ^ (hHi >>> 15)) >>> 0;
  mul64(hHi, hLo, M_HI, M_LO);
  hHi = mulHi;
  hLo = (mulLo ^ (mulHi >>> 15)) >>> 0;
  hashHi = hHi;
  hashLo = hLo;
}

/** MurmurHash64A as an unsigned BigInt (for tests and debugging). */
export function murmurHash64A(data: Uint8Array, seed: number): bigint {
  murmur64a(data, seed);
  return (BigInt(hashHi) << 32n) | BigInt(hashLo);
}

let patternIndex = 0;

/** The register an element lands in (into patternIndex) and the value it proposes. */
function patternLength(element: Uint8Array): number {
  murmur64a(element, 0xadc83b19);
  patternIndex = hashLo & (REGISTERS - 1);
  // hash >>= P, then bit Q set so the count stops at Q + 1.
  const lo = ((hashLo >>> P) | (hashHi << (32 - P))) >>> 0;
  const hi = ((hashHi >>> P) | (1 << (Q - 32))) >>> 0;
  if (lo !== 0) return 32 - Math.clz32(lo & -lo);
  return 32 + 32 - Math.clz32(hi & -hi);
}

// ---------------------------------------------------------------------------------------------
// Dense registers.

function denseGet(bytes: Uint8Array, index: number): number {
  const bit = index * BITS;
  const at = HEADER_SIZE + (bit >> 3);
  const shift = bit & 7;
  const b0 = bytes[at];
  const b1 = at + 1 < bytes.length ? bytes[at + 1] : 0;
  return ((b0 >> shift) | (b1 << (8 - shift))) & REGISTER_MAX;
}

function denseSet(bytes: Uint8Array, index: number, value: number): void {
  const bit = index * BITS;
  const at = HEADER_SIZE + (bit >> 3);
  const shift = bit & 7;
  bytes[at] = (bytes[at] & ~(REGISTER_MAX << shift)) | ((value << shift) & 0xff);
  if (at + 1 < bytes.length) {
    const shift8 = 8 - shift;
    bytes[at + 1] = (bytes[at + 1] & ~(REGISTER_MAX >> shift8)) | (value >> shift8);
  }
}

// ---------------------------------------------------------------------------------------------
// Sparse opcodes.

const isZero = (b: number) => (b & 0xc0) === 0;
const isXZero = (b: number) => (b & 0xc0) === 0x40;
const zeroLen = (b: number) => (b & 0x3f) + 1;
const xzeroLen = (b: number, next: number) => (((b & 0x3f) << 8) | next) + 1;
const valValue = (b: number) => ((b >> 2) & 0x1f) + 1;
const valLen = (b: number) => (b & 0x3) + 1;
const valByte = (value: number, len: number) => 0x80 | ((value - 1) << 2) | (len - 1);

/** Appends a ZERO or XZERO opcode for a run of `len` zero registers. */
function pushZeroRun(out: number[], len: number): void {
  if (len > SPARSE_ZERO_MAX_LEN) out.push(((len - 1) >> 8) | 0x40, (len - 1) & 0xff);
  else out.push(len - 1);
}

/**
 * Walks sparse opcodes, calling `run(first, len, value)` per run; returns false when the
 * opcodes do not cover exactly the 16384 registers (a corrupted value).
 */
function walkSparse(
  bytes: Uint8Array,
  run: (first: number, len: number, value: number) => void,
): boolean {
  let index = 0;
  let p = HEADER_SIZE;
  while (p < bytes.length) {
    const b = bytes[p];
    let len: number;
    let value = 0;
    if (isZero(b)) {
      len = zeroLen(b);
      p++;
    } else if (isXZero(b)) {
      if (p + 1 >= bytes.length) return false;
      len = xzeroLen(b, bytes[p + 1]);
      p += 2;
    } else {
      len = valLen(b);
      value = valValue(b);
      p++;
    }
    if (index + len > REGISTERS) return false;
    run(index, len, value);
    index += len;
  }
  return index === REGISTERS;
}

// ---------------------------------------------------------------------------------------------
// Estimation (Ertl's improved estimator, as Redis 7 uses).

function sigma(x: number): number {
  if (x === 1) return Number.POSITIVE_INFINITY;
  let zPrime: number;
  let y = 1;
  let z = x;
  do {
    x *= x;
    zPrime = z;
    z += x * y;
    y += y;
  } while (zPrime !== z);
  return z;
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let zPrime: number;
  let y = 1;
  let z = 1 - x;
  do {
    x = Math.sqrt(x);
    zPrime = z;
    y *= 0.5;
    const d = 1 - x;
    z -= d * d * y;
  } while (zPrime !== z);
  return z / 3;
}

function estimate(histogram: Float64Array | number[]): number {
  const m = REGISTERS;
  let z = m * tau((m - histogram[Q + 1]) / m);
  for (let j = Q; j >= 1; j--) {
    z += histogram[j];
    z *= 0.5;
  }
  z += m * sigma(histogram[0] / m);
  return Math.round((ALPHA_INF * m * m) / z);
}

/** Cardinality of raw registers (one byte per register), e.g. the union built by PFCOUNT. */
export function countRegisters(registers: Uint8Array): number {
  const histogram = new Array<number>(64).fill(0);
  for (let i = 0; i < REGISTERS; i++) histogram[registers[i]]++;
  return estimate(histogram);
}

/** A fresh per-register maximum array for multi-key PFCOUNT / PFMERGE. */
export function emptyRegisters(): Uint8Array {
  return new Uint8Array(REGISTERS);
}

// ---------------------------------------------------------------------------------------------

export class HyperLogLog {
  private constructor(
    /** The value as stored in the string key; replaced when a sparse value grows. */
    public bytes: Buffer,
    private readonly sparseMaxBytes: number,
  ) {}

  /** An empty HLL: sparse, one XZERO opcode covering every register. */
  static create(sparseMaxBytes = DEFAULT_SPARSE_MAX_BYTES): HyperLogLog {
    const bytes = Buffer.alloc(HEADER_SIZE + 2);
    MAGIC.copy(bytes, 0);
    bytes[4] = ENCODING_SPARSE;
    bytes[HEADER_SIZE] = ((SPARSE_XZERO_MAX_LEN - 1) >> 8) | 0x40;
    bytes[HEADER_SIZE + 1] = (SPARSE_XZERO_MAX_LEN - 1) & 0xff;
    return new HyperLogLog(bytes, sparseMaxBytes);
  }

  /**
   * Wraps a string value's bytes, or returns undefined when they are not an HLL (wrong magic,
   * unknown encoding, dense of the wrong size): the caller replies NOT_HLL_ERROR. Updates
   * happen in place in the given Buffer (string values that are Buffers are owned by their key,
   * as SETRANGE and SETBIT assume too); a sparse value that grows gets a new `bytes`.
   */
  static from(value: Buffer, sparseMaxBytes = DEFAULT_SPARSE_MAX_BYTES): HyperLogLog | undefined {
    if (!HyperLogLog.isValid(value)) return undefined;
    return new HyperLogLog(value, sparseMaxBytes);
  }

  static isValid(value: Uint8Array): boolean {
    if (value.length < HEADER_SIZE) return false;
    if (value[0] !== 0x48 || value[1] !== 0x59 || value[2] !== 0x4c || value[3] !== 0x4c) {
      return false;
    }
    const encoding = value[4];
    if (encoding > ENCODING_SPARSE) return false;
    return encoding !== ENCODING_DENSE || value.length === DENSE_SIZE;
  }

  get isSparse(): boolean {
    return this.bytes[4] === ENCODING_SPARSE;
  }

  /** Adds an element: 1 when a register changed, 0 when not, -1 on a corrupted value. */
  add(element: Uint8Array): number {
    const count = patternLength(element);
    return this.setRegister(patternIndex, count);
  }

  /** Marks the cached cardinality stale (Redis does this after any update). */
  invalidateCache(): void {
    this.bytes[15] |= 0x80;
  }

  /**
   * The cardinality, served from the header cache when valid, else computed and cached (so the
   * caller must store `bytes` back when `cacheUpdated`). undefined on a corrupted value.
   */
  count(): { cardinality: number; cacheUpdated: boolean } | undefined {
    if ((this.bytes[15] & 0x80) === 0) {
      return { cardinality: Number(this.bytes.readBigUInt64LE(8)), cacheUpdated: false };
    }
    const histogram = new Array<number>(64).fill(0);
    if (this.isSparse) {
      const ok = walkSparse(this.bytes, (_first, len, value) => {
        histogram[value] += len;
      });
      if (!ok) return undefined;
    } else {
      for (let i = 0; i < REGISTERS; i++) histogram[denseGet(this.bytes, i)]++;
    }
    const cardinality = estimate(histogram);
    this.bytes.writeBigUInt64LE(BigInt(cardinality), 8);
    return { cardinality, cacheUpdated: true };
  }

  /** max[i] = max(max[i], register i); false on a corrupted value. */
  mergeInto(max: Uint8Array): boolean {
    if (!this.isSparse) {
      for (let i = 0; i < REGISTERS; i++) {
        const value = denseGet(this.bytes, i);
        if (value > max[i]) max[i] = value;
      }
      return true;
    }
    return walkSparse(this.bytes, (first, len, value) => {
      if (value === 0) return;
      for (let i = first; i < first + len; i++) if (value > max[i]) max[i] = value;
    });
  }

  /** Raises every register to the given maxima, as PFMERGE does on its destination. */
  raiseTo(max: Uint8Array, forceDense: boolean): boolean {
    if (forceDense && !this.toDense()) return false;
    for (let i = 0; i < REGISTERS; i++) {
      if (max[i] !== 0 && this.setRegister(i, max[i]) < 0) return false;
    }
    return true;
  }

  /** Register values, one per byte (for tests and PFDEBUG-like inspection). */
  registers(): Uint8Array | undefined {
    const max = emptyRegisters();
    return this.mergeInto(max) ? max : undefined;
  }

  /** Converts a sparse value to dense in place; false on a corrupted value. */
  toDense(): boolean {
    if (!this.isSparse) return true;
    const dense = Buffer.alloc(DENSE_SIZE);
    this.bytes.copy(dense, 0, 0, HEADER_SIZE);
    dense[4] = ENCODING_DENSE;
    const ok = walkSparse(this.bytes, (first, len, value) => {
      if (value === 0) return;
      for (let i = first; i < first + len; i++) denseSet(dense, i, value);
    });
    if (!ok) return false;
    this.bytes = dense;
    return true;
  }

  /** Raises register `index` to `count`: 1 when it changed, 0 when not, -1 when corrupted. */
  private setRegister(index: number, count: number): number {
    if (!this.isSparse) {
      if (denseGet(this.bytes, index) >= count) return 0;
      denseSet(this.bytes, index, count);
      this.invalidateCache();
      return 1;
    }
    if (count > SPARSE_VAL_MAX_VALUE) return this.promoteAndSet(index, count);
    return this.sparseSet(index, count);
  }

  private promoteAndSet(index: number, count: number): number {
    if (!this.toDense()) return -1;
    return this.setRegister(index, count);
  }

  /** Redis's sparse update: split the run holding `index`, then merge equal neighbours. */
  private sparseSet(index: number, count: number): number {
    const bytes = this.bytes;
    const end = bytes.length;
    let p = HEADER_SIZE;
    let prev = -1;
    let first = 0;
    let span = 0;
    while (p < end) {
      let opLen = 1;
      const b = bytes[p];
      if (isZero(b)) span = zeroLen(b);
      else if (isXZero(b)) {
        span = xzeroLen(b, bytes[p + 1]);
        opLen = 2;
      } else span = valLen(b);
      if (index <= first + span - 1) break;
      prev = p;
      p += opLen;
      first += span;
    }
    if (span === 0 || p >= end) return -1;
    const op = bytes[p];
    const zero = isZero(op);
    const xzero = isXZero(op);
    const val = !zero && !xzero;
    const runLength = zero ? zeroLen(op) : xzero ? xzeroLen(op, bytes[p + 1]) : valLen(op);

    if (val) {
      if (valValue(op) >= count) return 0;
      if (runLength === 1) {
        bytes[p] = valByte(count, 1);
        return this.mergeAdjacent(prev);
      }
    }
    if (zero && runLength === 1) {
      bytes[p] = valByte(count, 1);
      return this.mergeAdjacent(prev);
    }

    // Replace the opcode with up to three: the run before index, index itself, the run after.
    const seq: number[] = [];
    const last = first + span - 1;
    if (zero || xzero) {
      if (index !== first) pushZeroRun(seq, index - first);
      seq.push(valByte(count, 1));
      if (index !== last) pushZeroRun(seq, last - index);
    } else {
      const current = valValue(op);
      if (index !== first) seq.push(valByte(current, index - first));
      seq.push(valByte(count, 1));
      if (index !== last) seq.push(valByte(current, last - index));
    }
    const oldLen = xzero ? 2 : 1;
    const delta = seq.length - oldLen;
    if (delta > 0 && end + delta > this.sparseMaxBytes) return this.promoteAndSet(index, count);
    const grown = Buffer.allocUnsafe(end + delta);
    bytes.copy(grown, 0, 0, p);
    grown.set(seq, p);
    bytes.copy(grown, p + seq.length, p + oldLen, end);
    this.bytes = grown;
    return this.mergeAdjacent(prev);
  }

  /** Merges runs of equal VAL opcodes in the few opcodes from `prev` on (as Redis does). */
  private mergeAdjacent(prev: number): number {
    let bytes = this.bytes;
    let end = bytes.length;
    let p = prev >= 0 ? prev : HEADER_SIZE;
    let scan = 5;
    while (p < end && scan-- > 0) {
      const b = bytes[p];
      if (isXZero(b)) {
        p += 2;
        continue;
      }
      if (isZero(b)) {
        p++;
        continue;
      }
      if (p + 1 < end) {
        const next = bytes[p + 1];
        if (!isZero(next) && !isXZero(next) && valValue(b) === valValue(next)) {
          const len = valLen(b) + valLen(next);
          if (len <= SPARSE_VAL_MAX_LEN) {
            const merged = Buffer.allocUnsafe(end - 1);
            bytes.copy(merged, 0, 0, p);
            merged[p] = valByte(valValue(b), len);
            bytes.copy(merged, p + 1, p + 2, end);
            this.bytes = bytes = merged;
            end--;
            continue;
          }
        }
      }
      p++;
    }
    this.invalidateCache();
    return 1;
  }
}
