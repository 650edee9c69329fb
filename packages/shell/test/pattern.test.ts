/**
 * Shell patterns: generated patterns compared with bash in every place a pattern is used, and
 * pathological patterns that a backtracking matcher takes minutes (or forever) on.
 */
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are shell code
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool, tempDir } from '@strata/common/testing';
import t from 'tap';
import { binBuilt, binPath, packageDir, prng, run } from './helpers.js';

if (!binBuilt()) {
  t.fail(`${binPath} is missing: run pnpm --filter @strata/shell build first`);
  process.exit(1);
}

// `!(...)` is left out of the generator: bash's own matcher gives answers for it that depend on
// what precedes it (`*!(a*)[!a][!a]` matches the empty string); hand-written cases cover it.
const ATOMS = [
  'a',
  'b',
  '*',
  '?',
  '[ab]',
  '[!a]',
  '@(a|b*)',
  '*(ab)',
  '+(a|b)',
  '?(b)',
  '*(a|?b)',
  '+(b)',
];

function generated(seed: number): string {
  const random = prng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
  const subjects = Array.from({ length: 6 }, () =>
    Array.from({ length: Math.floor(random() * 6) }, () => pick(['a', 'b'])).join(''),
  );
  let script = 'shopt -s extglob\n';
  for (let i = 0; i < 60; i++) {
    const p = Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick(ATOMS)).join('');
    for (const s of subjects) {
      script += `s='${s}'; [[ $s == ${p} ]] && m=y || m=n; case $s in ${p}) c=y;; *) c=n;; esac; `;
      script += `echo "${p} [$s] $m $c [\${s#${p}}] [\${s##${p}}] [\${s%${p}}] [\${s%%${p}}] [\${s/${p}/X}] [\${s//${p}/X}] [\${s/#${p}/X}] [\${s/%${p}/X}]"\n`;
    }
  }
  return script;
}

t.test('generated patterns: match, remove and replace as bash', async (t) => {
  requireTool(t, 'bash');
  const dir = tempDir(t);
  for (const seed of [1, 2, 3]) {
    const file = join(dir, `g${seed}.sh`);
    writeFileSync(file, generated(seed));
    const ours = await run(process.execPath, [binPath, file]);
    const bash = await run('bash', [file]);
    t.equal(ours.stderr, bash.stderr, `seed ${seed}: stderr`);
    t.equal(ours.stdout, bash.stdout, `seed ${seed}: stdout`);
  }
});

const fixture = (name: string): string => join(packageDir, 'test/fixtures', name);

t.test('!(...) groups, brackets, quoting and code points as bash', async (t) => {
  requireTool(t, 'bash');
  const ours = await run(process.execPath, [binPath, fixture('patterns-bang.sh')]);
  const bash = await run('bash', [fixture('patterns-bang.sh')]);
  t.equal(ours.stdout, bash.stdout);
  t.equal(ours.stderr, bash.stderr);
});

t.test(
  'pathological patterns on long subjects finish (bash takes minutes on extglob)',
  async (t) => {
    requireTool(t, 'bash');
    const dir = tempDir(t);
    const script = fixture('patterns-pathological.sh');
    const ours = await run(process.execPath, [binPath, script, dir], { timeoutMs: 60_000 });
    const bash = await run('bash', [script, dir], { timeoutMs: 60_000 });
    t.equal(ours.signal, null, 'not killed');
    t.equal(ours.stdout, bash.stdout);
    t.equal(ours.stdout.split('\n')[0], 'case-no');
    const ext = fixture('patterns-extglob-pathological.sh');
    const r = await run(process.execPath, [binPath, ext], { timeoutMs: 60_000 });
    t.equal(r.signal, null, 'not killed');
    t.equal(r.stdout, '1-no\n2-no\n3\n4\n7\n');
  },
);
