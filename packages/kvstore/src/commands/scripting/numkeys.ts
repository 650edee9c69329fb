import { CommandError } from '../../command-error.js';
import { parseInteger } from '../args.js';

/** EVAL/FCALL's `numkeys key... arg...` after argv[0] and the script or function name. */
export function splitKeysAndArgs(argv: readonly string[]): { keys: string[]; args: string[] } {
  const numkeys = parseInteger(argv[2]!);
  if (numkeys < 0) throw new CommandError("ERR Number of keys can't be negative");
  if (numkeys > argv.length - 3) {
    throw new CommandError("ERR Number of keys can't be greater than number of args");
  }
  return { keys: argv.slice(3, 3 + numkeys), args: argv.slice(3 + numkeys) };
}

/** Key positions for COMMAND GETKEYS and ACL checks: the numkeys arguments after argv[2]. */
export function numkeysPositions(argv: readonly string[]): number[] {
  const numkeys = Number(argv[2]);
  if (!Number.isInteger(numkeys) || numkeys < 0 || numkeys > argv.length - 3) return [];
  return Array.from({ length: numkeys }, (_, i) => 3 + i);
}
