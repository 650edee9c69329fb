/**
 * Differential tests: small POSIX scripts generated from a fixed seed run under strata-sh,
 * bash --posix and dash. Where the two references agree (stdout and exit status), strata-sh
 * must produce the same.
 */
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are shell code
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool, tempDir } from '@strata/common/testing';
import t from 'tap';
import { binBuilt, binPath, prng, run } from './helpers.js';

const rand = prng(20261126);
const pick = <T>(items: T[]): T => items[Math.floor(rand() * items.length)];
const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));

const WORDS = ['a', 'b c', ' lead', 'trail ', 'x*y', '', 'a:b:c', 'q"uote', "it's", 'tab\there'];
const VALUES = ['hello', 'a b  c', '', 'x:y::z', '/usr/local/bin', 'foo.tar.gz', '*', 'AbC'];

function quoteSingle(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Shell parameter expansions, written as plain strings on purpose. */
function paramExpr(): string {
  const op = pick([
    '$v',
    '${v}',
    '"$v"',
    '${#v}',
    '${v:-dflt}',
    '"${v:-d f}"',
    '${u-unset}',
    '${v:+set}',
    '${v#*.}',
    '${v##*.}',
    '${v%.*}',
    '${v%%.*}',
    '${v#?}',
    '"${v%/*}"',
    '${u:=new}; echo $u',
  ]);
  return op;
}

function arithExpr(depth = 0): string {
  if (depth > 2 || rand() < 0.3) return pick(['1', '7', '-3', 'x', 'y', '0x1f', '010', '(x+1)']);
  const op = pick([
    '+',
    '-',
    '*',
    '/',
    '%',
    '<<',
    '>>',
    '&',
    '|',
    '^',
    '<',
    '>=',
    '==',
    '!=',
    '&&',
    '||',
  ]);
  const r = arithExpr(depth + 1);
  const safeR = op === '/' || op === '%' ? `(${r}|1)` : r;
  return `${arithExpr(depth + 1)} ${op} ${safeR}`;
}

function snippet(): string {
  switch (int(0, 23)) {
    case 14:
      return `echo *.txt; echo "$PWD"/*.${pick(['txt', 'log', 'none'])}; echo ${pick(['[ab]*', '?.log', 'd/*', '*/', '.*'])}`;
    case 15:
      return `echo ${pick(VALUES.map(quoteSingle))} > out; echo more >> out; wc -l < out; cat out; { echo in-group; } > out2 2>&1; cat out2`;
    case 16:
      return `v=${quoteSingle(pick(VALUES))}; cat <<EOF\n[$v] \${v} $(echo sub)\nEOF\ncat <<'EOF'\n[$v]\nEOF`;
    case 17:
      return `echo "$(echo "a  b")" $(echo "a  b") "$(echo '$x')" \`echo bq\``;
    case 18:
      return `printf '%s\\n' ${pick(['"a b" c', 'x:y z', '1 2 3'])} | while IFS=${pick(["' '", ':', "''"])} read -r p q; do echo "<$p|$q>"; done`;
    case 19:
      return `f() { [ "$1" -le 0 ] && return ${int(0, 2)}; echo "n=$1"; f $(($1 - 1)); }; f ${int(0, 4)}; echo "st=$?"`;
    case 20:
      return `x=${int(1, 9)}; : $((x += ${int(1, 5)})) $((x *= 2)); echo $x $((x > 10 ? 1 : 0)) $((x % 4))`;
    case 21:
      return `${pick(['true', 'false'])} | ${pick(['true', 'false'])}; echo $?; ! ${pick(['true', 'false'])} | true; echo $?`;
    case 22:
      return `test -f a.txt && echo file; test -d d && echo dir; [ -e nope ] || echo absent; [ a = a -a b != c ] && echo and; [ -z "" -o -n "" ] && echo or`;
    case 23:
      return `for f in a.txt c.log d none; do case $f in *.txt|*.log) echo "data $f";; [a-c]*) echo "abc $f";; d) echo "dir $f";; *) echo "other $f";; esac; done`;
    case 0:
      return `v=${quoteSingle(pick(VALUES))}; echo ${paramExpr()}`;
    case 1:
      return `x=${int(-5, 20)}; y=${int(1, 9)}; echo $((${arithExpr()}))`;
    case 2:
      return `set -- ${WORDS.slice(0, int(0, 5)).map(quoteSingle).join(' ')}; echo $#; for a in "$@"; do printf '[%s]' "$a"; done; echo; for a in $*; do printf '<%s>' "$a"; done; echo`;
    case 3:
      return `IFS=${quoteSingle(pick([':', ' :', ':,', ' ', '']))}; v=${quoteSingle(pick(VALUES))}; for w in $v; do printf '(%s)' "$w"; done; echo`;
    case 4:
      return `case ${quoteSingle(pick(VALUES))} in *.gz) echo gz;; [a-z]*) echo lower;; *' '*) echo space;; '') echo empty;; *) echo other;; esac`;
    case 5:
      return `f() { echo "f:$#:$1"; return ${int(0, 3)}; }; f ${quoteSingle(pick(WORDS))} x; echo st=$?`;
    case 6:
      return `i=0; while [ $i -lt ${int(0, 6)} ]; do i=$((i+1)); [ $i -eq 3 ] && continue; printf '%s ' $i; done; echo end`;
    case 7:
      return `echo ${quoteSingle(pick(VALUES))} | tr a-z A-Z | wc -c; echo "$(echo inner; echo two)" | sed -n 2p`;
    case 8:
      return `cat <<EOF\nv=${pick(VALUES)} $((${int(1, 5)} * 2)) \\$x\nEOF`;
    case 9:
      return `printf '${pick(['%s|', '%5s|', '%-4s|', '%d\\n', '%x:', '%o '])}' ${int(0, 300)} ${int(0, 9)}; echo`;
    case 10:
      return `${pick(['true', 'false'])} && echo and || echo or; ! ${pick(['true', 'false'])}; echo $?`;
    case 11:
      return `(exit ${int(0, 5)}); echo $?; v=$(exit ${int(0, 3)}); echo $?`;
    case 12:
      return `for w in ${pick(['a b c', '1 2', '"x y" z', ''])}; do echo "<$w>"; done; echo ${pick(['{a,b}', 'pre{1,2}', "'{x,y}'"])}`;
    default:
      return `v=${quoteSingle(pick(VALUES))}; test -n "$v" && echo nonempty; [ "$v" = hello ] && echo eq; [ ${int(0, 5)} -gt 2 ]; echo $?`;
  }
}

function script(): string {
  const lines: string[] = [];
  const n = int(1, 3);
  for (let i = 0; i < n; i++) lines.push(snippet());
  return `${lines.join('\n')}\n`;
}

const CASES = 70;

/** Resets `work/w` to a.txt b.txt c.log d/inner .hidden and returns it. */
function fixture(work: string): string {
  const dir = join(work, 'w');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'd'), { recursive: true });
  for (const f of ['a.txt', 'b.txt', 'c.log', '.hidden']) writeFileSync(join(dir, f), `${f}\n`);
  writeFileSync(join(dir, 'd', 'inner'), '');
  return dir;
}

t.test('generated scripts: strata-sh agrees with bash and dash', async (t) => {
  const bash = requireTool(t, 'bash');
  const dash = requireTool(t, 'dash');
  if (!bash || !dash) return;
  if (!binBuilt()) {
    t.fail(`${binPath} is missing: build first`);
    return;
  }
  const work = tempDir(t, 'strata-diff-');
  const scripts = Array.from({ length: CASES }, script);
  let compared = 0;
  for (const src of scripts) {
    // one after the other in the same fresh directory, so paths in the output agree
    const b = await run(bash, ['--posix', '-c', src], { cwd: fixture(work) });
    const d = await run(dash, ['-c', src], { cwd: fixture(work) });
    const ours = await run(process.execPath, [binPath, '-c', src], { cwd: fixture(work) });
    if (b.stdout !== d.stdout || b.status !== d.status) continue;
    compared++;
    t.same(
      { stdout: ours.stdout, status: ours.status },
      { stdout: b.stdout, status: b.status },
      src,
    );
  }
  t.ok(compared > CASES / 2, `compared ${compared} of ${CASES} cases where bash and dash agree`);
});
