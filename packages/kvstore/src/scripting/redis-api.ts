import { createHash } from 'node:crypto';
import { REDIS_VERSION } from '../commands/connection/auth-hello.js';
import { clientInfoLine } from '../commands/connection/client.js';
import type { CommandSpec } from '../commands/types.js';
import { Client } from '../server/client.js';
import { formatDouble } from '../protocol/numbers.js';
import { call } from '../server/dispatch.js';
import type { KvServer } from '../server/kv-server.js';
import { LuaError, LuaType, type LuaVm } from './lua-vm.js';
import { RespToLua } from './resp-to-lua.js';

/** What the script running now may do (Redis's scriptRunCtx). */
export interface RunState {
  /** The client that sent EVAL/FCALL. */
  readonly caller: Client;
  /** no-writes flag, EVAL_RO/EVALSHA_RO/FCALL_RO. */
  readonly readOnly: boolean;
  readonly allowOom: boolean;
  /** The server was over maxmemory when the script started. */
  readonly oomAtStart: boolean;
  /** A write command ran (Redis's SCRIPT_WRITE_DIRTY). */
  wroteSomething: boolean;
  /** redis.setresp(). */
  resp: 2 | 3;
}

const REDIS_VERSION_NUM = 0x07000f;
const LOG_LEVELS = ['debug', 'info', 'info', 'warn'] as const;

/** Pushes {err = "<CODE> <message>"} the way luaPushError normalizes texts (default code ERR). */
export function pushErrorTable(vm: LuaVm, text: string): void {
  let code = 'ERR';
  let message = text;
  if (text.startsWith('-')) {
    const space = text.indexOf(' ');
    if (space < 0) message = text.slice(1);
    else {
      code = text.slice(1, space);
      message = text.slice(space + 1);
    }
  }
  vm.newTable(0, 1);
  vm.pushString(`${code} ${message.replace(/^[\r\n]+|[\r\n]+$/g, '')}`);
  vm.setField(-2, 'err');
}

/** Raises a Redis error table from inside a C function. */
function raiseRedisError(vm: LuaVm, text: string): never {
  pushErrorTable(vm, text);
  vm.raiseError();
}

/**
 * The `redis` table's functions and the command calls of scripts: the checks of Redis's
 * scriptCall (arity, noscript, read-only scripts, ACL, OOM), then the command runs on an
 * internal client through the normal call() path (stats, MONITOR, AOF propagation) and its
 * RESP reply is converted to Lua.
 */
export class RedisApi {
  /** The client commands of scripts run on (Redis's script client). */
  private readonly client: Client;
  private readonly toLua: RespToLua;
  state: RunState | undefined;

  constructor(
    private readonly server: KvServer,
    private readonly vm: LuaVm,
  ) {
    this.client = new Client(server, undefined, server.dbs[0]!);
    this.client.authenticated = true;
    // Blocking commands answer at once inside scripts, as inside MULTI.
    this.client.inExec = true;
    this.toLua = new RespToLua(vm);
  }

  /** Pushes the `redis` table. */
  push(): void {
    const vm = this.vm;
    const functions: Record<string, (vm: LuaVm) => number> = {
      call: (vm) => this.command(vm, true),
      pcall: (vm) => this.command(vm, false),
      error_reply: (vm) => this.reply(vm, 'err'),
      status_reply: (vm) => this.reply(vm, 'ok'),
      sha1hex: (vm) => {
        if (vm.top() !== 1) raiseRedisError(vm, 'wrong number of arguments');
        vm.pushString(
          createHash('sha1')
            .update(Buffer.from(vm.toString(1) ?? '', 'latin1'))
            .digest('hex'),
        );
        return 1;
      },
      log: (vm) => this.log(vm),
      setresp: (vm) => {
        if (vm.top() !== 1) raiseRedisError(vm, 'redis.setresp() requires one argument.');
        const resp = vm.toNumber(1);
        if (resp !== 2 && resp !== 3) raiseRedisError(vm, 'RESP version must be 2 or 3.');
        if (this.state) this.state.resp = resp;
        return 0;
      },
      set_repl: (vm) => {
        if (vm.top() !== 1) raiseRedisError(vm, 'redis.set_repl() requires one argument.');
        const flags = vm.toNumber(1);
        if (!(flags >= 0 && flags <= 3 && Number.isInteger(flags))) {
          raiseRedisError(
            vm,
            'Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.',
          );
        }
        return 0;
      },
      replicate_commands: (vm) => {
        vm.pushBoolean(true);
        return 1;
      },
      breakpoint: (vm) => {
        vm.pushBoolean(false);
        return 1;
      },
      debug: () => 0,
      acl_check_cmd: (vm) => this.aclCheck(vm),
    };
    vm.newTable(0, 32);
    for (const [name, fn] of Object.entries(functions)) {
      vm.pushFunction(fn);
      vm.setField(-2, name);
    }
    const constants: Array<[string, string | number]> = [
      ['REDIS_VERSION', REDIS_VERSION],
      ['REDIS_VERSION_NUM', REDIS_VERSION_NUM],
      ['LOG_DEBUG', 0],
      ['LOG_VERBOSE', 1],
      ['LOG_NOTICE', 2],
      ['LOG_WARNING', 3],
      ['REPL_NONE', 0],
      ['REPL_AOF', 1],
      ['REPL_SLAVE', 2],
      ['REPL_REPLICA', 2],
      ['REPL_ALL', 3],
    ];
    for (const [name, value] of constants) {
      if (typeof value === 'string') vm.pushString(value);
      else vm.pushNumber(value);
      vm.setField(-2, name);
    }
  }

  private reply(vm: LuaVm, field: 'err' | 'ok'): number {
    if (vm.top() !== 1 || vm.type(1) !== LuaType.string) {
      // Returned, not raised, as Redis does.
      vm.setTop(0);
      pushErrorTable(vm, 'wrong number or type of arguments');
      return 1;
    }
    const text = vm.toString(1)!;
    if (field === 'err') pushErrorTable(vm, text.startsWith('-') ? text : `-${text}`);
    else {
      vm.newTable(0, 1);
      vm.pushString(text);
      vm.setField(-2, 'ok');
    }
    return 1;
  }

  private log(vm: LuaVm): number {
    const n = vm.top();
    if (n < 2) raiseRedisError(vm, 'redis.log() requires two arguments or more.');
    if (vm.type(1) !== LuaType.number)
      raiseRedisError(vm, 'First argument must be a number (log level).');
    const level = vm.toNumber(1);
    if (!(level >= 0 && level <= 3)) raiseRedisError(vm, 'Invalid debug level.');
    const parts: string[] = [];
    for (let i = 2; i <= n; i++) parts.push(vm.toString(i) ?? '');
    this.server.logger[LOG_LEVELS[Math.trunc(level)]!]({ source: 'lua' }, parts.join(' '));
    return 0;
  }

  /** The arguments of redis.call & co as strings (numbers as "%.17g", as Redis 7.0). */
  private argv(vm: LuaVm): string[] | undefined {
    const n = vm.top();
    const argv: string[] = [];
    for (let i = 1; i <= n; i++) {
      const type = vm.type(i);
      if (type === LuaType.number) {
        argv.push(formatDouble(vm.toNumber(i)));
      } else if (type === LuaType.string) argv.push(vm.toString(i)!);
      else return undefined;
    }
    return argv;
  }

  private aclCheck(vm: LuaVm): number {
    const argv = this.argv(vm);
    if (!argv || argv.length === 0) {
      raiseRedisError(vm, 'Please specify at least one argument for this redis lib call');
    }
    const resolved = this.server.table.resolve(argv);
    if (resolved.kind !== 'found')
      raiseRedisError(vm, 'Invalid command passed to redis.acl_check_cmd()');
    const { spec, fullName } = resolved;
    if ((spec.arity > 0 && argv.length !== spec.arity) || argv.length < -spec.arity) {
      raiseRedisError(vm, 'Invalid number of arguments');
    }
    const user = this.state?.caller.aclUser;
    vm.pushBoolean(!user?.restricted || !this.server.acl.check(user, spec, fullName, argv));
    return 1;
  }

  /** redis.call (raise: errors are raised) and redis.pcall (errors are returned). */
  private command(vm: LuaVm, raise: boolean): number {
    if (vm.top() === 0) {
      return this.fail(vm, 'Please specify at least one argument for this redis lib call', raise);
    }
    const argv = this.argv(vm);
    if (!argv)
      return this.fail(vm, 'Lua redis lib command arguments must be strings or integers', raise);
    const state = this.state;
    if (!state) throw new LuaError('redis.call can not be used outside of a script');
    const resolved = this.server.table.resolve(argv);
    if (resolved.kind !== 'found')
      return this.fail(vm, 'Unknown Redis command called from script', raise);
    const { spec, fullName } = resolved;
    if ((spec.arity > 0 && argv.length !== spec.arity) || argv.length < -spec.arity) {
      return this.fail(vm, 'Wrong number of args calling Redis command from script', raise);
    }
    const refusal = this.refusal(state, spec, fullName, argv);
    if (refusal) return this.fail(vm, refusal, raise);
    const client = this.client;
    client.aclUser = state.caller.aclUser;
    client.resp = state.resp;
    client.reply.resp = state.resp;
    if (spec.flags.includes('write')) state.wroteSomething = true;
    call(this.server, client, spec, argv, fullName);
    const out = client.reply.take() ?? Buffer.from('+OK\r\n');
    vm.setTop(0);
    if (raise) {
      const error = RespToLua.errorText(out);
      if (error !== undefined) {
        vm.newTable(0, 1);
        vm.pushString(error);
        vm.setField(-2, 'err');
        vm.raiseError();
      }
    }
    this.toLua.push(out);
    return 1;
  }

  /** Redis's scriptCall checks after the arity: the error text, or undefined to go ahead. */
  private refusal(
    state: RunState,
    spec: CommandSpec,
    fullName: string,
    argv: string[],
  ): string | undefined {
    if (spec.flags.includes('noscript')) return 'This Redis command is not allowed from script';
    const isWrite = spec.flags.includes('write');
    if (isWrite && state.readOnly) return 'Write commands are not allowed from read-only scripts.';
    const user = state.caller.aclUser;
    if (user.restricted) {
      const denial = this.server.acl.check(user, spec, fullName, argv);
      if (denial) {
        this.server.acl.addLogEntry(
          {
            reason: denial.reason,
            context: 'lua',
            object: denial.object,
            username: state.caller.user,
            clientInfo: clientInfoLine(state.caller),
          },
          this.server.config.int('acllog-max-len'),
        );
        return {
          command: "The user executing the script can't run this command or subcommand",
          key: "The user executing the script can't access at least one of the keys mentioned in the command",
          channel:
            "The user executing the script can't publish to the channel mentioned in the command",
        }[denial.reason];
      }
    }
    if (
      !state.allowOom &&
      state.oomAtStart &&
      !state.wroteSomething &&
      spec.flags.includes('denyoom') &&
      !this.server.loading
    ) {
      return "-OOM command not allowed when used memory > 'maxmemory'.";
    }
    return undefined;
  }

  private fail(vm: LuaVm, text: string, raise: boolean): number {
    vm.setTop(0);
    pushErrorTable(vm, text);
    if (raise) vm.raiseError();
    return 1;
  }

  /** The script client's database follows the caller's at the start of each script. */
  begin(state: RunState): void {
    this.state = state;
    this.client.db = state.caller.db;
  }

  end(): void {
    this.state = undefined;
  }
}
