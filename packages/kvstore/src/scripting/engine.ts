import { createHash } from 'node:crypto';
import { CommandError } from '../command-error.js';
import type { KvServer } from '../server/kv-server.js';
import { FunctionLibraries } from './functions.js';
import { LuaVm } from './lua-vm.js';
import { LuaEnvironment } from './environment.js';
import { Rand48 } from './sandbox.js';
import type { Runnable, RunRequest } from './script-runner.js';
import { parseEvalShebang } from './shebang.js';

export function sha1hex(text: string): string {
  return createHash('sha1').update(Buffer.from(text, 'latin1')).digest('hex');
}

interface CachedScript extends Runnable {
  readonly body: string;
}

/**
 * EVAL scripts and FUNCTION libraries. Scripts are compiled once into the Lua registry and
 * kept by SHA1 until SCRIPT FLUSH (which starts a fresh Lua state, as Redis does); functions
 * live in a Lua state of their own (functions.ts).
 */
export class ScriptingEngine {
  private evalEnv: LuaEnvironment | undefined;
  private readonly scripts = new Map<string, CachedScript>();
  functions: FunctionLibraries | undefined;
  private readonly rand = new Rand48();

  constructor(private readonly server: KvServer) {}

  /** Creates the Lua states (the WebAssembly module loads once per process). */
  async init(): Promise<void> {
    await LuaVm.load();
    this.evalEnv = new LuaEnvironment(this.server, LuaVm.create(), this.rand);
    this.functions = new FunctionLibraries(this.server, this.rand);
  }

  private get env(): LuaEnvironment {
    if (!this.evalEnv) throw new CommandError('ERR scripting is not initialized');
    return this.evalEnv;
  }

  get library(): FunctionLibraries {
    if (!this.functions) throw new CommandError('ERR scripting is not initialized');
    return this.functions;
  }

  /** The script running now (SCRIPT KILL, FUNCTION STATS, BUSY). */
  get running(): { name: string; startedAt: number } | undefined {
    return this.evalEnv?.runner.running ?? this.functions?.env.runner.running;
  }

  get cachedScripts(): number {
    return this.scripts.size;
  }

  /** Bytes of the Lua heaps (INFO used_memory_lua / used_memory_vm_eval). */
  get evalMemory(): number {
    return this.evalEnv?.vm.memoryBytes() ?? 0;
  }

  get functionsMemory(): number {
    return this.functions?.env.vm.memoryBytes() ?? 0;
  }

  /** Bytes of the cached script bodies (used_memory_scripts_eval). */
  get scriptsBytes(): number {
    let total = 0;
    for (const script of this.scripts.values()) total += script.body.length + 200;
    return total;
  }

  has(sha: string): boolean {
    return this.scripts.has(sha.toLowerCase());
  }

  /** SCRIPT LOAD / EVAL: compiles the body unless cached; returns its SHA1. */
  load(body: string): string {
    const sha = sha1hex(body);
    if (this.scripts.has(sha)) return sha;
    const flags = parseEvalShebang(body);
    const vm = this.env.vm;
    // The shebang line stays (as a comment) so that line numbers match Redis's.
    const error = vm.load(flags ? `--${body}` : body, '@user_script');
    if (error !== undefined)
      throw new CommandError(`ERR Error compiling script (new function): ${error}`);
    this.scripts.set(sha, { ref: vm.ref(), flags, body });
    return sha;
  }

  /** EVAL*, EVALSHA*: `script` is the body or, with `bySha`, the SHA1. */
  eval(script: string, bySha: boolean, request: Omit<RunRequest, 'name' | 'style'>): void {
    const sha = bySha ? script.toLowerCase() : this.load(script);
    const cached = this.scripts.get(sha);
    if (!cached) throw new CommandError('NOSCRIPT No matching script. Please use EVAL.');
    this.env.runner.run(cached, { ...request, name: sha, style: 'eval' });
  }

  /** SCRIPT FLUSH: forgets every script and starts a fresh Lua state. */
  flush(): void {
    const old = this.evalEnv;
    this.scripts.clear();
    this.evalEnv = new LuaEnvironment(this.server, LuaVm.create(), this.rand);
    old?.vm.close();
  }
}
