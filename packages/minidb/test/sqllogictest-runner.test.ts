import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { formatValue, parseSlt, runSltFile, type SltClient } from './sqllogictest/runner.js';

// The runner itself: skipif/onlyif, formatting, sorting and hashing, and that it reports failures.

const FILE = `hash-threshold 2

statement ok
CREATE TABLE t(a INTEGER)

skipif postgresql
statement ok
NOT FOR US

onlyif mysql
query I nosort
SELECT 1
----
2

onlyif postgresql
query I rowsort
SELECT a FROM t
----
1
2

query IT valuesort
SELECT a, b FROM t
----
0
1
x
z

query I nosort
SELECT a FROM t
----
3 values hashing to 6d39f6c1d5bd0b6bb1f9ad7ac7c2e3b9
`;

function fakeClient(rows: (string | null)[][]): SltClient {
  return { query: async () => rows, statement: async () => {} };
}

t.test('parse applies skipif and onlyif for postgresql', async (t) => {
  const { records, skipped } = parseSlt(FILE);
  t.equal(skipped, 2);
  t.same(
    records.map((r) => r.kind),
    ['statement', 'query', 'query', 'query'],
  );
  t.equal(records[1].sort, 'rowsort');
});

t.test('values are formatted as the reference runner does', async (t) => {
  t.equal(formatValue(null, 'I'), 'NULL');
  t.equal(formatValue('', 'T'), '(empty)');
  t.equal(formatValue('1.23456', 'R'), '1.235');
  t.equal(formatValue('-7', 'I'), '-7');
});

t.test('mismatches are reported, matches pass', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'slt-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'x.test');
  writeFileSync(path, FILE);
  const bad = await runSltFile(path, fakeClient([['9']]));
  t.equal(bad.total, 4);
  t.ok(bad.failures.length >= 3, 'wrong rows fail the queries');
  const line = parseSlt(FILE).records[1].line;
  t.ok(
    bad.failures.some((f) => f.line === line),
    'the rowsort query fails on wrong rows',
  );
  const rowsort = await runSltFile(path, fakeClient([['2'], ['1']]));
  t.notOk(
    rowsort.failures.some((f) => f.line === line),
    'rowsort sorts before comparing',
  );
});
