import { tempDir } from '@strata/common/testing';
import { mkdirSync } from 'node:fs';
import t, { type Test } from 'tap';
import { layoutColumns } from '../src/coreutils/columns.js';
import { buildTree, differential, runGnu, runOurs } from './coreutils-helpers.js';

/** A tree with the awkward cases: hidden files, quoting, links, modes, old and future dates. */
const TREE = `
mkdir -p dir/sub/deep empty
touch a 'b c' "d'e" .hidden 'x$y' 'new
line' café
printf 1234567 > seven
truncate -s 1536 dir/onek
truncate -s 5000000 big
printf '#!/bin/sh\\n' > run.sh; chmod 755 run.sh
chmod 4755 dir/onek
chmod 1777 empty
ln -s dir ldir
ln -s nowhere broken
ln seven hardlink
mkfifo pipe
touch -d '2001-02-03 04:05:06' dir/old a
touch -d '+2 days' future
touch -d '2024-01-01 00:00' 'b c'
touch -d '1 hour ago' seven
`;

const LS_CASES: Array<[string, string[]]> = [
  ['no arguments', []],
  ['-a', ['-a']],
  ['-A', ['-A']],
  ['-l', ['-l']],
  ['-la', ['-la']],
  ['-lA with -h', ['-lAh']],
  ['-l with file and dir operands', ['-l', 'seven', 'dir', 'a']],
  ['-R', ['-R']],
  ['-lR', ['-lR']],
  ['-1', ['-1']],
  ['-d', ['-d', 'dir', 'ldir', 'a']],
  ['-ld', ['-ld', 'dir', 'ldir', '.']],
  ['-S', ['-S']],
  ['-Sr -l', ['-Sr', '-l']],
  ['-F', ['-F']],
  ['-lF', ['-lF']],
  ['-p', ['-p']],
  ['-i', ['-i', 'a', 'seven']],
  ['-s', ['-s']],
  ['-sh in columns', ['-shC', '-w', '60']],
  ['-lsi', ['-lsi', 'dir', 'seven']],
  ['-c shows and sorts by change time', ['-c']],
  ['-lc', ['-lc']],
  ['-ltu', ['-ltu']],
  ['-n', ['-n', 'seven']],
  ['-g and -o', ['-go', 'dir']],
  ['symlink to dir on the command line is followed', ['ldir']],
  ['... but not with -l', ['-l', 'ldir']],
  ['... nor with -F', ['-F', 'ldir']],
  ['-L', ['-lL', 'ldir', 'broken']],
  ['-L inside a directory', ['-L', 'dir']],
  ['-H', ['-lH', 'ldir']],
  ['several directories get headers', ['dir', 'empty']],
  ['files before directories', ['empty', 'seven', 'dir/sub']],
  ['missing operand is exit 2', ['nope', 'a']],
  ['all missing', ['nope1', 'nope2']],
  ['trailing slash', ['dir/']],
  ['-x', ['-x']],
  ['-C to a pipe', ['-C', '-w', '40']],
  ['-U', ['-U', '-d', 'seven', 'a', 'dir']],
  ['-U lists in directory order', ['-U', 'dir']],
  ['--sort=size', ['--sort=size']],
  ['--group-directories-first', ['--group-directories-first']],
  ['--', ['--', '-l']],
  ['options after operands', ['dir', '-l']],
  ['invalid option', ['-y']],
  ['unknown long option', ['--bogus']],
  ['-w needs an argument', ['-w']],
  ['long option prefix', ['--almost', '--recur']],
  ['-1 has no effect after -l', ['-l', '-1']],
  ['-l after -1', ['-1', '-l', 'dir']],
  ['--indicator-style', ['--indicator-style=slash']],
  ['--quoting-style=shell-escape', ['--quoting-style=shell-escape']],
  ['-N', ['-N']],
  ['--color', ['--color=always']],
  ['--color -l', ['--color', '-l']],
  ['--color -lF', ['--color=always', '-lF']],
  ['--color in columns', ['--color=always', '-C', '-w', '50']],
  ['--color=never', ['--color=never']],
  ['--color=auto to a pipe', ['--color=auto']],
  ['--time-style=full-iso', ['-l', '--time-style=full-iso']],
  ['--time-style=long-iso', ['-l', '--time-style=long-iso']],
  ['--time-style=iso', ['-l', '--time-style=iso']],
  ['--time-style=locale', ['-l', '--time-style=locale']],
  ['--time-style=posix-iso', ['-l', '--time-style=posix-iso']],
  [
    '--time-style=+FORMAT',
    ['-l', '--time-style=+%a %A %b %B %d %e %H:%I %p %y %j? %F %T %R %D %s %%'],
  ],
  ['--time-style=+OLD newline RECENT', ['-l', '--time-style=+old %Y\nnew %H:%M']],
  ['--full-time', ['--full-time', 'dir']],
  ['an invalid time style', ['-l', '--time-style=bogus']],
  ['an invalid time style without -l', ['--time-style=bogus']],
  ['an invalid width', ['-w', 'x']],
  ['an invalid --color', ['--color=sometimes']],
];

/**
 * A fresh directory one level below the temp dir: `ls -a` shows `..`, whose link count must
 * not change between our run and GNU's (the shared /tmp's does, as other tests come and go).
 */
function ownDir(t: Test): string {
  const dir = `${tempDir(t)}/tree`;
  mkdirSync(dir);
  return dir;
}

t.test('ls and GNU ls list the same tree identically', async (t) => {
  // ls only reads, so both run on one tree: inode numbers and times agree.
  const dir = ownDir(t);
  buildTree(dir, TREE);
  for (const [name, args] of LS_CASES) {
    t.same(
      await runOurs('ls', args, dir),
      runGnu('ls', args, dir),
      `${name}: ls ${args.join(' ')}`,
    );
  }
});

t.test('ls --color with LS_COLORS', async (t) => {
  const dir = ownDir(t);
  buildTree(
    dir,
    `${TREE}
mkdir sticky other both; chmod 1755 sticky; chmod 777 other; chmod 1777 both
touch su sg x.tar X.TAR; chmod 4755 su; chmod 2755 sg`,
  );
  const palettes: Array<Record<string, string>> = [
    { TERM: 'xterm-256color' },
    { TERM: 'dumb' },
    { COLORTERM: 'truecolor' },
    { LS_COLORS: '*.tar=01;31:*.TAR=35:fi=33:mh=44:ln=target:or=41' },
    { LS_COLORS: 'di=32:ln=00:ex=:mi=05;31:or=01;41' },
  ];
  for (const env of palettes) {
    const palette = Object.entries(env)[0].join('=');
    for (const args of [
      ['--color=always', '-l'],
      ['--color=always', '-C'],
      ['--color=always', '-F'],
    ]) {
      t.same(
        await runOurs('ls', args, dir, { env }),
        runGnu('ls', args, dir, '', env),
        `${palette} ls ${args.join(' ')}`,
      );
    }
  }
});

t.test('ls -t sorts by time, ties by name; -r reverses both', async (t) => {
  const dir = ownDir(t);
  buildTree(
    dir,
    `touch -d '2020-01-01 00:00:00.5' b a c; touch -d '2020-01-01 00:00:00.25' z;
     touch -d '2021-06-01' y; touch -d '2019-01-01' x`,
  );
  for (const args of [['-t'], ['-tr'], ['-lt'], ['-ltr'], ['-St']]) {
    t.same(await runOurs('ls', args, dir), runGnu('ls', args, dir), args.join(' '));
  }
});

t.test('ls -l date formats: recent, six months old, future', async (t) => {
  const setup = `touch -d '5 months ago' five; touch -d '7 months ago' seven; touch -d '+1 hour' soon; touch now`;
  const { ours, gnu } = await differential('ls', { setup, args: ['-l'] }, () => tempDir(t));
  t.same(ours, gnu);
  t.match(ours.stdout, /\d\d:\d\d now\n/);
});

t.test('ls -lh rounds sizes up like GNU', async (t) => {
  const sizes = [
    0, 1023, 1024, 1025, 10239, 10240, 10241, 1048575, 1048577, 10485759, 1099511627776,
  ];
  const setup = sizes.map((s) => `truncate -s ${s} f${s}`).join('; ');
  for (const args of [['-lh'], ['-lhS'], ['-l']]) {
    const { ours, gnu } = await differential('ls', { setup, args }, () => tempDir(t));
    t.same(ours, gnu, args.join(' '));
  }
});

t.test('ls -l shows device numbers', async (t) => {
  const { ours, gnu } = await differential(
    'ls',
    { setup: ':', args: ['-l', '/dev/null', '/dev/zero', '/dev/tty'] },
    () => tempDir(t),
  );
  t.same(ours, gnu);
});

t.test('ls cannot open an unreadable directory', async (t) => {
  if (process.getuid?.() === 0) {
    t.plan(0, 'root reads every directory');
    return;
  }
  const setup = 'mkdir -p locked/in; chmod 000 locked';
  const { ours, gnu } = await differential('ls', { setup, args: ['-R', '.'] }, () => tempDir(t));
  t.same(ours, gnu);
});

t.test('ls on a terminal: columns like ls -C, shell-escape quoting', async (t) => {
  const dir = ownDir(t);
  buildTree(dir, TREE);
  for (const columns of [80, 40, 20, 132]) {
    for (const args of [[], ['-a'], ['-F'], ['dir', 'empty'], ['-R']]) {
      const ours = await runOurs('ls', args, dir, { tty: true, columns });
      const gnu = runGnu(
        'ls',
        ['-C', '-w', String(columns), '--quoting-style=shell-escape', ...args],
        dir,
      );
      t.same(ours, gnu, `${columns} columns: ls ${args.join(' ')}`);
    }
  }
  const long = await runOurs('ls', ['-l', 'a', 'b c'], dir, { tty: true });
  t.match(long.stdout, / a\n.*'b c'\n/, 'the long format aligns unquoted names after quoted ones');
});

t.test('$COLUMNS sets the width of -C to a pipe; a terminal uses its own width', async (t) => {
  const dir = ownDir(t);
  buildTree(dir, TREE);
  const env = { COLUMNS: '30' };
  t.same(await runOurs('ls', ['-C'], dir, { env }), runGnu('ls', ['-C'], dir, '', env));
  const tty = await runOurs('ls', [], dir, { env, tty: true, columns: 120 });
  const gnu = runGnu('ls', ['-C', '-w', '120', '--quoting-style=shell-escape'], dir);
  t.same(tty, gnu);
});

t.test('ls -C layout matches GNU on generated name sets', async (t) => {
  const dir = ownDir(t);
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let round = 0; round < 12; round++) {
    const count = 1 + Math.floor(random() * 60);
    const names = new Set<string>();
    while (names.size < count) {
      const length = 1 + Math.floor(random() * (round % 3 === 0 ? 30 : 10));
      let name = '';
      for (let i = 0; i < length; i++)
        name += 'abcdefghijklmnopqrstuvwxyz0123456789_.-'[Math.floor(random() * 39)];
      if (name !== '.' && name !== '..' && !name.startsWith('-')) names.add(name);
    }
    const sub = `${dir}/r${round}`;
    buildTree(dir, `mkdir r${round}`);
    buildTree(sub, [...names].map((n) => `: > '${n}'`).join('\n'));
    const width = 10 + Math.floor(random() * 150);
    const ours = await runOurs('ls', ['-A'], sub, { tty: true, columns: width });
    const gnu = runGnu('ls', ['-A', '-C', '-w', String(width)], sub);
    t.equal(ours.stdout, gnu.stdout, `${count} names in ${width} columns`);
  }
});

t.test('layoutColumns: empty input and a single overlong name', async (t) => {
  t.equal(layoutColumns([], 80, 'columns'), '');
  t.equal(layoutColumns(['x'.repeat(100)], 80, 'columns'), `${'x'.repeat(100)}\n`);
});

t.test('ls --help', async (t) => {
  const dir = ownDir(t);
  const result = await runOurs('ls', ['--help'], dir);
  t.equal(result.status, 0);
  t.match(result.stdout, /^Usage: ls/);
});

t.test(
  'ls in the C.UTF-8 locale: UTF-8 names shown as they are, wide ones two columns',
  async (t) => {
    const dir = ownDir(t);
    buildTree(
      dir,
      "touch café 日本語 'a b' \"x'y\" emoji😀 \"$(printf 'tab\\there')\" combiningé zz",
    );
    const env = { LC_ALL: 'C.UTF-8' };
    for (const args of [[], ['-l'], ['-1'], ['-C', '-w', '40']]) {
      for (const tty of [false, true]) {
        const ours = await runOurs('ls', args, dir, { tty, columns: 40, env });
        const gnuArgs = tty ? ['-C', '-w', '40', '--quoting-style=shell-escape', ...args] : args;
        t.same(
          ours,
          runGnu('ls', gnuArgs, dir, '', env),
          `${tty ? 'terminal' : 'pipe'}: ls ${args.join(' ')}`,
        );
      }
    }
  },
);
