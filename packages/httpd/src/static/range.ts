/** One satisfiable byte range, both ends inclusive. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * A Range header against a representation of `size` bytes (RFC 9110 §14.1.2):
 * - 'ignore': not a bytes range set we understand, too many ranges, or ranges adding up to
 *   more than the file: send the whole file;
 * - 'unsatisfiable': no range overlaps the file (416);
 * - otherwise the satisfiable ranges, in request order.
 */
export function parseRange(
  value: string,
  size: number,
  maxRanges: number,
): ByteRange[] | 'ignore' | 'unsatisfiable' {
  const m = /^\s*bytes\s*=\s*(.*)$/i.exec(value);
  if (!m) return 'ignore';
  const specs = m[1]!
    .split(',')
    .map((spec) => spec.trim())
    .filter(Boolean);
  if (specs.length === 0 || specs.length > maxRanges) return 'ignore';
  const ranges: ByteRange[] = [];
  for (const spec of specs) {
    const parts = /^(\d*)\s*-\s*(\d*)$/.exec(spec);
    if (!parts || (parts[1] === '' && parts[2] === '')) return 'ignore';
    const [, first, last] = parts;
    if (first === '') {
      const suffix = Number(last);
      if (suffix > 0 && size > 0) ranges.push({ start: Math.max(0, size - suffix), end: size - 1 });
      continue;
    }
    const start = Number(first);
    const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
    if (last !== '' && Number(last) < start) return 'ignore';
    if (start < size) ranges.push({ start, end });
  }
  if (ranges.length === 0) return 'unsatisfiable';
  // Overlapping ranges that add up to more than the file are an amplification attack (the
  // "Apache killer"); like nginx, send the file once instead (RFC 9110 §14.2 allows it).
  const total = ranges.reduce((sum, r) => sum + r.end - r.start + 1, 0);
  return ranges.length > 1 && total > size ? 'ignore' : ranges;
}
