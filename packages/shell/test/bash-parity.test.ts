/**
 * bash features beyond POSIX (namerefs, select, coproc, bash's special variables, wait
 * statuses, associative array order), each script compared with the real bash: stdout,
 * stderr (with the script name prefix removed) and exit status.
 */
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are shell code
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool, tempDir } from '@strata/common/testing';
import t, { type Test } from 'tap';
import { binBuilt, binPath, packageDir, prng, run } from './helpers.js';

interface Case {
  name: string;
  script: string;
  input?: string;
  /** Parts of the output that legitimately differ (pids), replaced by `#` on both sides. */
  mask?: RegExp;
}

/** Runs each script as a file under bash and strata-sh and compares everything visible. */
async function compareWithBash(t: Test, cases: Case[]): Promise<void> {
  const bash = requireTool(t, 'bash');
  if (!bash) return;
  if (!binBuilt()) {
    t.fail(`${binPath} is missing: build first`);
    return;
  }
  const dir = tempDir(t, 'strata-parity-');
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, LC_ALL: 'C.UTF-8' };
  for (const c of cases) {
    const file = join(dir, 'script.sh');
    writeFileSync(file, c.script);
    const expected = await run(bash, ['script.sh'], { cwd: dir, env, input: c.input });
    const actual = await run(process.execPath, [binPath, 'script.sh'], {
      cwd: dir,
      env,
      input: c.input,
    });
    const clean = (s: string) => s.replaceAll('script.sh: ', '').replace(c.mask ?? /^\b$/, '#');
    t.same(
      { stdout: clean(actual.stdout), stderr: clean(actual.stderr), status: actual.status },
      { stdout: clean(expected.stdout), stderr: clean(expected.stderr), status: expected.status },
      c.name,
    );
  }
}

t.test('namerefs', (t) =>
  compareWithBash(t, [
    {
      name: 'local -n in a function assigns the caller-named variable',
      script: 'f() { local -n r=$1; r=5; }; f q; echo $q\n',
    },
    {
      name: 'read, assign, ${!ref}, unset through the reference, declare -p',
      script:
        'x=1; declare -n r=x; declare -p r; echo ${!r} $r; r=2; echo $x\n' +
        'unset r; declare -p x; declare -p r; echo $?\n',
    },
    {
      name: 'reference to an array element',
      script:
        'declare -n e="arr[2]"; e=7; declare -p arr; echo $e\n' +
        'i=1; declare -n g="arr[i+2]"; g=9; echo "${arr[@]}"; unset e; declare -p arr e\n',
    },
    {
      name: 'an unset nameref takes its first assignment as the name',
      script: 'declare -n u; u=zz; declare -p u; echo "[$u]"; declare -p u zz; zz=3; echo $u\n',
    },
    {
      name: 'self reference, invalid names, circular chains',
      script:
        'declare -n r=r; echo $?; declare -n r=1x; echo $?; declare -n r="a b"; echo $?\n' +
        'declare -n a=b; declare -n b=a; echo "[$a]"; declare -p a b\n',
    },
    {
      name: 'arrays and associative arrays through local -n',
      script:
        'g() { local -n arr=$1; arr+=(x y); echo ${#arr[@]} "${arr[@]}" "${!arr[@]}"; }\n' +
        'list=(1); g list; declare -p list\n' +
        'declare -A m; h() { local -n mm=$1; mm[k]=v; echo "${mm[k]}"; }; h m; declare -p m\n',
    },
    {
      name: 'unset -n, +n, attributes apply to the target, chains',
      script:
        'declare -n r2=q; q=5; echo ${r2}; unset -n r2; declare -p r2; echo $q\n' +
        'declare -i n=3; declare -n rn=n; rn+=4; echo $n\n' +
        'declare -n r=x; declare +n r; declare -p r\n' +
        'v=end; declare -n c1=c2 c2=v; echo $c1; c1=new; echo $v; typeset -n t=v; echo $t\n',
    },
    {
      name: 'for over a nameref, expansions and readonly targets, caller locals',
      script:
        'a=A b=B; declare -n r; for r in a b; do echo "$r"; done; declare -p r\n' +
        'x=(1 2); declare -n rx=x; echo ${rx[1]} ${#rx[@]} ${!rx[@]}; rx[3]=y; declare -p x\n' +
        'f() { local x=inner; g x; echo "f sees $x"; }; g() { local -n ref=$1; ref=changed; }; f\n' +
        'readonly rv=1; declare -n tr=rv; tr=2; echo $?\n' +
        'declare -n n1=v1; v1=hello; echo ${n1^^} ${#n1} ${n1:1:2} ${n1/l/L}\n' +
        'unset -n n1; echo "[${n1-unset}]"\n',
    },
  ]),
);

t.test('select', (t) => {
  const rand = prng(20261126);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  // menus of every shape: item counts across digit widths, item lengths, terminal widths
  let menus = '';
  for (let i = 0; i < 60; i++) {
    const count = int(1, i % 3 === 0 ? 130 : 25);
    const items = Array.from({ length: count }, (_, k) => `i${k}${'x'.repeat(int(0, 14))}`);
    const columns = [5, 20, 33, 40, 64, 80, 100, 132][int(0, 7)];
    menus += `COLUMNS=${columns}; select x in ${items.join(' ')}; do :; done </dev/null\n`;
  }
  return compareWithBash(t, [
    {
      name: 'replies: numbers, blanks, signs, junk, backslashes, empty line, EOF',
      script: 'select x in a bb ccc; do echo "x=[$x] R=[$REPLY]"; done; echo st=$?\n',
      input: '1\n\n3\nfoo\n 2 \n+1\n0\n4\na\\b\n-1\n01\n',
    },
    {
      name: 'PS3, positional parameters, break, return, continue, redirected input',
      script:
        'PS3="pick: "; set -- p q; select x; do echo $x; break; done; echo st=$?\n' +
        'f() { select x in a b; do echo $x; return 3; done; }; f; echo st=$?\n' +
        'select x in a b; do echo $x; continue; echo no; done; echo st=$?\n' +
        'select x in; do echo never; done; echo st=$?\n' +
        'select x in a b; do echo $x; done </dev/null; echo st=$?\n',
      input: '2\n1\n2\n1\n',
    },
    { name: 'generated menu layouts', script: menus },
  ]);
});

// Each coproc is kept alive until the script is done with its variables: bash may reap a
// finished coproc (and unset them) at any moment, so reading them after it ends is a race.
t.test('coproc', (t) =>
  compareWithBash(t, [
    {
      name: 'coproc cat: fds, pid, round trips, closing its input, wait, variables gone',
      script:
        'coproc cat; echo ${COPROC[@]}; [ "$COPROC_PID" = "$!" ] && echo pid ok; p=$COPROC_PID\n' +
        'echo hi >&${COPROC[1]}; read -u ${COPROC[0]} l; echo got $l\n' +
        'echo more >&${COPROC[1]}; read -u ${COPROC[0]} l; echo got $l\n' +
        'exec {COPROC[1]}>&-; wait $p; echo st=$?; declare -p COPROC COPROC_PID\n',
    },
    {
      name: 'named compound coproc and a subshell coproc, exit statuses through wait',
      script:
        'coproc B { read x; echo "B:$x"; read x; exit 4; }; echo ${B[@]}; p=$B_PID\n' +
        'echo ping >&${B[1]}; read -u ${B[0]} l; echo $l; exec {B[1]}>&-\n' +
        'wait $p; echo st=$?; declare -p B\n' +
        'coproc ( read; echo sub; read; exit 3 ); p=$COPROC_PID; echo go >&${COPROC[1]}\n' +
        'read -u ${COPROC[0]} l; echo $l; exec {COPROC[1]}>&-; wait $p; echo st=$?\n',
    },
    {
      name: 'a second coproc while one runs: the warning, the next descriptors',
      script:
        'coproc cat; coproc cat; echo ${COPROC[@]}\n' +
        'coproc c3 { cat; }; echo ${c3[@]}; p=$c3_PID; exec {c3[1]}>&-; wait $p; echo st=$?\n',
      mask: /\[\d+:/g,
    },
    {
      name: 'test/fixtures/parity-coproc-large.sh',
      script: readFileSync(join(packageDir, 'test/fixtures/parity-coproc-large.sh'), 'utf8'),
    },
    {
      name: 'NAME before a simple command is the command',
      script: 'coproc nosuchcmd_c3 cat; wait; echo st=$?\n',
    },
  ]),
);

t.test('special variables', (t) =>
  compareWithBash(t, [
    {
      name: 'BASH_VERSINFO and BASH_VERSION agree; BASH_VERSINFO is readonly',
      script:
        'echo ${#BASH_VERSINFO[@]}; v=${BASH_VERSINFO[0]}.${BASH_VERSINFO[1]}.${BASH_VERSINFO[2]}\n' +
        '[ "$BASH_VERSION" = "$v(${BASH_VERSINFO[3]})-${BASH_VERSINFO[4]}" ] && echo consistent\n' +
        '[ "${BASH_VERSINFO[5]}" = "$MACHTYPE" ] && echo machtype; echo $HOSTTYPE $OSTYPE\n' +
        'declare -p BASH_VERSINFO | sed "s/=(.*//"; (BASH_VERSINFO[0]=3); echo $?\n',
    },
    {
      name: 'BASH_SUBSHELL in subshells, substitutions, pipelines and jobs',
      script:
        'echo $BASH_SUBSHELL; (echo $BASH_SUBSHELL; (echo $BASH_SUBSHELL)); echo $(echo $BASH_SUBSHELL)\n' +
        'echo "${BASH_SUBSHELL}" | cat; (echo $BASH_SUBSHELL) | cat; { echo $BASH_SUBSHELL; } | cat\n' +
        'f() { echo $BASH_SUBSHELL; }; f | cat; echo $BASH_SUBSHELL & wait\n',
    },
    {
      name: 'EPOCHSECONDS, EPOCHREALTIME, SRANDOM, BASHPID shapes',
      script:
        '[[ $EPOCHSECONDS =~ ^[0-9]{10}$ ]] && echo seconds; [[ $EPOCHREALTIME =~ ^[0-9]{10}\\.[0-9]{6}$ ]] && echo real\n' +
        'a=$EPOCHSECONDS; b=${EPOCHREALTIME%.*}; (( b - a < 2 )) && echo close\n' +
        '[[ $SRANDOM =~ ^[0-9]+$ ]] && [ "$SRANDOM" != "$SRANDOM" ] && echo srandom; [ "$BASHPID" = "$$" ] && echo pid\n',
    },
    {
      name: 'FUNCNAME, BASH_SOURCE, BASH_LINENO and LINENO through functions and source',
      script:
        'printf \'echo "in: ${FUNCNAME[*]}|${BASH_SOURCE[*]}|${BASH_LINENO[*]}|$LINENO"\\nh() { echo "h: ${FUNCNAME[*]}|${BASH_SOURCE[*]}|${BASH_LINENO[*]}|$LINENO"; }\\n\' > lib.sh\n' +
        'f() {\n  . ./lib.sh\n  h\n  g\n}\n' +
        'g() {\n  echo "g: ${FUNCNAME[*]}|${BASH_SOURCE[*]}|${BASH_LINENO[*]}|$LINENO"\n}\n' +
        'f\n. ./lib.sh\nh\necho "top: ${FUNCNAME[*]}|${BASH_SOURCE[*]}|${BASH_LINENO[*]}|${#FUNCNAME[@]}"\n' +
        'bash_c=$(eval \'k() { echo "${FUNCNAME[*]}"; }; k\'); echo "$bash_c"\n',
    },
  ]),
);

t.test('wait statuses', (t) =>
  compareWithBash(t, [
    {
      name: 'wait, wait -n, wait -p, ids, unknown ids, repeated waits, bad options',
      script: [
        'wait -n; echo "n-none=$?"',
        'wait; echo "none=$?"',
        'wait 12345; echo "nochild=$?"',
        'wait %1; echo "nojob=$?"',
        '(exit 3) & wait -n; echo "n=$?"',
        '(exit 4) & (sleep 0.3; exit 5) & wait -n; echo "n-first=$?"; wait; echo "all=$?"',
        '(exit 6) & p=$!; wait $p; echo "p=$?"; wait $p; echo "again=$?"',
        '(exit 7) & wait; echo "plain=$?"',
        'wait -n 999999; echo "n-bad=$?"',
        'wait -x; echo "badopt=$?"',
        '(exit 9) & q=$!; (exit 10) & wait $q $!; echo "two=$?"',
        '(exit 11) & q=$!; sleep 0.1 & wait -n $q; echo "n-id=$?"; wait',
      ].join('\n'),
    },
    {
      // On its own: after earlier jobs bash 5.2's wait -n now and then returns a job that a
      // plain wait already reaped (7 instead of 8 under load), so the reference would be racy.
      name: 'wait -p id -n with no earlier jobs',
      script: '(exit 8) & p=$!; wait -p id -n; echo "p-n=$? $([ "$id" = "$p" ] && echo same)"',
    },
  ]),
);

/** A script of random insertions, replacements and unsets on one associative array. */
function assocScript(rand: () => number, poolSize: number, steps: number): string {
  const alphabet = ['a', 'b', 'z', '0', '7', '_', '-', '.', ' ', 'é', '€', 'ü'];
  const pool = Array.from({ length: poolSize }, () => {
    const length = 1 + Math.floor(rand() * 6);
    return Array.from({ length }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
  });
  let script = 'declare -A m\n';
  for (let i = 0; i < steps; i++) {
    const key = pool[Math.floor(rand() * pool.length)];
    script += rand() < 0.2 ? `unset 'm[${key}]'\n` : `m['${key}']=${i}\n`;
  }
  return `${script}printf '<%s>' "\${!m[@]}"; echo; printf '<%s>' "\${m[@]}"; echo; echo \${#m[@]}\n`;
}

t.test('associative array order', (t) => {
  const rand = prng(6_2026);
  const cases: Case[] = [
    {
      name: 'literal, declare -p, for loop, replace keeps the place, m=() keeps the size',
      script:
        'declare -A m=([a]=1 [b]=2 [c]=3 [key]=4 [" x"]=5); echo ${!m[@]}; declare -p m\n' +
        'm[a]=9; for k in "${!m[@]}"; do printf "%s=%s " "$k" "${m[$k]}"; done; echo\n' +
        'for i in {1..2100}; do m[k$i]=1; done; m=(); m[x1]=1 m[x2]=2 m[x3]=3 m[x4]=4; echo ${!m[@]}\n' +
        'unset m; declare -A m; m[x1]=1 m[x2]=2 m[x3]=3 m[x4]=4; echo ${!m[@]}\n',
    },
  ];
  for (let i = 0; i < 24; i++) {
    const size = i < 16 ? 2 + Math.floor(rand() * 60) : 300 + Math.floor(rand() * 600);
    cases.push({ name: `generated keys #${i}`, script: assocScript(rand, size, size * 2) });
  }
  // past 2048 keys the table grows (1024 -> 4096 buckets)
  cases.push({ name: 'generated keys through growth', script: assocScript(rand, 30_000, 2600) });
  return compareWithBash(t, cases);
});

t.test('read -t, -N, -d', (t) =>
  compareWithBash(t, [
    {
      name: "read -d '' (NUL-terminated), -N counts characters, ignores delimiters and IFS",
      script: [
        "printf 'a\\0b c\\0' | { read -r -d '' x; echo \"[$x]\"; read -d '' y; echo \"[$y] $?\"; read -d '' z; echo \"[$z] $?\"; }",
        'printf \'abcdef\\n\' | { read -N 3 x; echo "[$x]"; read -n 2 y; echo "[$y]"; }',
        'printf \'ab\\ncd  ef\' | { read -N 4 x; echo "[$x]"; read -N 10 y z; echo "[$y] [$z] $?"; }',
        'printf \' a b \' | { read -N 5 x; echo "[$x]"; }; printf \'a\\\\\\nb\\n\' | { read -N 3; echo "[$REPLY]"; }',
      ].join('\n'),
    },
    {
      name: 'read -t on pipes and FIFOs: 142 on timeout with the partial line, -t 0, bad specs',
      script: [
        '(sleep 1; echo late) | { read -t 0.2 x; echo "st=$? [$x]"; read y; echo "then [$y]"; }',
        '(sleep 0.1; echo ok) | { read -t 3 x; echo "st=$? [$x]"; }',
        'printf \'partial\' | { read -t 1 x; echo "st=$? [$x]"; }',
        '(printf \'part\'; sleep 1) | { read -t 0.2 x; echo "st=$? [$x]"; }',
        'read -t 0 x < /dev/null; echo "t0=$?"; (sleep 0.5; echo z) | { read -t 0; echo "none=$?"; }',
        '{ read -t 0; echo "t0data=$?"; read v; echo $v; } <<< hi',
        'read -t -1 x; echo "neg=$?"; read -t abc x; echo "bad=$?"',
        'rm -f ff; mkfifo ff; sh -c "sleep 0.2; echo fifo > ff" & read -t 0.05 x < ff; echo "fifo=$? [$x]"; wait',
        'rm ff; mkfifo ff; sh -c "exec 3>ff; sleep 0.4" & read -t 0.1 x < ff; echo "fifo=$? [$x]"; wait',
        'rm ff',
      ].join('\n'),
    },
  ]),
);

t.test('a pipeline stage that is not one command keeps what its children leave', (t) =>
  compareWithBash(t, [
    {
      name: 'built-in and external writers, group, subshell and function readers',
      script: [
        'echo hi | { sleep 0; read v; echo "[$v]"; }',
        'echo hi | ( true; read v; echo "[$v]" )',
        '/usr/bin/printf \'a\\nb\\n\' | { sleep 0; read v; cat; echo "[$v]"; }',
        'f() { sleep 0; read z; echo "f[$z]"; }; echo q | f',
        'for i in $(seq 20000); do echo 0123456789; done | { sleep 0; wc -c; }',
        'echo one | { cat; read v; echo "st=$? [$v]"; }',
        'yes | { head -1; }; echo ${PIPESTATUS[@]}',
      ].join('\n'),
    },
  ]),
);

t.test('$BASHPID in the shell, subshells, substitutions, pipeline stages, background jobs', (t) =>
  compareWithBash(t, [
    {
      name: 'test/fixtures/parity-bashpid.sh',
      script: readFileSync(join(packageDir, 'test/fixtures/parity-bashpid.sh'), 'utf8'),
    },
  ]),
);
