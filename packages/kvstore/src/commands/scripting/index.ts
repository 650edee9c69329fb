import type { CommandSpec } from '../types.js';
import { evalCommand, evalRo, evalsha, evalshaRo, fcall, fcallRo } from './eval.js';
import { functionCommand } from './function.js';
import { scriptCommand } from './script.js';

export const scriptingCommands: readonly CommandSpec[] = [
  evalCommand,
  evalsha,
  evalRo,
  evalshaRo,
  fcall,
  fcallRo,
  scriptCommand,
  functionCommand,
];
