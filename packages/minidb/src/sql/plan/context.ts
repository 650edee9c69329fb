import type { Catalog } from '../catalog.js';
import type { Expr, SelectStmt } from '../parse/ast.js';
import type { QueryPlan } from './query-types.js';
import type { ExecContext } from '../exec/context.js';
import type { Compiled, Env, Scope } from './scope.js';

/** Aggregate calls found while compiling a grouped query's outputs. */
export interface AggregateCollector {
  /** Registers an aggregate call; returns the compiled read of its result slot. */
  add(call: Expr & { kind: 'func' }, compileArg: (e: Expr) => Compiled): Compiled;
  /** Group-by expression matching `e`, if any (read from the group row). */
  groupExpr(e: Expr): Compiled | null;
  /** Input scope of the grouped query (for arguments of aggregates). */
  inputScope: Scope;
}

export interface WindowCollector {
  add(call: Expr & { kind: 'func' }): Compiled;
}

/** Everything the expression compiler needs beyond the AST. */
export interface CompileContext {
  catalog: Catalog;
  /** Parameter types ($1..$n), inferred when 0. */
  paramTypes: number[];
  scope: Scope;
  /** Set while compiling the outputs of a grouped query. */
  aggregates?: AggregateCollector;
  windows?: WindowCollector;
  /** Marks that an expression reached a column of an enclosing query. */
  correlated: { value: boolean };
  /** CTEs visible here (name -> plan factory). */
  ctes: Map<string, CteBinding>;
  planQuery(stmt: SelectStmt, ctx: CompileContext): QueryPlan;
  /** pg_catalog / information_schema relations computed from the catalog. */
  systemRelation?(schema: string | undefined, name: string): VirtualRelation | undefined;
  /** Set-returning functions in FROM (generate_series, unnest). */
  tableFunction?(name: string, args: Compiled[], pos: number): TableFunction | undefined;
  /** Set inside arms a constant condition makes unreachable: constants there are not folded. */
  noFold?: boolean;
  /** Errors of constant folding, raised once planning is done (the lowest phase first). */
  foldErrors?: { phase: number; error: Error }[];
  /** Clause being compiled: 0 select list, 1 FROM/WHERE (PostgreSQL folds the select list first). */
  phase?: number;
  /** Tracks which columns of the current scope (depth 0) an expression read. */
  usedColumns?: Set<number>;
}

export interface CteBinding {
  plan: QueryPlan;
  /** Rows computed once per statement execution. */
  recursive: boolean;
}

export interface VirtualRelation {
  columns: { name: string; type: number }[];
  rows(ctx: ExecContext): unknown[][];
}

export interface TableFunction {
  columns: { name: string; type: number }[];
  rows(env: Env): unknown[][];
}
