/**
 * Hand-written scripts (test/fixtures/compat-*.sh) exercising bash features, compared with
 * the output and status of the real bash on the same script in the same kind of directory.
 */
import { copyFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool, tempDir } from '@strata/common/testing';
import t from 'tap';
import { binBuilt, binPath, packageDir, run } from './helpers.js';

const fixtures = join(packageDir, 'test/fixtures');
const scripts = readdirSync(fixtures).filter((f) => /^compat-.*\.sh$/.test(f));

t.test('strata-sh matches bash on the compat scripts', async (t) => {
  const bash = requireTool(t, 'bash');
  if (!bash) return;
  if (!binBuilt()) {
    t.fail(`${binPath} is missing: build first`);
    return;
  }
  for (const name of scripts) {
    const dir = tempDir(t, 'strata-compat-');
    copyFileSync(join(fixtures, name), join(dir, name));
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, LC_ALL: 'C.UTF-8' };
    const expected = await run(bash, [name], { cwd: dir, env });
    const actual = await run(process.execPath, [binPath, name], { cwd: dir, env });
    const clean = (s: string) => s.replaceAll(`${name}: `, '').replace(/^bash: /gm, '');
    t.same(
      { stdout: actual.stdout, stderr: clean(actual.stderr), status: actual.status },
      { stdout: expected.stdout, stderr: clean(expected.stderr), status: expected.status },
      name,
    );
  }
});
