import { cat } from './cat.js';
import { cp } from './cp.js';
import { ls } from './ls.js';
import { mkdir } from './mkdir.js';
import { mv } from './mv.js';
import { rm } from './rm.js';
import type { Utility } from './types.js';

export {
  INTERRUPTED,
  type InputSource,
  type OutputSink,
  type Utility,
  type UtilityContext,
} from './types.js';

/** The built-in utilities by command name. */
export const utilities: Record<string, Utility> = { ls, cp, mv, rm, mkdir, cat };
