import { once } from 'node:events';
import t from 'tap';
import { MinidbServer } from '../src/server/minidb-server.js';
import {
  RawPg,
  cstring,
  errorFields,
  int32,
  message,
  packet,
  startupMessage,
  frontend,
  typesOf,
} from './helpers/raw.js';
import { type ScriptedEngine, scriptedEngine } from './helpers/scripted-engine.js';

const { query, parse, bind, execute, describe, sync } = frontend;
const types = typesOf;

/**
 * The wire protocol on bare sockets over a scripted engine (test/helpers/scripted-engine.ts):
 * message order, error recovery, COPY, cancel, limits and malformed input, independent of SQL.
 */

async function start(
  t: { teardown(fn: () => unknown): void },
  options: Partial<ConstructorParameters<typeof MinidbServer>[0]> = {},
): Promise<{ server: MinidbServer; engine: ScriptedEngine }> {
  const engine = scriptedEngine();
  const server = new MinidbServer({ engine, port: 0, shutdownGraceMs: 1000, ...options });
  await server.start();
  t.teardown(() => server.close());
  return { server, engine };
}

t.test('SSLRequest and GSSENCRequest get N, then startup completes', async (t) => {
  const { server } = await start(t);
  const client = await RawPg.connect(server.port);
  t.teardown(() => client.close());
  client.write(packet(int32(80877103)));
  t.equal(await client.byte(), 0x4e);
  client.write(packet(int32(80877104)));
  t.equal(await client.byte(), 0x4e);
  // Byte by byte: framing must not depend on how the input is split.
  for (const byte of startupMessage({ user: 'u', database: 'd', application_name: 'raw' })) {
    client.write(Buffer.from([byte]));
  }
  const messages = await client.until('Z');
  t.equal(messages[0]!.type, 'R');
  t.equal(messages[0]!.body.readInt32BE(0), 0, 'AuthenticationOk');
  t.match(types(messages), /^RS+KZ$/);
  const status = messages.filter((m) => m.type === 'S').map((m) => m.body.toString());
  t.ok(status.some((s) => s.startsWith('server_version\0')));
  t.equal(messages.at(-1)!.body.toString(), 'I');
});

t.test(
  'a newer 3.x minor and _pq_ options get NegotiateProtocolVersion; 2.0 is refused',
  async (t) => {
    const { server } = await start(t);
    const client = await RawPg.connect(server.port);
    t.teardown(() => client.close());
    client.write(startupMessage({ user: 'u', _pq_x: 'y' }));
    const first = await client.next();
    t.equal(first?.type, 'R', 'an unknown non-_pq_ parameter is passed to the session');
    client.close();
    const newer = await RawPg.connect(server.port);
    t.teardown(() => newer.close());
    newer.write(
      packet(
        Buffer.concat([
          int32(196610),
          cstring('user'),
          cstring('u'),
          cstring('_pq_.x'),
          cstring('1'),
          Buffer.from([0]),
        ]),
      ),
    );
    const negotiate = await newer.next();
    t.equal(negotiate?.type, 'v');
    t.equal(negotiate!.body.readInt32BE(0), 0, 'newest minor we support');
    t.equal(negotiate!.body.readInt32BE(4), 1);
    t.equal(negotiate!.body.toString('utf8', 8, 14), '_pq_.x');
    await newer.until('Z');
    const old = await RawPg.connect(server.port);
    old.write(startupMessage({ user: 'u' }, 131072));
    const refused = await old.rest();
    t.equal(types(refused), 'E');
    t.match(errorFields(refused[0]!.body), { S: 'FATAL', C: '0A000' });
  },
);

t.test('simple query: several statements, empty query, errors with position', async (t) => {
  const { server } = await start(t);
  const client = await RawPg.session(server.port);
  t.teardown(() => client.close());
  client.write(query('rows 2; rows 1'));
  const messages = await client.until('Z');
  t.equal(types(messages), 'TDDCTDCZ');
  t.equal(messages[3]!.body.toString(), 'SELECT 2\0');
  client.write(query(''));
  t.equal(types(await client.until('Z')), 'IZ', 'EmptyQueryResponse');
  client.write(query('fail'));
  const failed = await client.until('Z');
  t.equal(types(failed), 'EZ');
  t.match(errorFields(failed[0]!.body), { S: 'ERROR', V: 'ERROR', C: '42601', P: '1' });
  client.write(query('notice'));
  t.equal(types(await client.until('Z')), 'NCZ', 'NoticeResponse before the tag');
});

t.test('ReadyForQuery carries the transaction status', async (t) => {
  const { server } = await start(t);
  const client = await RawPg.session(server.port);
  t.teardown(() => client.close());
  const status = async (sql: string) => {
    client.write(query(sql));
    return (await client.until('Z')).at(-1)!.body.toString();
  };
  t.equal(await status('begin'), 'T');
  t.equal(await status('fail'), 'E');
  t.equal(await status('rows 1'), 'E');
  t.equal(await status('commit'), 'I');
});

t.test('a pipelined extended batch: row limits, PortalSuspended, binary results', async (t) => {
  const { server } = await start(t);
  const client = await RawPg.session(server.port);
  t.teardown(() => client.close());
  client.write(
    Buffer.concat([
      parse('rows 3', 's1'),
      describe('S', 's1'),
      bind([], 1, 'p1', 's1'),
      describe('P', 'p1'),
      execute(2, 'p1'),
      execute(2, 'p1'),
      sync(),
      parse('echo $1', '', [23]),
      bind([Buffer.from('42')]),
      execute(),
      sync(),
    ]),
  );
  const first = await client.until('Z');
  t.equal(types(first), '1tT2TDDsDCZ');
  const rows = first.filter((m) => m.type === 'D');
  t.same(
    rows.map((m) => m.body.readInt32BE(6)),
    [0, 1, 2],
    'binary int4 values',
  );
  t.equal(
    first.find((m) => m.type === 'C')!.body.toString(),
    'SELECT 1\0',
    'rows of the last Execute',
  );
  const described = first.filter((m) => m.type === 'T')[1]!;
  t.equal(described.body.readInt16BE(described.body.length - 2), 1, 'Describe P reports binary');
  const second = await client.until('Z');
  t.equal(types(second), '12DCZ');
  t.equal(second[2]!.body.toString('utf8', 6), '42');
});

t.test('an error in an extended batch discards messages until Sync', async (t) => {
  const { server } = await start(t);
  const client = await RawPg.session(server.port);
  t.teardown(() => client.close());
  client.write(Buffer.concat([parse('bogus'), bind(), execute(), query('rows 1'), sync()]));
  const messages = await client.until('Z');
  t.equal(types(messages), 'EZ', 'Bind, Execute and Query skipped');
  t.match(errorFields(messages[0]!.body), { C: '42601' });
  client.write(Buffer.concat([parse('echo $1'), bind([Buffer.from('x')]), execute(), sync()]));
  const bad = await client.until('Z');
  t.equal(types(bad), '1EZ');
  t.match(errorFields(bad[1]!.body), { C: '22P02' });
  client.write(Buffer.concat([bind([], 0, '', 'nope'), sync()]));
  t.match(errorFields((await client.until('Z'))[0]!.body), { C: '26000' });
  client.write(Buffer.concat([parse('echo $1'), bind([]), sync()]));
  t.match(errorFields((await client.until('Z'))[1]!.body), { C: '08P01' }, 'wrong parameter count');
  client.write(Buffer.concat([message('B', Buffer.from([0, 0, 0])), sync()]));
  t.match(
    errorFields((await client.until('Z'))[0]!.body),
    { C: '08P01', S: 'ERROR' },
    'truncated Bind',
  );
  client.write(Buffer.concat([parse('rows 1'), bind(), execute(), sync()]));
  t.equal(types(await client.until('Z')), '12DCZ', 'the connection still works');
});

t.test('COPY FROM STDIN, CopyFail, and COPY TO STDOUT', async (t) => {
  const { server, engine } = await start(t);
  const client = await RawPg.session(server.port);
  t.teardown(() => client.close());
  client.write(query('copy in'));
  const response = await client.next();
  t.equal(response?.type, 'G');
  client.write(
    Buffer.concat([
      message('d', Buffer.from('a\nb')),
      message('H'),
      message('d', Buffer.from('\nc\n')),
      message('c'),
    ]),
  );
  const done = await client.until('Z');
  t.equal(types(done), 'CZ');
  t.equal(done[0]!.body.toString(), 'COPY 3\0');
  t.same(engine.copied.rows, ['a', 'b', 'c']);
  client.write(query('copy in'));
  await client.until('G');
  client.write(
    Buffer.concat([message('d', Buffer.from('x\n')), message('f', cstring('changed my mind'))]),
  );
  const failed = await client.until('Z');
  t.equal(types(failed), 'EZ');
  t.match(errorFields(failed[0]!.body), {
    C: '57014',
    M: 'COPY from stdin failed: changed my mind',
  });
  t.equal(engine.copied.aborted, 'changed my mind');
  client.write(query('copy in'));
  await client.until('G');
  client.write(message('Q', cstring('rows 1')));
  const violation = await client.until('Z');
  t.match(errorFields(violation[0]!.body), { C: '08P01' }, 'a Query inside COPY');
  client.write(query('copy out 3'));
  const out = await client.until('Z');
  t.equal(types(out), 'HdddcCZ');
  t.same([...out[0]!.body], [0, 0, 1, 0, 0]);
  t.equal(out[3]!.body.toString(), '2\n');
});

t.test('CancelRequest over a new connection cancels that backend only', async (t) => {
  const { server } = await start(t);
  const client = await RawPg.connect(server.port);
  const other = await RawPg.session(server.port);
  t.teardown(() => {
    client.close();
    other.close();
  });
  client.write(startupMessage({ user: 'u' }));
  const key = (await client.until('Z')).find((m) => m.type === 'K')!.body;
  client.write(query('wait'));
  const wrong = await RawPg.connect(server.port);
  wrong.write(
    packet(Buffer.concat([int32(80877102), key.subarray(0, 4), int32(key.readInt32BE(4) ^ 1)])),
  );
  t.same(await wrong.rest(), [], 'a wrong key is closed without a reply');
  other.write(query('rows 1'));
  t.equal(types(await other.until('Z')), 'TDCZ', 'another client is served meanwhile');
  const cancel = await RawPg.connect(server.port);
  cancel.write(packet(Buffer.concat([int32(80877102), key])));
  t.same(await cancel.rest(), []);
  const cancelled = await client.until('Z');
  t.equal(types(cancelled), 'EZ');
  t.match(errorFields(cancelled[0]!.body), { C: '57014' });
});

t.test('statement timeout', async (t) => {
  const { server } = await start(t, { statementTimeoutMs: 20 });
  const client = await RawPg.session(server.port);
  t.teardown(() => client.close());
  client.write(query('wait'));
  const messages = await client.until('Z');
  t.match(errorFields(messages[0]!.body), {
    C: '57014',
    M: 'canceling statement due to statement timeout',
  });
});

t.test('oversized, unknown and malformed messages: FATAL, others unaffected', async (t) => {
  const { server } = await start(t, { maxMessageSize: 1024 });
  const bystander = await RawPg.session(server.port);
  t.teardown(() => bystander.close());
  const cases: Array<[string, Buffer, string]> = [
    ['oversized', Buffer.concat([Buffer.from('Q'), int32(5000)]), '08P01'],
    ['unknown type', message('y'), '08P01'],
    ['length below 4', Buffer.concat([Buffer.from('Q'), int32(2)]), '08P01'],
    ['password message after startup', message('p', cstring('x')), '08P01'],
  ];
  for (const [name, bytes, code] of cases) {
    const client = await RawPg.session(server.port);
    client.write(bytes);
    const messages = await client.rest();
    t.equal(types(messages), 'E', name);
    t.match(errorFields(messages[0]!.body), { S: 'FATAL', C: code }, name);
  }
  const huge = await RawPg.connect(server.port);
  huge.write(packet(Buffer.concat([int32(196608), Buffer.alloc(900, 0x61)])));
  t.match(
    errorFields((await huge.rest())[0]!.body),
    { C: '08P01' },
    'startup packet without terminator',
  );
  bystander.write(query('rows 1'));
  t.equal(types(await bystander.until('Z')), 'TDCZ');
});

t.test('clients vanishing mid-query and mid-COPY release their sessions', async (t) => {
  const { server, engine } = await start(t);
  const bystander = await RawPg.session(server.port);
  t.teardown(() => bystander.close());
  const waiting = await RawPg.session(server.port);
  waiting.write(query('wait'));
  const closed = once(engine.events, 'close');
  waiting.close();
  await closed;
  const copying = await RawPg.session(server.port);
  copying.write(query('copy in'));
  await copying.until('G');
  copying.write(message('d', Buffer.from('half a ro')));
  const aborted = once(engine.events, 'abort');
  copying.close();
  t.match((await aborted)[0], /went away/);
  bystander.write(query('rows 1'));
  t.equal(types(await bystander.until('Z')), 'TDCZ');
  t.equal(server.sessionCount, 1);
});

t.test('max connections and Terminate', async (t) => {
  const { server } = await start(t, { maxConnections: 1 });
  const first = await RawPg.session(server.port);
  const second = await RawPg.connect(server.port);
  second.write(startupMessage({ user: 'u' }));
  const refused = await second.rest();
  t.match(errorFields(refused[0]!.body), { S: 'FATAL', C: '53300' });
  first.send('X');
  t.same(await first.rest(), [], 'Terminate closes');
  const third = await RawPg.session(server.port);
  t.teardown(() => third.close());
  t.pass('the slot is free again');
});

t.test('authentication timeout and oversized authentication messages', async (t) => {
  const { Credentials } = await import('../src/protocol/auth.js');
  const { server } = await start(t, {
    authenticationTimeoutMs: 30,
    credentials: Credentials.load({ method: 'scram-sha-256', password: 'pw' }),
  });
  const silent = await RawPg.connect(server.port);
  t.same(await silent.rest(), [], 'a client that never authenticates is closed');
  const slow = await RawPg.connect(server.port);
  slow.write(startupMessage({ user: 'u' }));
  t.equal((await slow.next())?.type, 'R', 'asked for a password');
  t.same(await slow.rest(), [], 'and closed when it does not answer in time');
  const { server: other } = await start(t, {
    credentials: Credentials.load({ method: 'password', password: 'pw' }),
  });
  const huge = await RawPg.connect(other.port);
  huge.write(startupMessage({ user: 'u' }));
  await huge.next();
  huge.write(message('p', Buffer.alloc(70_000, 0x61)));
  t.match(errorFields((await huge.rest())[0]!.body), { S: 'FATAL', C: '08P01' });
});
