/** Fields that describe one connection, never forwarded (RFC 9110 §7.6.1, plus proxy auth). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'proxy-authorization',
  'proxy-authenticate',
]);

/** Names the Connection field lists (they are hop-by-hop too), lowercased. */
function connectionTokens(value: string | undefined): Set<string> {
  const out = new Set<string>();
  if (value === undefined) return out;
  for (const token of value.split(',')) {
    const name = token.trim().toLowerCase();
    if (name !== '') out.add(name);
  }
  return out;
}

/**
 * The end-to-end fields of a message as [name, value] pairs, from raw field lines
 * [name0, value0, ...]. `drop` holds more names to leave out (lowercased).
 */
export function endToEnd(
  raw: readonly string[],
  connection: string | undefined,
  drop: ReadonlySet<string> = new Set(),
): Array<[string, string]> {
  const listed = connectionTokens(connection);
  const out: Array<[string, string]> = [];
  for (let k = 0; k < raw.length; k += 2) {
    const name = raw[k]!.toLowerCase();
    if (HOP_BY_HOP.has(name) || listed.has(name) || drop.has(name)) continue;
    out.push([name, raw[k + 1]!]);
  }
  return out;
}

/** The same for undici's response headers (lowercased names, arrays for repeated fields). */
export function endToEndResponse(
  headers: Record<string, string | string[] | undefined>,
): Array<[string, string]> {
  const raw: string[] = [];
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) raw.push(name, item);
    else raw.push(name, value);
  }
  const connection = headers.connection;
  return endToEnd(raw, Array.isArray(connection) ? connection.join(',') : connection);
}

/** Appends `1.1 NAME` to the Via list (RFC 9110 §7.6.3). */
export function appendVia(fields: Array<[string, string]>, version: string, name: string): void {
  const own = `${version} ${name}`;
  const at = fields.findIndex(([n]) => n === 'via');
  if (at < 0) fields.push(['via', own]);
  else fields[at] = ['via', `${fields[at]![1]}, ${own}`];
}
