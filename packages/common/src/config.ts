import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, ErrorCode } from './errors.js';
import { LOG_LEVELS } from './log.js';

/**
 * Declarative configuration: a daemon describes its options in one table; flags, environment
 * variables and a config file are all validated against it into a typed object.
 * Precedence, lowest first: defaults, config file, environment, command line.
 */

interface OptionBase {
  description: string;
  /** Flag name without dashes; default: the key in kebab-case. */
  flag?: string;
  short?: string;
  /** Environment variable; default PREFIX_KEY_IN_SNAKE_CASE; false for none. */
  env?: string | false;
  /** A repeatable option collects every occurrence (flag or file line) in order. */
  repeatable?: boolean;
}

export interface StringOption extends OptionBase {
  type: 'string';
  default?: string;
}
export interface IntegerOption extends OptionBase {
  type: 'integer';
  default?: number;
  min?: number;
  max?: number;
}
export interface NumberOption extends OptionBase {
  type: 'number';
  default?: number;
  min?: number;
  max?: number;
}
/** A flag without a value (`--autoindex`); in files and env: true/false/yes/no/1/0. */
export interface BooleanOption extends OptionBase {
  type: 'boolean';
  default?: boolean;
}
/** Redis-style `--appendonly yes`. */
export interface YesNoOption extends OptionBase {
  type: 'yesno';
  default?: boolean;
}
/** Byte sizes with Redis's units: 1k=1000, 1kb=1024, m, mb, g, gb. */
export interface SizeOption extends OptionBase {
  type: 'size';
  default?: number;
  min?: number;
  max?: number;
}
/** Durations in milliseconds: `250ms`, `30s`, `5m`, `1h`; a bare number is in `unit`. */
export interface DurationOption extends OptionBase {
  type: 'duration';
  unit?: 'ms' | 's';
  default?: number;
}
export interface EnumOption<C extends string = string> extends OptionBase {
  type: 'enum';
  choices: readonly C[];
  default?: C;
}

export type OptionSpec =
  | StringOption
  | IntegerOption
  | NumberOption
  | BooleanOption
  | YesNoOption
  | SizeOption
  | DurationOption
  | EnumOption;

export type OptionTable = Record<string, OptionSpec>;

type ScalarOf<O> =
  O extends EnumOption<infer C>
    ? C
    : O extends StringOption
      ? string
      : O extends BooleanOption | YesNoOption
        ? boolean
        : number;
type ValueOf<O> = O extends { repeatable: true } ? ScalarOf<O>[] : ScalarOf<O>;

export type ConfigOf<T extends OptionTable> = {
  -readonly [K in keyof T]: T[K] extends { default: unknown }
    ? ValueOf<T[K]>
    : T[K] extends { repeatable: true }
      ? ValueOf<T[K]>
      : ValueOf<T[K]> | undefined;
};

/** Options every daemon shares. */
export function commonOptions(defaults: { port: number; host?: string }) {
  return {
    host: {
      type: 'string',
      default: defaults.host ?? '127.0.0.1',
      description: 'TCP address to listen on',
    },
    port: {
      type: 'integer',
      default: defaults.port,
      min: 0,
      max: 65535,
      description: 'TCP port (0 picks a free one)',
    },
    unix: { type: 'string', description: 'also listen on this UNIX domain socket path' },
    config: {
      type: 'string',
      description: 'read options from this file (JSON or `name value` lines)',
    },
    logLevel: {
      type: 'enum',
      choices: LOG_LEVELS,
      env: 'LOG_LEVEL',
      description: 'log level (default info, or LOG_LEVEL)',
    },
    logPretty: {
      type: 'boolean',
      description: 'human-readable logs (default: when stdout is a TTY)',
    },
    metricsPort: {
      type: 'integer',
      min: 0,
      max: 65535,
      description: 'serve Prometheus metrics over HTTP on this port',
    },
    statsd: { type: 'string', description: 'push StatsD metrics over UDP to HOST:PORT' },
  } as const satisfies OptionTable;
}

export interface CliInfo {
  /** Binary name, e.g. `strata-kvstore`. */
  name: string;
  version: string;
  summary: string;
  /** Prefix of environment variables, e.g. `STRATA_KVSTORE`. */
  envPrefix: string;
  /** Extra usage text printed after the option list. */
  epilog?: string;
  /** Accept one positional argument as the config file path (as redis-server does). */
  configPositional?: boolean;
}

export type CliResult<T extends OptionTable> =
  | { kind: 'run'; config: ConfigOf<T> }
  | { kind: 'exit'; code: number; output: string };

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
function snake(key: string): string {
  return kebab(key).replace(/-/g, '_').toUpperCase();
}
function flagOf(key: string, spec: OptionSpec): string {
  return spec.flag ?? kebab(key);
}
function envOf(key: string, spec: OptionSpec, prefix: string): string | undefined {
  if (spec.env === false) return undefined;
  return spec.env ?? `${prefix}_${snake(key)}`;
}

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1e3,
  kb: 1024,
  m: 1e6,
  mb: 1024 ** 2,
  g: 1e9,
  gb: 1024 ** 3,
};
const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseSize(text: string): number | undefined {
  const m = /^(\d+)([a-z]*)$/i.exec(text.trim());
  if (!m) return undefined;
  const unit = SIZE_UNITS[m[2]!.toLowerCase()];
  return unit === undefined ? undefined : Number(m[1]) * unit;
}

export function parseDuration(text: string, bareUnit: 'ms' | 's' = 'ms'): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([a-z]*)$/i.exec(text.trim());
  if (!m) return undefined;
  const unit = DURATION_UNITS[(m[2] || bareUnit).toLowerCase()];
  return unit === undefined ? undefined : Math.round(Number(m[1]) * unit);
}

function invalid(where: string, message: string): ConfigError {
  return new ConfigError(ErrorCode.CONFIG_INVALID, `${where}: ${message}`);
}

function checkRange(where: string, n: number, spec: { min?: number; max?: number }): number {
  if (spec.min !== undefined && n < spec.min) throw invalid(where, `must be >= ${spec.min}`);
  if (spec.max !== undefined && n > spec.max) throw invalid(where, `must be <= ${spec.max}`);
  return n;
}

/** Converts one textual value (flag, env or file) to the option's type. */
export function convertValue(where: string, spec: OptionSpec, raw: string | boolean): unknown {
  if (typeof raw === 'boolean') {
    // JSON `true`/`false` suit yes/no options as well as flags.
    if (spec.type === 'boolean' || spec.type === 'yesno') return raw;
    throw invalid(where, 'requires a value');
  }
  const text = raw.trim();
  switch (spec.type) {
    case 'string':
      return raw;
    case 'integer': {
      if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
        throw invalid(where, `expected an integer, got '${raw}'`);
      }
      return checkRange(where, Number(text), spec);
    }
    case 'number': {
      const n = Number(text);
      if (text === '' || !Number.isFinite(n))
        throw invalid(where, `expected a number, got '${raw}'`);
      return checkRange(where, n, spec);
    }
    case 'boolean':
    case 'yesno': {
      const lower = text.toLowerCase();
      if (['yes', 'true', '1', 'on'].includes(lower)) return true;
      if (['no', 'false', '0', 'off'].includes(lower)) return false;
      throw invalid(where, `expected yes or no, got '${raw}'`);
    }
    case 'size': {
      const n = parseSize(text);
      if (n === undefined) throw invalid(where, `expected a size like 64mb, got '${raw}'`);
      return checkRange(where, n, spec);
    }
    case 'duration': {
      const n = parseDuration(text, spec.unit);
      if (n === undefined) throw invalid(where, `expected a duration like 30s, got '${raw}'`);
      return n;
    }
    case 'enum': {
      const choice = spec.choices.find((c) => c.toLowerCase() === text.toLowerCase());
      if (choice === undefined) {
        throw invalid(where, `expected one of ${spec.choices.join(', ')}, got '${raw}'`);
      }
      return choice;
    }
  }
}

/**
 * Splits a `name value` config line the way redis.conf does: whitespace separates words,
 * double quotes allow spaces and backslash escapes, single quotes are literal.
 */
export function splitConfigLine(line: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i]!)) i++;
    if (i >= line.length) break;
    let word = '';
    const quote = line[i];
    if (quote === '"' || quote === "'") {
      i++;
      while (i < line.length && line[i] !== quote) {
        if (quote === '"' && line[i] === '\\' && i + 1 < line.length) {
          const next = line[++i]!;
          word += next === 'n' ? '\n' : next === 't' ? '\t' : next === 'r' ? '\r' : next;
        } else {
          word += line[i];
        }
        i++;
      }
      if (i >= line.length) throw new Error('unbalanced quotes');
      i++;
    } else {
      while (i < line.length && !/\s/.test(line[i]!)) word += line[i++];
    }
    words.push(word);
  }
  return words;
}

/** Reads a config file into [name, value] pairs: JSON objects or redis.conf-style lines. */
export function readConfigFile(path: string): Array<[string, string | boolean]> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(
      ErrorCode.CONFIG_FILE,
      `cannot read config file ${path}: ${(err as Error).message}`,
    );
  }
  if (path.endsWith('.json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new ConfigError(
        ErrorCode.CONFIG_FILE,
        `${path}: invalid JSON: ${(err as Error).message}`,
      );
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new ConfigError(ErrorCode.CONFIG_FILE, `${path}: expected a JSON object`);
    }
    const pairs: Array<[string, string | boolean]> = [];
    for (const [name, value] of Object.entries(parsed)) {
      const values = Array.isArray(value) ? value : [value];
      for (const v of values) pairs.push([name, typeof v === 'boolean' ? v : String(v)]);
    }
    return pairs;
  }
  const pairs: Array<[string, string | boolean]> = [];
  text.split(/\r?\n/).forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    let words: string[];
    try {
      words = splitConfigLine(trimmed);
    } catch (err) {
      throw new ConfigError(
        ErrorCode.CONFIG_FILE,
        `${path}:${index + 1}: ${(err as Error).message}`,
      );
    }
    // A name alone turns a boolean flag on (`autoindex`); other types then report the missing value.
    pairs.push([words[0]!, words.length === 1 ? true : words.slice(1).join(' ')]);
  });
  return pairs;
}

function renderDefault(spec: OptionSpec): string {
  if (spec.default === undefined) return '';
  if (spec.type === 'yesno') return ` (default ${spec.default ? 'yes' : 'no'})`;
  return ` (default ${String(spec.default)})`;
}

export function renderHelp<T extends OptionTable>(table: T, info: CliInfo): string {
  const rows: Array<[string, string]> = [];
  for (const [key, spec] of Object.entries(table)) {
    const placeholder =
      spec.type === 'boolean'
        ? ''
        : spec.type === 'enum'
          ? ` <${spec.choices.join('|')}>`
          : ` <${spec.type}>`;
    const short = spec.short ? `-${spec.short}, ` : '';
    const env = envOf(key, spec, info.envPrefix);
    rows.push([
      `  ${short}--${flagOf(key, spec)}${placeholder}`,
      `${spec.description}${renderDefault(spec)}${env ? ` [${env}]` : ''}`,
    ]);
  }
  rows.push(
    ['  -h, --help', 'print this help and exit'],
    ['  -V, --version', 'print the version and exit'],
  );
  const width = Math.min(36, Math.max(...rows.map(([flag]) => flag.length)) + 2);
  const lines = rows.map(([flag, text]) =>
    flag.length >= width ? `${flag}\n${' '.repeat(width)}${text}` : flag.padEnd(width) + text,
  );
  const usage = info.configPositional
    ? `${info.name} [config-file] [options]`
    : `${info.name} [options]`;
  return `${info.name} ${info.version}: ${info.summary}\n\nUsage: ${usage}\n\nOptions:\n${lines.join('\n')}\n${
    info.epilog ? `\n${info.epilog}\n` : ''
  }`;
}

/** node:util's parseArgs explains over several lines; a bin prints one. */
function argvErrorLine(err: Error): string {
  const first = err.message
    .split('\n')[0]!
    .replace(/\. To specify.*$/, '')
    .replace(/\.$/, '');
  // `--offset -5` is ambiguous to parseArgs: say how to pass a value that starts with a dash.
  const flag = /^Option '([^']+)' argument is ambiguous/.exec(first)?.[1];
  const hint = flag ? `; write ${flag}=VALUE for a value starting with '-'` : '';
  return `${first}${hint} (see --help)`;
}

/**
 * Parses argv (without node and script), the environment and the optional config file.
 * Never exits: returns what to do so that tests can check every path.
 */
export function parseCli<T extends OptionTable>(
  table: T,
  info: CliInfo,
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): CliResult<T> {
  type ParseArgsOptions = NonNullable<Parameters<typeof parseArgs>[0]>['options'];
  const options: ParseArgsOptions = {
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean', short: 'V' },
  };
  const byFlag = new Map<string, string>();
  for (const [key, spec] of Object.entries(table)) {
    const flag = flagOf(key, spec);
    byFlag.set(flag, key);
    byFlag.set(key, key);
    options[flag] = {
      type: spec.type === 'boolean' ? 'boolean' : 'string',
      multiple: spec.repeatable === true,
      ...(spec.short ? { short: spec.short } : {}),
    };
  }

  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options,
      allowPositionals: info.configPositional === true,
      strict: true,
    });
  } catch (err) {
    return { kind: 'exit', code: 2, output: `${info.name}: ${argvErrorLine(err as Error)}\n` };
  }
  const values = parsed.values as Record<
    string,
    string | boolean | Array<string | boolean> | undefined
  >;
  if (values.help) return { kind: 'exit', code: 0, output: renderHelp(table, info) };
  if (values.version) return { kind: 'exit', code: 0, output: `${info.version}\n` };
  if (parsed.positionals.length > 1) {
    return { kind: 'exit', code: 2, output: `${info.name}: too many arguments (see --help)\n` };
  }

  const result: Record<string, unknown> = {};
  const assign = (key: string, where: string, raw: string | boolean) => {
    const spec = table[key]!;
    const value = convertValue(where, spec, raw);
    if (spec.repeatable) {
      const list = (result[key] as unknown[] | undefined) ?? [];
      list.push(value);
      result[key] = list;
    } else {
      result[key] = value;
    }
  };

  try {
    for (const [key, spec] of Object.entries(table)) {
      if (spec.default !== undefined) result[key] = spec.default;
      else if (spec.repeatable) result[key] = [];
    }
    const configPath =
      (parsed.positionals[0] as string | undefined) ??
      (typeof values.config === 'string' ? values.config : undefined) ??
      (table.config ? env[envOf('config', table.config, info.envPrefix) ?? ''] : undefined);
    if (configPath) {
      const fromFile = new Set<string>();
      for (const [name, raw] of readConfigFile(configPath)) {
        const key = byFlag.get(name) ?? byFlag.get(name.toLowerCase());
        if (!key) {
          throw new ConfigError(
            ErrorCode.CONFIG_UNKNOWN_OPTION,
            `${configPath}: unknown option '${name}'`,
          );
        }
        // A repeatable option listed in the file replaces the default list instead of adding to it.
        if (table[key]!.repeatable && !fromFile.has(key)) result[key] = [];
        fromFile.add(key);
        assign(key, `${configPath}: ${name}`, raw);
      }
      if (table.config) result.config = configPath;
    }
    for (const [key, spec] of Object.entries(table)) {
      const name = envOf(key, spec, info.envPrefix);
      const raw = name ? env[name] : undefined;
      if (raw === undefined || raw === '') continue;
      if (spec.repeatable) result[key] = [];
      assign(key, `environment ${name}`, raw);
    }
    for (const [flag, raw] of Object.entries(values)) {
      if (flag === 'help' || flag === 'version' || raw === undefined) continue;
      const key = byFlag.get(flag)!;
      if (Array.isArray(raw)) {
        result[key] = [];
        for (const item of raw) assign(key, `--${flag}`, item);
      } else {
        assign(key, `--${flag}`, raw);
      }
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      return { kind: 'exit', code: 2, output: `${info.name}: ${err.message}\n` };
    }
    throw err;
  }
  return { kind: 'run', config: result as ConfigOf<T> };
}

/** parseCli for a bin: prints help/version/errors and exits, or returns the typed config. */
export function loadCliConfig<T extends OptionTable>(
  table: T,
  info: CliInfo,
  argv: readonly string[] = process.argv.slice(2),
): ConfigOf<T> {
  const result = parseCli(table, info, argv);
  if (result.kind === 'exit') {
    (result.code === 0 ? process.stdout : process.stderr).write(result.output);
    process.exit(result.code);
  }
  return result.config;
}
