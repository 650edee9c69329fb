import type { KvServer } from '../server/kv-server.js';
import type { LuaVm } from './lua-vm.js';
import { RedisApi } from './redis-api.js';
import { type Rand48, type Sandbox, setUpSandbox } from './sandbox.js';
import { ScriptRunner } from './script-runner.js';

/** One Lua state with Redis's environment, its `redis` table and its runner. */
export class LuaEnvironment {
  readonly api: RedisApi;
  readonly runner: ScriptRunner;
  readonly sandbox: Sandbox;

  constructor(
    server: KvServer,
    readonly vm: LuaVm,
    /** math.random's generator: one per server, never reseeded by Redis 7.0 between scripts. */
    rand: Rand48,
  ) {
    this.api = new RedisApi(server, vm);
    this.sandbox = setUpSandbox(vm, rand, () => this.api.push());
    this.runner = new ScriptRunner(server, vm, this.api, this.sandbox.globals);
  }
}
