import { CommandError } from '../../command-error.js';
import { parseInteger, syntaxError } from '../args.js';
import { defineCommand } from '../define.js';
import { asText } from './string-value.js';

interface Match {
  a: [number, number];
  b: [number, number];
  length: number;
}

/** The longest common subsequence with its matching ranges, walked back as Redis does. */
function longestCommonSubsequence(
  a: string,
  b: string,
  minMatchLength: number,
): { text: string; matches: Match[] } {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const table = new Uint32Array(rows * cols);
  const at = (i: number, j: number) => table[i * cols + j]!;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      table[i * cols + j] =
        a.charCodeAt(i - 1) === b.charCodeAt(j - 1)
          ? at(i - 1, j - 1) + 1
          : Math.max(at(i - 1, j), at(i, j - 1));
    }
  }
  let index = at(a.length, b.length);
  const chars: string[] = new Array(index);
  const matches: Match[] = [];
  let aStart = a.length;
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  let i = a.length;
  let j = b.length;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      chars[index - 1] = a[i - 1]!;
      if (aStart === a.length) {
        aStart = i - 1;
        aEnd = i - 1;
        bStart = j - 1;
        bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else {
        emit = true;
      }
      if (aStart === 0 || bStart === 0) emit = true;
      index--;
      i--;
      j--;
    } else {
      if (at(i - 1, j) > at(i, j - 1)) i--;
      else j--;
      if (aStart !== a.length) emit = true;
    }
    if (emit) {
      const length = aEnd - aStart + 1;
      if (minMatchLength === 0 || length >= minMatchLength) {
        matches.push({ a: [aStart, aEnd], b: [bStart, bEnd], length });
      }
      aStart = a.length;
    }
  }
  return { text: chars.join(''), matches };
}

export const lcs = defineCommand({
  name: 'lcs',
  arity: -3,
  flags: ['readonly'],
  keys: [1, 2, 1],
  group: 'string',
  summary: 'Find longest common substring',
  since: '7.0.0',
  handler(ctx) {
    const { argv, reply, db } = ctx;
    let wantLength = false;
    let wantIndexes = false;
    let withMatchLength = false;
    let minMatchLength = 0;
    for (let i = 3; i < argv.length; i++) {
      const option = argv[i]!.toUpperCase();
      if (option === 'IDX') wantIndexes = true;
      else if (option === 'LEN') wantLength = true;
      else if (option === 'WITHMATCHLEN') withMatchLength = true;
      else if (option === 'MINMATCHLEN' && i + 1 < argv.length) {
        minMatchLength = Math.max(0, parseInteger(argv[++i]!));
      } else throw syntaxError();
    }
    const values = [argv[1]!, argv[2]!].map((key) => {
      const entry = db.lookupRead(key);
      if (entry && entry.type !== 'string') {
        throw new CommandError('ERR The specified keys must contain string values');
      }
      return entry ? asText(entry.value as string | Buffer) : '';
    });
    if (wantLength && wantIndexes) {
      throw new CommandError('ERR If you want both the length and indexes, please just use IDX.');
    }
    const [a, b] = values as [string, string];
    if ((a.length + 1) * (b.length + 1) > 0xffffffff / 4) {
      throw new CommandError(
        'ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len',
      );
    }
    const result = longestCommonSubsequence(a, b, minMatchLength);
    if (wantLength) {
      reply.integer(result.text.length);
      return;
    }
    if (!wantIndexes) {
      reply.bulk(result.text);
      return;
    }
    reply.mapHeader(2);
    reply.bulk('matches');
    reply.arrayHeader(result.matches.length);
    for (const match of result.matches) {
      reply.arrayHeader(withMatchLength ? 3 : 2);
      for (const range of [match.a, match.b]) {
        reply.arrayHeader(2);
        reply.integer(range[0]);
        reply.integer(range[1]);
      }
      if (withMatchLength) reply.integer(match.length);
    }
    reply.bulk('len');
    reply.integer(result.text.length);
  },
});
