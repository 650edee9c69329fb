import { SqlError } from '../../src/engine/errors.js';

/** The SQLSTATE a call throws, 'no error', or the text of a non-SQL error. */
export function sqlState(fn: () => unknown): string {
  try {
    fn();
    return 'no error';
  } catch (err) {
    return err instanceof SqlError ? err.fields.code : String(err);
  }
}
