import { CommandError } from '../../command-error.js';
import { globMatch } from '../../glob.js';
import { internals } from '../../server/context.js';
import { categoriesOf, defineCommand, type CommandDefinition } from '../define.js';
import { findSubcommand, keyPositions } from '../table.js';
import type { CommandContext, CommandSpec } from '../types.js';
import { replyHelp } from '../connection/client.js';

/** One COMMAND INFO entry, in Redis 7.0's shape. */
function replyInfo(ctx: CommandContext, spec: CommandSpec, fullName: string): void {
  const reply = ctx.reply;
  reply.arrayHeader(10);
  reply.bulk(fullName);
  reply.integer(spec.arity);
  reply.setHeader(spec.flags.length);
  for (const flag of spec.flags) reply.simple(flag);
  reply.integer(spec.firstKey);
  reply.integer(spec.lastKey);
  reply.integer(spec.step);
  const categories = categoriesOf(spec);
  reply.setHeader(categories.length);
  for (const category of categories) reply.simple(category);
  reply.setHeader(0); // tips
  if (spec.firstKey > 0) {
    const write = spec.flags.includes('write');
    reply.arrayHeader(1);
    reply.mapHeader(3);
    reply.bulk('flags');
    reply.setHeader(2);
    reply.simple(write ? 'RW' : 'RO');
    reply.simple(write ? 'update' : 'access');
    reply.bulk('begin_search');
    reply.mapHeader(2);
    reply.bulk('type');
    reply.bulk('index');
    reply.bulk('spec');
    reply.mapHeader(1);
    reply.bulk('index');
    reply.integer(spec.firstKey);
    reply.bulk('find_keys');
    reply.mapHeader(2);
    reply.bulk('type');
    reply.bulk('range');
    reply.bulk('spec');
    reply.mapHeader(3);
    reply.bulk('lastkey');
    reply.integer(spec.lastKey < 0 ? spec.lastKey : spec.lastKey - spec.firstKey);
    reply.bulk('keystep');
    reply.integer(spec.step);
    reply.bulk('limit');
    reply.integer(0);
  } else {
    reply.arrayHeader(0);
  }
  const subs = spec.subcommands ?? [];
  reply.arrayHeader(subs.length);
  for (const sub of subs) replyInfo(ctx, sub, `${fullName}|${sub.name}`);
}

function replyDocs(ctx: CommandContext, spec: CommandSpec): void {
  const reply = ctx.reply;
  const subs = spec.subcommands ?? [];
  reply.mapHeader(4 + (spec.complexity ? 1 : 0) + (subs.length > 0 ? 1 : 0));
  reply.bulk('summary');
  reply.bulk(spec.summary);
  reply.bulk('since');
  reply.bulk(spec.since);
  reply.bulk('group');
  reply.bulk(spec.group);
  if (spec.complexity) {
    reply.bulk('complexity');
    reply.bulk(spec.complexity);
  }
  reply.bulk('arguments');
  reply.arrayHeader(0);
  if (subs.length > 0) {
    reply.bulk('subcommands');
    reply.mapHeader(subs.length);
    for (const sub of subs) {
      reply.bulk(`${spec.name}|${sub.name}`);
      replyDocs(ctx, sub);
    }
  }
}

const sub = (definition: Omit<CommandDefinition, 'group' | 'flags'>) =>
  defineCommand({
    group: 'server',
    flags: ['loading', 'stale'],
    categories: ['@connection'],
    ...definition,
  });

const count = sub({
  name: 'count',
  arity: 2,
  summary: 'Get total number of Redis commands',
  since: '2.8.13',
  handler(ctx) {
    ctx.reply.integer(internals(ctx).server.table.size);
  },
});

const info = sub({
  name: 'info',
  arity: -2,
  summary: 'Get array of specific Redis command details, or all when no argument is given',
  since: '2.8.13',
  handler(ctx) {
    const { table } = internals(ctx).server;
    const names = ctx.argv.slice(2);
    if (names.length === 0) {
      const all = table.all();
      ctx.reply.arrayHeader(all.length);
      for (const spec of all) replyInfo(ctx, spec, spec.name);
      return;
    }
    ctx.reply.arrayHeader(names.length);
    for (const name of names) {
      const [parent, child] = name.toLowerCase().split('|');
      const spec = table.lookup(parent!);
      const target = spec && child !== undefined ? findSubcommand(spec, child) : spec;
      if (target) replyInfo(ctx, target, child !== undefined ? `${parent}|${child}` : target.name);
      else ctx.reply.nullArray();
    }
  },
});

const docs = sub({
  name: 'docs',
  arity: -2,
  summary: 'Get array of specific Redis command documentation',
  since: '7.0.0',
  handler(ctx) {
    const { table } = internals(ctx).server;
    const names = ctx.argv.slice(2);
    const specs =
      names.length === 0
        ? table.all()
        : names.map((n) => table.lookup(n)).filter((s): s is CommandSpec => !!s);
    ctx.reply.mapHeader(specs.length);
    for (const spec of specs) {
      ctx.reply.bulk(spec.name);
      replyDocs(ctx, spec);
    }
  },
});

const list = sub({
  name: 'list',
  arity: -2,
  summary: 'Get an array of Redis command names',
  since: '7.0.0',
  handler(ctx) {
    const { argv } = ctx;
    const { table } = internals(ctx).server;
    let filter: (spec: CommandSpec) => boolean = () => true;
    if (argv.length > 2) {
      if (argv.length !== 5 || argv[2]!.toUpperCase() !== 'FILTERBY')
        throw new CommandError('ERR syntax error');
      const kind = argv[3]!.toUpperCase();
      const value = argv[4]!;
      if (kind === 'MODULE') filter = () => false;
      else if (kind === 'ACLCAT')
        filter = (spec) => categoriesOf(spec).includes(`@${value.toLowerCase()}`);
      else if (kind === 'PATTERN')
        filter = (spec) => globMatch(value.toLowerCase(), spec.name, true);
      else throw new CommandError('ERR syntax error');
    }
    const names: string[] = [];
    for (const spec of table.all()) {
      if (filter(spec)) names.push(spec.name);
      for (const child of spec.subcommands ?? []) {
        if (filter({ ...child, name: `${spec.name}|${child.name}` }))
          names.push(`${spec.name}|${child.name}`);
      }
    }
    ctx.reply.bulkArray(names);
  },
});

const getkeys = sub({
  name: 'getkeys',
  arity: -4,
  summary: 'Extract keys given a full Redis command',
  since: '2.8.13',
  handler(ctx) {
    const { table } = internals(ctx).server;
    const argv = ctx.argv.slice(2);
    let spec = table.lookup(argv[0]!);
    if (!spec) throw new CommandError('ERR Invalid command specified');
    if (spec.subcommands && argv.length > 1) spec = findSubcommand(spec, argv[1]!) ?? spec;
    if ((spec.arity > 0 && argv.length !== spec.arity) || argv.length < -spec.arity) {
      throw new CommandError('ERR Invalid number of arguments specified for command');
    }
    const positions = keyPositions(spec, argv);
    if (positions.length === 0) throw new CommandError('ERR The command has no key arguments');
    ctx.reply.bulkArray(positions.map((p) => argv[p]!));
  },
});

const help = sub({
  name: 'help',
  arity: 2,
  summary: 'Show helpful text about the different subcommands',
  since: '5.0.0',
  handler(ctx) {
    replyHelp(ctx, 'COMMAND', [
      '(no subcommand)',
      '    Return details about all Redis commands.',
      'COUNT',
      '    Return the total number of commands in this Redis server.',
      'LIST',
      '    Return a list of all commands in this Redis server.',
      'INFO [<command-name> ...]',
      '    Return details about multiple Redis commands.',
      'DOCS [<command-name> ...]',
      '    Return documentation details about multiple Redis commands.',
      'GETKEYS <full-command>',
      '    Return the keys from a full Redis command.',
    ]);
  },
});

export const commandCommand = defineCommand({
  name: 'command',
  arity: -1,
  flags: ['loading', 'stale'],
  group: 'server',
  summary: 'Get array of Redis command details',
  since: '2.8.13',
  categories: ['@connection'],
  subcommands: [count, info, docs, list, getkeys, help],
  handler(ctx) {
    const all = internals(ctx).server.table.all();
    ctx.reply.arrayHeader(all.length);
    for (const spec of all) replyInfo(ctx, spec, spec.name);
  },
});
