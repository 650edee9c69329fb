import pg from 'pg';
import t from 'tap';
import { pgConfig, startMinidb } from './helpers/server.js';

/** node-postgres against the real engine: queries, prepared statements, binary, a Pool. */

type Client = InstanceType<typeof pg.Client>;

async function connected(
  t: { teardown(fn: () => unknown): void },
  port: Parameters<typeof pgConfig>[0],
) {
  const client = new pg.Client(pgConfig(port));
  await client.connect();
  t.teardown(() => client.end().catch(() => {}));
  return client;
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'no error',
    (err: { code?: string }) => err.code ?? String(err),
  );

t.test('simple and parameterised queries', async (t) => {
  const server = await startMinidb(t);
  const client = await connected(t, server);
  await client.query('create table t (id int primary key, name text, score bigint, ok boolean)');
  const inserted = await client.query(
    "insert into t values (1, 'ann', 10, true), (2, 'bob', null, false)",
  );
  t.equal(inserted.command, 'INSERT');
  t.equal(inserted.rowCount, 2);
  const all = await client.query('select id, name, score, ok from t order by id');
  t.same(all.rows, [
    { id: 1, name: 'ann', score: '10', ok: true },
    { id: 2, name: 'bob', score: null, ok: false },
  ]);
  t.same(
    all.fields.map((f) => [f.name, f.dataTypeID]),
    [
      ['id', 23],
      ['name', 25],
      ['score', 20],
      ['ok', 16],
    ],
    'type OIDs in RowDescription',
  );
  const param = await client.query('select name from t where id = $1 and ok = $2', [1, true]);
  t.same(param.rows, [{ name: 'ann' }]);
  const typed = await client.query('select $1::int + 1 as n, $2::text as s, $3::text as z', [
    41,
    'héllo',
    null,
  ]);
  t.same(typed.rows, [{ n: 42, s: 'héllo', z: null }]);
  const updated = await client.query('update t set score = $1 where id = $2', ['7', 2]);
  t.equal(updated.rowCount, 1);
  const multi = await client.query("select 1 as a; select 'x' as b");
  t.same(
    (multi as unknown as Array<{ rows: unknown[] }>).map((r) => r.rows),
    [[{ a: 1 }], [{ b: 'x' }]],
    'several statements in one simple query',
  );
});

t.test('named prepared statements and binary results', async (t) => {
  const server = await startMinidb(t);
  const client = await connected(t, server);
  await client.query('create table p (id int primary key, v text)');
  for (let i = 1; i <= 5; i++) {
    await client.query({
      name: 'ins',
      text: 'insert into p values ($1, $2)',
      values: [i, `v${i}`],
    });
  }
  const byId = { name: 'get', text: 'select v from p where id = $1' };
  t.same((await client.query({ ...byId, values: [3] })).rows, [{ v: 'v3' }]);
  t.same((await client.query({ ...byId, values: [5] })).rows, [{ v: 'v5' }], 'reused');
  const binary = await client.query({
    text: 'select 7::int4 as a, 8::int8 as b, true as c, $1::text as d',
    values: ['bin'],
    binary: true,
  } as pg.QueryConfig);
  t.same(binary.rows, [{ a: 7, b: '8', c: true, d: 'bin' }]);
  t.same(
    binary.fields.map((f) => f.format),
    ['binary', 'binary', 'binary', 'binary'],
  );
});

t.test('errors keep the session usable; an aborted transaction needs ROLLBACK', async (t) => {
  const server = await startMinidb(t);
  const client = await connected(t, server);
  const syntax = await client.query('select * form x').catch((err) => err);
  t.match(syntax, { code: '42601', position: '10' }, 'position of the offending token');
  t.equal(await codeOf(client.query('select 1/0')), '22012');
  t.equal(await codeOf(client.query('select * from missing')), '42P01');
  t.equal(await codeOf(client.query('select $1::int', ['x'])), '22P02', 'bad parameter');
  t.same((await client.query('select 1 as one')).rows, [{ one: 1 }]);
  await client.query('begin');
  t.equal(await codeOf(client.query('select 1/0')), '22012');
  t.equal(await codeOf(client.query('select 1')), '25P02');
  await client.query('rollback');
  t.same((await client.query('select 2 as two')).rows, [{ two: 2 }]);
  await client.query('create table u (id int primary key)');
  await client.query('insert into u values (1)');
  const duplicate = await client.query('insert into u values (1)').catch((err) => err);
  t.match(duplicate, { code: '23505', severity: 'ERROR' });
});

t.test('a Pool of 20 clients moving money concurrently keeps the total', async (t) => {
  const server = await startMinidb(t);
  const pool = new pg.Pool({ ...pgConfig(server), max: 20 });
  t.teardown(() => pool.end());
  const accounts = 10;
  await pool.query('create table accounts (id int primary key, balance int not null)');
  await pool.query(
    `insert into accounts values ${Array.from({ length: accounts }, (_, i) => `(${i}, 1000)`).join(',')}`,
  );
  const expected = new Array<number>(accounts).fill(1000);
  let retries = 0;
  const transfer = async (client: pg.PoolClient, from: number, to: number, amount: number) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query('begin');
        await client.query('update accounts set balance = balance - $1 where id = $2', [
          amount,
          from,
        ]);
        await client.query('update accounts set balance = balance + $1 where id = $2', [
          amount,
          to,
        ]);
        await client.query('commit');
        expected[from]! -= amount;
        expected[to]! += amount;
        return;
      } catch (err) {
        await client.query('rollback');
        const code = (err as { code?: string }).code;
        if (code !== '40001' && code !== '40P01') throw err;
        retries++;
        // Randomised backoff, as any client retrying 40001 does: without it, workers that
        // abort each other in lockstep can go on doing so.
        await new Promise((resolve) =>
          setTimeout(resolve, Math.random() * 5 * Math.min(attempt, 4)),
        );
      }
    }
  };
  await Promise.all(
    Array.from({ length: 20 }, async (_, worker) => {
      const client = await pool.connect();
      try {
        for (let i = 0; i < 10; i++) {
          const from = (worker + i) % accounts;
          await transfer(client, from, (from + 1 + (i % (accounts - 1))) % accounts, worker + 1);
        }
      } finally {
        client.release();
      }
    }),
  );
  const rows = (await pool.query('select id, balance from accounts order by id')).rows;
  t.same(
    rows.map((r) => r.balance),
    expected,
    `every committed transfer applied exactly once (${retries} retried)`,
  );
  t.same((await pool.query('select sum(balance)::int as total from accounts')).rows, [
    { total: accounts * 1000 },
  ]);
});

t.test('pipelined queries from many clients at once', async (t) => {
  const server = await startMinidb(t);
  const clients: Client[] = [];
  for (let i = 0; i < 8; i++) clients.push(await connected(t, server));
  // node-postgres queues; each client has several extended queries in flight at once.
  const results = await Promise.all(
    clients.flatMap((client, c) =>
      Array.from({ length: 25 }, (_, q) =>
        client.query('select $1::int * 2 as v', [c * 100 + q]).then((r) => r.rows[0].v),
      ),
    ),
  );
  t.same(
    results,
    clients.flatMap((_, c) => Array.from({ length: 25 }, (_, q) => (c * 100 + q) * 2)),
  );
});
