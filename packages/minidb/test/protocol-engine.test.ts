import t from 'tap';
import { RawPg, errorFields, frontend, typesOf } from './helpers/raw.js';
import { startMinidb } from './helpers/server.js';

const { query } = frontend;
const types = typesOf;

/** What the protocol reports of the real engine: startup settings, SET, errors, status. */

const statusOf = (messages: Array<{ type: string; body: Buffer }>) =>
  Object.fromEntries(
    messages
      .filter((m) => m.type === 'S')
      .map((m) => m.body.toString('utf8').split('\0').slice(0, 2) as [string, string]),
  );

t.test('ParameterStatus at startup and after SET', async (t) => {
  const server = await startMinidb(t);
  const client = await RawPg.connect(server.port);
  t.teardown(() => client.close());
  const { startupMessage } = await import('./helpers/raw.js');
  client.write(
    startupMessage({ user: 'alice', database: 'postgres', application_name: 'raw-test' }),
  );
  const status = statusOf(await client.until('Z'));
  for (const name of [
    'server_version',
    'server_encoding',
    'client_encoding',
    'DateStyle',
    'IntervalStyle',
    'integer_datetimes',
    'standard_conforming_strings',
    'is_superuser',
    'session_authorization',
    'TimeZone',
    'application_name',
  ]) {
    t.ok(name in status, `${name} reported`);
  }
  t.match(status.server_version, /^15\./);
  t.equal(status.application_name, 'raw-test');
  t.equal(status.session_authorization, 'alice');
  client.write(query("set application_name = 'renamed'"));
  const set = await client.until('Z');
  t.equal(statusOf(set).application_name, 'renamed', 'ParameterStatus after SET');
  t.match(types(set), /^CS+Z$/);
});

t.test(
  'syntax errors point at the token; the transaction status follows the session',
  async (t) => {
    const server = await startMinidb(t);
    const client = await RawPg.session(server.port);
    t.teardown(() => client.close());
    // As in PostgreSQL, `fromm` is a column alias and the error is at `t`.
    client.write(query('select 1 fromm t'));
    const [error] = await client.until('Z');
    t.match(errorFields(error!.body), {
      S: 'ERROR',
      C: '42601',
      P: '16',
      M: 'syntax error at or near "t"',
    });
    const status = async (sql: string) => {
      client.write(query(sql));
      return (await client.until('Z')).at(-1)!.body.toString();
    };
    t.equal(await status('begin'), 'T');
    t.equal(await status('select 1/0'), 'E');
    t.equal(await status('rollback'), 'I');
    client.write(
      query('create table t (a int); insert into t values (1), (2); select a from t order by a'),
    );
    const tags = (await client.until('Z'))
      .filter((m) => m.type === 'C')
      .map((m) => m.body.toString());
    t.same(tags, ['CREATE TABLE\0', 'INSERT 0 2\0', 'SELECT 2\0']);
  },
);
