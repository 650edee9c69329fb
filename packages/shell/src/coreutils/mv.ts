import type { Utility } from './types.js';

export const mv: Utility = async (ctx) => {
  ctx.stderr.write('mv: not implemented yet\n');
  return 1;
};
