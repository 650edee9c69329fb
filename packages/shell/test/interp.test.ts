/**
 * The interpreter through the built bin: processes, pipes, statuses, signals, traps, modes.
 * (Language details are covered by the Oils spec and the differential tests.)
 */
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are shell code
import { spawn } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool, tempDir } from '@strata/common/testing';
import t from 'tap';
import { binBuilt, binPath, run, sh } from './helpers.js';

if (!binBuilt()) {
  t.fail(`${binPath} is missing: run pnpm --filter @strata/shell build first`);
  process.exit(1);
}

t.test('modes: -c with $0 and args, script file, script on stdin', async (t) => {
  const r1 = await sh('echo "$0|$1|$2|$#"', { args: ['name', 'a b', 'c'] });
  t.equal(r1.stdout, 'name|a b|c|2\n');
  const dir = tempDir(t);
  const script = join(dir, 's.sh');
  writeFileSync(script, 'echo "$0 $# $1"\nexit 4\n');
  const r2 = await run(process.execPath, [binPath, script, 'p', 'q']);
  t.equal(r2.stdout, `${script} 2 p\n`);
  t.equal(r2.status, 4);
  const r3 = await run(process.execPath, [binPath], { input: 'x=5\necho $((x*2))\n' });
  t.equal(r3.stdout, '10\n');
  // as in bash, a command in a script read from stdin reads the lines after it
  const r3b = await run(process.execPath, [binPath], {
    input: 'read line\nthis is data\necho "got: $line"\n',
  });
  t.equal(r3b.stdout, 'got: this is data\n');
  const r4 = await run(process.execPath, [binPath, '-e', '-c', 'false; echo no']);
  t.equal(r4.stdout, '');
  t.equal(r4.status, 1);
  const r5 = await run(process.execPath, [binPath, '-o', 'pipefail', '-c', 'false | true']);
  t.equal(r5.status, 1);
});

t.test('bad invocation options: one line naming the option, status 2, as bash', async (t) => {
  requireTool(t, 'bash');
  for (const args of [['--bogus'], ['--bogus-too', '-c', 'echo x'], ['-Z'], ['-c']]) {
    const ours = await run(process.execPath, [binPath, ...args]);
    const bash = await run('bash', args);
    t.equal(ours.status, bash.status, `${args.join(' ')}: status`);
    // bash follows the line with its usage; the first line is the same
    t.equal(ours.stderr, bash.stderr.replace(/\n[\s\S]*$/, '\n').replace(/^bash:/, 'strata-sh:'));
    t.equal(ours.stdout, '');
  }
  const posix = await run(process.execPath, [
    binPath,
    '--posix',
    '--norc',
    '-c',
    'set -o | grep posix',
  ]);
  t.match(posix.stdout, /posix\s+on/);
});

t.test(
  'a shell writing into a closed pipe dies quietly with 141, as bash by SIGPIPE',
  async (t) => {
    const bash = requireTool(t, 'bash');
    if (!bash) return;
    const loop = 'for i in $(seq 100000); do echo $i; done; echo after >&2';
    const r = await run(bash, [
      '-c',
      `"$0" "$1" -c '${loop}' | head -1; echo "\${PIPESTATUS[0]}"`,
      process.execPath,
      binPath,
    ]);
    t.equal(r.stdout, '1\n141\n');
    t.equal(r.stderr, '');
  },
);

t.test('read -t on a socket (a Node parent gives socketpairs) times out as bash', async (t) => {
  const bash = requireTool(t, 'bash');
  if (!bash) return;
  const script =
    'read -t 0.3 x; echo "st=$? [$x]"; read y; echo "then [$y]"; read -t 0 q; echo "t0=$?"; read -t 0.2 z; echo "z=$? [$z]"';
  const session = (file: string, args: string[]) =>
    new Promise<{ out: string; code: number | null }>((resolve) => {
      const child = spawn(file, [...args, '-c', script], { stdio: ['pipe', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d;
        // the line arrives only after the first read has timed out
        if (out === d.toString() && out.startsWith('st=')) child.stdin.write('late\n');
      });
      const guard = setTimeout(() => child.kill(), 20_000);
      child.on('close', (code) => {
        clearTimeout(guard);
        resolve({ out, code });
      });
    });
  const ours = await session(process.execPath, [binPath]);
  const theirs = await session(bash, []);
  t.same(ours, theirs);
  t.equal(ours.out, 'st=142 []\nthen [late]\nt0=1\nz=142 []\n');
});

t.test('syntax errors: status 2 with the line number; earlier lines ran', async (t) => {
  const r = await run(process.execPath, [binPath], {
    input: 'echo one\nif true; then\n  echo x\nfi fi\n',
  });
  t.equal(r.stdout, 'one\n');
  t.equal(r.status, 2);
  t.match(r.stderr, /line 4: syntax error/);
  const r2 = await sh('echo "unterminated');
  t.equal(r2.status, 2);
});

t.test('exit statuses: 127 not found, 126 not executable, 128+n on a signal', async (t) => {
  const dir = tempDir(t);
  const noexec = join(dir, 'noexec');
  writeFileSync(noexec, 'echo hi\n');
  const r = await sh(`nosuchcommand; echo $?; ${noexec}; echo $?; sh -c 'kill -TERM $$'; echo $?`);
  t.equal(r.stdout, '127\n126\n143\n');
  t.match(r.stderr, /nosuchcommand: command not found/);
  t.match(r.stderr, /Permission denied/);
});

t.test('scripts without #! run in this shell', async (t) => {
  const dir = tempDir(t);
  const script = join(dir, 'plain');
  writeFileSync(script, 'echo "plain $1"\n');
  chmodSync(script, 0o755);
  const r = await sh(`${script} arg`);
  t.equal(r.stdout, 'plain arg\n');
});

t.test('pipelines between external programs use real pipes (SIGPIPE, EOF)', async (t) => {
  const r = await sh('yes | head -3; echo "${PIPESTATUS[@]}"; seq 100000 | sort -rn | head -1');
  t.equal(r.stdout, 'y\ny\ny\n141 0\n100000\n');
  t.equal(r.stderr, '');
  const big = await sh('head -c 5000000 /dev/zero | cat | wc -c');
  t.equal(big.stdout.trim(), '5000000');
});

t.test('built-ins and functions inside pipelines run as subshells', async (t) => {
  const r = await sh(
    'v=old; echo new | read v; echo "v=$v"; seq 3 | while read x; do echo "<$x>"; done | tr "<>" "[]"; f() { tr a-z A-Z; }; echo abc | f; echo abc | { read x; echo "got $x"; }',
  );
  t.equal(r.stdout, 'v=old\n[1]\n[2]\n[3]\nABC\ngot abc\n');
  const last = await sh('shopt -s lastpipe; echo new | read v; echo "v=$v"');
  t.equal(last.stdout, 'v=new\n');
  const broken = await sh('while :; do echo y; done | head -2; echo "${PIPESTATUS[@]}"');
  t.equal(broken.stdout, 'y\ny\n141 0\n');
});

t.test('redirections: files, fds, here-docs, here-strings, noclobber', async (t) => {
  const dir = tempDir(t);
  const r = await sh(
    `cd ${dir}; echo a > f; echo b >> f; cat < f; exec 3>g; echo via3 >&3; exec 3>&-; cat g
{ echo out; echo err >&2; } 2>&1 >/dev/null | tr a-z A-Z
cat <<EOF
home=$HOME $((1+1))
EOF
cat <<'EOF'
$HOME
EOF
tr a-z A-Z <<< "here string"
set -C; echo x > f; echo "noclobber=$?"; echo y >| f; cat f
ls nosuch 2>/dev/null || echo "ls failed quietly"
echo both &> h; cat h`,
    { env: { ...process.env, HOME: '/home/u' } },
  );
  t.equal(
    r.stdout,
    'a\nb\nvia3\nERR\nhome=/home/u 2\n$HOME\nHERE STRING\nnoclobber=1\ny\nls failed quietly\nboth\n',
  );
  t.equal(readFileSync(join(dir, 'g'), 'utf8'), 'via3\n');
});

t.test('set -e rules: not in conditions, && || lists or negations', async (t) => {
  const r = await sh(
    'set -e; if false; then :; fi; false || true; ! true; false && true; echo survived; f() { false; echo no; }; f; echo unreachable',
  );
  t.equal(r.stdout, 'survived\n');
  t.equal(r.status, 1);
});

t.test('traps: EXIT, ERR, signals sent to the shell', async (t) => {
  const r = await sh(
    'trap "echo bye" EXIT; trap "echo err=\\$?" ERR; false; trap "echo int" INT; kill -INT $$; echo after',
  );
  t.equal(r.stdout, 'err=1\nint\nafter\nbye\n');
  const sub = await sh('(trap "echo sub-exit" EXIT; echo in); echo out');
  t.equal(sub.stdout, 'in\nsub-exit\nout\n');
  const term = await sh('kill $$; echo not-reached');
  t.equal(term.signal, 'SIGTERM');
});

t.test('background jobs: $!, wait, jobs, kill', async (t) => {
  const r = await sh(
    'sleep 0.2 & pid=$!; [ "$pid" -gt 0 ] && echo pid-ok; wait $pid; echo "wait=$?"; (exit 3) & wait $!; echo "sub=$?"; sleep 5 & kill $!; wait $!; echo "killed=$?"',
  );
  t.equal(r.stdout, 'pid-ok\nwait=0\nsub=3\nkilled=143\n');
  const compound = await sh(
    '{ sleep 5; echo not-printed; } & sleep 0.3; kill %1; wait %1; echo "group=$?"; (sleep 5 | cat) & sleep 0.3; kill $!; wait $!; echo "sub=$?"',
  );
  t.equal(compound.stdout, 'group=143\nsub=143\n');
});

t.test('SIGINT: a script whose foreground child is interrupted exits 130', async (t) => {
  // The child announces itself, so the signal surely arrives while it runs.
  const script = `echo ready; /bin/sh -c 'echo child; exec sleep 30'; echo next`;
  const child = spawn(process.execPath, [binPath, '-c', script], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const ready = new Promise<void>((resolve) => {
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('child\n')) resolve();
    });
  });
  await ready;
  const started = Date.now();
  // the terminal sends SIGINT to the whole foreground process group
  process.kill(-child.pid!, 'SIGINT');
  const status = await new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  t.equal(status, 130);
  t.equal(out, 'ready\nchild\n');
  t.ok(Date.now() - started < 20_000, 'did not wait for sleep to finish');
});

t.test('SIGINT: a busy loop of built-ins is interruptible too', async (t) => {
  // The marker comes from inside the loop, after enough turns to have passed its yields.
  const script = 'i=0; while :; do i=$((i+1)); [ $i = 2000 ] && echo looping; done';
  const child = spawn(process.execPath, [binPath, '-c', script], {
    detached: true,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const closed = new Promise<[number | null, string | null]>((r) =>
    child.on('close', (code, signal) => r([code, signal])),
  );
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  process.kill(-child.pid!, 'SIGINT');
  t.same(await closed, [130, null]);
});

t.test('$- lists the options as bash does: B by default, c for -c, s for stdin', async (t) => {
  const bash = requireTool(t, 'bash');
  if (!bash) return;
  const dir = tempDir(t);
  writeFileSync(join(dir, 'flags.sh'), 'echo "$-"\n');
  const script = 'echo "$-"; set +B; echo "$-" {a,b}; set -o braceexpand; echo "$-" {a,b}';
  const cases: { args: string[]; input?: string }[] = [
    { args: ['-c', script] },
    { args: ['-aefuC', '-c', 'echo "$-"'] },
    { args: ['-x', '-c', 'echo "$-"'] },
    { args: ['+B', '-c', 'echo "$-" {a,b}'] },
    { args: [], input: script },
    { args: [join(dir, 'flags.sh')] },
  ];
  for (const { args, input } of cases) {
    const expected = await run(bash, args, { input });
    const actual = await run(process.execPath, [binPath, ...args], { input });
    t.equal(actual.stdout, expected.stdout, args.join(' ') || 'stdin');
  }
});

t.test('command and /bin/ls reach the system programs; ls alone is built in', async (t) => {
  const r = await sh('type ls; type -t cd; command -v sh; ls -d /; command ls -d /; /bin/ls -d /');
  t.equal(r.stdout, 'ls is a shell builtin\nbuiltin\n/usr/bin/sh\n/\n/\n/\n');
});

t.test('cd: -, CDPATH, logical paths, OLDPWD', async (t) => {
  const dir = tempDir(t);
  const r = await sh(
    `cd ${dir}; mkdir -p a/b; cd a/b; pwd; cd ..; pwd; cd -; CDPATH=${dir}/a; cd b; cd /; echo "$OLDPWD"`,
  );
  t.equal(r.stdout, `${dir}/a/b\n${dir}/a\n${dir}/a/b\n${dir}/a/b\n${dir}/a/b\n`);
});

t.test('read, printf, getopts, arithmetic, arrays', async (t) => {
  const r = await sh(
    `printf 'a:b c\\n' | { IFS=: read -r x y; echo "$x|$y"; }
printf '%5.2f|%-3s|%03d|%x|%q\\n' 3.14159 ab 7 255 'a b'
set -- -a -b val rest; while getopts ab: o; do echo "$o=\${OPTARG-}"; done; shift $((OPTIND-1)); echo "$@"
a=(x y z); a[5]=w; echo "\${#a[@]} \${a[1]} \${!a[@]}"
echo $(( 2**62 * 2 )) $(( -7 / 2 )) $(( 7 % -3 )) $(( 1 ? 2 : 3 ))`,
  );
  t.equal(
    r.stdout,
    'a|b c\n 3.14|ab |007|ff|a\\ b\na=\nb=val\nrest\n4 y 0 1 2 5\n-9223372036854775808 -3 1 2\n',
  );
});

t.test(
  'globbing: relative, absolute, hidden files, extglob, no match keeps the word',
  async (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'a.txt'), '');
    writeFileSync(join(dir, 'b.txt'), '');
    writeFileSync(join(dir, '.hidden'), '');
    const r = await sh(
      `cd ${dir}; echo *.txt; echo ${dir}/*.txt; echo .h*; echo *.none; shopt -s extglob
echo @(a|b).txt; echo !(a).txt`,
    );
    t.equal(
      r.stdout,
      `a.txt b.txt\n${dir}/a.txt ${dir}/b.txt\n.hidden\n*.none\na.txt b.txt\nb.txt\n`,
    );
  },
);

t.test(
  'process substitution: <(cmd) and >(cmd) for programs, built-ins and utilities',
  async (t) => {
    const r = await sh(
      `diff <(echo a) <(/bin/echo b) > /dev/null; echo "diff=$?"
while read -r x; do echo "got $x"; done < <(seq 2)
cat <(echo one) <(printf 'two\\n')
/bin/cat <(echo three)
echo up > >(tr a-z A-Z); sleep 0.3`,
    );
    t.equal(r.stdout, 'diff=1\ngot 1\ngot 2\none\ntwo\nthree\nUP\n');
  },
);
