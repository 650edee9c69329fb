/**
 * Cache-Control (RFC 9111 §5.2): directive name (lowercased) -> argument, `true` when it has
 * none. Quoted arguments are unquoted; a repeated directive keeps its first value.
 */
export type Directives = Map<string, string | true>;

const NONE: Directives = new Map();

export function parseCacheControl(value: string | undefined): Directives {
  if (value === undefined || value === '') return NONE;
  const out: Directives = new Map();
  // Split at commas outside quotes (no-cache="a, b" is one directive).
  let start = 0;
  let quoted = false;
  for (let k = 0; k <= value.length; k++) {
    const c = value[k];
    if (c === '"') quoted = !quoted;
    else if ((c === ',' && !quoted) || k === value.length) {
      addDirective(out, value.slice(start, k));
      start = k + 1;
    }
  }
  return out;
}

function addDirective(out: Directives, text: string): void {
  const eq = text.indexOf('=');
  const name = (eq < 0 ? text : text.slice(0, eq)).trim().toLowerCase();
  if (name === '' || out.has(name)) return;
  if (eq < 0) {
    out.set(name, true);
    return;
  }
  let arg = text.slice(eq + 1).trim();
  if (arg.length >= 2 && arg.startsWith('"') && arg.endsWith('"')) arg = arg.slice(1, -1);
  out.set(name, arg);
}

/**
 * A delta-seconds argument (RFC 9111 §1.2.2) in seconds; undefined when absent or invalid.
 * Values beyond 2^31 are clamped to 2^31 as the RFC asks.
 */
export function deltaSeconds(directives: Directives, name: string): number | undefined {
  const arg = directives.get(name);
  if (typeof arg !== 'string' || !/^\d+$/.test(arg)) return undefined;
  return Math.min(Number(arg), 2 ** 31);
}

/** Field names listed in a qualified no-cache or private ("a, b"), lowercased. */
export function fieldNames(arg: string | true | undefined): string[] {
  if (typeof arg !== 'string') return [];
  return arg
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
}
