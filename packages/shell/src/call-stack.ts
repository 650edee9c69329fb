/**
 * bash's call stack variables. Each function call and `source` pushes a frame; FUNCNAME,
 * BASH_SOURCE and BASH_LINENO are rebuilt from the frames whenever they change:
 * - FUNCNAME[i]: the frame's function ("source" for a sourced file, "main" for a script),
 *   set only while a function runs;
 * - BASH_SOURCE[i]: the file FUNCNAME[i] was defined in (or the sourced file);
 * - BASH_LINENO[i]: the line in BASH_SOURCE[i+1] where FUNCNAME[i] was called.
 * A script file has a "main" frame at the bottom; `-c` and stdin scripts have none, and name
 * the source of their functions "environment" and "main" as bash does.
 */
import type { VarStore } from './vars.js';

export interface Frame {
  name: string;
  source: string;
  line: number;
}

export class CallStack {
  private frames: Frame[] = [];
  /** The file whose commands are running, recorded as the source of functions defined now. */
  current: string;
  private readonly base: Frame | undefined;
  /** Where each function was defined. */
  readonly definedIn = new Map<string, string>();

  constructor(script: string | undefined, fromCommandString: boolean) {
    this.current = script ?? (fromCommandString ? 'environment' : 'main');
    this.base = script === undefined ? undefined : { name: 'main', source: script, line: 0 };
  }

  /** A copy for a subshell (frames are values, so a shallow copy is enough). */
  clone(): CallStack {
    const c: CallStack = Object.create(CallStack.prototype);
    Object.assign(c, this);
    c.frames = this.frames.slice();
    return c;
  }

  push(vars: VarStore, frame: Frame): void {
    this.frames.push(frame);
    this.sync(vars);
  }

  pop(vars: VarStore): void {
    this.frames.pop();
    this.sync(vars);
  }

  /** Sets the three arrays from the frames (top of the stack first). */
  sync(vars: VarStore): void {
    const all = [...this.frames].reverse();
    if (this.base) all.push(this.base);
    const inFunction = this.frames.some((f) => f.name !== 'source');
    for (const [name, values] of [
      ['FUNCNAME', inFunction ? all.map((f) => f.name) : []],
      ['BASH_SOURCE', all.map((f) => f.source)],
      ['BASH_LINENO', all.map((f) => String(f.line))],
    ] as const) {
      vars.unsetRaw(name);
      if (values.length > 0) vars.setArray(name, [...values]);
    }
  }
}
