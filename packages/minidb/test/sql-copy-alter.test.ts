import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { requireTool, tempDir } from '@strata/common/testing';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import t from 'tap';
import { MemoryTable } from '../src/storage/memory/table.js';
import { psqlArgs, runPsql } from './helpers/psql.js';
import { pgConfig, startMinidb } from './helpers/server.js';

// COPY in text and CSV through pg-copy-streams, ALTER TABLE, and equality lookups by index.

async function connect(t: { teardown(fn: () => unknown): void }) {
  const server = await startMinidb(t);
  const client = new pg.Client(pgConfig(server));
  await client.connect();
  t.teardown(() => client.end());
  return client;
}

async function copyOut(client: pg.Client, sql: string): Promise<string> {
  let out = '';
  await pipeline(
    client.query(copyTo(sql)),
    new Writable({
      write(chunk, _encoding, done) {
        out += chunk;
        done();
      },
    }),
  );
  return out;
}

async function copyIn(client: pg.Client, sql: string, chunks: string[]): Promise<number> {
  const sink = client.query(copyFrom(sql));
  await pipeline(Readable.from(chunks), sink);
  return sink.rowCount;
}

t.test(
  'COPY FROM STDIN text format: escapes, NULL, split chunks; TO STDOUT round trip',
  async (t) => {
    const client = await connect(t);
    await client.query('create table t (id int primary key, s text, n numeric(6,2), d date)');
    const data =
      '1\ta\\tb\\nc\\\\\t1.5\t2024-01-02\n2\t\\N\t\\N\t\\N\n3\t\\x41\\101z\t-3\t2000-02-29\n\\.\n';
    const chunks = [data.slice(0, 7), data.slice(7, 20), data.slice(20)];
    t.equal(await copyIn(client, 'copy t from stdin', chunks), 3);
    const rows = (await client.query('select id, s, n::text as n, d::text as d from t order by id'))
      .rows;
    t.same(rows, [
      { id: 1, s: 'a\tb\nc\\', n: '1.50', d: '2024-01-02' },
      { id: 2, s: null, n: null, d: null },
      { id: 3, s: 'AAz', n: '-3.00', d: '2000-02-29' },
    ]);
    t.equal(
      await copyOut(client, 'copy t to stdout'),
      '1\ta\\tb\\nc\\\\\t1.50\t2024-01-02\n2\t\\N\t\\N\t\\N\n3\tAAz\t-3.00\t2000-02-29\n',
    );
    t.equal(
      await copyOut(
        client,
        "copy (select id, s from t where id < 3 order by id) to stdout with (format csv, header, null 'NULL')",
      ),
      'id,s\n1,"a\tb\nc\\"\n2,NULL\n',
    );
  },
);

t.test('COPY CSV: HEADER, DELIMITER, QUOTE, quoted newlines, empty string vs NULL', async (t) => {
  const client = await connect(t);
  await client.query('create table c (a int, b text, c text)');
  const csv = 'a;b;c\n1;"x;y";\n2;"";"two\nlines"\n3;\'q\';"say ""hi"""\n';
  t.equal(
    await copyIn(
      client,
      "copy c (a, b, c) from stdin with (format csv, header true, delimiter ';')",
      [csv],
    ),
    3,
  );
  const rows = (await client.query('select a, b, c from c order by a')).rows;
  t.same(rows, [
    { a: 1, b: 'x;y', c: null },
    { a: 2, b: '', c: 'two\nlines' },
    { a: 3, b: "'q'", c: 'say "hi"' },
  ]);
  t.equal(await copyIn(client, "copy c from stdin csv quote '''' ", ["4,'it''s',\n"]), 1);
  t.equal((await client.query('select b from c where a = 4')).rows[0].b, "it's");
});

t.test('a failing COPY applies nothing: bad value, wrong column count, CopyFail', async (t) => {
  const client = await connect(t);
  await client.query('create table k (id int primary key, v text)');
  await t.rejects(copyIn(client, 'copy k from stdin', ['1\ta\n2\tb\nx\tc\n']), { code: '22P02' });
  await t.rejects(copyIn(client, 'copy k from stdin', ['1\ta\n2\n']), { code: '22P04' });
  await t.rejects(copyIn(client, 'copy k from stdin', ['1\ta\n1\tb\n']), { code: '23505' });
  const sink = client.query(copyFrom('copy k from stdin'));
  const failed = new Promise((resolve) => sink.on('error', resolve));
  sink.write('1\ta\n');
  sink.destroy(new Error('client gave up'));
  t.match(await failed, { message: /client gave up/ });
  t.equal((await client.query('select count(*)::int as n from k')).rows[0].n, 0);
  await client.query('begin');
  t.equal(await copyIn(client, 'copy k from stdin', ['5\te\n']), 1);
  await client.query('rollback');
  t.equal((await client.query('select count(*)::int as n from k')).rows[0].n, 0);
});

t.test('ALTER TABLE: keys, foreign keys, columns, renames, transactional', async (t) => {
  const client = await connect(t);
  await client.query('create table p (id int not null, v int)');
  await client.query('insert into p values (1, 10), (2, 20), (2, 30)');
  await t.rejects(client.query('alter table p add primary key (id)'), { code: '23505' });
  await client.query('delete from p where v = 30');
  await client.query('alter table p add primary key (id)');
  await t.rejects(client.query('insert into p values (1, 0)'), {
    code: '23505',
    constraint: 'p_pkey',
  });
  await t.rejects(client.query('alter table p add primary key (v)'), { code: '42P16' });
  await client.query('alter table p add constraint p_v_key unique (v)');
  await t.rejects(client.query('insert into p values (3, 10)'), { code: '23505' });
  await client.query('create table ch (pid int)');
  await client.query('alter table ch add constraint ch_fk foreign key (pid) references p (id)');
  await t.rejects(client.query('insert into ch values (9)'), { code: '23503' });
  await client.query("alter table p add column w text default 'x'");
  t.same((await client.query('select id, w from p order by id')).rows, [
    { id: 1, w: 'x' },
    { id: 2, w: 'x' },
  ]);
  await client.query('alter table p rename column w to label');
  await client.query('alter table p rename to q');
  t.equal((await client.query('select count(label)::int as n from q')).rows[0].n, 2);
  await client.query('begin');
  await client.query('alter table q add column z int');
  await client.query('rollback');
  await t.rejects(client.query('select z from q'), { code: '42703' });
  await t.rejects(client.query('alter table q drop column label'), { code: '0A000' });
  await t.rejects(client.query('alter table nope add column a int'), { code: '42P01' });
  await client.query('create table ts (at timestamp, d date)');
  await client.query('insert into ts values (now(), now())');
  t.same((await client.query('select at::date = d as same from ts')).rows, [{ same: true }]);
});

t.test('WHERE key = $1 on a primary key reads through the index, not a scan', async (t) => {
  const client = await connect(t);
  await client.query('create table acc (aid int primary key, bal int)');
  await client
    .query('insert into acc select g, g * 2 from generate_series(1, 500) g')
    .catch(async () => {
      const values = Array.from({ length: 500 }, (_, i) => `(${i + 1}, ${(i + 1) * 2})`).join(',');
      await client.query(`insert into acc values ${values}`);
    });
  const scan = MemoryTable.prototype.scan;
  let scans = 0;
  MemoryTable.prototype.scan = function (this: MemoryTable, ...args) {
    scans++;
    return scan.apply(this, args);
  };
  t.teardown(() => {
    MemoryTable.prototype.scan = scan;
  });
  t.same((await client.query('select bal from acc where aid = $1', [77])).rows, [{ bal: 154 }]);
  t.same((await client.query('select bal from acc where aid = 500 and bal > 0')).rows, [
    { bal: 1000 },
  ]);
  await client.query('update acc set bal = bal + 1 where aid = $1', [5]);
  t.same((await client.query('select bal from acc where aid = 5')).rows, [{ bal: 11 }]);
  t.same((await client.query('select bal from acc where aid = $1', [null])).rows, []);
  t.equal(scans, 0, 'no table scan for key equality');
  t.same((await client.query('select count(*)::int as n from acc where bal = 154')).rows, [
    { n: 1 },
  ]);
  t.ok(scans > 0, 'a non-key predicate scans');
});

t.test('psql \\copy from a CSV file with a header and back to a file', async (t) => {
  const psql = requireTool(t, 'psql');
  if (!psql) return;
  const server = await startMinidb(t);
  const dir = tempDir(t);
  const input = join(dir, 'in.csv');
  const output = join(dir, 'out.csv');
  writeFileSync(input, 'id,name\n1,"Smith, J"\n2,\n3,"multi\nline"\n');
  const script = [
    'create table people (id int primary key, name text);',
    `\\copy people from '${input}' with (format csv, header)`,
    'select count(*) from people where name is null;',
    `\\copy (select * from people order by id) to '${output}' with (format csv, header)`,
  ].join('\n');
  const file = join(dir, 'script.sql');
  writeFileSync(file, `${script}\n`);
  const r = await runPsql(psql, psqlArgs(server, '-At', '-v', 'ON_ERROR_STOP=1', '-f', file));
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /COPY 3\n1\nCOPY 3/);
  t.equal(readFileSync(output, 'utf8'), 'id,name\n1,"Smith, J"\n2,\n3,"multi\nline"\n');
});
