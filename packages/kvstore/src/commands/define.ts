import type { CommandFlag, CommandSpec } from './types.js';

/** Redis's command groups, as COMMAND DOCS names them, with their ACL category. */
const GROUP_CATEGORY: Record<string, string | undefined> = {
  generic: '@keyspace',
  string: '@string',
  list: '@list',
  hash: '@hash',
  set: '@set',
  sorted_set: '@sortedset',
  hyperloglog: '@hyperloglog',
  stream: '@stream',
  bitmap: '@bitmap',
  geo: '@geo',
  pubsub: '@pubsub',
  transactions: '@transaction',
  connection: '@connection',
  server: undefined,
  scripting: '@scripting',
};

export interface CommandDefinition
  extends Omit<CommandSpec, 'firstKey' | 'lastKey' | 'step' | 'categories'> {
  /** [firstKey, lastKey, step]; default [0, 0, 0] (no keys). */
  keys?: readonly [number, number, number];
  /** Extra ACL categories beyond the group's and the flags' ones. */
  categories?: readonly string[];
  /** The group's category does not apply (SORT is `generic` but not in @keyspace in Redis). */
  withoutGroupCategory?: boolean;
}

/** Fills the derivable parts of a CommandSpec: key positions default and group category. */
export function defineCommand(definition: CommandDefinition): CommandSpec {
  const [firstKey, lastKey, step] = definition.keys ?? [0, 0, 0];
  const groupCategory = definition.withoutGroupCategory
    ? undefined
    : GROUP_CATEGORY[definition.group];
  const categories = [...(groupCategory ? [groupCategory] : []), ...(definition.categories ?? [])];
  const { keys: _keys, withoutGroupCategory: _without, ...rest } = definition;
  return { ...rest, firstKey, lastKey, step, categories };
}

/** ACL categories in Redis's order: read/write, admin, the group's, fast/slow, blocking... */
export function categoriesOf(spec: CommandSpec): string[] {
  const flags = new Set<CommandFlag>(spec.flags);
  const out: string[] = [];
  const add = (category: string) => {
    if (!out.includes(category)) out.push(category);
  };
  if (flags.has('write')) add('@write');
  if (flags.has('readonly') && !spec.categories.includes('@scripting')) add('@read');
  if (flags.has('admin')) add('@admin');
  for (const category of spec.categories) if (category !== '@dangerous') add(category);
  if (flags.has('pubsub')) add('@pubsub');
  add(flags.has('fast') ? '@fast' : '@slow');
  if (flags.has('blocking')) add('@blocking');
  if (flags.has('admin') || spec.categories.includes('@dangerous')) add('@dangerous');
  return out;
}
