/** The syntax tree the parser produces; the analyzer binds it to the catalog. */

export interface TypeName {
  name: string;
  /** Type modifiers, e.g. numeric(10,2) or varchar(20). */
  mods: number[];
  array: boolean;
  pos: number;
}

export type Expr =
  | {
      kind: 'literal';
      value: string | null | boolean;
      literalType: 'number' | 'string' | 'null' | 'bool';
      pos: number;
    }
  | { kind: 'column'; parts: string[]; pos: number }
  | { kind: 'star'; table?: string; pos: number }
  | { kind: 'param'; index: number; pos: number }
  | { kind: 'unary'; op: string; arg: Expr; pos: number }
  | { kind: 'binary'; op: string; left: Expr; right: Expr; pos: number }
  | { kind: 'and' | 'or'; args: Expr[]; pos: number }
  | { kind: 'not'; arg: Expr; pos: number }
  | { kind: 'isnull'; arg: Expr; negated: boolean; pos: number }
  | { kind: 'istruth'; arg: Expr; value: boolean | null; negated: boolean; pos: number }
  | { kind: 'distinctfrom'; left: Expr; right: Expr; negated: boolean; pos: number }
  | {
      kind: 'between';
      arg: Expr;
      low: Expr;
      high: Expr;
      negated: boolean;
      symmetric: boolean;
      pos: number;
    }
  | { kind: 'inlist'; arg: Expr; list: Expr[]; negated: boolean; pos: number }
  | { kind: 'insubquery'; arg: Expr; query: SelectStmt; negated: boolean; pos: number }
  | {
      kind: 'quantified';
      op: string;
      quantifier: 'any' | 'all';
      left: Expr;
      query?: SelectStmt;
      array?: Expr;
      pos: number;
    }
  | { kind: 'exists'; query: SelectStmt; pos: number }
  | { kind: 'subquery'; query: SelectStmt; pos: number }
  | {
      kind: 'like';
      arg: Expr;
      pattern: Expr;
      escapeChar?: Expr;
      negated: boolean;
      caseInsensitive: boolean;
      pos: number;
    }
  | {
      kind: 'case';
      operand?: Expr;
      whens: { when: Expr; result: Expr }[];
      else?: Expr;
      pos: number;
    }
  | { kind: 'cast'; arg: Expr; type: TypeName; pos: number }
  | {
      kind: 'func';
      name: string[];
      args: Expr[];
      distinct: boolean;
      star: boolean;
      orderBy?: OrderItem[];
      filter?: Expr;
      over?: WindowSpec;
      pos: number;
    }
  | { kind: 'array'; items: Expr[]; pos: number }
  | { kind: 'subscript'; arg: Expr; index: Expr; pos: number }
  | { kind: 'row'; items: Expr[]; pos: number }
  | { kind: 'default'; pos: number };

export interface WindowSpec {
  partitionBy: Expr[];
  orderBy: OrderItem[];
  frame?: { mode: 'rows' | 'range' | 'groups'; start: FrameBound; end: FrameBound };
}

export interface FrameBound {
  kind: 'unbounded-preceding' | 'preceding' | 'current' | 'following' | 'unbounded-following';
  offset?: Expr;
}

export interface OrderItem {
  expr: Expr;
  desc: boolean;
  nulls?: 'first' | 'last';
}

export interface SelectItem {
  expr: Expr;
  alias?: string;
}

export type FromItem =
  | {
      kind: 'table';
      schema?: string;
      name: string;
      alias?: string;
      columnAliases?: string[];
      pos: number;
    }
  | {
      kind: 'subquery';
      query: SelectStmt;
      alias: string;
      columnAliases?: string[];
      lateral: boolean;
      pos: number;
    }
  | { kind: 'function'; func: Expr; alias?: string; columnAliases?: string[]; pos: number }
  | {
      kind: 'join';
      joinType: 'inner' | 'left' | 'right' | 'full' | 'cross';
      left: FromItem;
      right: FromItem;
      on?: Expr;
      using?: string[];
      natural: boolean;
      pos: number;
    };

export interface SelectCore {
  kind: 'select';
  distinct: boolean;
  distinctOn?: Expr[];
  items: SelectItem[];
  from: FromItem[];
  where?: Expr;
  groupBy: Expr[];
  having?: Expr;
  pos: number;
}

export interface ValuesCore {
  kind: 'values';
  rows: Expr[][];
  pos: number;
}

export interface SetOp {
  kind: 'setop';
  op: 'union' | 'intersect' | 'except';
  all: boolean;
  left: QueryBody;
  right: QueryBody;
  pos: number;
}

export type QueryBody = SelectCore | ValuesCore | SetOp | SelectStmt;

export interface Cte {
  name: string;
  columns?: string[];
  query: Statement;
}

export interface SelectStmt {
  kind: 'query';
  with?: { recursive: boolean; ctes: Cte[] };
  body: QueryBody;
  orderBy: OrderItem[];
  limit?: Expr;
  offset?: Expr;
  pos: number;
}

export interface ColumnDef {
  name: string;
  type: TypeName;
  notNull: boolean;
  primaryKey: boolean;
  unique: boolean;
  default?: Expr;
  identity?: 'always' | 'by-default';
  check?: Expr;
  references?: ForeignKeyRef;
  pos: number;
}

export interface ForeignKeyRef {
  table: string;
  columns?: string[];
  onDelete: 'no action' | 'restrict' | 'cascade' | 'set null' | 'set default';
  onUpdate: 'no action' | 'restrict' | 'cascade' | 'set null' | 'set default';
}

export type TableConstraint =
  | { kind: 'primary' | 'unique'; name?: string; columns: string[] }
  | { kind: 'check'; name?: string; expr: Expr }
  | { kind: 'foreign'; name?: string; columns: string[]; ref: ForeignKeyRef };

export interface QualifiedName {
  schema?: string;
  name: string;
  pos: number;
}

export interface OnConflict {
  columns?: string[];
  action: 'nothing' | 'update';
  set: { column: string; value: Expr }[];
  where?: Expr;
}

export type Statement =
  | SelectStmt
  | {
      kind: 'create-table';
      name: QualifiedName;
      ifNotExists: boolean;
      columns: ColumnDef[];
      constraints: TableConstraint[];
      asQuery?: SelectStmt;
      temporary: boolean;
    }
  | {
      kind: 'drop';
      object: 'table' | 'index' | 'view' | 'sequence' | 'schema';
      names: QualifiedName[];
      ifExists: boolean;
      cascade: boolean;
    }
  | {
      kind: 'insert';
      table: QualifiedName;
      alias?: string;
      columns?: string[];
      source: SelectStmt | 'default';
      onConflict?: OnConflict;
      returning?: SelectItem[];
    }
  | {
      kind: 'update';
      table: QualifiedName;
      alias?: string;
      set: { column: string; value: Expr }[];
      from: FromItem[];
      where?: Expr;
      returning?: SelectItem[];
    }
  | {
      kind: 'delete';
      table: QualifiedName;
      alias?: string;
      using: FromItem[];
      where?: Expr;
      returning?: SelectItem[];
    }
  | {
      kind: 'create-index';
      name?: string;
      table: QualifiedName;
      columns: string[];
      unique: boolean;
      ifNotExists: boolean;
    }
  | {
      kind: 'create-view';
      name: QualifiedName;
      query: SelectStmt;
      orReplace: boolean;
      columns?: string[];
    }
  | {
      kind: 'create-sequence';
      name: QualifiedName;
      ifNotExists: boolean;
      start?: number;
      increment?: number;
    }
  | { kind: 'create-schema'; name: string; ifNotExists: boolean }
  | {
      kind: 'transaction';
      action: 'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'rollback-to';
      name?: string;
    }
  | { kind: 'set'; name: string; value: string; local: boolean }
  | { kind: 'show'; name: string }
  | { kind: 'truncate'; names: QualifiedName[] }
  | { kind: 'noop'; tag: string }
  | { kind: 'alter-table'; table: QualifiedName; ifExists: boolean; actions: AlterAction[] }
  | {
      kind: 'copy';
      table: QualifiedName | null;
      query: SelectStmt | null;
      columns: string[] | null;
      direction: 'from' | 'to';
      options: CopyOptions;
    }
  | { kind: 'explain'; analyze: boolean; statement: Statement };

/** COPY options; unset delimiter/null/quote/escape take the format's defaults. */
export interface CopyOptions {
  format: 'text' | 'csv' | 'binary';
  header: boolean;
  delimiter?: string;
  null?: string;
  quote?: string;
  escape?: string;
}

/** One action of ALTER TABLE. */
export type AlterAction =
  | { kind: 'add-constraint'; constraint: TableConstraint }
  | { kind: 'add-column'; column: ColumnDef; ifNotExists: boolean }
  | { kind: 'drop-column'; name: string; ifExists: boolean }
  | { kind: 'drop-constraint'; name: string; ifExists: boolean }
  | { kind: 'rename-table'; name: string }
  | { kind: 'rename-column'; from: string; to: string }
  | { kind: 'rename-constraint'; from: string; to: string };
