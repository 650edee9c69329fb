/**
 * Differential tests: small POSIX scripts generated from a fixed seed run under strata-sh,
 * bash --posix and dash. Where the two references agree (stdout and exit status), strata-sh
 * must produce the same.
 */
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are shell code
import { requireTool } from '@strata/common/testing';
import t from 'tap';
import { binBuilt, binPath, run } from './helpers.js';

/** mulberry32: a tiny deterministic PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

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
  switch (int(0, 13)) {
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

const CASES = 60;

t.test('generated scripts: strata-sh agrees with bash and dash', async (t) => {
  const bash = requireTool(t, 'bash');
  const dash = requireTool(t, 'dash');
  if (!bash || !dash) return;
  if (!binBuilt()) {
    t.fail(`${binPath} is missing: build first`);
    return;
  }
  const scripts = Array.from({ length: CASES }, script);
  let compared = 0;
  for (const src of scripts) {
    const [ours, b, d] = await Promise.all([
      run(process.execPath, [binPath, '-c', src]),
      run(bash, ['--posix', '-c', src]),
      run(dash, ['-c', src]),
    ]);
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
