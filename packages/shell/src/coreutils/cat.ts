import type { Utility } from './types.js';

export const cat: Utility = async (ctx) => {
  ctx.stderr.write('cat: not implemented yet\n');
  return 1;
};
