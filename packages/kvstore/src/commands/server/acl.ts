import { randomBytes } from 'node:crypto';
import { CommandError } from '../../command-error.js';
import { denialText } from '../../server/acl/acl.js';
import type { AclUser } from '../../server/acl/user.js';
import type { Client } from '../../server/client.js';
import { internals } from '../../server/context.js';
import type { KvServer } from '../../server/kv-server.js';
import { isKeyword, parseInteger } from '../args.js';
import { replyHelp } from '../connection/client.js';
import { type CommandDefinition, defineCommand } from '../define.js';

/**
 * ACL users (root selector only: no `(...)` selectors), as Redis 7.0: SETUSER rules, GETUSER,
 * DELUSER, USERS, LIST, WHOAMI, CAT, GENPASS, LOG, DRYRUN, LOAD/SAVE of the `aclfile`. The user `default` has requirepass as
 * its password. Enforcement is in the dispatcher (src/server/dispatch.ts).
 */
const sub = (
  definition: Omit<CommandDefinition, 'group' | 'flags'> & { flags?: CommandDefinition['flags'] },
) =>
  defineCommand({
    group: 'server',
    flags: ['admin', 'noscript', 'loading', 'stale'],
    ...definition,
  });

/** Closes the clients logged in as `user` that `keep` says may not stay (the caller after its reply). */
function killClientsOf(
  server: KvServer,
  self: Client,
  user: AclUser,
  keep: (client: Client) => boolean,
): void {
  for (const client of server.clients.values()) {
    if (client.aclUser === user && !keep(client)) server.killClient(client, client === self);
  }
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
    ctx.reply.bulkArray(
      internals(ctx)
        .server.acl.sortedUsers()
        .map((u) => u.name),
    );
  },
});

const list = sub({
  name: 'list',
  arity: 2,
  summary: 'List the current ACL rules in ACL config file format',
  since: '6.0.0',
  handler(ctx) {
    ctx.reply.bulkArray(
      internals(ctx)
        .server.acl.sortedUsers()
        .map((u) => u.describe()),
    );
  },
});

const setuser = sub({
  name: 'setuser',
  arity: -3,
  summary: 'Modify or create the rules for a specific ACL user',
  since: '6.0.0',
  handler(ctx) {
    const { server, client } = internals(ctx);
    const { user } = server.acl.setUser(ctx.argv[2]!, ctx.argv.slice(3));
    // Redis 7.0 disconnects the user's subscribers to channels it may no longer use.
    if (!user.allChannels) {
      killClientsOf(
        server,
        client,
        user,
        (c) =>
          [...c.channels].every((ch) => user.canAccessChannel(ch, false)) &&
          [...c.patterns].every((p) => user.canAccessChannel(p, true)),
      );
    }
    ctx.reply.ok();
  },
});

const getuser = sub({
  name: 'getuser',
  arity: 3,
  summary: 'Get the rules for a specific ACL user',
  since: '6.0.0',
  handler(ctx) {
    const user = internals(ctx).server.acl.users.get(ctx.argv[2]!);
    const { reply } = ctx;
    if (!user) {
      reply.null();
      return;
    }
    reply.mapHeader(6);
    reply.bulk('flags');
    reply.setHeader(user.flags().length);
    for (const flag of user.flags()) reply.bulk(flag);
    reply.bulk('passwords');
    reply.bulkArray(user.passwords);
    reply.bulk('commands');
    reply.bulk(user.commandsText());
    reply.bulk('keys');
    reply.bulk(user.keysText());
    reply.bulk('channels');
    reply.bulk(user.channelsText());
    reply.bulk('selectors');
    reply.arrayHeader(0);
  },
});

const deluser = sub({
  name: 'deluser',
  arity: -3,
  summary: 'Remove the specified ACL users and the associated rules',
  since: '6.0.0',
  handler(ctx) {
    const { server, client } = internals(ctx);
    const names = ctx.argv.slice(2);
    if (names.includes('default'))
      throw new CommandError("ERR The 'default' user cannot be removed");
    let deleted = 0;
    for (const name of names) {
      const user = server.acl.users.get(name);
      if (!user) continue;
      server.acl.users.delete(name);
      killClientsOf(server, client, user, () => false);
      deleted++;
    }
    ctx.reply.integer(deleted);
  },
});

const cat = sub({
  name: 'cat',
  arity: -2,
  flags: ['noscript', 'loading', 'stale'],
  summary: 'List the ACL categories or the commands inside a category',
  since: '6.0.0',
  handler(ctx) {
    const { index } = internals(ctx).server.acl;
    if (ctx.argv.length > 3)
      throw new CommandError(
        "ERR unknown subcommand or wrong number of arguments for 'CAT'. Try ACL HELP.",
      );
    const wanted = ctx.argv[2];
    if (wanted === undefined) {
      ctx.reply.bulkArray([...index.categoryNames]);
      return;
    }
    const commands = index.category(wanted.toLowerCase());
    if (!commands) throw new CommandError(`ERR Unknown category '${wanted}'`);
    ctx.reply.bulkArray(commands.map((c) => c.fullName));
  },
});

const MAX_GENPASS_BITS = 4096;

const genpass = sub({
  name: 'genpass',
  arity: -2,
  flags: ['noscript', 'loading', 'stale'],
  summary: 'Generate a pseudorandom secure password to use for ACL users',
  since: '6.0.0',
  handler(ctx) {
    const bits = ctx.argv.length > 2 ? parseInteger(ctx.argv[2]!) : 256;
    if (bits <= 0 || bits > MAX_GENPASS_BITS) {
      throw new CommandError(
        `ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to ${MAX_GENPASS_BITS}`,
      );
    }
    const chars = Math.ceil(bits / 4);
    ctx.reply.bulk(
      randomBytes(Math.ceil(chars / 2))
        .toString('hex')
        .slice(0, chars),
    );
  },
});

const log = sub({
  name: 'log',
  arity: -2,
  summary: 'List latest events denied because of ACLs in place',
  since: '6.0.0',
  handler(ctx) {
    const { acl } = internals(ctx).server;
    const { argv, reply } = ctx;
    if (argv.length > 3)
      throw new CommandError(
        "ERR unknown subcommand or wrong number of arguments for 'LOG'. Try ACL HELP.",
      );
    if (argv.length === 3 && isKeyword(argv[2], 'RESET')) {
      acl.log = [];
      reply.ok();
      return;
    }
    const count = argv.length === 3 ? Math.max(0, parseInteger(argv[2]!)) : 10;
    const entries = acl.log.slice(0, count);
    const now = Date.now();
    reply.arrayHeader(entries.length);
    for (const entry of entries) {
      reply.mapHeader(7);
      reply.bulk('count');
      reply.integer(entry.count);
      reply.bulk('reason');
      reply.bulk(entry.reason);
      reply.bulk('context');
      reply.bulk(entry.context);
      reply.bulk('object');
      reply.bulk(entry.object);
      reply.bulk('username');
      reply.bulk(entry.username);
      reply.bulk('age-seconds');
      reply.double((now - entry.createdAt) / 1000);
      reply.bulk('client-info');
      reply.bulk(entry.clientInfo);
    }
  },
});

const dryrun = sub({
  name: 'dryrun',
  arity: -4,
  summary: 'Returns whether the user can execute the given command without executing the command.',
  since: '7.0.0',
  handler(ctx) {
    const { server } = internals(ctx);
    const [, , name, ...argv] = ctx.argv as [string, string, string, ...string[]];
    const user = server.acl.users.get(name);
    if (!user) throw new CommandError(`ERR User '${name}' not found`);
    const resolved = server.table.resolve(argv);
    if (resolved.kind !== 'found') throw new CommandError(`ERR Command '${argv[0]}' not found`);
    const { spec, fullName } = resolved;
    if ((spec.arity > 0 && argv.length !== spec.arity) || argv.length < -spec.arity)
      throw new CommandError(`ERR wrong number of arguments for '${fullName}' command`);
    const denial = server.acl.check(user, spec, fullName, argv);
    if (denial) ctx.reply.bulk(denialText(denial));
    else ctx.reply.ok();
  },
});

const NO_ACLFILE =
  'ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.';

const load = sub({
  name: 'load',
  arity: 2,
  summary: 'Reload the ACLs from the configured ACL file',
  since: '6.0.0',
  handler(ctx) {
    const { server, client } = internals(ctx);
    const path = ctx.config('aclfile');
    if (path === '') throw new CommandError(NO_ACLFILE);
    server.acl.loadFile(path);
    // Every user but default is a new object now: Redis drops the clients of the old ones.
    for (const c of server.clients.values()) {
      if (c.aclUser !== server.acl.defaultUser) server.killClient(c, c === client);
    }
    ctx.reply.ok();
  },
});

const save = sub({
  name: 'save',
  arity: 2,
  summary: 'Save the current ACL rules in the configured ACL file',
  since: '6.0.0',
  handler(ctx) {
    const { server } = internals(ctx);
    const path = ctx.config('aclfile');
    if (path === '') throw new CommandError(NO_ACLFILE);
    try {
      server.acl.saveFile(path);
    } catch (err) {
      server.logger.warn({ err, path }, 'ACL SAVE failed');
      throw new CommandError(
        'ERR There was an error trying to save the ACLs. Please check the server logs for more information',
      );
    }
    ctx.reply.ok();
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
      'DELUSER <username> [<username> ...]',
      '    Delete a list of users.',
      'DRYRUN <username> <command> [<arg> ...]',
      '    Returns whether the user can execute the given command without executing the command.',
      'GETUSER <username>',
      "    Get the user's details.",
      'GENPASS [<bits>]',
      '    Generate a secure 256-bit user password. The optional `bits` argument can',
      '    be used to specify a different size.',
      'LIST',
      '    Show users details in config file format.',
      'LOAD',
      '    Reload users from the ACL file.',
      'LOG [<count> | RESET]',
      '    Show the ACL log entries.',
      'SAVE',
      '    Save the current config to the ACL file.',
      'SETUSER <username> <attribute> [<attribute> ...]',
      '    Create or modify a user with the specified attributes.',
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
  subcommands: [
    cat,
    deluser,
    dryrun,
    getuser,
    genpass,
    list,
    load,
    log,
    save,
    setuser,
    users,
    whoami,
    help,
  ],
  handler() {
    /* container */
  },
});
