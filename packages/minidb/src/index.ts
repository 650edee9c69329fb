export type * from './engine/api.js';
export { SqlError } from './engine/errors.js';
