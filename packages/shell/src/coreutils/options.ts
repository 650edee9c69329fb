import { usageError } from './errors.js';
import type { UtilityContext } from './types.js';

/**
 * GNU getopt_long-style argument parsing shared by the utilities: combined short flags (`-la`),
 * attached or separate option arguments (`-m755`, `-m 755`, `--width=80`, `--width 80`),
 * unambiguous prefixes of long options (`--recur`), `--` ending the options, and operands mixed
 * with options (GNU permutes them unless POSIXLY_CORRECT is set).
 */

export interface OptionSpec {
  /** The name the utility folds on, e.g. 'all'. */
  key: string;
  short?: string;
  long?: string;
  /** Whether the option takes an argument; 'optional' only exists for long options. */
  argument?: 'required' | 'optional';
}

export interface ParsedOption {
  key: string;
  value?: string;
}

export type ParseResult =
  | { ok: true; options: ParsedOption[]; operands: string[] }
  | { ok: false; message: string };

export function parseOptions(
  args: readonly string[],
  specs: readonly OptionSpec[],
  env: Readonly<Record<string, string>> = {},
): ParseResult {
  const options: ParsedOption[] = [];
  const operands: string[] = [];
  const permute = env.POSIXLY_CORRECT === undefined;
  let i = 0;
  while (i < args.length) {
    const arg = args[i++];
    if (arg === '--') {
      operands.push(...args.slice(i));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      const found = findLong(name, specs);
      if (typeof found === 'string') return { ok: false, message: found };
      if (eq >= 0) {
        if (!found.argument) {
          return { ok: false, message: `option '--${found.long}' doesn't allow an argument` };
        }
        options.push({ key: found.key, value: arg.slice(eq + 1) });
      } else if (found.argument === 'required') {
        if (i >= args.length) {
          return { ok: false, message: `option '--${found.long}' requires an argument` };
        }
        options.push({ key: found.key, value: args[i++] });
      } else {
        options.push({ key: found.key });
      }
      continue;
    }
    if (arg.length > 1 && arg[0] === '-') {
      for (let j = 1; j < arg.length; j++) {
        const letter = arg[j];
        const spec = specs.find((s) => s.short === letter);
        if (!spec) return { ok: false, message: `invalid option -- '${letter}'` };
        if (spec.argument === 'required') {
          let value = arg.slice(j + 1);
          if (value === '') {
            if (i >= args.length) {
              return { ok: false, message: `option requires an argument -- '${letter}'` };
            }
            value = args[i++];
          }
          options.push({ key: spec.key, value });
          break;
        }
        options.push({ key: spec.key });
      }
      continue;
    }
    operands.push(arg);
    if (!permute) {
      operands.push(...args.slice(i));
      break;
    }
  }
  return { ok: true, options, operands };
}

/** The spec for a long option name or its unambiguous prefix, or an error message. */
function findLong(name: string, specs: readonly OptionSpec[]): OptionSpec | string {
  const exact = specs.find((s) => s.long === name);
  if (exact) return exact;
  const candidates = specs.filter((s) => s.long?.startsWith(name));
  // Several spellings of one option (same key) are not an ambiguity.
  if (candidates.length > 0 && candidates.every((s) => s.key === candidates[0].key)) {
    return candidates[0];
  }
  if (candidates.length === 0) return `unrecognized option '--${name}'`;
  const list = candidates.map((s) => `'--${s.long}'`).join(' ');
  return `option '--${name}' is ambiguous; possibilities: ${list}`;
}

/**
 * Parses a utility's arguments, answering --help itself. On a usage error prints GNU's two-line
 * diagnostic and returns the exit status to use instead of the parse.
 */
export function parseCommandLine(
  ctx: UtilityContext,
  util: string,
  specs: readonly OptionSpec[],
  usage: string,
  usageStatus = 1,
): { options: ParsedOption[]; operands: string[] } | number {
  const parsed = parseOptions(ctx.args, [...specs, { key: 'help', long: 'help' }], ctx.env);
  if (!parsed.ok) {
    usageError(ctx.stderr, util, parsed.message);
    return usageStatus;
  }
  if (parsed.options.some((o) => o.key === 'help')) {
    ctx.stdout.write(usage);
    return 0;
  }
  return parsed;
}
