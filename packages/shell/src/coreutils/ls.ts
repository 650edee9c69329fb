import type { Utility } from './types.js';

export const ls: Utility = async (ctx) => {
  ctx.stderr.write('ls: not implemented yet\n');
  return 1;
};
