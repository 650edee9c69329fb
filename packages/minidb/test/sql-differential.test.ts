import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { toolsRequired } from '@strata/common/testing';
import pg from 'pg';
import t from 'tap';
import { createEngine } from '../src/engine/index.js';
import { MinidbServer } from '../src/server/minidb-server.js';
import { QueryGenerator, rng, SCHEMA, seedData } from './sql/generator.js';
import { PG_BIN, startReferencePostgres } from './sql/reference-postgres.js';

// Seeded generated queries against PostgreSQL 15 and minidb: same rows, same SQLSTATE (issue 11).
const SEED = Number(process.env.MINIDB_DIFF_SEED ?? 20261208);
const QUERIES = Number(process.env.MINIDB_DIFF_QUERIES ?? 2000);

type Outcome = { rows: (string | null)[][] } | { error: string };

async function outcome(client: pg.Client, sql: string): Promise<Outcome> {
  try {
    const r = await client.query({ text: sql, rowMode: 'array' });
    return { rows: r.rows as (string | null)[][] };
  } catch (e) {
    return { error: (e as { code?: string }).code ?? String(e) };
  }
}

function connect(port: number, database: string): pg.Client {
  return new pg.Client({
    host: '127.0.0.1',
    port,
    user: 'postgres',
    database,
    types: { getTypeParser: () => (v: string) => v },
  });
}

t.test('generated queries match PostgreSQL', async (t) => {
  if (!existsSync(join(PG_BIN, 'postgres'))) {
    const msg = `${PG_BIN}/postgres is not installed (apt-get install postgresql-15)`;
    if (toolsRequired()) t.fail(msg);
    else t.skip(msg as never);
    return;
  }
  const ref = await startReferencePostgres();
  const server = new MinidbServer({ engine: createEngine({ inMemory: true }), port: 0 });
  await server.start();
  const theirs = connect(ref.port, 'postgres');
  const ours = connect(server.port, 'postgres');
  t.teardown(async () => {
    await Promise.allSettled([theirs.end(), ours.end()]);
    await server.close();
    await ref.stop();
  });
  await theirs.connect();
  await ours.connect();
  const random = rng(SEED);
  for (const sql of [...SCHEMA, ...seedData(random)]) {
    await theirs.query(sql);
    await ours.query(sql);
  }
  const gen = new QueryGenerator(random);
  const mismatches: string[] = [];
  let errors = 0;
  for (let i = 0; i < QUERIES; i++) {
    const sql = gen.query();
    const want = await outcome(theirs, sql);
    const got = await outcome(ours, sql);
    if ('error' in want) errors++;
    if (JSON.stringify(want) !== JSON.stringify(got)) {
      mismatches.push(
        `${sql}\n  postgres: ${JSON.stringify(want).slice(0, 300)}\n  minidb:   ${JSON.stringify(got).slice(0, 300)}`,
      );
    }
  }
  for (const m of mismatches.slice(0, 15)) t.comment(m);
  t.comment(`seed ${SEED}: ${QUERIES} queries, ${errors} of them errors in PostgreSQL`);
  t.equal(mismatches.length, 0, `all ${QUERIES} generated queries agree (seed ${SEED})`);
  t.ok(errors > 0 && errors < QUERIES / 2, 'the generator exercises errors and results');
});
