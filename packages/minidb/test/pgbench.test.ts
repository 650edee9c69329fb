import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { requireTool } from '@strata/common/testing';
import pg from 'pg';
import t from 'tap';
import { pgConfig, startMinidb } from './helpers/server.js';

const run = promisify(execFile);
const PGBENCH = '/usr/lib/postgresql/15/bin/pgbench';

t.test(
  'pgbench -i -s 1, then select-only and TPC-B runs without a failed transaction',
  async (t) => {
    const pgbench = requireTool(t, PGBENCH);
    if (!pgbench) return;
    const server = await startMinidb(t);
    const conn = ['-h', '127.0.0.1', '-p', String(server.port), '-U', 'postgres', 'postgres'];
    const bench = async (args: string[]) => {
      const r = await run(pgbench, [...args, ...conn], { timeout: 240_000, maxBuffer: 1 << 24 });
      return r.stdout + r.stderr;
    };
    const init = await bench(['-i', '-s', '1']);
    t.match(init, /done in/, init);

    const client = new pg.Client(pgConfig(server));
    await client.connect();
    t.teardown(() => client.end());
    const count = async (table: string) =>
      Number((await client.query(`select count(*) as n from ${table}`)).rows[0].n);
    t.equal(await count('pgbench_accounts'), 100_000);
    t.equal(await count('pgbench_branches'), 1);
    t.equal(await count('pgbench_tellers'), 10);
    t.equal(await count('pgbench_history'), 0);

    const select = await bench(['-S', '-t', '200', '-c', '2']);
    t.match(select, /number of transactions actually processed: 400\/400/, select);
    t.match(select, /number of failed transactions: 0 /, select);

    // TPC-B: both clients update the one branch row; a 40001 conflict is retried by pgbench.
    const tpcb = await bench(['-t', '100', '-c', '2', '--max-tries', '100']);
    t.match(tpcb, /number of transactions actually processed: 200\/200/, tpcb);
    t.match(tpcb, /number of failed transactions: 0 /, tpcb);
    t.equal(await count('pgbench_history'), 200);
    const sums = (
      await client.query(`select (select sum(abalance) from pgbench_accounts)::text as a,
      (select sum(bbalance) from pgbench_branches)::text as b,
      (select sum(tbalance) from pgbench_tellers)::text as t,
      (select sum(delta) from pgbench_history)::text as h`)
    ).rows[0];
    t.ok(sums.a === sums.b && sums.b === sums.t && sums.t === sums.h, JSON.stringify(sums));
  },
);
