import type { Env } from './scope.js';

export interface OutputColumn {
  name: string;
  type: number;
  typmod: number;
  tableOid: number;
  columnNumber: number;
}

/** A compiled query: its output columns and a function producing its rows. */
export interface QueryPlan {
  columns: OutputColumn[];
  /** `outer` is the environment of the enclosing query (correlated subqueries), or null. */
  run(outer: Env): unknown[][];
  /** Lines of EXPLAIN output. */
  explain(indent: string): string[];
}
