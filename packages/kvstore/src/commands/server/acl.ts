import { createHash } from 'node:crypto';
import { CommandError } from '../../command-error.js';
import { internals } from '../../server/context.js';
import { replyHelp } from '../connection/client.js';
import { type CommandDefinition, categoriesOf, defineCommand } from '../define.js';

/**
 * ACL basics: the single user `default`, whose password is requirepass. Enough for clients and
 * tools that ask who they are or list users; creating users is not supported.
 */
const sub = (
  definition: Omit<CommandDefinition, 'group' | 'flags'> & { flags?: CommandDefinition['flags'] },
) =>
  defineCommand({
    group: 'server',
    flags: ['admin', 'noscript', 'loading', 'stale'],
    ...definition,
  });

function defaultUserRule(password: string): string {
  const pass =
    password === ''
      ? 'nopass'
      : `#${createHash('sha256').update(password, 'latin1').digest('hex')}`;
  return `user default on ${pass} sanitize-payload ~* &* +@all`;
}

const whoami = sub({
  name: 'whoami',
  arity: 2,
  flags: ['noscript', 'loading', 'stale'],
  summary: 'Return the name of the user associated to the current connection',
  since: '6.0.0',
  handler(ctx) {
    ctx.reply.bulk(internals(ctx).client.user);
  },
});

const users = sub({
  name: 'users',
  arity: 2,
  summary: 'List the username of all the configured ACL rules',
  since: '6.0.0',
  handler(ctx) {
    ctx.reply.bulkArray(['default']);
  },
});

const list = sub({
  name: 'list',
  arity: 2,
  summary: 'List the current ACL rules in ACL config file format',
  since: '6.0.0',
  handler(ctx) {
    ctx.reply.bulkArray([defaultUserRule(ctx.config('requirepass'))]);
  },
});

const cat = sub({
  name: 'cat',
  arity: -2,
  flags: ['noscript', 'loading', 'stale'],
  summary: 'List the ACL categories or the commands inside a category',
  since: '6.0.0',
  handler(ctx) {
    const { table } = internals(ctx).server;
    const byCategory = new Map<string, string[]>();
    for (const spec of table.all()) {
      for (const category of categoriesOf(spec)) {
        const name = category.slice(1);
        byCategory.set(name, [...(byCategory.get(name) ?? []), spec.name]);
      }
    }
    const wanted = ctx.argv[2]?.toLowerCase();
    if (wanted === undefined) {
      ctx.reply.bulkArray([...byCategory.keys()]);
      return;
    }
    const commands = byCategory.get(wanted);
    if (!commands) throw new CommandError(`ERR Unknown category '${ctx.argv[2]}'`);
    ctx.reply.bulkArray(commands);
  },
});

const setuser = sub({
  name: 'setuser',
  arity: -3,
  summary: 'Modify or create the rules for a specific ACL user',
  since: '6.0.0',
  handler() {
    throw new CommandError(
      'ERR ACL users other than default are not supported by this server; use requirepass',
    );
  },
});

const help = sub({
  name: 'help',
  arity: 2,
  flags: ['loading', 'stale'],
  summary: 'Show helpful text about the different subcommands',
  since: '6.0.0',
  handler(ctx) {
    replyHelp(ctx, 'ACL', [
      'CAT [<category>]',
      '    List all commands that belong to <category>, or all command categories',
      '    when no category is specified.',
      'LIST',
      '    Show users details in config file format.',
      'USERS',
      '    List all the registered usernames.',
      'WHOAMI',
      '    Return the current connection username.',
    ]);
  },
});

export const acl = defineCommand({
  name: 'acl',
  arity: -2,
  flags: [],
  group: 'server',
  summary: 'A container for Access List Control commands',
  since: '6.0.0',
  subcommands: [whoami, users, list, cat, setuser, help],
  handler() {
    /* container */
  },
});
