import { tempDir } from '@strata/common/testing';
import t from 'tap';
import {
  RawClient,
  type Reply,
  pollUntil,
  redisServerPath,
  show,
  startRedis,
} from './fixtures/diff-client.js';
import { spawnKv } from './helpers/spawn.js';

/**
 * Generated from Redis's own argument grammar (COMMAND DOCS of a real redis-server): every
 * integer, double and unix-time argument of every command this server has, reached through
 * its optional blocks and alternatives, gets each extreme value below, against a key of the
 * type the command works on. The server (its own process) must answer each one, keep answering PING, and never
 * leak a JavaScript failure into a reply. Commands that stop the server or every client by
 * design (SHUTDOWN, CLIENT PAUSE, DEBUG) are left out.
 */
const EXTREMES = [
  '9223372036854775807',
  '-9223372036854775808',
  '-9223372036854770000',
  '4294967296',
  '-inf',
  'nan',
];
/** The key given to a command: a value of its group's type. */
const KEY_OF_GROUP: Record<string, string> = {
  list: 'l',
  hash: 'h',
  set: 's',
  sorted_set: 'z',
  geo: 'z',
  stream: 'x',
};
const FIXTURE = [
  ['SELECT', '0'],
  ['FLUSHALL'],
  ['SET', 'str', 'hello world'],
  ['RPUSH', 'l', 'a', 'b', 'a'],
  ['HSET', 'h', 'f', 'v'],
  ['SADD', 's', 'a', 'b'],
  ['ZADD', 'z', '1', 'a', '2', 'b'],
  ['XADD', 'x', '1-1', 'f', 'v'],
  ['XGROUP', 'CREATE', 'x', 'g', '0'],
  ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 'x', '>'],
];
const EXCLUDED = new Set(['shutdown', 'debug', 'client|pause', 'monitor', 'sync', 'psync']);
/** Texts of JavaScript failures that must never reach a client. */
const JS_FAILURE =
  /RangeError|Invalid array length|call stack|undefined|Cannot read|is not a function/;

interface Arg {
  name: string;
  type: string;
  token: string | undefined;
  optional: boolean;
  children: Arg[];
}

/** A RESP2 flat [k, v, k, v...] array as a map. */
function fields(reply: Reply): Map<string, Reply> {
  const out = new Map<string, Reply>();
  if (reply.t !== 'array') return out;
  for (let i = 0; i + 1 < reply.v.length; i += 2) {
    const key = reply.v[i]!;
    if (key.t === 'bulk' || key.t === 'simple') out.set(key.v, reply.v[i + 1]!);
  }
  return out;
}

function text(reply: Reply | undefined): string | undefined {
  return reply && (reply.t === 'bulk' || reply.t === 'simple') ? reply.v : undefined;
}

function parseArgs(reply: Reply | undefined): Arg[] {
  if (reply?.t !== 'array') return [];
  return reply.v.map((item) => {
    const f = fields(item);
    const flags = f.get('flags');
    return {
      name: text(f.get('name')) ?? '',
      type: text(f.get('type')) ?? 'string',
      token: text(f.get('token')),
      optional: flags?.t === 'array' && flags.v.some((flag) => text(flag) === 'optional'),
      children: parseArgs(f.get('arguments')),
    };
  });
}

const NUMERIC = new Set(['integer', 'double', 'unix-time']);

function contains(arg: Arg, focus: Arg): boolean {
  return arg === focus || arg.children.some((child) => contains(child, focus));
}

/** One invocation's arguments: required ones with plain values, `focus` as `N` (and its path). */
function render(args: Arg[], focus: Arg): string[] {
  const out: string[] = [];
  for (const arg of args) {
    if (arg.optional && !contains(arg, focus)) continue;
    if (arg.token !== undefined) out.push(arg.token);
    if (arg === focus) out.push('N');
    else if (arg.type === 'oneof') {
      const chosen = arg.children.find((child) => contains(child, focus)) ?? arg.children[0];
      if (chosen) out.push(...render([{ ...chosen, optional: false }], focus));
    } else if (arg.type === 'block') out.push(...render(arg.children, focus));
    else if (arg.type === 'key') out.push('K');
    else if (NUMERIC.has(arg.type)) out.push('1');
    else if (arg.type === 'pattern') out.push('*');
    else if (arg.type !== 'pure-token') out.push('x');
  }
  return out;
}

function numericArgs(args: Arg[]): Arg[] {
  return args.flatMap((arg) => [
    ...(NUMERIC.has(arg.type) ? [arg] : []),
    ...numericArgs(arg.children),
  ]);
}

interface Command {
  name: string;
  /** The key its key arguments get (a value of the type its group works on). */
  key: string;
  words: string[];
  args: Arg[];
}

/** [command words, argument grammar] of every command and subcommand in Redis's docs. */
function commandsOf(docs: Reply): Command[] {
  const out: Command[] = [];
  for (const [name, doc] of fields(docs)) {
    const f = fields(doc);
    const subcommands = fields(f.get('subcommands') ?? { t: 'null' });
    const key = KEY_OF_GROUP[text(f.get('group')) ?? ''] ?? 'str';
    if (subcommands.size === 0)
      out.push({ name, key, words: [name], args: parseArgs(f.get('arguments')) });
    for (const [full, sub] of subcommands) {
      const [, child] = full.split('|');
      out.push({
        name: full,
        key,
        words: [name, child!],
        args: parseArgs(fields(sub).get('arguments')),
      });
    }
  }
  return out;
}

t.test('extreme integers in every numeric argument: the server stays up', async (t) => {
  const redisPath = redisServerPath(t);
  if (!redisPath) return;
  const redis = await startRedis(redisPath);
  t.teardown(redis.stop);
  const reference = await RawClient.connect(redis.port);
  t.teardown(() => reference.close());
  // FLUSHALL saves when save rules exist: no rules, and a directory of its own.
  const ours = await spawnKv(t, ['--save', '', '--dir', tempDir(t)]);
  const admin = await RawClient.connect(ours.port);
  t.teardown(() => admin.close());
  const list = await admin.send('COMMAND', 'LIST');
  const ourNames = new Set(list.t === 'array' ? list.v.map((r) => text(r)) : []);
  const commands = commandsOf(await reference.send('COMMAND', 'DOCS')).filter(
    ({ name, words }) => ourNames.has(words[0]!) && !EXCLUDED.has(name) && !EXCLUDED.has(words[0]!),
  );
  t.ok(commands.length > 100, `${commands.length} commands from Redis's grammar`);
  const connectWorker = async () => {
    const client = await RawClient.connect(ours.port);
    const id = await client.send('CLIENT', 'ID');
    return { client, id: id.t === 'int' ? id.v : show(id) };
  };
  let worker = await connectWorker();
  const failures: string[] = [];
  let sent = 0;
  for (const { words, args, key } of commands) {
    for (const focus of numericArgs(args)) {
      const template = [...words, ...render(args, focus)];
      for (const value of EXTREMES) {
        {
          const command = template.map((a) => (a === 'N' ? value : a === 'K' ? key : a));
          for (const setup of FIXTURE) void worker.client.send(...setup);
          let reply: Reply | undefined;
          const replied = worker.client.send(...command).then((r) => {
            reply = r;
          });
          sent++;
          // Usually the reply comes before a PING sent behind it on another connection; else
          // the command is waiting on purpose (blocked or subscribed) or still running: the
          // server must keep serving everyone else either way.
          await Promise.race([replied, admin.send('PING')]);
          let waiting = false;
          if (!reply) {
            await pollUntil(
              async () => {
                if (reply) return true;
                const line = await admin.send('CLIENT', 'LIST', 'ID', worker.id);
                waiting = line.t === 'bulk' && / flags=[a-zA-Z]*[bP]/.test(line.v);
                return waiting;
              },
              `a reply to ${command.join(' ')}`,
              60_000,
            );
          }
          if (reply && reply.t === 'error' && JS_FAILURE.test(reply.v)) {
            failures.push(`${command.join(' ')}: ${reply.v}`);
          }
          if (waiting) {
            worker.client.close();
            worker = await connectWorker();
          }
        }
      }
    }
  }
  t.same(failures, [], 'no JavaScript failure in any reply');
  t.equal(show(await admin.send('PING')), 'simple:"PONG"', `still serving after ${sent} commands`);
  t.equal(ours.child.exitCode, null, 'the process is alive');
  worker.client.close();
});
