import { EventEmitter } from 'node:events';
import type {
  ColumnInfo,
  Engine,
  PreparedStatement,
  Session,
  SessionOptions,
  SqlValue,
  StatementResult,
} from '../../src/engine/api.js';
import { SqlError } from '../../src/engine/errors.js';

/**
 * An Engine for protocol tests that must not depend on what the SQL engine can do yet:
 * statements are fixed words. `rows N` returns N int4 rows, `wait` runs until cancelled,
 * `fail` raises 42601 at position 1, `begin`/`commit` move the transaction status,
 * `copy in`/`copy out N` run COPY. What the protocol sends for each is what is under test.
 */
const INT4: ColumnInfo = {
  name: 'n',
  tableOid: 0,
  columnNumber: 0,
  typeOid: 23,
  typeSize: 4,
  typmod: -1,
};

export interface ScriptedEngine extends Engine {
  /** Rows received by the last COPY FROM STDIN, and whether it was aborted. */
  copied: { rows: string[]; aborted: string | undefined };
  closedSessions: number;
  /** 'close' when a session closes, 'abort' when a COPY FROM STDIN is aborted. */
  events: EventEmitter;
}

export function scriptedEngine(): ScriptedEngine {
  const engine: ScriptedEngine = {
    copied: { rows: [], aborted: undefined },
    closedSessions: 0,
    events: new EventEmitter(),
    openSession: (options) => new ScriptedSession(engine, options),
    close: async () => {},
  };
  return engine;
}

class ScriptedSession implements Session {
  transactionStatus: 'I' | 'T' | 'E' = 'I';
  private cancelWaiting: (() => void) | undefined;

  constructor(
    private readonly engine: ScriptedEngine,
    private readonly options: SessionOptions,
  ) {}

  async *simpleQuery(sql: string): AsyncIterable<StatementResult> {
    for (const text of sql.split(';')) {
      if (text.trim() === '' && sql.trim() !== '') continue;
      yield await this.execute(this.prepare(text, []), []);
    }
  }

  prepare(sql: string, paramTypes: readonly number[]): PreparedStatement {
    const word = sql.trim().split(/\s+/)[0] ?? '';
    const known = ['', 'rows', 'wait', 'fail', 'begin', 'commit', 'copy', 'echo', 'notice'];
    if (!known.includes(word)) throw new SqlError('42601', `unknown statement "${word}"`);
    const types = word === 'echo' ? [paramTypes[0] || 23] : [];
    const columns = word === 'rows' || word === 'echo' ? [INT4] : null;
    return { sql: sql.trim(), paramTypes: types, columns };
  }

  async execute(
    statement: PreparedStatement,
    params: readonly SqlValue[],
  ): Promise<StatementResult> {
    const [word, arg] = statement.sql.split(/\s+/);
    if (this.transactionStatus === 'E' && word !== 'commit') {
      throw new SqlError('25P02', 'current transaction is aborted');
    }
    switch (word) {
      case '':
      case undefined:
        return { kind: 'empty' };
      case 'rows': {
        const n = Number(arg);
        return {
          kind: 'rows',
          columns: [INT4],
          rows: Array.from({ length: n }, (_, i) => [i]),
          tag: `SELECT ${n}`,
        };
      }
      case 'echo':
        return { kind: 'rows', columns: [INT4], rows: [[params[0]]], tag: 'SELECT 1' };
      case 'notice':
        this.options.onNotice?.({ severity: 'NOTICE', code: '00000', message: 'hello' });
        return { kind: 'command', tag: 'DO' };
      case 'wait':
        await new Promise<void>((resolve) => {
          this.cancelWaiting = resolve;
        });
        throw new SqlError('57014', 'canceling statement due to user request');
      case 'fail':
        if (this.transactionStatus === 'T') this.transactionStatus = 'E';
        throw new SqlError('42601', 'syntax error at or near "fail"', { position: 1 });
      case 'begin':
        this.transactionStatus = 'T';
        return { kind: 'command', tag: 'BEGIN' };
      case 'commit': {
        const tag = this.transactionStatus === 'E' ? 'ROLLBACK' : 'COMMIT';
        this.transactionStatus = 'I';
        return { kind: 'command', tag };
      }
      default:
        return arg === 'in' ? this.copyIn() : this.copyOut(Number(statement.sql.split(/\s+/)[2]));
    }
  }

  private copyIn(): StatementResult {
    const rows: string[] = [];
    const copied = this.engine.copied;
    copied.aborted = undefined;
    return {
      kind: 'copy-in',
      format: 0,
      columnCount: 1,
      write: (data) => {
        rows.push(data.toString());
      },
      end: async () => {
        copied.rows = rows
          .join('')
          .split('\n')
          .filter((line) => line !== '');
        return `COPY ${copied.rows.length}`;
      },
      abort: (message) => {
        copied.aborted = message;
        this.engine.events.emit('abort', message);
      },
    };
  }

  private copyOut(n: number): StatementResult {
    const data = Array.from({ length: n }, (_, i) => Buffer.from(`${i}\n`));
    return { kind: 'copy-out', format: 0, columnCount: 1, data, tag: `COPY ${n}` };
  }

  decodeParam(typeOid: number, format: 0 | 1, data: Buffer): SqlValue {
    if (format === 1) return data.readInt32BE(0);
    const n = Number(data.toString());
    if (!Number.isInteger(n)) {
      throw new SqlError('22P02', `invalid input syntax for type integer: "${data.toString()}"`);
    }
    return typeOid === 23 ? n : data.toString();
  }

  encode(_typeOid: number, format: 0 | 1, value: SqlValue): Buffer | null {
    if (value === null || value === undefined) return null;
    if (format === 0) return Buffer.from(String(value));
    const b = Buffer.alloc(4);
    b.writeInt32BE(value as number);
    return b;
  }

  reportedParameters(): Record<string, string> {
    return { server_version: '15.0', client_encoding: 'UTF8' };
  }

  takeChangedParameters(): string[] {
    return [];
  }

  cancel(): void {
    this.cancelWaiting?.();
  }

  close(): void {
    this.cancelWaiting?.();
    this.engine.closedSessions++;
    this.engine.events.emit('close');
  }
}
