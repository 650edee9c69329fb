import { existsSync, lstatSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tempDir } from '@strata/common/testing';
import t from 'tap';
import { shellQuote } from '../src/coreutils/quote.js';
import {
  buildTree,
  type DifferentialCase,
  describeTree,
  differential,
  runGnu,
  runOurs,
} from './coreutils-helpers.js';

/** Cases of cp, mv, rm, mkdir and cat run on identical trees against GNU coreutils. */
const TREE = `
mkdir -p d/s e/d2 z
echo x > d/f
ln -s f d/l
echo y > g; chmod 640 g
ln -s g lg
ln -s nowhere broken
chmod 750 d/s
touch e/g
printf 'a\\tb\\n\\n\\n\\nc\\001\\177\\303\\251\\nlast' > text
printf '\\n\\nx\\n' > blank
touch -d '2001-01-01' g
`;

const CASES: Record<string, Array<[string, Omit<DifferentialCase, 'setup'>]>> = {
  cp: [
    ['file to new name', { args: ['-v', 'g', 'h'] }],
    ['-r dir to a new name copies as that name', { args: ['-rv', 'd', 'new'], unordered: true }],
    ['-r dir to an existing dir copies inside', { args: ['-rv', 'd', 'e'], unordered: true }],
    ['directory without -r', { args: ['d', 'x'] }],
    ['several files into a directory', { args: ['g', 'd/f', 'e'] }],
    ['into dir/ with a slash', { args: ['-v', 'g', 'z/'] }],
    ['several sources, target missing', { args: ['g', 'd/f', 'nox/'] }],
    ['several sources, target a file', { args: ['g', 'd/f', 'text'] }],
    ['same file', { args: ['g', 'g'] }],
    ['same file through a link', { args: ['g', 'lg'] }],
    ['symlink followed without -r', { args: ['lg', 'h'] }],
    ['symlink copied as link with -r', { args: ['-r', 'lg', 'h'] }],
    ['symlink copied as link with -P', { args: ['-P', 'lg', 'h'] }],
    ['dangling symlink with -r', { args: ['-r', 'broken', 'b2'] }],
    ['dangling symlink without -r', { args: ['broken', 'b2'] }],
    ['-L follows links inside', { args: ['-rL', 'd', 'copy'] }],
    ['-H follows command-line links only', { args: ['-rH', 'lg', 'copy'] }],
    ['-n keeps the destination', { args: ['-n', 'g', 'd/f'] }],
    ['overwrite keeps the destination mode', { args: ['g', 'd/f'] }],
    ['-p keeps the mode', { args: ['-p', 'g', 'copy'] }],
    ['-a', { args: ['-a', 'd', 'copy'] }],
    ['directory over a file', { args: ['-r', 'd', 'g'] }],
    ['file over a directory', { args: ['g', 'e/d2/..', 'e'] }],
    ['missing source', { args: ['nope', 'x'] }],
    ['missing destination directory', { args: ['g', 'nope/x'] }],
    ['no operands', { args: [] }],
    ['one operand', { args: ['g'] }],
    ['-t', { args: ['-t', 'e', 'g', 'd/f'] }],
    ['-T', { args: ['-r', '-T', 'd', 'e'] }],
    ['-i answered yes', { args: ['-i', 'g', 'd/f'], stdin: 'y\n' }],
    ['-i answered no', { args: ['-i', 'g', 'd/f'], stdin: 'n\n' }],
    ['-i for two files in one read', { args: ['-i', 'g', 'text', 'e/d2/..'], stdin: 'n\ny\n' }],
    ['trailing slash on a directory source', { args: ['-r', 'd/', 'e3/'] }],
    ['invalid option', { args: ['-y', 'g', 'h'] }],
    ['a directory into itself', { args: ['-r', 'd', 'd/s'] }],
    ['a directory into itself, directly', { args: ['-rv', 'z', 'z'], unordered: true }],
    ['the same source twice', { args: ['g', 'g', 'e'] }],
    ['two sources with one name', { args: ['g', 'e/g', 'z'] }],
    ['-v says what it tries even when it fails', { args: ['-v', 'g', 'nope/x'] }],
    ['-n before the same-file check', { args: ['-n', 'g', 'lg'] }],
    ['-l', { args: ['-lv', 'g', 'h'] }],
    ['-l onto an existing file', { args: ['-l', 'g', 'text'] }],
    ['-lf', { args: ['-lf', 'g', 'text'] }],
    ['-rl', { args: ['-rl', 'd', 'copy'] }],
    ['-s', { args: ['-sv', 'g', 'h'] }],
    ['-s relative into a directory', { args: ['-s', 'g', 'z/g'] }],
    ['-s onto an existing file', { args: ['-s', 'g', 'text'] }],
    ['-u with a newer destination', { args: ['-uv', 'g', 'text'] }],
  ],
  mv: [
    ['rename', { args: ['-v', 'g', 'h'] }],
    ['into a directory', { args: ['-v', 'g', 'd'] }],
    ['directory into a directory', { args: ['d', 'e'] }],
    ['same file', { args: ['d/f', 'd/f'] }],
    ['into itself', { args: ['d', 'd/s'] }],
    ['missing source', { args: ['nope', 'x'] }],
    ['-n', { args: ['-n', 'g', 'e'] }],
    ['directory over a file', { args: ['e/d2', 'g'] }],
    ['file over a directory', { args: ['-T', 'g', 'z'] }],
    ['a symlink', { args: ['lg', 'z'] }],
    ['one operand', { args: ['g'] }],
    ['target not a directory', { args: ['g', 'd/f', 'text'] }],
    ['-i answered no', { args: ['-i', 'g', 'e'], stdin: 'n\n' }],
    ['-f after -i', { args: ['-i', '-f', 'g', 'e'] }],
    ['onto a non-empty directory', { args: ['d', 'z'] }],
  ],
  rm: [
    ['files', { args: ['-v', 'g', 'lg', 'broken'] }],
    ['a directory without -r', { args: ['d'] }],
    ['-d on a non-empty directory', { args: ['-d', 'd'] }],
    ['-d on an empty directory', { args: ['-dv', 'z'] }],
    ['-r', { args: ['-rv', 'e'] }],
    ['. and ..', { args: ['-r', '.', 'd/..', './'] }],
    ['/', { args: ['-rf', '/'] }],
    ['. without -r', { args: ['.'] }],
    ['missing file', { args: ['nope'] }],
    ['-f on a missing file', { args: ['-f', 'nope'] }],
    ['-f alone', { args: ['-f'] }],
    ['no operands', { args: [] }],
    ['-i', { args: ['-ri', 'd', 'g'], stdin: 'y\nn\ny\ny\n' }],
    [
      '-i declining a child, then yes to its directory',
      { args: ['-ri', 'd'], stdin: 'y\nn\ny\ny\ny\n' },
    ],
    ['-i declined', { args: ['-i', 'g'], stdin: 'n\n' }],
  ],
  mkdir: [
    ['one', { args: ['-v', 'a'] }],
    ['existing', { args: ['d'] }],
    ['-p existing', { args: ['-p', 'd'] }],
    ['-p nested', { args: ['-pv', 'a/b/c'] }],
    ['-p through a file', { args: ['-p', 'g/x'] }],
    ['-p deeper through a file', { args: ['-p', 'd/f/x/y'] }],
    ['missing parent', { args: ['a/b'] }],
    ['-m octal', { args: ['-m', '700', 'm'] }],
    ['-m symbolic', { args: ['-m', 'u+x,go=', 'm'] }],
    ['-m sticky', { args: ['-m1777', 'm'] }],
    ['-m invalid', { args: ['-m', 'bad', 'm'] }],
    ['-m needs an argument', { args: ['-m'] }],
    ['odd paths', { args: ['-pv', './a//b/', 'c/../d'] }],
    ['no operands', { args: [] }],
  ],
  cat: [
    ['files', { args: ['text', 'blank'] }],
    ['-n across files', { args: ['-n', 'text', 'blank'] }],
    ['-b', { args: ['-b', 'text', 'blank'] }],
    ['-s across files', { args: ['-s', 'blank', 'text'] }],
    ['-E', { args: ['-E', 'text'] }],
    ['-T', { args: ['-T', 'text'] }],
    ['-A', { args: ['-A', 'text', 'blank'] }],
    ['-v', { args: ['-v', 'text'] }],
    ['-e and -t', { args: ['-et', 'text'] }],
    ['-ns', { args: ['-ns', 'blank', 'text', 'blank'] }],
    ['-bn: -b wins', { args: ['-nb', 'text'] }],
    ['missing and directory', { args: ['nope', 'g', 'd', 'a b'] }],
    ['stdin with -', { args: ['g', '-', 'g'], stdin: 'from stdin\n' }],
    ['stdin by default', { args: ['-n'], stdin: 'one\ntwo' }],
  ],
};

for (const [util, cases] of Object.entries(CASES)) {
  t.test(util, async (t) => {
    for (const [name, c] of cases) {
      const { ours, gnu } = await differential(util, { setup: TREE, tree: true, ...c }, () =>
        tempDir(t),
      );
      t.same(ours, gnu, `${name}: ${util} ${c.args.join(' ')}`);
    }
  });
}

t.test('cp -p and -a keep modification times', async (t) => {
  const dir = tempDir(t);
  buildTree(dir, `${TREE}\ntouch -d '2001-02-03 04:05:06' g d/f d`);
  for (const args of [
    ['-p', 'g', 'p'],
    ['-a', 'd', 'a'],
  ]) {
    const result = await runOurs('cp', args, dir);
    t.equal(result.status, 0);
  }
  t.equal(statSync(`${dir}/p`).mtimeMs, statSync(`${dir}/g`).mtimeMs);
  t.equal(statSync(`${dir}/p`).mode, statSync(`${dir}/g`).mode);
  t.equal(statSync(`${dir}/a/f`).mtimeMs, statSync(`${dir}/d/f`).mtimeMs);
  t.equal(statSync(`${dir}/a`).mtimeMs, statSync(`${dir}/d`).mtimeMs);
  t.ok(lstatSync(`${dir}/a/l`).isSymbolicLink());
});

t.test('cp -a keeps hard links together', async (t) => {
  const dir = tempDir(t);
  buildTree(dir, 'mkdir src; echo data > src/one; ln src/one src/two');
  t.equal((await runOurs('cp', ['-a', 'src', 'dst'], dir)).status, 0);
  t.equal(statSync(`${dir}/dst/one`).ino, statSync(`${dir}/dst/two`).ino);
});

t.test('cp copies a large file exactly', async (t) => {
  const dir = tempDir(t);
  buildTree(dir, 'head -c 3000000 /dev/urandom > big');
  t.equal((await runOurs('cp', ['big', 'copy'], dir)).status, 0);
  t.ok(readFileSync(`${dir}/big`).equals(readFileSync(`${dir}/copy`)));
});

t.test('mv across file systems copies and removes', async (t) => {
  const other = '/dev/shm';
  if (!existsSync(other) || statSync(other).dev === statSync(tempDir(t)).dev) {
    t.plan(0, 'no second file system (/dev/shm) to move across');
    return;
  }
  const setup = `${TREE}\ntouch -d '2001-02-03 04:05:06' d/f`;
  const results: Record<string, unknown> = {};
  for (const [side, run] of [
    ['ours', (args: string[], cwd: string) => runOurs('mv', args, cwd)],
    ['gnu', async (args: string[], cwd: string) => runGnu('mv', args, cwd)],
  ] as const) {
    const dir = tempDir(t);
    buildTree(dir, setup);
    const away = `${other}/strata-mv-${side}-${process.pid}`;
    t.teardown(() => {
      rmSync(away, { recursive: true, force: true });
      rmSync(`${away}-g`, { force: true });
    });
    const out = await run(['-v', 'd', away], dir);
    const file = await run(['-v', 'g', `${away}-g`], dir);
    const back = await run(['-v', away, 'back'], dir);
    const sorted = (text: string) => text.split('\n').sort().join('\n');
    results[side] = {
      out: { ...out, stdout: sorted(out.stdout.replaceAll(away, 'AWAY')) },
      file: { ...file, stdout: file.stdout.replaceAll(away, 'AWAY') },
      back: { ...back, stdout: sorted(back.stdout.replaceAll(away, 'AWAY')) },
      tree: describeTree(dir),
      mtime: statSync(`${dir}/back/f`).mtimeMs,
    };
  }
  t.same(results.ours, results.gnu);
});

t.test('messages quote names the GNU way', async (t) => {
  t.equal(shellQuote('plain'), 'plain');
  t.equal(shellQuote('a b'), "'a b'");
  t.equal(shellQuote("it's"), '"it\'s"');
  t.equal(shellQuote("a'b$c"), "'a'\\''b$c'");
  t.equal(shellQuote('new\nline'), "'new'$'\\n''line'");
  t.equal(shellQuote('x\n'), "'x'$'\\n'");
  t.equal(shellQuote('~home'), "'~home'");
  t.equal(shellQuote('a~b#'), 'a~b#');
  t.equal(shellQuote('caf\u00e9'), "'caf'$'\\303\\251'");
  t.equal(shellQuote('caf\u00e9', { utf8: true }), 'caf\u00e9');
  t.equal(shellQuote('', {}), "''");
});

t.test('an interrupt stops a utility with status 130', async (t) => {
  const dir = tempDir(t);
  buildTree(dir, TREE);
  const aborted = AbortSignal.abort();
  for (const [util, args] of [
    ['ls', ['-R']],
    ['cp', ['-r', 'd', 'copy']],
    ['mv', ['g', 'h']],
    ['rm', ['-r', 'd']],
    ['cat', ['text', 'blank']],
  ] as const) {
    const result = await runOurs(util, [...args], dir, { signal: aborted });
    t.equal(result.status, 130, `${util} ${args.join(' ')}`);
  }
  t.ok(existsSync(`${dir}/d/f`), 'rm removed nothing');
  t.notOk(existsSync(`${dir}/copy`), 'cp copied nothing');
  t.ok(existsSync(`${dir}/g`), 'mv moved nothing');
});
