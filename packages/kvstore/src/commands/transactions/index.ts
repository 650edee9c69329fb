import type { CommandSpec } from '../types.js';
import { discard, exec, multi, unwatch, watch } from './multi-exec.js';

export const transactionCommands: readonly CommandSpec[] = [multi, exec, discard, watch, unwatch];
