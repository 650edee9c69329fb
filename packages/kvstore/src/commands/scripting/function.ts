import { crc32 } from 'node:zlib';
import { CommandError } from '../../command-error.js';
import { flagNames } from '../../scripting/shebang.js';
import { internals } from '../../server/context.js';
import { globMatch } from '../../glob.js';
import { isKeyword, syntaxError } from '../args.js';
import { replyHelp } from '../connection/client.js';
import { defineCommand } from '../define.js';
import type { CommandContext } from '../types.js';

const group = 'scripting';
/** FUNCTION DUMP payloads: this server's format (not RDB), a version tag and a CRC32. */
const DUMP_MAGIC = 'STRATA-FUNCTIONS-1\n';

function libraries(ctx: CommandContext) {
  return internals(ctx).server.scripting.library;
}

const load = defineCommand({
  name: 'load',
  arity: -3,
  flags: ['write', 'denyoom', 'noscript'],
  group,
  summary: 'Create a function with the given arguments (name, code, description)',
  since: '7.0.0',
  handler(ctx) {
    const argv = ctx.argv;
    let replace = false;
    let at = 2;
    for (; at < argv.length - 1; at++) {
      if (isKeyword(argv[at], 'REPLACE')) replace = true;
      else throw new CommandError(`ERR Unknown option given: ${argv[at]}`);
    }
    if (at !== argv.length - 1) throw new CommandError('ERR Function code is missing');
    const name = libraries(ctx).load(argv[at]!, replace);
    ctx.addDirty(1);
    ctx.reply.bulk(name);
  },
});

const deleteLibrary = defineCommand({
  name: 'delete',
  arity: 3,
  flags: ['write', 'noscript'],
  group,
  summary: 'Delete a function by name',
  since: '7.0.0',
  handler(ctx) {
    libraries(ctx).delete(ctx.argv[2]!);
    ctx.addDirty(1);
    ctx.reply.ok();
  },
});

const flush = defineCommand({
  name: 'flush',
  arity: -2,
  flags: ['write', 'noscript'],
  group,
  summary: 'Deleting all functions',
  since: '7.0.0',
  handler(ctx) {
    const mode = ctx.argv[2]?.toUpperCase();
    if (ctx.argv.length > 3 || (mode !== undefined && mode !== 'ASYNC' && mode !== 'SYNC')) {
      throw new CommandError('ERR FUNCTION FLUSH only supports SYNC|ASYNC option');
    }
    libraries(ctx).flush();
    ctx.addDirty(1);
    ctx.reply.ok();
  },
});

const list = defineCommand({
  name: 'list',
  arity: -2,
  flags: ['noscript'],
  group,
  summary: 'List information about all the functions',
  since: '7.0.0',
  handler(ctx) {
    const argv = ctx.argv;
    let withCode = false;
    let pattern: string | undefined;
    for (let i = 2; i < argv.length; i++) {
      if (isKeyword(argv[i], 'WITHCODE')) {
        if (withCode) throw new CommandError('ERR Unknown argument withcode');
        withCode = true;
      } else if (isKeyword(argv[i], 'LIBRARYNAME')) {
        if (pattern !== undefined || i + 1 >= argv.length) {
          throw new CommandError('ERR library name argument was not given');
        }
        pattern = argv[++i]!;
      } else throw new CommandError(`ERR Unknown argument ${argv[i]}`);
    }
    const shown = [...libraries(ctx).libraries.values()]
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .filter((library) => pattern === undefined || globMatch(pattern, library.name));
    const reply = ctx.reply;
    reply.arrayHeader(shown.length);
    for (const library of shown) {
      reply.mapHeader(withCode ? 4 : 3);
      reply.bulk('library_name');
      reply.bulk(library.name);
      reply.bulk('engine');
      reply.bulk('LUA');
      reply.bulk('functions');
      reply.arrayHeader(library.functions.size);
      const functions = [...library.functions.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
      for (const fn of functions) {
        reply.mapHeader(3);
        reply.bulk('name');
        reply.bulk(fn.name);
        reply.bulk('description');
        reply.bulk(fn.description ?? null);
        reply.bulk('flags');
        const names = flagNames(fn.flags);
        reply.setHeader(names.length);
        for (const name of names) reply.simple(name);
      }
      if (withCode) {
        reply.bulk('library_code');
        reply.bulk(library.code);
      }
    }
  },
});

const dump = defineCommand({
  name: 'dump',
  arity: 2,
  flags: ['noscript'],
  group,
  summary: 'Dump all functions into a serialized binary payload',
  since: '7.0.0',
  handler(ctx) {
    const codes = [...libraries(ctx).libraries.values()].map((library) => library.code);
    const body = Buffer.from(`${DUMP_MAGIC}${JSON.stringify(codes)}`, 'latin1');
    const checksum = Buffer.alloc(4);
    checksum.writeUInt32LE(crc32(body) >>> 0);
    ctx.reply.bulk(Buffer.concat([body, checksum]));
  },
});

function parseDump(payload: string): string[] {
  const bytes = Buffer.from(payload, 'latin1');
  const body = bytes.subarray(0, Math.max(0, bytes.length - 4));
  const valid =
    bytes.length > DUMP_MAGIC.length + 4 &&
    body.toString('latin1', 0, DUMP_MAGIC.length) === DUMP_MAGIC &&
    bytes.readUInt32LE(bytes.length - 4) === crc32(body) >>> 0;
  if (!valid) throw new CommandError('ERR DUMP payload version or checksum are wrong');
  return JSON.parse(body.toString('latin1', DUMP_MAGIC.length)) as string[];
}

const restore = defineCommand({
  name: 'restore',
  arity: -3,
  flags: ['write', 'denyoom', 'noscript'],
  group,
  summary: 'Restore all the functions on the given payload',
  since: '7.0.0',
  handler(ctx) {
    if (ctx.argv.length > 4) throw syntaxError();
    const policy = (ctx.argv[3] ?? 'APPEND').toUpperCase();
    if (policy !== 'APPEND' && policy !== 'REPLACE' && policy !== 'FLUSH') {
      throw new CommandError(
        'ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.',
      );
    }
    const codes = parseDump(ctx.argv[2]!);
    const libs = libraries(ctx);
    const before = libs.loadCommands().map((command) => command[3]!);
    if (policy === 'FLUSH') libs.flush();
    try {
      for (const code of codes) libs.load(code, policy !== 'APPEND');
    } catch (err) {
      // All or nothing: put back the libraries as they were.
      libs.flush();
      for (const code of before) libs.load(code, true);
      throw err;
    }
    ctx.addDirty(1);
    ctx.reply.ok();
  },
});

const stats = defineCommand({
  name: 'stats',
  arity: 2,
  flags: ['noscript', 'allow_busy'],
  group,
  summary: 'Return information about the function currently running (name, description, duration)',
  since: '7.0.0',
  handler(ctx) {
    const libs = libraries(ctx);
    const reply = ctx.reply;
    reply.mapHeader(2);
    reply.bulk('running_script');
    reply.null();
    reply.bulk('engines');
    reply.mapHeader(1);
    reply.bulk('LUA');
    reply.mapHeader(2);
    reply.bulk('libraries_count');
    reply.integer(libs.libraries.size);
    reply.bulk('functions_count');
    reply.integer(libs.functionCount);
  },
});

const kill = defineCommand({
  name: 'kill',
  arity: 2,
  flags: ['noscript', 'allow_busy'],
  group,
  summary: 'Kill the function currently in execution.',
  since: '7.0.0',
  handler() {
    throw new CommandError('NOTBUSY No scripts in execution right now.');
  },
});

const help = defineCommand({
  name: 'help',
  arity: 2,
  flags: ['loading', 'stale'],
  group,
  summary: 'Show helpful text about the different subcommands',
  since: '7.0.0',
  handler(ctx) {
    replyHelp(ctx, 'FUNCTION', [
      'LOAD [REPLACE] <FUNCTION CODE>',
      '    Create a new library with the given library name and code.',
      'DELETE <LIBRARY NAME>',
      '    Delete the given library.',
      'LIST [LIBRARYNAME PATTERN] [WITHCODE]',
      '    Return general information on all the libraries:',
      '    * Library name',
      '    * The engine used to run the Library',
      '    * Library description',
      '    * Functions list',
      '    * Library code (if WITHCODE is given)',
      '    It also possible to get only function that matches a pattern using LIBRARYNAME argument.',
      'STATS',
      '    Return information about the current function running:',
      '    * Function name',
      '    * Command used to run the function',
      '    * Duration in MS that the function is running',
      '    If no function is running, return nil',
      '    In addition, returns a list of available engines.',
      'KILL',
      '    Kill the current running function.',
      'FLUSH [ASYNC|SYNC]',
      '    Delete all the libraries.',
      '    When called without the optional mode argument, the behavior is determined by the',
      '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
      '    * ASYNC: Asynchronously flush the libraries.',
      '    * SYNC: Synchronously flush the libraries.',
      'DUMP',
      '    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command',
      'RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]',
      '    Restore the libraries represented by the given payload, it is possible to give a restore policy to',
      '    control how to handle existing libraries (default APPEND):',
      '    * FLUSH: delete all existing libraries.',
      '    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.',
      '    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old',
      '      libraries with the new libraries (notice that even on this option there is a chance of failure',
      '      in case of functions name collision with another library).',
    ]);
  },
});

export const functionCommand = defineCommand({
  name: 'function',
  arity: -2,
  flags: [],
  group,
  summary: 'A container for function commands',
  since: '7.0.0',
  subcommands: [deleteLibrary, dump, flush, help, kill, list, load, restore, stats],
  handler() {
    /* container */
  },
});
