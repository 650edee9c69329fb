import { ErrorCode, StrataError } from '@strata/common';
import type { SqlErrorFields } from './api.js';

/**
 * An error reported to the client as an ErrorResponse: PostgreSQL's SQLSTATE and fields.
 * The Strata code is the same for all of them; `fields.code` is what clients match on.
 */
export class SqlError extends StrataError {
  readonly fields: SqlErrorFields;

  constructor(
    code: string,
    message: string,
    extra: Omit<Partial<SqlErrorFields>, 'code' | 'message'> = {},
  ) {
    super(ErrorCode.SQL, message);
    this.fields = { severity: 'ERROR', ...extra, code, message };
  }
}
