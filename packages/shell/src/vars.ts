/** Shell variables: scalars and indexed arrays, export/readonly flags, dynamic `local` scopes. */

import { AssocArray } from './assoc.js';

export interface Var {
  /** undefined for a declared but unset variable (`local x`, `export x`). */
  value: string | undefined;
  /** Indexed array values (sparse); when set, `value` mirrors element 0. */
  array?: (string | undefined)[];
  exported: boolean;
  readonly: boolean;
  /** declare -i: assignments are evaluated as arithmetic. */
  integer?: boolean;
  /** declare -A: an associative array (keys in bash's hash-table order). */
  assoc?: AssocArray;
  /** declare -n: `value` names the variable (or `name[sub]` element) this one refers to. */
  nameref?: boolean;
}

/** Where a name ends up after following namerefs: a variable, or one element of an array. */
interface Target {
  name: string;
  /** Subscript text when the reference is to an element, `declare -n r='a[2]'`. */
  index?: string;
}

/** bash gives up following a chain of references after this many steps. */
const MAX_NAMEREF_DEPTH = 8;
const ELEMENT_RE = /^([A-Za-z_][A-Za-z0-9_]*)\[(.+)\]$/s;

export class ReadonlyError extends Error {
  constructor(name: string) {
    super(`${name}: readonly variable`);
  }
}

export class VarStore {
  vars: Map<string, Var>;
  /** One frame per function call: the variables it shadowed with `local`. */
  private frames: Map<string, Var | undefined>[] = [];

  /** Reports a circular reference (bash warns and treats the name as unset). */
  warn: (message: string) => void = () => {};
  /** Evaluates an indexed-array subscript held in a nameref (`a[i+1]`). */
  evalIndex: (expr: string) => number = Number;

  constructor(vars?: Map<string, Var>) {
    this.vars = vars ?? new Map();
  }

  /** The variable itself, not following a nameref (declare -p, unset -n, local). */
  rawEntry(name: string): Var | undefined {
    return this.vars.get(name);
  }

  /** Follows namerefs from `name`; undefined for a circular chain. */
  resolve(name: string): Target | undefined {
    let current = name;
    for (let depth = 0; depth < MAX_NAMEREF_DEPTH; depth++) {
      const v = this.vars.get(current);
      if (!v?.nameref || v.value === undefined || v.value === '') return { name: current };
      const element = ELEMENT_RE.exec(v.value);
      if (element) return { name: element[1], index: element[2] };
      current = v.value;
      if (current === name) break;
    }
    this.warn(`${name}: circular name reference`);
    return undefined;
  }

  /**
   * What a name refers to after namerefs. A circular chain refers to no variable: the empty
   * name, which is never set (getters see unset, setters do nothing).
   */
  private follow(name: string): Target {
    if (!this.vars.get(name)?.nameref) return { name };
    return this.resolve(name) ?? { name: '' };
  }

  private elementGet(t: Target): string | undefined {
    if (this.isAssoc(t.name)) return this.getKey(t.name, t.index!);
    return this.getIndexed(t.name, this.evalIndex(t.index!));
  }

  clone(): VarStore {
    const copy = new Map<string, Var>();
    for (const [k, v] of this.vars)
      copy.set(k, { ...v, array: v.array?.slice(), assoc: v.assoc?.clone() });
    const store = new VarStore(copy);
    store.frames = this.frames.map((f) => new Map(f));
    return store;
  }

  get(name: string): string | undefined {
    const t = this.follow(name);
    if (t.index !== undefined) return this.elementGet(t);
    return this.vars.get(t.name)?.value;
  }

  entry(name: string): Var | undefined {
    return this.vars.get(this.follow(name).name);
  }

  set(name: string, value: string): void {
    const ref = this.vars.get(name);
    // assigning to a nameref that names nothing yet sets what it refers to, like bash
    if (ref?.nameref && !ref.value) {
      ref.value = value;
      return;
    }
    const element = this.follow(name);
    if (!element.name) return;
    if (element.index !== undefined) {
      if (this.isAssoc(element.name)) this.setKey(element.name, element.index!, value);
      else this.setIndexed(element.name, this.evalIndex(element.index!), value);
      return;
    }
    name = element.name;
    const v = this.vars.get(name);
    if (v) {
      if (v.readonly) throw new ReadonlyError(name);
      v.value = value;
      if (v.array) v.array[0] = value;
    } else {
      this.vars.set(name, { value, exported: false, readonly: false });
    }
  }

  setIndexed(name: string, index: number, value: string): void {
    name = this.follow(name).name;
    if (!name) return;
    let v = this.vars.get(name);
    if (v?.readonly) throw new ReadonlyError(name);
    if (!v) {
      v = { value: undefined, exported: false, readonly: false };
      this.vars.set(name, v);
    }
    if (!v.array) v.array = v.value === undefined ? [] : [v.value];
    if (index < 0) index += v.array.length;
    if (index < 0) throw new RangeError(`${name}[${index}]: bad array subscript`);
    v.array[index] = value;
    v.value = v.array[0];
  }

  setArray(name: string, values: string[]): void {
    name = this.follow(name).name;
    if (!name) return;
    let v = this.vars.get(name);
    if (v?.readonly) throw new ReadonlyError(name);
    if (!v) {
      v = { value: undefined, exported: false, readonly: false };
      this.vars.set(name, v);
    }
    v.array = values.slice();
    v.value = v.array[0];
  }

  isAssoc(name: string): boolean {
    return this.vars.get(this.follow(name).name)?.assoc !== undefined;
  }

  /** declare -A name: make (or keep) an associative array. */
  declareAssoc(name: string): void {
    name = this.follow(name).name;
    if (!name) return;
    let v = this.vars.get(name);
    if (!v) {
      v = { value: undefined, exported: false, readonly: false };
      this.vars.set(name, v);
    }
    if (!v.assoc) {
      v.assoc = new AssocArray();
      v.array = undefined;
      v.value = undefined;
    }
  }

  getKey(name: string, key: string): string | undefined {
    return this.vars.get(this.follow(name).name)?.assoc?.get(key);
  }

  setKey(name: string, key: string, value: string): void {
    name = this.follow(name).name;
    if (!name) return;
    const v = this.vars.get(name);
    if (v?.readonly) throw new ReadonlyError(name);
    v?.assoc?.set(key, value);
  }

  keys(name: string): string[] {
    const t = this.follow(name);
    if (t.index !== undefined) return this.elementGet(t) === undefined ? [] : ['0'];
    const v = this.vars.get(t.name);
    if (!v) return [];
    if (v.assoc) return [...v.assoc.keys()];
    if (v.array) return v.array.flatMap((x, i) => (x === undefined ? [] : [String(i)]));
    return v.value === undefined ? [] : ['0'];
  }

  getArray(name: string): string[] | undefined {
    const t = this.follow(name);
    if (t.index !== undefined) {
      const value = this.elementGet(t);
      return value === undefined ? [] : [value];
    }
    const v = this.vars.get(t.name);
    if (!v) return undefined;
    if (v.assoc) return [...v.assoc.values()];
    if (v.array) return v.array.filter((x): x is string => x !== undefined);
    return v.value === undefined ? [] : [v.value];
  }

  getIndexed(name: string, index: number): string | undefined {
    const t = this.follow(name);
    if (t.index !== undefined) return index === 0 ? this.elementGet(t) : undefined;
    const v = this.vars.get(t.name);
    if (!v) return undefined;
    if (!v.array) return index === 0 ? v.value : undefined;
    if (index < 0) index += v.array.length;
    return v.array[index];
  }

  unset(name: string): void {
    const t = this.follow(name);
    if (t.index !== undefined) {
      this.unsetIndex(t.name, this.isAssoc(t.name) ? t.index : this.evalIndex(t.index));
      return;
    }
    if (t.name) this.unsetRaw(t.name);
  }

  /** unset -n: removes the variable itself even when it is a nameref. */
  unsetRaw(name: string): void {
    const v = this.vars.get(name);
    if (v?.readonly) throw new ReadonlyError(name);
    if (this.frames.length > 0 && this.frames[this.frames.length - 1].has(name)) {
      // unsetting a local leaves it declared-but-unset in this scope, like bash
      if (v) {
        v.value = undefined;
        v.array = undefined;
        v.assoc = undefined;
        v.nameref = undefined;
      }
      return;
    }
    this.vars.delete(name);
  }

  unsetIndex(name: string, index: number | string): void {
    name = this.follow(name).name;
    if (!name) return;
    const v = this.vars.get(name);
    if (!v) return;
    if (v.readonly) throw new ReadonlyError(name);
    if (v.assoc) {
      v.assoc.delete(String(index));
      return;
    }
    if (typeof index === 'string') return;
    if (!v.array) {
      if (index === 0) this.unset(name);
      return;
    }
    delete v.array[index < 0 ? index + v.array.length : index];
    v.value = v.array[0];
  }

  pushFrame(): void {
    this.frames.push(new Map());
  }

  popFrame(): void {
    const frame = this.frames.pop();
    if (!frame) return;
    for (const [name, saved] of frame) {
      if (saved) this.vars.set(name, saved);
      else this.vars.delete(name);
    }
  }

  inFunction(): boolean {
    return this.frames.length > 0;
  }

  /** `local name`: shadow the variable in the current function scope. */
  declareLocal(name: string): void {
    const frame = this.frames[this.frames.length - 1];
    if (!frame) throw new Error('local: can only be used in a function');
    if (frame.has(name)) return;
    const old = this.vars.get(name);
    frame.set(name, old);
    this.vars.set(name, {
      value: undefined,
      exported: old?.exported ?? false,
      readonly: false,
    });
  }

  exportedEnv(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [k, v] of this.vars)
      if (v.exported && !v.nameref && v.value !== undefined) env[k] = v.value;
    return env;
  }
}
