/**
 * Conformance: the Oils spec subset in ../shared/corpora/oils-spec, run by the shared runner
 * against the built bin. The score must not drop below spec-floor.json.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { requireShared, requireTool } from '@strata/common/testing';
import t from 'tap';
import { binBuilt, binPath, packageDir, run, sharedDir } from './helpers.js';

const floor: number = JSON.parse(
  readFileSync(resolve(packageDir, 'spec-floor.json'), 'utf8'),
).floor;

t.test('Oils spec score stays at or above the recorded floor', async (t) => {
  if (!requireTool(t, 'python3')) return;
  const shared = requireShared(
    t,
    resolve(sharedDir, 'tools/oils-spec-runner.py'),
    resolve(sharedDir, 'corpora/oils-spec'),
  );
  if (!shared) return;
  const [runner, corpus] = shared;
  if (!binBuilt()) {
    t.fail(`${binPath} is missing: run pnpm --filter @strata/shell build first`);
    return;
  }
  const r = await run('python3', [runner, '--oils-dir', corpus, '--shell', binPath, '-j', '2'], {
    timeoutMs: 170_000,
  });
  const m = /(\d+) passed, (\d+) failed/.exec(r.stdout);
  t.ok(m, `runner printed a score line (status ${r.status}): ${r.stderr.slice(0, 500)}`);
  if (!m) return;
  const passed = Number(m[1]);
  t.comment(`Oils spec: ${passed} passed, ${m[2]} failed (floor ${floor})`);
  t.ok(passed >= floor, `score ${passed} >= floor ${floor}`);
});
