import { CommandError, Errors } from '../../command-error.js';
import type { Database } from '../../keyspace/database.js';
import { parseDouble } from '../../protocol/numbers.js';
import { internals } from '../../server/context.js';
import { ListValue } from '../../values/list.js';
import { parseInteger, syntaxError } from '../args.js';
import { defineCommand } from '../define.js';
import type { CommandContext } from '../types.js';

/** BY and GET patterns read keys ACL rules cannot check: Redis requires access to all keys. */
function fullKeyAccess(ctx: CommandContext): boolean {
  const user = internals(ctx).client.aclUser;
  return user.allKeys || user.keys.some((k) => k.read && k.pattern === '*');
}

function sortDenied(option: 'BY' | 'GET'): CommandError {
  return new CommandError(
    `ERR ${option} option of SORT denied due to insufficient ACL permissions.`,
  );
}

/**
 * Resolves a SORT BY/GET pattern for an element: the first `*` is replaced by the element, and
 * `key->field` reads a hash field. '#' is the element itself.
 */
function lookupByPattern(db: Database, pattern: string, element: string): string | null {
  if (pattern === '#') return element;
  const star = pattern.indexOf('*');
  if (star === -1) return null;
  const arrow = pattern.indexOf('->', star + 1);
  const hasField = arrow !== -1 && arrow + 2 < pattern.length;
  const keyPattern = hasField ? pattern.slice(0, arrow) : pattern;
  const key = keyPattern.slice(0, star) + element + keyPattern.slice(star + 1);
  const entry = db.peek(key);
  if (!entry) return null;
  if (hasField) {
    if (entry.type !== 'hash') return null;
    return (
      (entry.value as import('../../values/hash.js').HashValue).get(pattern.slice(arrow + 2)) ??
      null
    );
  }
  if (entry.type !== 'string') return null;
  const value = entry.value as string | Buffer;
  return typeof value === 'string' ? value : value.toString('latin1');
}

function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortGeneric(ctx: CommandContext, readOnly: boolean): void {
  const { argv, db } = ctx;
  let desc = false;
  let alpha = false;
  let offset = 0;
  let count = -1;
  let by: string | undefined;
  let dontSort = false;
  const gets: string[] = [];
  let store: string | undefined;
  for (let i = 2; i < argv.length; i++) {
    const option = argv[i]!.toUpperCase();
    const left = argv.length - i - 1;
    if (option === 'ASC') desc = false;
    else if (option === 'DESC') desc = true;
    else if (option === 'ALPHA') alpha = true;
    else if (option === 'LIMIT' && left >= 2) {
      offset = parseInteger(argv[i + 1]!);
      count = parseInteger(argv[i + 2]!);
      i += 2;
    } else if (option === 'STORE' && left >= 1 && !readOnly) {
      store = argv[++i]!;
    } else if (option === 'BY' && left >= 1) {
      by = argv[++i]!;
      if (!by.includes('*')) dontSort = true;
      else if (!fullKeyAccess(ctx)) throw sortDenied('BY');
    } else if (option === 'GET' && left >= 1) {
      if (!fullKeyAccess(ctx)) throw sortDenied('GET');
      gets.push(argv[++i]!);
    } else throw syntaxError();
  }
  const entry = db.lookupRead(argv[1]!);
  let elements: string[] = [];
  if (entry) {
    if (entry.type === 'list') elements = (entry.value as ListValue).toArray();
    else if (entry.type === 'set')
      elements = [...(entry.value as import('../../values/set.js').SetValue)];
    else if (entry.type === 'zset') {
      const zset = entry.value as import('../../structures/sorted-set.js').SortedSet;
      elements = zset.rangeByRank(0, zset.size - 1).map((m) => m.member);
    } else throw new CommandError(Errors.wrongType);
  }
  // A set has no order of its own: sort it anyway when storing, so the result is deterministic.
  if (dontSort && entry?.type === 'set' && store !== undefined) {
    dontSort = false;
    alpha = true;
    by = undefined;
  }
  if (!dontSort) {
    const keyed = elements.map((element) => {
      const source = by !== undefined ? lookupByPattern(db, by, element) : element;
      let score = 0;
      if (!alpha && source !== null) {
        const parsed = parseDouble(source);
        if (parsed === undefined)
          throw new CommandError("ERR One or more scores can't be converted into double");
        score = parsed;
      }
      return { element, source, score };
    });
    keyed.sort((a, b) => {
      let cmp: number;
      if (!alpha) {
        cmp = a.score > b.score ? 1 : a.score < b.score ? -1 : compareBytes(a.element, b.element);
      } else if (by !== undefined) {
        if (a.source === null && b.source === null) cmp = 0;
        else if (a.source === null) cmp = -1;
        else if (b.source === null) cmp = 1;
        else cmp = compareBytes(a.source, b.source);
      } else {
        cmp = compareBytes(a.element, b.element);
      }
      return desc ? -cmp : cmp;
    });
    elements = keyed.map((k) => k.element);
  } else if (desc && entry?.type === 'zset') {
    elements.reverse();
  }
  const length = elements.length;
  let start = Math.max(0, offset);
  let end = count < 0 ? length - 1 : start + count - 1;
  if (start >= length) {
    start = length - 1;
    end = length - 2;
  }
  if (end >= length) end = length - 1;
  const selected = end >= start ? elements.slice(start, end + 1) : [];
  const output: Array<string | null> = [];
  for (const element of selected) {
    if (gets.length === 0) output.push(element);
    else for (const pattern of gets) output.push(lookupByPattern(db, pattern, element));
  }
  if (store === undefined) {
    ctx.reply.bulkArray(output);
    return;
  }
  if (output.length === 0) {
    if (db.delete(store)) {
      ctx.signalModifiedKey(store);
      ctx.notify('generic', 'del', store);
    }
  } else {
    const list = new ListValue();
    for (const value of output) list.pushTail(value ?? '');
    db.setKey(store, 'list', list);
    ctx.signalModifiedKey(store);
    ctx.notify('list', 'sortstore', store);
  }
  ctx.reply.integer(output.length);
}

export const sort = defineCommand({
  name: 'sort',
  arity: -2,
  flags: ['write', 'denyoom', 'movablekeys'],
  keys: [1, 1, 1],
  group: 'generic',
  withoutGroupCategory: true,
  categories: ['@set', '@sortedset', '@list', '@dangerous'],
  summary: 'Sort the elements in a list, set or sorted set',
  since: '1.0.0',
  getKeys(argv) {
    const positions = [1];
    for (let i = 2; i < argv.length; i++) {
      if (argv[i]!.toUpperCase() === 'STORE' && i + 1 < argv.length) positions.push(i + 1);
    }
    return positions;
  },
  handler: (ctx) => sortGeneric(ctx, false),
});

export const sortRo = defineCommand({
  name: 'sort_ro',
  arity: -2,
  flags: ['readonly'],
  keys: [1, 1, 1],
  group: 'generic',
  withoutGroupCategory: true,
  categories: ['@set', '@sortedset', '@list', '@dangerous'],
  summary: 'Sort the elements in a list, set or sorted set. Read-only variant of SORT.',
  since: '7.0.0',
  handler: (ctx) => sortGeneric(ctx, true),
});
