import type { CommandSpec } from '../types.js';
import { bitfield, bitfieldRo } from './bitfield.js';
import { bitcount, bitop, bitpos, getbit, setbit } from './bits.js';

export const bitmapCommands: readonly CommandSpec[] = [
  setbit,
  getbit,
  bitcount,
  bitpos,
  bitop,
  bitfield,
  bitfieldRo,
];
