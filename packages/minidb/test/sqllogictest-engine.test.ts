import { join } from 'node:path';
import { requireShared } from '@strata/common/testing';
import t from 'tap';
import { engineClient } from './sqllogictest/engine-client.js';
import { runSltFile } from './sqllogictest/runner.js';

// The select1-3 corpora run in process against the engine (the wire run is sqllogictest.test.ts).
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

t.test('sqllogictest select1-3 in process', async (t) => {
  if (!requireShared(t, corpus)) return;
  for (const file of ['select1.test', 'select2.test', 'select3.test']) {
    const { client, close } = engineClient();
    const r = await runSltFile(join(corpus, file), client);
    await close();
    for (const f of r.failures.slice(0, 5)) t.comment(`${file}:${f.line}: ${f.message}\n${f.sql}`);
    t.equal(r.passed, r.total, `${file}: ${r.passed}/${r.total} records pass`);
  }
});
