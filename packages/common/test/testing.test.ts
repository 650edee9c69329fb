import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { type TestLike, findTool, requireShared, requireTool, tempDir } from '../src/testing.js';

/** A TestLike that records what the helpers asked for. */
function recorder() {
  const calls: string[] = [];
  const teardowns: Array<() => unknown> = [];
  const test: TestLike = {
    skip: (message) => calls.push(`skip ${message}`),
    fail: (message) => calls.push(`fail ${message}`),
    teardown: (fn) => teardowns.push(fn),
  };
  return { test, calls, teardowns };
}

t.test('findTool and requireTool', async (t) => {
  t.match(findTool('sh'), /\/sh$/);
  t.equal(findTool('strata-no-such-tool'), undefined);
  const saved = process.env.STRATA_REQUIRE_TOOLS;
  t.teardown(() => {
    if (saved === undefined) delete process.env.STRATA_REQUIRE_TOOLS;
    else process.env.STRATA_REQUIRE_TOOLS = saved;
  });

  delete process.env.STRATA_REQUIRE_TOOLS;
  const skipped = recorder();
  t.equal(requireTool(skipped.test, 'strata-no-such-tool'), undefined);
  t.match(skipped.calls, [/^skip strata-no-such-tool is not installed/]);

  process.env.STRATA_REQUIRE_TOOLS = '1';
  const failed = recorder();
  t.equal(requireTool(failed.test, 'strata-no-such-tool'), undefined);
  t.match(failed.calls, [/^fail strata-no-such-tool is not installed/]);

  const found = recorder();
  t.match(requireTool(found.test, 'sh'), /\/sh$/);
  t.same(found.calls, []);
  // A real tap Test satisfies TestLike (checked by tsc).
  t.match(requireTool(t, 'sh'), /\/sh$/);
});

t.test('requireShared', async (t) => {
  const saved = process.env.STRATA_REQUIRE_TOOLS;
  t.teardown(() => {
    if (saved === undefined) delete process.env.STRATA_REQUIRE_TOOLS;
    else process.env.STRATA_REQUIRE_TOOLS = saved;
  });
  const dir = tempDir(t);
  const absent = join(dir, 'corpora/none');

  delete process.env.STRATA_REQUIRE_TOOLS;
  const skipped = recorder();
  t.equal(requireShared(skipped.test, dir, absent), undefined);
  t.match(skipped.calls, [
    /^skip .*corpora\/none not found \(the shared corpora sit in \.\.\/shared/,
  ]);

  process.env.STRATA_REQUIRE_TOOLS = '1';
  const failed = recorder();
  t.equal(requireShared(failed.test, absent), undefined);
  t.match(failed.calls, [/^fail .*corpora\/none not found/]);

  const found = recorder();
  t.same(requireShared(found.test, dir), [dir]);
  t.same(found.calls, []);
});

t.test('tempDir is removed at teardown', async (t) => {
  const { test, teardowns } = recorder();
  const dir = tempDir(test, 'strata-check-');
  writeFileSync(join(dir, 'file'), 'x');
  t.ok(existsSync(dir));
  t.equal(teardowns.length, 1);
  for (const fn of teardowns) await fn();
  t.notOk(existsSync(dir));
});
