import t from 'tap';
import type { Session } from '../src/engine/api.js';
import { createEngine } from '../src/engine/index.js';

// Transactions in the engine: snapshots, write conflicts (40001), savepoints, the E state, DDL.

async function run(s: Session, sql: string): Promise<string[][]> {
  const out: string[][] = [];
  for await (const r of s.simpleQuery(sql)) {
    if (r.kind === 'rows')
      out.push(
        ...r.rows.map((row) =>
          row.map((v, k) => s.encode(r.columns[k].typeOid, 0, v)?.toString() ?? 'NULL'),
        ),
      );
  }
  return out;
}

async function code(s: Session, sql: string): Promise<string | null> {
  try {
    await run(s, sql);
    return null;
  } catch (e) {
    return (e as { fields?: { code: string } }).fields?.code ?? String(e);
  }
}

function sessions() {
  const engine = createEngine({ inMemory: true });
  const open = () => engine.openSession({ user: 'postgres', database: 'postgres' });
  return { a: open(), b: open() };
}

t.test('snapshot isolation between sessions', async (t) => {
  const { a, b } = sessions();
  await run(a, 'CREATE TABLE acc (id integer PRIMARY KEY, bal integer NOT NULL)');
  await run(a, 'INSERT INTO acc VALUES (1, 100), (2, 100)');
  await run(a, 'BEGIN');
  await run(a, 'UPDATE acc SET bal = bal - 10 WHERE id = 1');
  t.same(
    await run(b, 'SELECT bal FROM acc WHERE id = 1'),
    [['100']],
    'uncommitted change invisible',
  );
  await run(b, 'BEGIN');
  t.same(await run(b, 'SELECT sum(bal) FROM acc'), [['200']]);
  await run(a, 'COMMIT');
  t.same(await run(b, 'SELECT sum(bal) FROM acc'), [['200']], 'the snapshot does not move');
  t.equal(
    await code(b, 'UPDATE acc SET bal = 0 WHERE id = 1'),
    '40001',
    'a lost update is refused',
  );
  t.equal(b.transactionStatus, 'E');
  t.equal(await code(b, 'SELECT 1'), '25P02');
  await run(b, 'ROLLBACK');
  t.equal(b.transactionStatus, 'I');
  t.same(await run(b, 'SELECT bal FROM acc ORDER BY id'), [['90'], ['100']]);
});

t.test('savepoints, constraint errors and transactional DDL', async (t) => {
  const { a } = sessions();
  await run(a, "CREATE TABLE u (k integer UNIQUE, v text DEFAULT 'd' CHECK (v <> 'bad'))");
  await run(a, 'BEGIN');
  await run(a, 'INSERT INTO u (k) VALUES (1)');
  await run(a, 'SAVEPOINT s1');
  await run(a, "INSERT INTO u VALUES (2, 'x')");
  t.equal(await code(a, "INSERT INTO u VALUES (1, 'y')"), '23505');
  t.equal(a.transactionStatus, 'E');
  await run(a, 'ROLLBACK TO SAVEPOINT s1');
  t.equal(a.transactionStatus, 'T');
  t.equal(await code(a, "INSERT INTO u VALUES (3, 'bad')"), '23514');
  await run(a, 'ROLLBACK TO s1');
  await run(a, 'CREATE TABLE gone (x integer)');
  await run(a, 'COMMIT');
  t.same(
    await run(a, 'SELECT k, v FROM u ORDER BY k'),
    [['1', 'd']],
    'only work before the savepoint survives',
  );
  t.same(await run(a, 'SELECT count(*) FROM gone'), [['0']]);
  await run(a, 'BEGIN');
  await run(a, 'DROP TABLE gone');
  await run(a, 'ROLLBACK');
  t.same(await run(a, 'SELECT count(*) FROM gone'), [['0']], 'a rolled back DROP keeps the table');
  t.equal(await code(a, 'INSERT INTO u (k, v) VALUES (NULL, NULL)'), null);
  t.equal(await code(a, 'SELECT nosuch FROM u'), '42703');
  t.equal(await code(a, 'SELECT * FROM nosuch'), '42P01');
});

t.test('several statements in one query are one implicit transaction', async (t) => {
  const { a, b } = sessions();
  await run(a, 'CREATE TABLE m (x integer)');
  t.equal(await code(a, 'INSERT INTO m VALUES (1); INSERT INTO m VALUES (1/0)'), '22012');
  t.same(await run(b, 'SELECT count(*) FROM m'), [['0']], 'the first insert was rolled back too');
  t.equal(a.transactionStatus, 'I');
});

t.test('serial, RETURNING, ON CONFLICT, UPDATE FROM, DELETE USING', async (t) => {
  const { a } = sessions();
  await run(a, 'CREATE TABLE s (id serial PRIMARY KEY, name text UNIQUE, n integer DEFAULT 0)');
  t.same(await run(a, "INSERT INTO s (name) VALUES ('a'), ('b') RETURNING id, name"), [
    ['1', 'a'],
    ['2', 'b'],
  ]);
  await run(
    a,
    "INSERT INTO s (name, n) VALUES ('a', 5) ON CONFLICT (name) DO UPDATE SET n = s.n + EXCLUDED.n",
  );
  await run(a, "INSERT INTO s (name) VALUES ('b') ON CONFLICT DO NOTHING");
  t.same(await run(a, 'SELECT id, name, n FROM s ORDER BY id'), [
    ['1', 'a', '5'],
    ['2', 'b', '0'],
  ]);
  await run(a, 'CREATE TABLE w (name text, add integer)');
  await run(a, "INSERT INTO w VALUES ('b', 7)");
  await run(a, 'UPDATE s SET n = s.n + w.add FROM w WHERE w.name = s.name');
  await run(a, 'DELETE FROM s USING w WHERE s.name <> w.name');
  t.same(await run(a, 'SELECT name, n FROM s'), [['b', '7']]);
  // The two conflicting inserts consumed 3 and 4, as in PostgreSQL.
  t.same(await run(a, "SELECT nextval('s_id_seq')"), [['5']]);
});
