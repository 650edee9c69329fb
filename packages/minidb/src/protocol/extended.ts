import type { FormatCode, PreparedStatement, SqlValue, StatementResult } from '../engine/api.js';
import { SqlError } from '../engine/errors.js';
import { Empty, commandComplete, empty, parameterDescription, rowDescription } from './backend.js';
import {
  decodeBind,
  decodeExecute,
  decodeParse,
  decodeTarget,
  protocolViolation,
} from './frontend.js';
import { sendResult, sendRows } from './results.js';
import type { Wire } from './wire.js';

/** A bound statement; executed once, its rows then handed out by Execute's row limit. */
interface Portal {
  statement: PreparedStatement;
  params: SqlValue[];
  resultFormats: FormatCode[];
  result?: StatementResult;
  /** Rows already sent (row-limited Execute). */
  sent: number;
}

/**
 * The extended query protocol: Parse, Bind, Describe, Execute, Close. Errors are thrown to the
 * connection, which reports them and discards messages until Sync.
 */
export class ExtendedQuery {
  private readonly statements = new Map<string, PreparedStatement>();
  private readonly portals = new Map<string, Portal>();

  constructor(
    private readonly wire: Wire,
    /** Runs a statement under the connection's statement timeout. */
    private readonly run: (
      statement: PreparedStatement,
      params: SqlValue[],
    ) => Promise<StatementResult>,
  ) {}

  parse(payload: Buffer): void {
    const message = decodeParse(payload);
    if (message.name !== '' && this.statements.has(message.name)) {
      throw new SqlError('42P05', `prepared statement "${message.name}" already exists`);
    }
    const statement = this.wire.session.prepare(message.sql, message.paramTypes);
    this.statements.set(message.name, statement);
    empty(this.wire.writer, Empty.parseComplete);
  }

  bind(payload: Buffer): void {
    const message = decodeBind(payload);
    const statement = this.statement(message.statement);
    const types = statement.paramTypes;
    if (message.params.length !== types.length) {
      throw protocolViolation(
        `bind message supplies ${message.params.length} parameters, but prepared statement "${message.statement}" requires ${types.length}`,
      );
    }
    if (message.portal !== '' && this.portals.has(message.portal)) {
      throw new SqlError('42P03', `portal "${message.portal}" already exists`);
    }
    const { session } = this.wire;
    const formats = message.paramFormats;
    const params = message.params.map((data, i) => {
      if (data === null) return null;
      const format = formats.length === 0 ? 0 : formats.length === 1 ? formats[0]! : formats[i]!;
      return session.decodeParam(types[i]!, format, data);
    });
    this.portals.set(message.portal, {
      statement,
      params,
      resultFormats: message.resultFormats,
      sent: 0,
    });
    empty(this.wire.writer, Empty.bindComplete);
  }

  describe(payload: Buffer): void {
    const target = decodeTarget(payload, 'Describe');
    const { writer } = this.wire;
    if (target.kind === 'S') {
      const statement = this.statement(target.name);
      parameterDescription(writer, statement.paramTypes);
      if (statement.columns) rowDescription(writer, statement.columns);
      else empty(writer, Empty.noData);
      return;
    }
    const portal = this.portal(target.name);
    const columns = portal.statement.columns;
    if (columns) rowDescription(writer, columns, portal.resultFormats);
    else empty(writer, Empty.noData);
  }

  async execute(payload: Buffer): Promise<void> {
    const message = decodeExecute(payload);
    const portal = this.portal(message.portal);
    const firstRun = portal.result === undefined;
    portal.result ??= await this.run(portal.statement, portal.params);
    const result = portal.result;
    const { writer } = this.wire;
    if (result.kind !== 'rows') {
      // A statement without rows runs once; executing its portal again reports nothing new.
      if (firstRun) await sendResult(this.wire, result, { describe: false, resultFormats: [] });
      else if (result.kind === 'command') commandComplete(writer, result.tag);
      return;
    }
    const total = result.rows.length;
    const from = portal.sent;
    const to = message.maxRows > 0 ? Math.min(total, from + message.maxRows) : total;
    await sendRows(this.wire, result.columns, result.rows, from, to, portal);
    portal.sent = to;
    if (to < total) {
      empty(writer, Empty.portalSuspended);
      return;
    }
    // After a row-limited fetch, SELECT's count is that of the last Execute, as PostgreSQL's.
    const limited = from > 0 || message.maxRows > 0;
    commandComplete(
      writer,
      limited && result.tag.startsWith('SELECT') ? `SELECT ${to - from}` : result.tag,
    );
  }

  close(payload: Buffer): void {
    const target = decodeTarget(payload, 'Close');
    if (target.kind === 'S') this.statements.delete(target.name);
    else this.portals.delete(target.name);
    empty(this.wire.writer, Empty.closeComplete);
  }

  /** Sync outside a transaction block ends the portals' transaction: they are gone. */
  sync(): void {
    if (this.wire.session.transactionStatus === 'I') this.portals.clear();
  }

  /** A simple Query destroys the unnamed portal, as in PostgreSQL. */
  dropUnnamedPortal(): void {
    this.portals.delete('');
  }

  private statement(name: string): PreparedStatement {
    const statement = this.statements.get(name);
    if (!statement) {
      throw new SqlError(
        '26000',
        name === ''
          ? 'unnamed prepared statement does not exist'
          : `prepared statement "${name}" does not exist`,
      );
    }
    return statement;
  }

  private portal(name: string): Portal {
    const portal = this.portals.get(name);
    if (!portal) {
      throw new SqlError(
        '34000',
        name === '' ? 'unnamed portal does not exist' : `portal "${name}" does not exist`,
      );
    }
    return portal;
  }
}
