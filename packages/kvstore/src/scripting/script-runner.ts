import { CommandError } from '../command-error.js';
import type { ReplyWriter } from '../protocol/reply-writer.js';
import type { Client } from '../server/client.js';
import type { KvServer } from '../server/kv-server.js';
import { luaToResp } from './lua-to-resp.js';
import { LuaType, type LuaVm } from './lua-vm.js';
import type { RedisApi, RunState } from './redis-api.js';
import type { ScriptFlags } from './shebang.js';

/** A compiled script or function: its function in the Lua registry and its flags. */
export interface Runnable {
  readonly ref: number;
  /** undefined: an EVAL script without shebang (Redis's compatibility mode). */
  readonly flags: ScriptFlags | undefined;
}

export interface RunRequest {
  readonly caller: Client;
  readonly reply: ReplyWriter;
  readonly keys: readonly string[];
  readonly args: readonly string[];
  /** EVAL_RO, EVALSHA_RO, FCALL_RO. */
  readonly readOnlyCommand: boolean;
  /** Name in error texts: the script's SHA1 or the function's name. */
  readonly name: string;
  /** EVAL sets KEYS and ARGV; functions get (keys, args) as arguments. */
  readonly style: 'eval' | 'function';
}

/**
 * Runs one script or function atomically (nothing else runs meanwhile: the VM is synchronous
 * and the event loop waits), as Redis's scriptPrepareForRun + luaCallFunction: flag checks,
 * the run state the `redis` table consults, the call with Redis's error handler, the reply,
 * and the effects wrapped in MULTI/EXEC in the AOF.
 */
export class ScriptRunner {
  running: { name: string; startedAt: number } | undefined;

  constructor(
    private readonly server: KvServer,
    private readonly vm: LuaVm,
    private readonly api: RedisApi,
    /** Registry reference of the hidden globals table (KEYS, ARGV). */
    private readonly globalsRef: number,
  ) {}

  /** Pushes a global as scripts see it (the globals table itself stays empty). */
  pushGlobal(name: string): void {
    this.vm.pushRef(this.globalsRef);
    this.vm.getField(-1, name);
    this.vm.remove(-2);
  }

  run(runnable: Runnable, request: RunRequest): void {
    const { server, vm } = this;
    const flags = runnable.flags;
    if (request.readOnlyCommand && flags && !flags.noWrites) {
      throw new CommandError('ERR Can not execute a script with write flag using *_ro command.');
    }
    const oomAtStart = server.maxmemory > 0 && !server.eviction.performEvictions();
    if (flags && !flags.allowOom && !flags.noWrites && oomAtStart) {
      throw new CommandError("OOM command not allowed when used memory > 'maxmemory'.");
    }
    const state: RunState = {
      caller: request.caller,
      readOnly: request.readOnlyCommand || (flags?.noWrites ?? false),
      allowOom: flags?.allowOom ?? false,
      oomAtStart,
      wroteSomething: false,
      resp: 2,
    };
    vm.setTop(0);
    this.pushGlobal('__redis__err__handler');
    vm.pushRef(runnable.ref);
    let nargs = 0;
    if (request.style === 'eval') {
      vm.pushRef(this.globalsRef);
      pushStrings(vm, request.keys);
      vm.setField(-2, 'KEYS');
      pushStrings(vm, request.args);
      vm.setField(-2, 'ARGV');
      vm.pop(1);
    } else {
      pushStrings(vm, request.keys);
      pushStrings(vm, request.args);
      nargs = 2;
    }
    this.api.begin(state);
    this.running = { name: request.name, startedAt: Date.now() };
    server.persistence.beginTransaction();
    let ok: boolean;
    try {
      ok = vm.pcall(nargs, 1, 1);
    } finally {
      server.persistence.endTransaction();
      this.running = undefined;
      this.api.end();
    }
    if (ok) luaToResp(vm, request.reply, state.resp);
    else replyError(vm, request.reply, request.name);
    vm.setTop(0);
  }
}

function pushStrings(vm: LuaVm, values: readonly string[]): void {
  vm.newTable(values.length, 0);
  for (let i = 0; i < values.length; i++) {
    vm.pushString(values[i]!);
    vm.setIndex(-2, i + 1);
  }
}

/**
 * The reply for a script that raised: the error table the handler built gives
 * "<err> script: <name>, on <source>:<line>."; anything else "Error running script".
 */
function replyError(vm: LuaVm, reply: ReplyWriter, name: string): void {
  if (vm.type(-1) !== LuaType.table) {
    const text = vm.isString(-1) ? vm.toString(-1)! : 'execution failure';
    reply.error(`ERR Error running script ${name}, ${text.slice(0, 100)}`);
    return;
  }
  const err = vm.getField(-1, 'err') === LuaType.string ? vm.toString(-1)! : '';
  vm.pop(1);
  const source = vm.getField(-1, 'source') === LuaType.string ? vm.toString(-1) : undefined;
  vm.pop(1);
  const line = vm.getField(-1, 'line') === LuaType.number ? vm.toNumber(-1) : undefined;
  vm.pop(1);
  const where =
    source !== undefined && line !== undefined ? ` script: ${name}, on ${source}:${line}.` : '';
  reply.error(`${err}${where}`);
}
