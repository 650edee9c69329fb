import type { CommandSpec } from '../types.js';
import { pfadd, pfcount, pfmerge } from './hll.js';

export const hllCommands: readonly CommandSpec[] = [pfadd, pfcount, pfmerge];
