import type { Session } from '../../src/engine/api.js';
import { createEngine } from '../../src/engine/index.js';
import type { SltClient } from './runner.js';

/** The engine in process, values as the text protocol would send them. */
export function engineClient(): { client: SltClient; close(): Promise<void> } {
  const engine = createEngine({ inMemory: true });
  const session: Session = engine.openSession({ user: 'postgres', database: 'postgresql' });
  const run = async (sql: string) => {
    const rows: (string | null)[][] = [];
    for await (const r of session.simpleQuery(sql)) {
      if (r.kind !== 'rows') continue;
      for (const row of r.rows)
        rows.push(
          row.map((v, k) => session.encode(r.columns[k].typeOid, 0, v)?.toString('utf8') ?? null),
        );
    }
    return rows;
  };
  return {
    client: { query: run, statement: async (sql) => void (await run(sql)) },
    close: () => engine.close(),
  };
}
