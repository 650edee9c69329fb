import { categoriesOf } from '../../commands/define.js';
import type { CommandTable } from '../../commands/table.js';
import type { CommandSpec } from '../../commands/types.js';

/** A command or subcommand as ACL rules name it ('get', 'config|get'). */
export interface AclCommand {
  readonly fullName: string;
  readonly parent?: AclCommand;
  readonly subcommands?: readonly AclCommand[];
  readonly categories: readonly string[];
}

/** Redis's ACL categories, in the order ACL CAT lists them and ACL LIST tries them. */
export const ACL_CATEGORIES = [
  'keyspace',
  'read',
  'write',
  'set',
  'sortedset',
  'list',
  'hash',
  'string',
  'bitmap',
  'hyperloglog',
  'geo',
  'stream',
  'pubsub',
  'admin',
  'fast',
  'slow',
  'blocking',
  'dangerous',
  'connection',
  'transaction',
  'scripting',
] as const;

/**
 * The command table seen by ACL rules: every command and subcommand with its categories. A
 * container (CONFIG, XGROUP...) is only in the categories its own flags give (@slow), as in
 * Redis; its subcommands carry the group's.
 */
export class AclCommandIndex {
  readonly topLevel: AclCommand[] = [];
  /** Commands and subcommands, parents before their subcommands. */
  readonly all: AclCommand[] = [];
  readonly categoryNames = ACL_CATEGORIES;
  private readonly byName = new Map<string, AclCommand>();
  private readonly byCategory = new Map<string, AclCommand[]>(
    ACL_CATEGORIES.map((name) => [name, []]),
  );

  constructor(table: CommandTable) {
    for (const spec of table.all()) this.topLevel.push(this.add(spec, undefined));
  }

  private add(spec: CommandSpec, parent: AclCommand | undefined): AclCommand {
    const fullName = parent ? `${parent.fullName}|${spec.name}` : spec.name;
    const categories = categoriesOf(spec.subcommands ? { ...spec, categories: [] } : spec).map(
      (c) => c.slice(1),
    );
    const subcommands: AclCommand[] = [];
    const command: AclCommand = {
      fullName,
      parent,
      categories,
      subcommands: spec.subcommands ? subcommands : undefined,
    };
    this.byName.set(fullName, command);
    this.all.push(command);
    for (const category of categories) this.byCategory.get(category)?.push(command);
    for (const sub of spec.subcommands ?? []) subcommands.push(this.add(sub, command));
    return command;
  }

  /** 'get', 'CONFIG|get'... case-insensitive. */
  lookup(name: string): AclCommand | undefined {
    return this.byName.get(name.toLowerCase());
  }

  /** Commands of a category, parents before subcommands; undefined for an unknown category. */
  category(name: string): readonly AclCommand[] | undefined {
    return this.byCategory.get(name);
  }
}
