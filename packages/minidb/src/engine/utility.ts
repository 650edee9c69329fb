import type { StatementResult } from './api.js';
import { SqlError } from './errors.js';
import type { ExecContext } from '../sql/exec/context.js';
import type { Statement } from '../sql/parse/ast.js';
import { Oid } from '../sql/types/oids.js';

interface SettingsHolder {
  settings: Map<string, string>;
  setSetting(name: string, value: string): void;
}

/** SET, SHOW, RESET: session settings. Returns null for statements that are not utilities. */
export function runUtility(
  stmt: Statement,
  ctx: ExecContext,
  session: SettingsHolder,
): StatementResult | null {
  if (stmt.kind === 'set') {
    const value = stmt.value.replace(/^'(.*)'$/, '$1');
    const name = stmt.name === 'timezone' ? 'TimeZone' : stmt.name;
    session.setSetting(name, value === 'default' ? (name === 'TimeZone' ? 'UTC' : '') : value);
    return { kind: 'command', tag: 'SET' };
  }
  if (stmt.kind === 'show') {
    const name = stmt.name.toLowerCase();
    const value = name === 'all' ? null : session.settings.get(name);
    if (value === undefined || value === null)
      throw new SqlError('42704', `unrecognized configuration parameter "${stmt.name}"`);
    return {
      kind: 'rows',
      columns: [
        {
          name: stmt.name,
          tableOid: 0,
          columnNumber: 0,
          typeOid: Oid.text,
          typeSize: -1,
          typmod: -1,
        },
      ],
      rows: [[value]],
      tag: 'SHOW',
    };
  }
  void ctx;
  return null;
}
