import type { Utility } from './types.js';

export const mkdir: Utility = async (ctx) => {
  ctx.stderr.write('mkdir: not implemented yet\n');
  return 1;
};
