import { join } from 'node:path';
import { requireShared } from '@strata/common/testing';
import t from 'tap';
import { createEngine } from '../src/engine/index.js';
import { MinidbServer } from '../src/server/minidb-server.js';
import { pgSltClient } from './sqllogictest/pg-client.js';
import { runSltFile } from './sqllogictest/runner.js';

// select1-3 through the wire protocol with node-postgres, database name `postgresql` (issue 11).
const corpus = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  '..',
  'shared',
  'corpora',
  'sqllogictest',
);

t.test('sqllogictest select1-3 through node-postgres', async (t) => {
  if (!requireShared(t, corpus)) return;
  for (const file of ['select1.test', 'select2.test', 'select3.test']) {
    // A fresh server per file: each file creates its own tables.
    const server = new MinidbServer({ engine: createEngine({ inMemory: true }), port: 0 });
    await server.start();
    const { client, close } = await pgSltClient({
      host: '127.0.0.1',
      port: server.port,
      user: 'postgres',
      database: 'postgresql',
    });
    try {
      const r = await runSltFile(join(corpus, file), client);
      for (const f of r.failures.slice(0, 5))
        t.comment(`${file}:${f.line}: ${f.message}\n${f.sql}`);
      t.equal(
        r.passed,
        r.total,
        `${file}: ${r.passed}/${r.total} records pass (${r.skipped} skipped for postgresql)`,
      );
    } finally {
      await close();
      await server.close();
    }
  }
});
