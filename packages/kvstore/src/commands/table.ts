import { bitmapCommands } from './bitmap/index.js';
import { connectionCommands } from './connection/index.js';
import { hashCommands } from './hash/index.js';
import { hllCommands } from './hll/index.js';
import { keyCommands } from './keys/index.js';
import { listCommands } from './list/index.js';
import { pubsubCommands } from './pubsub/index.js';
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
];

/** Lookup by name, case-insensitive, with a fast path for names sent in the table's case. */
export class CommandTable {
  private readonly byName = new Map<string, CommandSpec>();

  constructor(families: ReadonlyArray<readonly CommandSpec[]> = COMMAND_FAMILIES) {
    for (const family of families) {
      for (const spec of family) {
        if (this.byName.has(spec.name)) throw new Error(`command ${spec.name} is defined twice`);
        this.byName.set(spec.name, spec);
        this.byName.set(spec.name.toUpperCase(), spec);
      }
    }
  }

  lookup(name: string): CommandSpec | undefined {
    return this.byName.get(name) ?? this.byName.get(name.toLowerCase());
  }

  /** Every command once, in table order. */
  all(): CommandSpec[] {
    return [...new Set(this.byName.values())];
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
