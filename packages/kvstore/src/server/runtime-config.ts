import { resolve } from 'node:path';
import { globMatch } from '../glob.js';
import { CONFIG_PARAMS, type ParamSpec, checkParam } from './config-params.js';

/** The live configuration: CONFIG GET/SET over Redis's parameter table, with change listeners. */
export class RuntimeConfig {
  private readonly values = new Map<string, string>();
  private readonly specs = new Map<string, ParamSpec>();
  private readonly listeners = new Map<string, Array<(value: string) => void>>();
  /** Parameters changed from their defaults, for CONFIG REWRITE. */
  private readonly changed = new Set<string>();

  constructor() {
    for (const spec of CONFIG_PARAMS) {
      this.specs.set(spec.name, spec);
      for (const alias of spec.aliases ?? []) this.specs.set(alias, spec);
      this.values.set(spec.name, spec.default);
    }
  }

  spec(name: string): ParamSpec | undefined {
    return this.specs.get(name.toLowerCase());
  }

  get(name: string): string {
    const spec = this.specs.get(name);
    if (!spec) throw new Error(`unknown config parameter ${name}`);
    return this.values.get(spec.name)!;
  }

  int(name: string): number {
    return Number(this.get(name));
  }

  bool(name: string): boolean {
    return this.get(name) === 'yes';
  }

  /**
   * Sets a parameter; returns Redis's error reason, or undefined on success.
   * `startup` allows immutable parameters (flags and config file).
   */
  set(name: string, raw: string, startup = false): string | undefined {
    const spec = this.spec(name);
    if (!spec) return 'unknown';
    if (spec.immutable && !startup) return "can't set immutable config";
    const checked = checkParam(spec, raw);
    if ('error' in checked) return checked.error;
    this.values.set(spec.name, checked.value);
    this.changed.add(spec.name);
    for (const listener of this.listeners.get(spec.name) ?? []) listener(checked.value);
    return undefined;
  }

  /** Calls `listener` with the new value whenever `name` changes. */
  onChange(name: string, listener: (value: string) => void): void {
    const list = this.listeners.get(name) ?? [];
    list.push(listener);
    this.listeners.set(name, list);
  }

  /**
   * [name, value] pairs matching a glob, aliases included as Redis lists them. `dir` is shown
   * absolute, as Redis shows its working directory (it chdirs into `dir`).
   */
  matching(pattern: string): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    const lower = pattern.toLowerCase();
    for (const [name, spec] of this.specs) {
      if (!globMatch(lower, name, true)) continue;
      const value = this.values.get(spec.name)!;
      out.push([name, spec.name === 'dir' ? resolve(value) : value]);
    }
    return out;
  }

  /** Canonical names whose value differs from the default (CONFIG REWRITE). */
  nonDefault(): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    for (const spec of CONFIG_PARAMS) {
      const value = this.values.get(spec.name)!;
      if (value !== spec.default || this.changed.has(spec.name)) out.push([spec.name, value]);
    }
    return out;
  }

  all(): readonly ParamSpec[] {
    return CONFIG_PARAMS;
  }
}
