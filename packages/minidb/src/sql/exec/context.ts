import type { SqlErrorFields } from '../../engine/api.js';
import type { Transaction } from '../../storage/api.js';
import type { Catalog } from '../catalog.js';

/** What a running statement reaches: its transaction, the catalog, parameters, settings. */
export interface ExecContext {
  txn: Transaction;
  catalog: Catalog;
  params: readonly unknown[];
  settings: Map<string, string>;
  /** Statement start time in microseconds (now(), current_timestamp). */
  statementTime: number;
  transactionTime: number;
  notice(n: SqlErrorFields): void;
  /** Throws 57014 when the statement was cancelled. */
  checkCancel(): void;
  user: string;
  database: string;
  /** Sequence state of this session (currval, lastval). */
  currval: Map<number, bigint>;
}
