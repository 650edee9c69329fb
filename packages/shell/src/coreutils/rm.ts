import type { Utility } from './types.js';

export const rm: Utility = async (ctx) => {
  ctx.stderr.write('rm: not implemented yet\n');
  return 1;
};
