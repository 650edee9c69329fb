import { once } from 'node:events';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import t from 'tap';
import { MinidbServer } from '../src/server/minidb-server.js';
import { scriptedEngine } from './helpers/scripted-engine.js';

/**
 * node-postgres and pg-copy-streams on the protocol paths a SQL engine does not decide:
 * CancelRequest, COPY in both directions, statement timeout, a client vanishing mid-COPY.
 * Over the scripted engine (`wait` runs until cancelled, `copy in`/`copy out N`).
 */

async function start(t: { teardown(fn: () => unknown): void }, statementTimeoutMs = 0) {
  const engine = scriptedEngine();
  const server = new MinidbServer({ engine, port: 0, statementTimeoutMs, shutdownGraceMs: 1000 });
  await server.start();
  t.teardown(() => server.close());
  const config = { host: '127.0.0.1', port: server.port, user: 'postgres', database: 'postgres' };
  const connect = async () => {
    const client = new pg.Client(config);
    await client.connect();
    t.teardown(() => client.end().catch(() => {}));
    return client;
  };
  return { server, engine, config, connect };
}

t.test('cancel: the running query fails with 57014, the session goes on', async (t) => {
  const { config, connect } = await start(t);
  const client = await connect();
  const other = await connect();
  const query = new pg.Query('wait');
  const failed = once(query, 'error');
  client.query(query);
  t.same((await other.query('rows 2')).rowCount, 2, 'others are served while it runs');
  // Client#cancel (a CancelRequest on a new connection) is missing from @types/pg.
  const canceller = new pg.Client(config) as unknown as {
    cancel(client: pg.Client, query: pg.Query): void;
  };
  canceller.cancel(client, query);
  const [err] = (await failed) as [{ code: string; message: string }];
  t.equal(err.code, '57014');
  t.same((await client.query('rows 1')).rowCount, 1);
});

t.test('statement timeout', async (t) => {
  const { connect } = await start(t, 20);
  const client = await connect();
  const err = await client.query('wait').catch((e) => e);
  t.match(err, { code: '57014', message: 'canceling statement due to statement timeout' });
});

t.test('COPY FROM STDIN and TO STDOUT with pg-copy-streams', async (t) => {
  const { engine, connect } = await start(t);
  const client = await connect();
  const lines = Array.from({ length: 2000 }, (_, i) => `row ${i}\n`);
  // Chunks that split rows: the protocol passes CopyData through untouched.
  const chunks: string[] = [];
  const text = lines.join('');
  for (let i = 0; i < text.length; i += 777) chunks.push(text.slice(i, i + 777));
  const sink = client.query(copyFrom('copy in'));
  await pipeline(Readable.from(chunks), sink);
  t.equal(sink.rowCount, 2000);
  t.equal(engine.copied.rows.length, 2000);
  t.equal(engine.copied.rows[1999], 'row 1999');
  let out = '';
  const source = client.query(copyTo('copy out 500'));
  await pipeline(
    source,
    new Writable({
      write(chunk, _encoding, done) {
        out += chunk;
        done();
      },
    }),
  );
  t.equal(out.split('\n').length, 501);
  t.equal(out.slice(0, 4), '0\n1\n');
  t.same((await client.query('rows 1')).rowCount, 1, 'the session goes on');
});

t.test('a COPY aborted by the client applies nothing; a vanished one is aborted', async (t) => {
  const { engine, connect, config } = await start(t);
  const client = await connect();
  const sink = client.query(copyFrom('copy in'));
  const errors: string[] = [];
  sink.on('error', (err) => errors.push(err.message));
  sink.write('a\n');
  sink.destroy(new Error('changed my mind'));
  const [message] = await once(engine.events, 'abort');
  t.match(message, /changed my mind/);
  t.same((await client.query('rows 1')).rowCount, 1, 'the session goes on after CopyFail');
  t.match(errors, [/changed my mind/]);
  const gone = new pg.Client(config);
  gone.on('error', () => {});
  await gone.connect();
  gone
    .query(copyFrom('copy in'))
    .on('error', () => {})
    .write('half a row');
  const aborted = once(engine.events, 'abort');
  (gone as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
  t.match((await aborted)[0], /went away/);
});
