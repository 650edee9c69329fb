const SUFFIXES = 'KMGTPEZYRQ';

/**
 * A byte count as `ls -h` shows it: powers of 1024, rounded up, one decimal below 10
 * (1023, 1.0K, 9.9K, 10K, 1.0M).
 */
export function humanSize(bytes: number | bigint): string {
  const n = BigInt(bytes);
  if (n < 1024n) return n.toString();
  let divisor = 1024n;
  let exponent = 0;
  while (n >= divisor * 1024n && exponent < SUFFIXES.length - 1) {
    divisor *= 1024n;
    exponent++;
  }
  const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b;
  const tenths = ceilDiv(n * 10n, divisor);
  if (tenths < 100n) return `${tenths / 10n}.${tenths % 10n}${SUFFIXES[exponent]}`;
  const whole = ceilDiv(n, divisor);
  if (whole >= 1024n && exponent < SUFFIXES.length - 1) return `1.0${SUFFIXES[exponent + 1]}`;
  return `${whole}${SUFFIXES[exponent]}`;
}
