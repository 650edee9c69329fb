import { SqlError } from '../../engine/errors.js';
import type { ExecContext } from '../exec/context.js';

/** Runtime environment of an expression: the current row and the enclosing queries' rows. */
export interface Env {
  row: unknown[];
  outer: Env | null;
  ctx: ExecContext;
}

/** A compiled expression: its result type and a closure evaluating it. */
export interface Compiled {
  type: number;
  typmod: number;
  eval: (env: Env) => unknown;
  /** Literal or parameter text of unknown type, coerced by context. */
  unknownLiteral?: string | null;
  /** Set when the expression reads no column and calls nothing volatile. */
  constant?: boolean;
  /** Origin column (for RowDescription). */
  source?: { tableOid: number; column: number };
  /** Default output column name. */
  name?: string;
  /** Operands after coercion (IS DISTINCT FROM, BETWEEN, row comparisons). */
  operands?: Compiled[];
  /** A parameter whose type is still open: the first coercion fixes it. */
  paramIndex?: number;
  castTarget?: number;
  /** A constant already evaluated at plan time. */
  folded?: boolean;
}

export interface ScopeColumn {
  /** Range variable (table alias) the column belongs to. */
  table: string | null;
  name: string;
  type: number;
  typmod: number;
  /** Index into the row. */
  index: number;
  tableOid: number;
  columnNumber: number;
  /** Hidden columns (USING duplicates) are reachable by qualified name only. */
  hidden?: boolean;
}

/** Name resolution for one query level; `parent` is the enclosing query (correlation). */
export class Scope {
  constructor(
    readonly columns: ScopeColumn[],
    readonly parent: Scope | null = null,
  ) {}

  tables(): Set<string> {
    return new Set(this.columns.map((c) => c.table).filter((t): t is string => t !== null));
  }

  /** Finds a column: returns its depth (0 = this level) and descriptor. */
  resolve(parts: string[], pos: number): { depth: number; column: ScopeColumn } {
    let scope: Scope | null = this;
    let depth = 0;
    const name = parts[parts.length - 1];
    const table = parts.length > 1 ? parts[parts.length - 2] : null;
    while (scope) {
      const matches = scope.columns.filter(
        (c) => c.name === name && (table ? c.table === table : !c.hidden),
      );
      if (matches.length > 1) {
        const first = matches[0];
        if (!matches.every((m) => m.index === first.index)) {
          throw new SqlError('42702', `column reference "${name}" is ambiguous`, {
            position: pos + 1,
          });
        }
      }
      if (matches.length) return { depth, column: matches[0] };
      if (table && scope.tables().has(table)) {
        throw new SqlError('42703', `column ${table}.${name} does not exist`, {
          position: pos + 1,
        });
      }
      scope = scope.parent;
      depth++;
    }
    if (table) {
      throw new SqlError('42P01', `missing FROM-clause entry for table "${table}"`, {
        position: pos + 1,
      });
    }
    throw new SqlError('42703', `column "${name}" does not exist`, { position: pos + 1 });
  }
}
