import { stat } from 'node:fs/promises';
import { strerror, usageError } from './errors.js';
import type { OptionSpec } from './options.js';
import { baseName, joinName, resolveOperand } from './paths.js';
import { quote } from './quote.js';
import type { UtilityContext } from './types.js';

/** The options cp and mv share, as GNU spells them. */
export const TRANSFER_OPTIONS: OptionSpec[] = [
  { key: 'force', short: 'f', long: 'force' },
  { key: 'interactive', short: 'i', long: 'interactive' },
  { key: 'no-clobber', short: 'n', long: 'no-clobber' },
  { key: 'verbose', short: 'v', long: 'verbose' },
  { key: 'target-directory', short: 't', long: 'target-directory', argument: 'required' },
  { key: 'no-target-directory', short: 'T', long: 'no-target-directory' },
];

/** One source and where it goes, as operand texts (for messages) and kernel paths. */
export interface Transfer {
  source: string;
  sourcePath: string;
  destination: string;
  destinationPath: string;
}

/**
 * cp's and mv's operand rules: `SOURCE DEST`, `SOURCE... DIRECTORY`, `-t DIRECTORY SOURCE...`
 * and `-T SOURCE DEST`. Returns the transfers or, after printing GNU's diagnostic, undefined.
 */
export async function planTransfers(
  ctx: UtilityContext,
  util: string,
  operands: string[],
  targetDirectory: string | undefined,
  noTargetDirectory: boolean,
): Promise<Transfer[] | undefined> {
  if (operands.length === 0) {
    usageError(ctx.stderr, util, 'missing file operand');
    return undefined;
  }
  let directory = targetDirectory;
  let sources = operands;
  if (directory === undefined) {
    if (operands.length === 1) {
      usageError(ctx.stderr, util, `missing destination file operand after ${quote(operands[0])}`);
      return undefined;
    }
    const last = operands[operands.length - 1];
    sources = operands.slice(0, -1);
    let lastIsDir = false;
    let lastError: unknown;
    try {
      lastIsDir = (await stat(resolveOperand(ctx, last))).isDirectory();
    } catch (error) {
      lastError = error;
    }
    if (noTargetDirectory) {
      if (operands.length > 2) {
        usageError(ctx.stderr, util, `extra operand ${quote(operands[2])}`);
        return undefined;
      }
    } else if (lastIsDir) {
      directory = last;
    } else if (operands.length > 2) {
      const reason = lastError === undefined ? 'Not a directory' : strerror(lastError);
      const text = `target ${quote(last)}: ${reason}`;
      ctx.stderr.write(`${util}: ${text}\n`);
      return undefined;
    }
    if (directory === undefined) {
      return [
        {
          source: operands[0],
          sourcePath: resolveOperand(ctx, operands[0]),
          destination: last,
          destinationPath: resolveOperand(ctx, last),
        },
      ];
    }
  }
  return sources.map((source) => {
    const destination = joinName(directory!, baseName(source));
    return {
      source,
      sourcePath: resolveOperand(ctx, source),
      destination,
      destinationPath: resolveOperand(ctx, destination),
    };
  });
}
