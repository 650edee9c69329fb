/**
 * Redis's glob matching (stringmatchlen): `*`, `?`, `[abc]`, `[^a-z]`, `\x`, on latin1 strings.
 * Used by KEYS, SCAN MATCH, PSUBSCRIBE, PUBSUB CHANNELS, ACL key and channel patterns, CONFIG
 * GET, COMMAND LIST FILTERBY PATTERN.
 *
 * Bounded as Redis 7.0.9 bounds it (CVE-2022-36021): once the rest of the pattern after a `*`
 * has failed at every later position of the string, no earlier `*` can help by matching a
 * longer prefix (the rest would have to start even later), so the whole match fails at once
 * instead of backtracking through every combination of stars; and nesting stops at 1000 stars.
 */
export function globMatch(pattern: string, text: string, nocase = false): boolean {
  return matchFrom(pattern, 0, text, 0, nocase, { skipLongerMatches: false }, 0);
}

/** Redis's skipLongerMatches flag, shared by every level of one match. */
interface MatchState {
  skipLongerMatches: boolean;
}

/** Deeper than this many nested stars a pattern matches nothing (Redis's nesting limit). */
const MAX_NESTING = 1000;

function lower(c: number, nocase: boolean): number {
  return nocase && c >= 0x41 && c <= 0x5a ? c + 32 : c;
}

function matchFrom(
  p: string,
  pi: number,
  s: string,
  si: number,
  nocase: boolean,
  state: MatchState,
  nesting: number,
): boolean {
  if (nesting > MAX_NESTING) return false;
  while (pi < p.length) {
    const pc = p[pi]!;
    if (pc === '*') {
      while (p[pi + 1] === '*') pi++;
      if (pi + 1 === p.length) return true;
      // What follows is not all stars, so it needs at least one more character.
      if (si === s.length) return false;
      for (let k = si; k < s.length; k++) {
        if (matchFrom(p, pi + 1, s, k, nocase, state, nesting + 1)) return true;
        if (state.skipLongerMatches) return false;
      }
      state.skipLongerMatches = true;
      return false;
    }
    if (si >= s.length) return false;
    if (pc === '?') {
      pi++;
      si++;
      continue;
    }
    if (pc === '[') {
      pi++;
      const not = p[pi] === '^';
      if (not) pi++;
      let matched = false;
      const c = lower(s.charCodeAt(si), nocase);
      for (;;) {
        if (pi >= p.length) {
          pi--;
          break;
        }
        if (p[pi] === '\\' && pi + 2 <= p.length - 1) {
          pi++;
          if (lower(p.charCodeAt(pi), nocase) === c) matched = true;
        } else if (p[pi] === ']') {
          break;
        } else if (p[pi + 1] === '-' && pi + 2 < p.length) {
          let start = lower(p.charCodeAt(pi), nocase);
          let end = lower(p.charCodeAt(pi + 2), nocase);
          if (start > end) [start, end] = [end, start];
          pi += 2;
          if (c >= start && c <= end) matched = true;
        } else if (lower(p.charCodeAt(pi), nocase) === c) {
          matched = true;
        }
        pi++;
      }
      if (not) matched = !matched;
      if (!matched) return false;
      pi++;
      si++;
      continue;
    }
    let literal = pc;
    if (pc === '\\' && pi + 1 < p.length) literal = p[++pi]!;
    if (lower(literal.charCodeAt(0), nocase) !== lower(s.charCodeAt(si), nocase)) return false;
    pi++;
    si++;
  }
  return si === s.length;
}
