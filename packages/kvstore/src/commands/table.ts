import { bitmapCommands } from './bitmap/index.js';
import { connectionCommands } from './connection/index.js';
import { geoCommands } from './geo/index.js';
import { hashCommands } from './hash/index.js';
import { hllCommands } from './hll/index.js';
import { keyCommands } from './keys/index.js';
import { listCommands } from './list/index.js';
import { pubsubCommands } from './pubsub/index.js';
import { scriptingCommands } from './scripting/index.js';
import { serverCommands } from './server/index.js';
import { setCommands } from './set/index.js';
import { streamCommands } from './stream/index.js';
import { stringCommands } from './string/index.js';
import { transactionCommands } from './transactions/index.js';
import type { CommandSpec } from './types.js';
import { zsetCommands } from './zset/index.js';

/**
 * Every command the server knows, family by family. A family is a directory of command files
 * whose index.ts exports an array of CommandSpec; add the family's import and array here.
 */
export const COMMAND_FAMILIES: ReadonlyArray<readonly CommandSpec[]> = [
  connectionCommands,
  serverCommands,
  keyCommands,
  stringCommands,
  listCommands,
  hashCommands,
  setCommands,
  pubsubCommands,
  transactionCommands,
  zsetCommands,
  hllCommands,
  bitmapCommands,
  streamCommands,
  geoCommands,
  scriptingCommands,
];

/** A command resolve() found; fullName is 'config|get' for a subcommand. */
interface FoundCommand {
  readonly kind: 'found';
  readonly spec: CommandSpec;
  readonly fullName: string;
}

/** The outcome of CommandTable.resolve(). */
export type ResolvedCommand =
  | FoundCommand
  | { kind: 'unknown-command' }
  | { kind: 'unknown-subcommand'; parent: CommandSpec };

/** Lookup by name, case-insensitive, with a fast path for names sent in the table's case. */
export class CommandTable {
  /** By name (lower and upper case): resolve()'s answer for the command run as itself. */
  private readonly byName = new Map<string, FoundCommand>();

  constructor(families: ReadonlyArray<readonly CommandSpec[]> = COMMAND_FAMILIES) {
    for (const family of families) {
      for (const spec of family) {
        if (this.byName.has(spec.name)) throw new Error(`command ${spec.name} is defined twice`);
        const found: FoundCommand = { kind: 'found', spec, fullName: spec.name };
        this.byName.set(spec.name, found);
        this.byName.set(spec.name.toUpperCase(), found);
      }
    }
  }

  lookup(name: string): CommandSpec | undefined {
    return this.find(name)?.spec;
  }

  private find(name: string): FoundCommand | undefined {
    return this.byName.get(name) ?? this.byName.get(name.toLowerCase());
  }

  /**
   * The spec that runs argv: the command itself, or for a container (CONFIG, XGROUP...) the
   * subcommand named by argv[1]. A container sent alone resolves to itself (its arity then
   * rejects it). Shared by the dispatcher, the AOF/snapshot loader and internal replays.
   */
  resolve(argv: readonly string[]): ResolvedCommand {
    const found = this.find(argv[0]!);
    if (found === undefined) return { kind: 'unknown-command' };
    const spec = found.spec;
    if (!spec.subcommands || argv.length < 2) return found;
    const sub = findSubcommand(spec, argv[1]!);
    if (sub === undefined) return { kind: 'unknown-subcommand', parent: spec };
    return { kind: 'found', spec: sub, fullName: `${spec.name}|${sub.name}` };
  }

  /** Every command once, in table order. */
  all(): CommandSpec[] {
    return [...new Set([...this.byName.values()].map((found) => found.spec))];
  }

  get size(): number {
    return this.all().length;
  }
}

/** The subcommand spec for argv (CONFIG GET -> config|get), if the command has subcommands. */
export function findSubcommand(spec: CommandSpec, name: string): CommandSpec | undefined {
  const lower = name.toLowerCase();
  return spec.subcommands?.find((sub) => sub.name === lower);
}

/** Positions (0-based) of the key arguments of a command. */
export function keyPositions(spec: CommandSpec, argv: readonly string[]): number[] {
  if (spec.getKeys) return spec.getKeys(argv);
  if (spec.firstKey === 0) return [];
  const last = spec.lastKey < 0 ? argv.length + spec.lastKey : spec.lastKey;
  const out: number[] = [];
  for (let i = spec.firstKey; i <= last && i < argv.length; i += spec.step || 1) out.push(i);
  return out;
}
