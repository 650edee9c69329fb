/**
 * The contract between the PostgreSQL wire protocol (src/protocol) and the SQL engine
 * (src/sql, src/storage). The protocol layer frames messages, authenticates and maps results
 * to messages; it never interprets SQL or values. The engine never sees a socket.
 *
 * Changes to this file are additive: existing members keep their meaning.
 */

/** A value as the engine holds it; only the engine's codecs (Session.decodeParam/encode) read it. */
export type SqlValue = unknown;

/** Wire format code of a parameter or result column: 0 text, 1 binary. */
export type FormatCode = 0 | 1;

/** One column of a RowDescription, with PostgreSQL's OIDs and typmods. */
export interface ColumnInfo {
  name: string;
  /** OID of the table the column comes from, 0 when it is an expression. */
  tableOid: number;
  /** Attribute number within that table, 0 when it is an expression. */
  columnNumber: number;
  typeOid: number;
  /** pg_type.typlen: -1 for variable length. */
  typeSize: number;
  /** -1 when the type has no modifier. */
  typmod: number;
}

/** The fields of an ErrorResponse or NoticeResponse (PostgreSQL's field codes in comments). */
export interface SqlErrorFields {
  severity: 'ERROR' | 'FATAL' | 'PANIC' | 'WARNING' | 'NOTICE' | 'DEBUG' | 'INFO' | 'LOG';
  /** C: five-character SQLSTATE. */
  code: string;
  /** M */
  message: string;
  /** D */
  detail?: string;
  /** H */
  hint?: string;
  /** P: 1-based character position in the query text. */
  position?: number;
  /** s, t, c, n: schema, table, column, constraint names. */
  schema?: string;
  table?: string;
  column?: string;
  constraint?: string;
}

/** Result of one statement, in the order the protocol sends them. */
export type StatementResult =
  | { kind: 'rows'; columns: ColumnInfo[]; rows: SqlValue[][]; tag: string }
  | { kind: 'command'; tag: string }
  | { kind: 'empty' }
  | CopyInResult
  | CopyOutResult;

/** COPY ... FROM STDIN: the protocol feeds CopyData payloads, then ends or aborts. */
export interface CopyInResult {
  kind: 'copy-in';
  format: FormatCode;
  columnCount: number;
  write(data: Buffer): void;
  /** CopyDone: returns the CommandComplete tag (`COPY n`); rejects with an SqlError. */
  end(): Promise<string>;
  /** CopyFail or a vanished client: nothing of the COPY is applied. */
  abort(message: string): void;
}

/** COPY ... TO STDOUT: one CopyData payload per row, already encoded. */
export interface CopyOutResult {
  kind: 'copy-out';
  format: FormatCode;
  columnCount: number;
  data: AsyncIterable<Buffer> | Iterable<Buffer>;
  tag: string;
}

/** A parsed and analysed statement (the unnamed one or a named one). */
export interface PreparedStatement {
  readonly sql: string;
  /** Parameter type OIDs: those the client gave, the rest inferred from context. */
  readonly paramTypes: readonly number[];
  /** Result columns, or null when the statement returns no rows (NoData). */
  readonly columns: readonly ColumnInfo[] | null;
}

export interface SessionOptions {
  user: string;
  database: string;
  applicationName?: string;
  /** StartupMessage `options` and other startup parameters (e.g. `-c search_path=x`). */
  parameters?: Record<string, string>;
  /** Receives NOTICE/WARNING messages raised while a statement runs. */
  onNotice?(notice: SqlErrorFields): void;
}

export interface Session {
  /** ReadyForQuery status: idle, in a transaction block, in a failed transaction block. */
  readonly transactionStatus: 'I' | 'T' | 'E';
  /**
   * Simple query: every statement of the text, one implicit transaction unless the text
   * manages its own. Yields each result; an error stops it with an SqlError thrown from the
   * iterator (results already yielded stay sent).
   */
  simpleQuery(sql: string): AsyncIterable<StatementResult>;
  /** Parse: exactly one statement (or none: an empty query). Throws SqlError. */
  prepare(sql: string, paramTypes: readonly number[]): PreparedStatement;
  /** Execute a prepared statement with decoded parameters. Rejects with SqlError. */
  execute(statement: PreparedStatement, params: readonly SqlValue[]): Promise<StatementResult>;
  /** Bind: decode one parameter of the given type. Throws SqlError (22P02, 08P01...). */
  decodeParam(typeOid: number, format: FormatCode, data: Buffer): SqlValue;
  /** DataRow: encode one value of the given type; null for SQL NULL. */
  encode(typeOid: number, format: FormatCode, value: SqlValue): Buffer | null;
  /** Settings reported with ParameterStatus (server_version, TimeZone, DateStyle, ...). */
  reportedParameters(): Record<string, string>;
  /** Names of reported settings changed since the last call (SET DateStyle ...). */
  takeChangedParameters(): string[];
  /** CancelRequest for this backend: the running statement fails with 57014. */
  cancel(): void;
  /** The connection is gone: roll back whatever is open, release locks. */
  close(): void;
}

export interface Engine {
  openSession(options: SessionOptions): Session;
  /** Clean shutdown (flush, checkpoint when durable). */
  close(): Promise<void>;
}
