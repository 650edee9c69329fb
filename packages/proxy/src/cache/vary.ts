import { type FieldList, field } from './entry.js';

/** The field names a response's Vary lists, lowercased ('*' included as such). */
export function varyNames(fields: FieldList): string[] {
  const vary = field(fields, 'vary');
  if (vary === undefined) return [];
  return vary
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
}

/**
 * A request header value normalised for secondary-key matching (RFC 9111 §4.1): whitespace
 * runs collapsed and list members trimmed, so `gzip,br` and `gzip, br` select the same
 * variant. An absent field is distinct from an empty one.
 */
export function normaliseValue(value: string | undefined): string {
  if (value === undefined) return '\u0000absent';
  return value
    .split(',')
    .map((part) => part.trim().replace(/\s+/g, ' '))
    .join(',');
}

export function varyValues(names: readonly string[], headers: Record<string, string>): string[] {
  return names.map((name) => normaliseValue(headers[name]));
}

/** Whether a stored variant answers a request with these headers; `Vary: *` never does. */
export function varyMatches(
  names: readonly string[],
  stored: readonly string[],
  headers: Record<string, string>,
): boolean {
  for (let k = 0; k < names.length; k++) {
    if (names[k] === '*') return false;
    if (normaliseValue(headers[names[k]!]) !== stored[k]) return false;
  }
  return true;
}
