import { existsSync } from 'node:fs';
import { toolsRequired } from '@strata/common/testing';
import t from 'tap';
import { RawPg, errorFields, message, frontend } from './helpers/raw.js';
import { startMinidb } from './helpers/server.js';
import { PG_BIN, startReferencePostgres } from './sql/reference-postgres.js';

const { query, parse, bind, execute, describe, close } = frontend;
const sync = frontend.sync();

/**
 * The same raw message exchanges against a throw-away PostgreSQL 15 and minidb: the sequence of
 * backend messages, SQLSTATEs, CommandComplete tags, RowDescription names, type OIDs and
 * formats, DataRow values and ReadyForQuery statuses must be the same.
 */

/** A scenario: what to send, and how many ReadyForQuery end it. */
interface Scenario {
  name: string;
  send: Buffer[];
  readies: number;
  /** FATAL scenarios end with the connection closed instead. */
  fatal?: boolean;
}

const SCENARIOS: Scenario[] = [
  { name: 'simple query with two columns', send: [query('select 1 as a, 2 as b')], readies: 1 },
  { name: 'empty query', send: [query(''), query(';')], readies: 2 },
  { name: 'several statements', send: [query("select 1 as x; select 'y' as y")], readies: 1 },
  { name: 'division by zero', send: [query('select 1/0')], readies: 1 },
  {
    name: 'aborted transaction block',
    send: [query('begin; select 1/0'), query('select 1'), query('rollback')],
    readies: 3,
  },
  {
    name: 'DDL and DML tags',
    send: [
      query('create table pd1 (x int primary key, y text)'),
      query("insert into pd1 values (1, 'a'), (2, 'b'), (3, null)"),
      query("update pd1 set y = 'c' where x = 3"),
      query('delete from pd1 where x = 2'),
      query('select x, y from pd1 order by x'),
      query('drop table pd1'),
    ],
    readies: 6,
  },
  {
    name: 'extended: parameters, Describe S and P, binary results',
    send: [
      parse('select $1::int + 1 as n, $2::text as t', 's1'),
      describe('S', 's1'),
      bind(['41', null], 1, 'p1', 's1'),
      describe('P', 'p1'),
      execute(0, 'p1'),
      sync,
    ],
    readies: 1,
  },
  {
    name: 'extended: row limits and PortalSuspended',
    send: [
      query('create table pd2 (x int)'),
      query('insert into pd2 values (1), (2), (3), (4), (5)'),
      query('begin'),
      parse('select x from pd2 order by x'),
      bind([], 0, 'c'),
      execute(2, 'c'),
      execute(2, 'c'),
      execute(2, 'c'),
      execute(2, 'c'),
      sync,
      query('commit'),
      query('drop table pd2'),
    ],
    readies: 6,
  },
  {
    name: 'extended: an error discards messages until Sync',
    send: [
      parse('select * from no_such_table'),
      bind([]),
      execute(),
      query('select 1'),
      sync,
      query('select 2'),
    ],
    readies: 2,
  },
  {
    name: 'extended: statement and portal errors',
    send: [
      parse('select 1', 'dup'),
      sync,
      parse('select 2', 'dup'),
      sync,
      bind([], 0, '', 'missing'),
      sync,
      execute(0, 'nope'),
      sync,
      parse('select $1::int'),
      bind([]),
      sync,
      parse('select $1::int'),
      bind(['x']),
      sync,
      close('S', 'dup'),
      bind([], 0, '', 'dup'),
      sync,
    ],
    readies: 7,
  },
  {
    name: 'extended: Flush delivers before Sync',
    send: [parse('select 7 as seven'), bind([]), execute(), message('H'), sync],
    readies: 1,
  },
  { name: 'an unknown message type is FATAL', send: [message('y')], readies: 0, fatal: true },
];

interface Seen {
  type: string;
  detail: unknown;
}

/** What must be equal between the servers of one backend message. */
function describeMessage(type: string, body: Buffer): Seen {
  switch (type) {
    case 'E':
    case 'N': {
      const f = errorFields(body);
      return { type, detail: [f.S, f.C] };
    }
    case 'C':
      return { type, detail: body.toString('utf8', 0, body.length - 1) };
    case 'Z':
      return { type, detail: body.toString() };
    case 'T': {
      const columns: unknown[] = [];
      let pos = 2;
      for (let i = 0; i < body.readInt16BE(0); i++) {
        const end = body.indexOf(0, pos);
        const name = body.toString('utf8', pos, end);
        pos = end + 1;
        columns.push([name, body.readInt32BE(pos + 6), body.readInt16BE(pos + 16)]);
        pos += 18;
      }
      return { type, detail: columns };
    }
    case 'D': {
      const values: unknown[] = [];
      let pos = 2;
      for (let i = 0; i < body.readInt16BE(0); i++) {
        const length = body.readInt32BE(pos);
        pos += 4;
        values.push(length < 0 ? null : body.subarray(pos, pos + length).toString('hex'));
        pos += Math.max(length, 0);
      }
      return { type, detail: values };
    }
    case 't':
      return {
        type,
        detail: Array.from({ length: body.readInt16BE(0) }, (_, i) => body.readInt32BE(2 + i * 4)),
      };
    default:
      return { type, detail: null };
  }
}

async function run(port: number, scenario: Scenario): Promise<Seen[]> {
  const client = await RawPg.session(port);
  try {
    client.write(Buffer.concat(scenario.send));
    const seen: Seen[] = [];
    let readies = 0;
    while (scenario.fatal || readies < scenario.readies) {
      const msg = await client.next();
      if (!msg) break;
      // Settings reported differ in value between servers (versions, names); not compared.
      if (msg.type === 'S') continue;
      seen.push(describeMessage(msg.type, msg.body));
      if (msg.type === 'Z') readies++;
    }
    return seen;
  } finally {
    client.close();
  }
}

t.test('raw protocol exchanges match PostgreSQL 15', async (t) => {
  if (!existsSync(`${PG_BIN}/postgres`)) {
    const why = 'PostgreSQL 15 server binaries are not installed (apt-get install postgresql)';
    if (toolsRequired()) t.fail(why);
    else t.plan(0, why);
    return;
  }
  const reference = await startReferencePostgres();
  t.teardown(() => reference.stop());
  const server = await startMinidb(t);
  for (const scenario of SCENARIOS) {
    const expected = await run(reference.port, scenario);
    const actual = await run(server.port, scenario);
    const ends = expected.filter((m) => m.type === 'Z').length;
    t.equal(ends, scenario.readies, `${scenario.name}: PostgreSQL answered all of it`);
    if (process.env.SHOW) console.log(scenario.name, JSON.stringify(expected));
    t.same(actual, expected, scenario.name);
  }
});
