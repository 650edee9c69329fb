import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { tempDir } from '@strata/common/testing';
import t, { type Test } from 'tap';
import { createCompleter, escapeWord } from '../src/editor/completion.js';
import { History } from '../src/editor/history.js';
import { expandPrompt, type PromptContext } from '../src/editor/prompt.js';
import { makeEditor } from './editor-helpers.js';

function fixture(t: Test) {
  const dir = tempDir(t);
  mkdirSync(`${dir}/bin`);
  mkdirSync(`${dir}/work/src`, { recursive: true });
  mkdirSync(`${dir}/work/spaced dir`);
  for (const name of ['readme.md', 'report.txt', '.hidden', 'unique-file']) {
    writeFileSync(`${dir}/work/${name}`, '');
  }
  for (const name of ['strata-tool', 'strata-other', 'plainfile']) {
    writeFileSync(`${dir}/bin/${name}`, '');
    if (name !== 'plainfile') chmodSync(`${dir}/bin/${name}`, 0o755);
  }
  const vars: Record<string, string> = { PATH: `${dir}/bin`, HOME: `${dir}/work`, STRATA_X: '1' };
  const completer = createCompleter({
    cwd: () => `${dir}/work`,
    getVar: (name) => vars[name],
    commandNames: () => ['strata-builtin', 'cd', 'echo'],
    variableNames: () => Object.keys(vars),
  });
  return { dir, completer };
}

t.test('completion candidates', async (t) => {
  const { completer } = fixture(t);
  const texts = (line: string) =>
    completer(line, line.length).candidates.map((c) => c.replacement + c.suffix);
  t.same(
    texts('strata-'),
    ['strata-builtin ', 'strata-other ', 'strata-tool '],
    'commands: builtins and PATH',
  );
  t.same(texts('strata-t'), ['strata-tool ']);
  t.same(texts('plain'), [], 'non-executables are not commands');
  t.same(texts('ls uni'), ['unique-file ']);
  t.same(texts('ls re'), ['readme.md ', 'report.txt ']);
  t.same(texts('ls s'), ['spaced\\ dir/', 'src/'], 'directories get a slash, spaces are escaped');
  t.same(texts('ls .h'), ['.hidden '], 'hidden files only for a dot prefix');
  t.same(texts('cat ~/uni'), ['~/unique-file '], 'a tilde stays as typed');
  t.same(texts('cat "spa'), ['"spaced dir/'], 'inside quotes nothing is escaped');
  t.same(texts('echo $STR'), ['$STRATA_X ']);
  t.same(texts('echo $' + '{HO'), ['$' + '{HOME} ']);
  t.same(texts('echo x | strata-t'), ['strata-tool '], 'command position after a pipe');
  t.same(texts('if strata-t'), ['strata-tool '], 'command position after a keyword');
  t.same(texts('X=1 strata-t'), ['strata-tool '], 'command position after assignments');
  t.same(texts('./uni'), [], 'a path in command position completes executables only');
  t.same(texts('cd s'), ['spaced\\ dir/', 'src/'], 'cd completes directories only');
  t.same(texts('cd r'), [], 'no files for cd');
  t.same(texts('sudo strata-t'), ['strata-tool '], 'the word after sudo is a command');
  t.same(texts('X=uni'), ['unique-file '], 'an assignment value is a file name');
  t.same(texts('ls X=uni'), ['unique-file ']);
  t.equal(escapeWord('a b(c)$'), 'a\\ b\\(c\\)\\$');
  t.equal(escapeWord('#x~y'), '\\#x~y');
});

t.test('Tab in the editor: unique, common prefix, list on the second Tab', async (t) => {
  const { completer } = fixture(t);
  const h = makeEditor({ completer });
  let reading = h.read();
  h.input.type('cat uni\t');
  await h.settle();
  t.equal(h.screen.line(0), '$ cat unique-file');
  h.input.type('\x15ls re\t');
  await h.settle();
  t.equal(h.screen.line(0), '$ ls re', 'no common prefix longer than the word: bell');
  t.equal(h.screen.bells, 1);
  h.input.type('\t');
  await h.settle();
  t.equal(h.screen.text(), '$ ls re\nreadme.md  report.txt\n$ ls re');
  h.input.type('p\t\r');
  t.same(await reading, { kind: 'line', text: 'ls report.txt ' });

  reading = h.read();
  h.input.type('strata-\t');
  await h.settle();
  h.input.type('o\t\r');
  t.same(await reading, { kind: 'line', text: 'strata-other ' });

  reading = h.read();
  h.input.type('ls sp\tx\r');
  t.same(await reading, { kind: 'line', text: 'ls spaced\\ dir/x' });
});

t.test('many candidates ask before listing', async (t) => {
  const names = Array.from({ length: 150 }, (_, i) => `cmd${i}`);
  const h = makeEditor({
    completer: (_line, cursor) => ({
      start: 0,
      end: cursor,
      candidates: names.map((n) => ({ replacement: n, display: n, suffix: ' ' })),
    }),
  });
  const reading = h.read();
  h.input.type('cmd\t\t');
  await h.settle();
  t.match(h.screen.text(), /Display all 150 possibilities\? \(y or n\)$/);
  h.input.type('n');
  await h.settle();
  t.match(h.screen.text(), /\n\$ cmd$/);
  h.input.type('\r');
  await reading;
});

t.test('history file: bash timestamp format, multi-line entries, sizes', async (t) => {
  const dir = tempDir(t);
  const file = `${dir}/sub/history`;
  const history = new History(3, file);
  history.load();
  for (const entry of ['one', 'one', '  ', 'two', 'for i in 1\ndo :\ndone', 'four'])
    history.add(entry);
  t.same(history.entries(), ['two', 'for i in 1\ndo :\ndone', 'four'], 'HISTSIZE keeps the newest');
  history.save();
  t.match(readFileSync(file, 'utf8'), /^#\d+\ntwo\n#\d+\nfor i in 1\ndo :\ndone\n#\d+\nfour\n$/);
  const again = new History(10, file);
  again.load();
  t.same(again.entries(), ['two', 'for i in 1\ndo :\ndone', 'four']);
  writeFileSync(`${dir}/plain`, 'ls\ncd /\nls\n');
  const plain = new History(10, `${dir}/plain`);
  plain.load();
  t.same(plain.entries(), ['ls', 'cd /', 'ls'], 'a plain file is one entry a line');
  const small = new History(100, file, 2);
  small.load();
  small.add('five');
  small.save();
  const trimmed = new History(100, file);
  trimmed.load();
  t.same(trimmed.entries(), ['four', 'five'], 'HISTFILESIZE trims the file');
});

t.test('HISTCONTROL: ignorespace, ignoreboth, erasedups', async (t) => {
  const history = new History(10);
  history.add('ls');
  history.add(' secret', 'ignorespace');
  history.add(' secret', 'ignoreboth');
  history.add('pwd');
  history.add('ls', 'erasedups');
  history.add(' kept');
  t.same(history.entries(), ['pwd', 'ls', ' kept']);
});

t.test('PS1 escapes', async (t) => {
  const now = new Date(2026, 0, 5, 14, 7, 9);
  const ctx: PromptContext = {
    env: { HOME: '/home/ann', USER: 'ann' },
    cwd: '/home/ann/src/strata',
    shellName: 'strata-sh',
    version: '0.1.0',
    uid: 1000,
    colour: true,
    now,
    jobs: 2,
    historyNumber: 7,
  };
  const cases: Array<[string, string]> = [
    ['\\u@\\h:\\w\\$ ', `ann@${hostname().split('.')[0]}:~/src/strata$ `],
    ['\\H', hostname()],
    ['\\W', 'strata'],
    ['\\s-\\v\\$ ', 'strata-sh-0.1$ '],
    ['\\V', '0.1.0'],
    ['\\t', '14:07:09'],
    ['\\T', '02:07:09'],
    ['\\@', '02:07 PM'],
    ['\\A', '14:07'],
    ['\\d', 'Mon Jan 05'],
    ['\\D{%Y-%m-%d}', '2026-01-05'],
    ['\\j \\! \\\\', '2 7 \\'],
    ['a\\nb', 'a\nb'],
    ['\\[\\e[32m\\]x\\[\\033[0m\\]', '\x01\x1b[32m\x02x\x01\x1b[0m\x02'],
    ['\\q', '\\q'],
  ];
  for (const [template, expected] of cases)
    t.equal(expandPrompt(template, ctx), expected, template);
  t.equal(expandPrompt('\\w', { ...ctx, cwd: '/home/ann' }), '~');
  t.equal(expandPrompt('\\W', { ...ctx, cwd: '/' }), '/');
  t.equal(expandPrompt('\\w', { ...ctx, cwd: '/home/annex' }), '/home/annex');
  t.equal(expandPrompt('\\$', { ...ctx, uid: 0 }), '#');
  t.equal(
    expandPrompt('\\[\\e[32m\\]x\\e[0m$ ', { ...ctx, colour: false }),
    'x$ ',
    'no colours when not on a terminal',
  );
});
