import pg from 'pg';
import type { SltClient } from './runner.js';

/** node-postgres over the wire, every value as the text the server sent (no type parsing). */
export async function pgSltClient(
  config: pg.ClientConfig,
): Promise<{ client: SltClient; close(): Promise<void> }> {
  const conn = new pg.Client({ ...config, types: { getTypeParser: () => (v: string) => v } });
  await conn.connect();
  return {
    client: {
      query: async (sql) => {
        const r = await conn.query({ text: sql, rowMode: 'array' });
        return (r.rows as (string | null)[][]).map((row) =>
          row.map((v) => (v === null ? null : String(v))),
        );
      },
      statement: async (sql) => {
        await conn.query(sql);
      },
    },
    close: () => conn.end(),
  };
}
