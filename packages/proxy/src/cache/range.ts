/** One satisfiable byte range, inclusive bounds. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * A Range header against a body of `size` bytes (RFC 9110 §14.2). Returns undefined when the
 * header is to be ignored (not bytes=, malformed, more than `maxRanges`), 'unsatisfiable' for
 * 416, else the ranges in the order asked.
 */
export function parseRange(
  header: string,
  size: number,
  maxRanges: number,
): ByteRange[] | 'unsatisfiable' | undefined {
  const match = /^\s*bytes\s*=\s*(.*)$/i.exec(header);
  if (!match) return undefined;
  const specs = match[1]!
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (specs.length === 0 || specs.length > maxRanges) return undefined;
  const ranges: ByteRange[] = [];
  for (const spec of specs) {
    const parts = /^(\d*)-(\d*)$/.exec(spec);
    if (!parts || (parts[1] === '' && parts[2] === '')) return undefined;
    if (parts[1] === '') {
      const suffix = Number(parts[2]);
      if (suffix > 0 && size > 0) ranges.push({ start: Math.max(0, size - suffix), end: size - 1 });
      continue;
    }
    const start = Number(parts[1]);
    const end = parts[2] === '' ? size - 1 : Math.min(Number(parts[2]), size - 1);
    if (parts[2] !== '' && Number(parts[2]) < start) return undefined;
    if (start < size) ranges.push({ start, end });
  }
  return ranges.length === 0 ? 'unsatisfiable' : ranges;
}

/** The multipart/byteranges body for several ranges (RFC 9110 §14.6). */
export function multipartBody(
  body: Buffer,
  ranges: readonly ByteRange[],
  contentType: string | undefined,
  boundary: string,
): Buffer {
  const parts: Buffer[] = [];
  for (const { start, end } of ranges) {
    const type = contentType === undefined ? '' : `Content-Type: ${contentType}\r\n`;
    parts.push(
      Buffer.from(
        `\r\n--${boundary}\r\n${type}Content-Range: bytes ${start}-${end}/${body.length}\r\n\r\n`,
      ),
      body.subarray(start, end + 1),
    );
  }
  parts.push(Buffer.from(`\r\n--${boundary}--\r\n`));
  return Buffer.concat(parts);
}
