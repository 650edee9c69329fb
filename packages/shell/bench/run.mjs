#!/usr/bin/env node
// Benchmark (not a test): start-up (`sh -c true`) and a loop-heavy script under strata-sh,
// bash and dash, with hyperfine when installed (else a small timing loop). Prints ratios.
// Usage: pnpm --filter @strata/shell build && node packages/shell/bench/run.mjs
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = resolve(dirname(fileURLToPath(import.meta.url)), '../dist/bin.js');
if (!existsSync(bin)) {
  console.error(`${bin} missing: run pnpm --filter @strata/shell build`);
  process.exit(1);
}
const dir = mkdtempSync(join(tmpdir(), 'strata-sh-bench-'));
const loop = join(dir, 'loop.sh');
writeFileSync(
  loop,
  `i=0; s=0
while [ $i -lt 20000 ]; do
  s=$((s + i % 7)); i=$((i + 1))
  case $i in *5) s=$((s - 1)) ;; esac
done
echo $s
`,
);

const shells = [
  ['strata-sh', `node ${bin}`],
  ['bash', 'bash'],
  ['dash', 'dash'],
];
const workloads = [
  ['startup (-c true)', (sh) => `${sh} -c true`],
  ['loop script (20k iterations)', (sh) => `${sh} ${loop}`],
];

const hyperfine = spawnSync('sh', ['-c', 'command -v hyperfine']).status === 0;

function measure(cmd) {
  if (hyperfine) {
    const json = join(dir, 'out.json');
    execFileSync('hyperfine', ['-N', '--warmup', '2', '--runs', '10', '--export-json', json, cmd], {
      stdio: 'ignore',
    });
    return JSON.parse(readFileSync(json, 'utf8')).results[0].mean;
  }
  const runs = 10;
  const start = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) execFileSync('sh', ['-c', cmd], { stdio: 'ignore' });
  return Number(process.hrtime.bigint() - start) / 1e9 / runs;
}

const rows = [];
for (const [label, make] of workloads) {
  const times = shells.map(([, sh]) => measure(make(sh)));
  rows.push([label, ...times]);
}
console.log('| workload | strata-sh | bash | dash | strata/bash | strata/dash |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const [label, ours, bash, dash] of rows) {
  const ms = (s) => `${(s * 1000).toFixed(1)} ms`;
  console.log(
    `| ${label} | ${ms(ours)} | ${ms(bash)} | ${ms(dash)} | ${(ours / bash).toFixed(1)}x | ${(ours / dash).toFixed(1)}x |`,
  );
}
console.log(
  `\nNode's own start-up floor (node -e 0): ${(measure('node -e 0') * 1000).toFixed(1)} ms`,
);
rmSync(dir, { recursive: true, force: true });
