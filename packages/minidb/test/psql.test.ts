import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { requireTool, tempDir } from '@strata/common/testing';
import t from 'tap';
import type { MinidbServer } from '../src/server/minidb-server.js';
import { psqlArgs, runPsql } from './helpers/psql.js';
import { startMinidb } from './helpers/server.js';

/** Debian's psql 15 against minidb: -c, -f with ON_ERROR_STOP, and an interactive session. */

const exec = promisify(execFile);

const psql = (path: string, server: MinidbServer, ...args: string[]) =>
  runPsql(path, psqlArgs(server, ...args));

t.test('psql -c', async (t) => {
  const path = requireTool(t, 'psql');
  if (!path) return;
  const server = await startMinidb(t);
  const create = await psql(path, server, '-c', 'create table t (id int primary key, name text)');
  t.equal(create.stdout, 'CREATE TABLE\n');
  await psql(path, server, '-c', "insert into t values (1, 'one'), (2, 'two')");
  const table = await psql(path, server, '-c', 'select * from t order by id');
  t.equal(
    table.stdout,
    [' id | name ', '----+------', '  1 | one', '  2 | two', '(2 rows)', '', ''].join('\n'),
  );
  const unaligned = await psql(path, server, '-At', '-c', 'select name from t where id = 2');
  t.equal(unaligned.stdout, 'two\n');
  const error = await psql(path, server, '-c', 'select * from nowhere');
  t.equal(error.code, 1);
  t.match(
    error.stderr,
    /ERROR: {2}relation "nowhere" does not exist\nLINE 1: select \* from nowhere\n {22}\^/,
  );
});

t.test('psql -f with ON_ERROR_STOP stops at the first error', async (t) => {
  const path = requireTool(t, 'psql');
  if (!path) return;
  const server = await startMinidb(t);
  const dir = tempDir(t);
  const script = join(dir, 'script.sql');
  writeFileSync(
    script,
    [
      'create table s (n int);',
      'insert into s values (1);',
      'begin;',
      'insert into s values (2);',
      'commit;',
      'select 1 +;',
      'insert into s values (3);',
      '',
    ].join('\n'),
  );
  const stopped = await psql(path, server, '-v', 'ON_ERROR_STOP=1', '-f', script);
  t.equal(stopped.code, 3, 'psql exits 3 when a script stops on an error');
  t.match(stopped.stderr, /script\.sql:6: ERROR: {2}syntax error at or near ";"/);
  const rows = await psql(path, server, '-At', '-c', 'select n from s order by n');
  t.equal(rows.stdout, '1\n2\n', 'the statement after the error did not run');
  const going = await psql(path, server, '-f', script);
  t.equal(going.code, 0, 'without ON_ERROR_STOP it goes on');
});

t.test('an interactive psql in tmux: prompt without a version warning, a query, \\q', async (t) => {
  const path = requireTool(t, 'psql');
  const tmux = requireTool(t, 'tmux');
  if (!path || !tmux) return;
  const server = await startMinidb(t);
  const socket = `minidb-psql-${process.pid}`;
  const run = (...args: string[]) => exec(tmux, ['-L', socket, ...args]).then((r) => r.stdout);
  const command = [path, ...psqlArgs(server)].map((a) => `'${a}'`).join(' ');
  await run('new-session', '-d', '-x', '120', '-y', '30', `env TERM=xterm PAGER=cat ${command}`);
  t.teardown(() => exec(tmux, ['-L', socket, 'kill-server']).catch(() => {}));
  /** Polls the pane until `pattern` shows (an event on a terminal has no other signal). */
  const waitFor = async (pattern: RegExp) => {
    let screen = '';
    for (let i = 0; i < 200; i++) {
      screen = await run('capture-pane', '-p').catch(() => '<no session>');
      if (pattern.test(screen)) return screen;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`psql never showed ${pattern}:\n${screen}`);
  };
  const banner = await waitFor(/postgres=# *$/m);
  t.match(banner, /^psql \(15\.\d+[^,]*, server 15\.\d+\)/m);
  t.notMatch(banner, /WARNING/, 'no version warning');
  // tmux takes an argument ending in ';' as a command separator unless escaped.
  await run('send-keys', '-l', 'select 6 * 7 as answer\\;');
  await run('send-keys', 'Enter');
  const answer = await waitFor(/\(1 row\)/);
  t.match(answer, / answer *\n-+\n +42\n\(1 row\)/);
  await run('send-keys', '-l', '\\q');
  await run('send-keys', 'Enter');
  await waitFor(/<no session>/);
});
