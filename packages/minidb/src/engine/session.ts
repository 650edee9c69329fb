import type {
  FormatCode,
  PreparedStatement,
  Session,
  SessionOptions,
  SqlErrorFields,
  SqlValue,
  StatementResult,
} from './api.js';
import { SqlError } from './errors.js';
import type { Catalog } from '../sql/catalog.js';
import type { ExecContext } from '../sql/exec/context.js';
import {
  compileContext,
  type ExecutablePlan,
  planStatement,
  toColumnInfo,
} from '../sql/exec/statement.js';
import { SERVER_VERSION } from '../sql/functions/system.js';
import type { Statement } from '../sql/parse/ast.js';
import { parseStatements } from '../sql/parse/statement.js';
import { decodeBinary, encodeBinary } from '../sql/types/binary.js';
import { Oid } from '../sql/types/oids.js';
import { formatText, parseText } from '../sql/types/text.js';
import type { Storage, Transaction } from '../storage/api.js';
import { planCopyFrom, runCopyTo } from '../sql/exec/copy.js';
import { runUtility } from './utility.js';

interface Prepared extends PreparedStatement {
  stmt: Statement | null;
  plan: ExecutablePlan | null;
  catalogVersion: number;
  mutableParamTypes: number[];
}

const REPORTED = [
  'server_version',
  'server_encoding',
  'client_encoding',
  'DateStyle',
  'IntervalStyle',
  'integer_datetimes',
  'standard_conforming_strings',
  'is_superuser',
  'session_authorization',
  'TimeZone',
  'application_name',
];

/** One client's session: its transaction block, settings and prepared statements. */
export class EngineSession implements Session {
  private txn: Transaction | null = null;
  /** True inside BEGIN ... COMMIT. */
  private block = false;
  private failed = false;
  private savepoints: { name: string; marker: number }[] = [];
  private cancelled = false;
  readonly settings = new Map<string, string>();
  private changed = new Set<string>();
  private readonly currval = new Map<number, bigint>();
  private transactionTime = 0;

  constructor(
    private readonly storage: Storage,
    private readonly catalog: Catalog,
    private readonly options: SessionOptions,
  ) {
    const defaults: Record<string, string> = {
      server_version: SERVER_VERSION,
      server_encoding: 'UTF8',
      client_encoding: 'UTF8',
      DateStyle: 'ISO, MDY',
      IntervalStyle: 'postgres',
      integer_datetimes: 'on',
      standard_conforming_strings: 'on',
      is_superuser: 'on',
      session_authorization: options.user,
      TimeZone: 'UTC',
      application_name: options.applicationName ?? '',
      search_path: '"$user", public',
      transaction_isolation: 'repeatable read',
      extra_float_digits: '1',
      statement_timeout: '0',
      max_connections: '100',
      datestyle: 'ISO, MDY',
    };
    for (const [k, v] of Object.entries(defaults)) this.settings.set(k.toLowerCase(), v);
    for (const [k, v] of Object.entries(options.parameters ?? {}))
      this.settings.set(k.toLowerCase(), v);
  }

  get transactionStatus(): 'I' | 'T' | 'E' {
    if (!this.block) return 'I';
    return this.failed ? 'E' : 'T';
  }

  private context(params: readonly unknown[]): ExecContext {
    const now = Date.now() * 1000;
    return {
      txn: this.txn!,
      catalog: this.catalog,
      params,
      settings: this.settings,
      statementTime: now,
      transactionTime: this.transactionTime,
      notice: (n: SqlErrorFields) => this.options.onNotice?.(n),
      checkCancel: () => {
        if (this.cancelled) {
          this.cancelled = false;
          throw new SqlError('57014', 'canceling statement due to user request');
        }
      },
      user: this.options.user,
      database: this.options.database,
      currval: this.currval,
    };
  }

  private ensureTransaction(): void {
    if (!this.txn) {
      this.txn = this.storage.begin();
      this.transactionTime = Date.now() * 1000;
    }
  }

  private finishImplicit(ok: boolean): void {
    if (this.block || !this.txn) return;
    if (ok) this.txn.commit();
    else this.txn.abort();
    this.txn = null;
  }

  /** Runs one statement in the current (or an implicit) transaction. */
  private run(
    stmt: Statement,
    plan: ExecutablePlan | null,
    params: readonly unknown[],
    implicitEnd: boolean,
    paramTypes: number[],
  ): StatementResult {
    if (stmt.kind === 'transaction') return this.transactionControl(stmt);
    if (this.failed) {
      throw new SqlError(
        '25P02',
        'current transaction is aborted, commands ignored until end of transaction block',
      );
    }
    this.cancelled = false;
    this.ensureTransaction();
    const txn = this.txn!;
    txn.nextCommand();
    const marker = this.block ? txn.savepoint() : 0;
    try {
      const ctx = this.context(params);
      if (stmt.kind === 'copy') return this.copy(stmt, ctx, paramTypes, marker, implicitEnd);
      const utility = runUtility(stmt, ctx, this);
      let result: StatementResult;
      if (utility) result = utility;
      else {
        const p = plan ?? planStatement(stmt, compileContext(this.catalog, paramTypes));
        const r = p.run(ctx);
        result = p.columns
          ? {
              kind: 'rows',
              columns: p.columns.map(toColumnInfo),
              rows: 'rows' in r ? r.rows : [],
              tag: r.tag,
            }
          : { kind: 'command', tag: r.tag };
      }
      if (marker) txn.releaseTo(marker);
      if (implicitEnd) this.finishImplicit(true);
      return result;
    } catch (e) {
      this.failStatement();
      throw e;
    }
  }

  /** A statement failed: the block goes to state E, an implicit transaction is rolled back. */
  private failStatement(): void {
    if (this.block) this.failed = true;
    else {
      this.txn?.abort();
      this.txn = null;
    }
  }

  /**
   * COPY: TO STDOUT runs at once; FROM STDIN keeps the statement open until the protocol
   * ends it (the data is parsed and inserted at CopyDone) or aborts it (nothing applied).
   */
  private copy(
    stmt: Statement & { kind: 'copy' },
    ctx: ExecContext,
    paramTypes: number[],
    marker: number,
    implicitEnd: boolean,
  ): StatementResult {
    const cc = compileContext(this.catalog, paramTypes);
    const succeed = () => {
      if (marker) this.txn!.releaseTo(marker);
      if (implicitEnd) this.finishImplicit(true);
    };
    if (stmt.direction === 'to') {
      const out = runCopyTo(stmt, cc, ctx);
      succeed();
      return {
        kind: 'copy-out',
        format: 0,
        columnCount: out.columnCount,
        data: out.lines,
        tag: `COPY ${out.count}`,
      };
    }
    const plan = planCopyFrom(stmt, cc);
    const chunks: Buffer[] = [];
    return {
      kind: 'copy-in',
      format: 0,
      columnCount: plan.columnCount,
      write: (data) => {
        chunks.push(data);
      },
      end: async () => {
        try {
          const count = plan.load(ctx, Buffer.concat(chunks).toString('utf8'));
          succeed();
          return `COPY ${count}`;
        } catch (e) {
          this.failStatement();
          throw e;
        }
      },
      abort: () => {
        this.failStatement();
      },
    };
  }

  private transactionControl(stmt: Statement & { kind: 'transaction' }): StatementResult {
    const warn = (code: string, message: string) =>
      this.options.onNotice?.({ severity: 'WARNING', code, message });
    switch (stmt.action) {
      case 'begin':
        if (this.block) warn('25001', 'there is already a transaction in progress');
        else {
          this.ensureTransaction();
          this.block = true;
        }
        return { kind: 'command', tag: 'BEGIN' };
      case 'commit': {
        if (!this.block) warn('25P01', 'there is no transaction in progress');
        const failed = this.failed;
        this.endBlock(!failed);
        return { kind: 'command', tag: failed ? 'ROLLBACK' : 'COMMIT' };
      }
      case 'rollback':
        if (!this.block) warn('25P01', 'there is no transaction in progress');
        this.endBlock(false);
        return { kind: 'command', tag: 'ROLLBACK' };
      case 'savepoint':
        if (!this.block)
          throw new SqlError('25P01', 'SAVEPOINT can only be used in transaction blocks');
        if (this.failed)
          throw new SqlError(
            '25P02',
            'current transaction is aborted, commands ignored until end of transaction block',
          );
        this.savepoints.push({ name: stmt.name!, marker: this.txn!.savepoint() });
        return { kind: 'command', tag: 'SAVEPOINT' };
      case 'release':
      case 'rollback-to': {
        if (!this.block)
          throw new SqlError(
            '25P01',
            `${stmt.action === 'release' ? 'RELEASE' : 'ROLLBACK TO'} SAVEPOINT can only be used in transaction blocks`,
          );
        let i = this.savepoints.length - 1;
        while (i >= 0 && this.savepoints[i].name !== stmt.name) i--;
        if (i < 0) {
          if (this.block) this.failed = true;
          throw new SqlError('3B001', `savepoint "${stmt.name}" does not exist`);
        }
        const sp = this.savepoints[i];
        if (stmt.action === 'release') {
          if (this.failed)
            throw new SqlError(
              '25P02',
              'current transaction is aborted, commands ignored until end of transaction block',
            );
          this.txn!.releaseTo(sp.marker);
          this.savepoints.length = i;
          return { kind: 'command', tag: 'RELEASE' };
        }
        this.txn!.rollbackTo(sp.marker);
        this.savepoints.length = i + 1;
        this.failed = false;
        return { kind: 'command', tag: 'ROLLBACK' };
      }
    }
  }

  private endBlock(commit: boolean): void {
    if (this.txn) {
      if (commit) this.txn.commit();
      else this.txn.abort();
    }
    this.txn = null;
    this.block = false;
    this.failed = false;
    this.savepoints = [];
  }

  async *simpleQuery(sql: string): AsyncIterable<StatementResult> {
    const stmts = parseStatements(sql);
    if (stmts.length === 0) {
      yield { kind: 'empty' };
      return;
    }
    // Several statements in one message form one implicit transaction (unless they manage their own).
    const multi = stmts.length > 1 && !this.block;
    if (multi) {
      this.ensureTransaction();
      this.block = true;
    }
    let implicitOpen = multi;
    try {
      for (let i = 0; i < stmts.length; i++) {
        const { stmt } = stmts[i];
        if (implicitOpen && stmt.kind === 'transaction') {
          // An explicit BEGIN/COMMIT takes over the implicit block.
          implicitOpen = false;
          if (stmt.action === 'begin') {
            yield { kind: 'command', tag: 'BEGIN' };
            continue;
          }
        }
        yield this.run(stmt, null, [], !this.block, []);
      }
      if (implicitOpen) this.endBlock(true);
    } catch (e) {
      if (implicitOpen) this.endBlock(false);
      throw e;
    }
  }

  prepare(sql: string, paramTypes: readonly number[]): PreparedStatement {
    const stmts = parseStatements(sql);
    if (stmts.length > 1)
      throw new SqlError('42601', 'cannot insert multiple commands into a prepared statement');
    const types = [...paramTypes];
    const parsed = stmts[0];
    if (!parsed)
      return {
        sql,
        paramTypes: [],
        columns: null,
        stmt: null,
        plan: null,
        catalogVersion: 0,
        mutableParamTypes: [],
      } as Prepared;
    for (let i = types.length; i < parsed.paramCount; i++) types.push(0);
    let plan: ExecutablePlan | null = null;
    let columns: Prepared['columns'] = null;
    if (['query', 'insert', 'update', 'delete'].includes(parsed.stmt.kind)) {
      this.ensureTransaction();
      try {
        plan = planStatement(parsed.stmt, compileContext(this.catalog, types));
      } finally {
        this.finishImplicit(true);
      }
      columns = plan.columns ? plan.columns.map(toColumnInfo) : null;
    } else if (parsed.stmt.kind === 'show')
      columns = [
        {
          name: parsed.stmt.name,
          tableOid: 0,
          columnNumber: 0,
          typeOid: Oid.text,
          typeSize: -1,
          typmod: -1,
        },
      ];
    const finalTypes = types.map((t) => (t === 0 ? Oid.text : t));
    const prepared: Prepared = {
      sql,
      paramTypes: finalTypes,
      columns,
      stmt: parsed.stmt,
      plan,
      catalogVersion: this.catalog.version,
      mutableParamTypes: finalTypes,
    };
    return prepared;
  }

  async execute(
    statement: PreparedStatement,
    params: readonly SqlValue[],
  ): Promise<StatementResult> {
    const p = statement as Prepared;
    if (!p.stmt) return { kind: 'empty' };
    let plan = p.plan;
    if (plan && p.catalogVersion !== this.catalog.version) plan = null;
    return this.run(p.stmt, plan, params, !this.block, [...p.paramTypes]);
  }

  decodeParam(typeOid: number, format: FormatCode, data: Buffer): SqlValue {
    if (format === 1) return decodeBinary(typeOid, data);
    return parseText(typeOid === 0 ? Oid.text : typeOid, data.toString('utf8'));
  }

  encode(typeOid: number, format: FormatCode, value: SqlValue): Buffer | null {
    if (value === null || value === undefined) return null;
    if (format === 1) return encodeBinary(typeOid, value);
    return Buffer.from(formatText(typeOid, value), 'utf8');
  }

  /** Text of a value as the text protocol shows it (used by in-process callers and tests). */
  formatValue(typeOid: number, value: SqlValue): string | null {
    return value === null ? null : formatText(typeOid, value);
  }

  reportedParameters(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const k of REPORTED) out[k] = this.settings.get(k.toLowerCase()) ?? '';
    return out;
  }

  takeChangedParameters(): string[] {
    const out = [...this.changed];
    this.changed.clear();
    return out;
  }

  /** SET of a reported setting: remembered so the protocol sends ParameterStatus. */
  setSetting(name: string, value: string): void {
    this.settings.set(name.toLowerCase(), value);
    const reported = REPORTED.find((r) => r.toLowerCase() === name.toLowerCase());
    if (reported) this.changed.add(reported);
  }

  cancel(): void {
    this.cancelled = true;
  }

  close(): void {
    this.txn?.abort();
    this.txn = null;
    this.block = false;
  }
}
