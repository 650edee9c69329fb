/**
 * Glob matching without backtracking (issue 9: no pattern may take a worker hostage). `*`
 * matches any run of characters, `?` one character, everything else itself, case-insensitively.
 * The pattern is split at its stars; the first piece must match at the start, the last at the
 * end, and each middle piece is matched at its leftmost position after the previous one, which
 * is correct for star-only globs (a later position can never help). Each piece is searched once
 * over the input, so the cost is at most O(input length x pattern length), never exponential.
 */
export class Glob {
  private readonly pieces: string[];

  constructor(readonly pattern: string) {
    this.pieces = pattern.toLowerCase().split('*');
  }

  matches(text: string): boolean {
    const input = text.toLowerCase();
    const { pieces } = this;
    const first = pieces[0]!;
    if (pieces.length === 1) return input.length === first.length && pieceAt(input, 0, first);
    const last = pieces[pieces.length - 1]!;
    if (input.length < first.length + last.length) return false;
    if (!pieceAt(input, 0, first)) return false;
    const tailStart = input.length - last.length;
    if (!pieceAt(input, tailStart, last)) return false;
    let position = first.length;
    for (let k = 1; k < pieces.length - 1; k++) {
      const piece = pieces[k]!;
      const found = findPiece(input, position, tailStart, piece);
      if (found < 0) return false;
      position = found + piece.length;
    }
    return true;
  }
}

/** Whether `piece` (with `?` wildcards) matches input at `at`. */
function pieceAt(input: string, at: number, piece: string): boolean {
  for (let k = 0; k < piece.length; k++) {
    const c = piece.charCodeAt(k);
    if (c !== 0x3f && input.charCodeAt(at + k) !== c) return false;
  }
  return true;
}

/** The leftmost position in [from, limit - piece.length] where piece matches, or -1. */
function findPiece(input: string, from: number, limit: number, piece: string): number {
  if (piece.length === 0) return from;
  for (let at = from; at + piece.length <= limit; at++) {
    if (pieceAt(input, at, piece)) return at;
  }
  return -1;
}
