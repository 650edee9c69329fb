import type { Utility } from './types.js';

export const cp: Utility = async (ctx) => {
  ctx.stderr.write('cp: not implemented yet\n');
  return 1;
};
