import t from 'tap';
import { KeyDecoder } from '../src/editor/keys.js';
import { makeEditor, typeLine } from './editor-helpers.js';

const LEFT = '\x1b[D';
const RIGHT = '\x1b[C';
const UP = '\x1b[A';
const DOWN = '\x1b[B';

t.test('typing and Enter return the line; raw mode only while reading', async (t) => {
  const h = makeEditor();
  const result = await typeLine(h, 'echo hi\r');
  t.same(result, { kind: 'line', text: 'echo hi' });
  t.equal(h.screen.line(0), '$ echo hi');
  t.same(h.input.rawModes, [true, false]);
  t.ok(h.input.paused, 'input is paused between lines so children can read the terminal');
  t.equal(h.screen.row, 1, 'the cursor is on the next line after Enter');
});

t.test('cursor motion and editing keys', async (t) => {
  const cases: Array<[string, string, string]> = [
    ['left then insert', `helo${LEFT}l\r`, 'hello'],
    ['Ctrl+A and Ctrl+E', 'world\x01hello \x05!\r', 'hello world!'],
    ['Ctrl+B and Ctrl+F', 'ac\x02b\x06d\r', 'abcd'],
    ['Home/End xterm', `bc\x1b[Ha\x1b[Fd\r`, 'abcd'],
    ['Home/End application mode', `bc\x1bOHa\x1bOFd\r`, 'abcd'],
    ['Home/End VT220', `bc\x1b[1~a\x1b[4~d\r`, 'abcd'],
    ['Home/End rxvt', `bc\x1b[7~a\x1b[8~d\r`, 'abcd'],
    ['Delete', `abxc\x1b[D\x1b[D\x1b[3~\r`, 'abc'],
    ['Backspace (DEL and ^H)', 'abxx\x7f\x08c\r', 'abc'],
    ['Ctrl+D deletes forward on a non-empty line', `abxc${LEFT}${LEFT}\x04\r`, 'abc'],
    ['Ctrl+K kills to the end, Ctrl+Y yanks', `hello world\x01\x1bf\x0b\x01\x19\r`, ' worldhello'],
    ['Ctrl+U kills to the start', `junk keep${LEFT}${LEFT}${LEFT}${LEFT}\x15\r`, 'keep'],
    ['Ctrl+W kills a whitespace word', 'echo foo/bar baz\x17\x17\r', 'echo '],
    ['consecutive kills accumulate', 'one two three\x17\x17\x19\r', 'one two three'],
    ['Alt+B and Alt+F move by words', `one two three\x1bb\x1bbX\x1bfY\r`, 'one XtwoY three'],
    ['Ctrl+arrows move by words', `one two\x1b[1;5DX\x1b[1;5CY\r`, 'one XtwoY'],
    ['Alt+D kills a word forward', `one two three\x01\x1bd\r`, ' two three'],
    ['Alt+Backspace kills a word back', 'one two-three\x1b\x7f\r', 'one two-'],
    ['Ctrl+T transposes', 'ab\x14\r', 'ba'],
    ['arrows at the edges do nothing', `${LEFT}a${RIGHT}${RIGHT}b\r`, 'ab'],
    ['a lone Escape is ignored', 'a\x1b', 'a'],
  ];
  for (const [name, keys, expected] of cases) {
    const h = makeEditor();
    const reading = h.read();
    h.input.type(keys);
    if (!keys.endsWith('\r')) {
      await h.settle();
      h.input.type('\r');
    }
    t.same(await reading, { kind: 'line', text: expected }, name);
  }
});

t.test('keys split across reads are decoded whole', async (t) => {
  const h = makeEditor();
  const reading = h.read();
  // Pieces of one escape sequence arrive in separate reads, faster than the ESC timeout.
  for (const piece of ['ab', '\x1b', '[', 'D', 'X\r']) h.input.emit('data', Buffer.from(piece));
  t.same(await reading, { kind: 'line', text: 'aXb' });
  const decoder = new KeyDecoder();
  const bytes = Buffer.from('日');
  t.same(decoder.decode(bytes.subarray(0, 1)), []);
  t.same(decoder.decode(bytes.subarray(1)), [{ kind: 'text', text: '日' }]);
});

t.test('wide and combining characters move as one', async (t) => {
  const h = makeEditor();
  const reading = h.read();
  h.input.type(`日本${LEFT}x`);
  await h.settle();
  t.equal(h.screen.line(0), '$ 日x本');
  t.equal(h.screen.column, 5, 'the cursor sits after the two-column 日 and x');
  h.input.type(`\x05e\u0301${LEFT}y\r`);
  t.same(await reading, { kind: 'line', text: '日x本ye\u0301' });
});

t.test('a prompt with colour codes: only visible characters count', async (t) => {
  const h = makeEditor();
  const reading = h.read('\x01\x1b[1;32m\x02user\x01\x1b[0m\x02$ ');
  h.input.type(`abc${LEFT}`);
  await h.settle();
  t.equal(h.screen.line(0), 'user$ abc');
  t.equal(h.screen.column, 8);
  t.notMatch(h.screen.written, /[\x01\x02]/, 'the markers never reach the terminal');
  h.input.type('\r');
  await reading;
});

t.test('lines longer than the terminal wrap and stay editable', async (t) => {
  const h = makeEditor({ columns: 20 });
  const reading = h.read();
  const long = 'x'.repeat(18) + 'y'.repeat(20) + 'z'.repeat(5);
  h.input.type(long);
  await h.settle();
  t.equal(h.screen.text(), `$ ${'x'.repeat(18)}\n${'y'.repeat(20)}\nzzzzz`);
  t.same([h.screen.row, h.screen.column], [2, 5]);
  h.input.type('\x01START');
  await h.settle();
  t.equal(
    h.screen.text(),
    `$ START${'x'.repeat(13)}\n${'x'.repeat(5)}${'y'.repeat(15)}\n${'y'.repeat(5)}zzzzz`,
  );
  t.same([h.screen.row, h.screen.column], [0, 7]);
  h.input.type('\x05\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f');
  await h.settle();
  t.equal(h.screen.text(), `$ START${'x'.repeat(13)}\n${'x'.repeat(5)}${'y'.repeat(15)}`);
  t.same([h.screen.row, h.screen.column], [2, 0], 'a full row puts the cursor on the next one');
  h.input.type('\r');
  t.equal(((await reading) as { text: string }).text.length, 38);
});

t.test('a wide character that does not fit wraps whole', async (t) => {
  const h = makeEditor({ columns: 10 });
  const reading = h.read();
  h.input.type('abcdefg日本');
  await h.settle();
  t.equal(h.screen.text(), '$ abcdefg\n日本');
  h.input.type('\r');
  await reading;
});

t.test('history: Up/Down recall, the draft survives, bell at the ends', async (t) => {
  const h = makeEditor({ history: ['first', 'second'] });
  const reading = h.read();
  h.input.type(`draft${UP}`);
  await h.settle();
  t.equal(h.screen.line(0), '$ second');
  h.input.type(UP + UP);
  await h.settle();
  t.equal(h.screen.line(0), '$ first');
  t.equal(h.screen.bells, 1);
  h.input.type(DOWN + DOWN);
  await h.settle();
  t.equal(h.screen.line(0), '$ draft');
  h.input.type(`${UP}\x10\r`);
  t.same(await reading, { kind: 'line', text: 'first' });
});

t.test('multi-line history entries are shown on several lines', async (t) => {
  const h = makeEditor({ history: ['for i in 1 2\ndo echo $i\ndone'] });
  const reading = h.read();
  h.input.type(UP);
  await h.settle();
  t.equal(h.screen.text(), '$ for i in 1 2\ndo echo $i\ndone');
  h.input.type('\r');
  t.same(await reading, { kind: 'line', text: 'for i in 1 2\ndo echo $i\ndone' });
});

t.test('Ctrl+R searches history backwards incrementally', async (t) => {
  const h = makeEditor({ history: ['echo one', 'ls -l', 'echo two', 'cat x'] });
  const reading = h.read();
  h.input.type('\x12ec');
  await h.settle();
  t.equal(h.screen.line(0), "(reverse-i-search)`ec': echo two");
  h.input.type('\x12');
  await h.settle();
  t.equal(h.screen.line(0), "(reverse-i-search)`ec': echo one");
  h.input.type('\x12');
  await h.settle();
  t.equal(h.screen.line(0), "(failed reverse-i-search)`ec': echo one");
  h.input.type('\r');
  t.same(await reading, { kind: 'line', text: 'echo one' });

  const edit = h.read();
  h.input.type('\x12ls\x05 -a\r');
  t.same(await edit, { kind: 'line', text: 'ls -l -a' }, 'a motion key ends the search');

  const cancel = h.read();
  h.input.type('keep\x12ca\x07\r');
  t.same(await cancel, { kind: 'line', text: 'keep' }, 'Ctrl+G restores the line');
});

t.test('Ctrl+C discards the line, Ctrl+D on an empty line is EOF', async (t) => {
  const h = makeEditor();
  t.same(await typeLine(h, 'half typed\x03'), { kind: 'interrupt' });
  t.equal(h.screen.line(0), '$ half typed^C');
  t.equal(h.screen.row, 1);
  t.same(await typeLine(h, '\x04'), { kind: 'eof' });
  const ended = h.read();
  h.input.type('unfinished');
  h.input.emit('end');
  t.same(await ended, { kind: 'eof' }, 'the input closing is EOF too');
});

t.test('Ctrl+L clears the screen and redraws prompt and line', async (t) => {
  const h = makeEditor();
  h.screen.write('old output\r\nmore\r\n');
  const reading = h.read();
  h.input.type(`echo hi${LEFT}\x0c`);
  await h.settle();
  t.equal(h.screen.text(), '$ echo hi');
  t.same([h.screen.row, h.screen.column], [0, 8]);
  h.input.type('\r');
  await reading;
});

t.test('a multi-line prompt (\\n in PS1) redraws only its last line', async (t) => {
  const h = makeEditor();
  const reading = h.read('info line\n> ');
  h.input.type(`abc${LEFT}X`);
  await h.settle();
  t.equal(h.screen.text(), 'info line\n> abXc');
  h.input.type('\r');
  await reading;
});

t.test('keys typed ahead in the same read go to the next line', async (t) => {
  const h = makeEditor();
  const first = h.read();
  h.input.type('ls\rcat x\rpwd');
  t.same(await first, { kind: 'line', text: 'ls' });
  t.same(await h.read(), { kind: 'line', text: 'cat x' });
  const third = h.read();
  await h.settle();
  h.input.type('\r');
  t.same(await third, { kind: 'line', text: 'pwd' });
});

t.test('output without a final newline is kept; the prompt starts on the next line', async (t) => {
  const h = makeEditor({ columns: 20 });
  h.screen.write('partial');
  const reading = h.read();
  h.input.type('ls');
  await h.settle();
  t.equal(h.screen.text(), 'partial\n$ ls');
  h.input.type('\r');
  await reading;
  const next = h.read();
  await h.settle();
  t.equal(h.screen.text(), 'partial\n$ ls\n$', 'no blank line after a complete line');
  h.input.type('\r');
  await next;
});

t.test('Ctrl+_ undoes edits, a run of typing at a time', async (t) => {
  const h = makeEditor();
  const reading = h.read();
  h.input.type('echo hello');
  await h.settle();
  h.input.type(' world');
  await h.settle();
  h.input.type('\x17\x1f');
  await h.settle();
  t.equal(h.screen.line(0), '$ echo hello world', 'the kill is undone');
  h.input.type('\x1f');
  await h.settle();
  t.equal(h.screen.line(0), '$', 'then the whole run of typing');
  h.input.type('ls -l\x01\x0b\x1f');
  await h.settle();
  t.equal(h.screen.line(0), '$ ls -l');
  h.input.type('\x1f\x1f\r');
  t.same(await reading, { kind: 'line', text: '' });
  t.equal(h.screen.bells, 1, 'nothing left to undo rings the bell');
});

t.test('Alt+. inserts the last argument of earlier commands', async (t) => {
  const h = makeEditor({ history: ["cp a 'b c'", 'mkdir -p some/dir'] });
  const reading = h.read();
  h.input.type('cd \x1b.');
  await h.settle();
  t.equal(h.screen.line(0), '$ cd some/dir');
  h.input.type('\x1b.');
  await h.settle();
  t.equal(h.screen.line(0), "$ cd 'b c'");
  h.input.type('\r');
  t.same(await reading, { kind: 'line', text: "cd 'b c'" });
});

t.test('a terminal resize redraws the line for the new width', async (t) => {
  const h = makeEditor({ columns: 40 });
  const reading = h.read();
  h.input.type('x'.repeat(30));
  await h.settle();
  h.screen.resize(20);
  await h.settle();
  t.equal(h.screen.text(), `$ ${'x'.repeat(18)}\n${'x'.repeat(12)}`);
  t.same([h.screen.row, h.screen.column], [1, 12]);
  h.input.type('\r');
  await reading;
});

t.test('bracketed paste inserts newlines instead of running the lines', async (t) => {
  const h = makeEditor();
  const reading = h.read();
  await h.settle();
  t.ok(h.screen.bracketedPaste, 'enabled while reading');
  h.input.type('\x1b[200~echo one\recho two\x1b[201~');
  await h.settle();
  t.equal(h.screen.text(), '$ echo one\necho two');
  h.input.type('\r');
  t.same(await reading, { kind: 'line', text: 'echo one\necho two' });
  t.notOk(h.screen.bracketedPaste, 'disabled while the command runs');
});

t.test('Ctrl+X Ctrl+E hands the line to an editor; Ctrl+X Ctrl+U undoes', async (t) => {
  const h = makeEditor();
  t.same(await typeLine(h, 'echo draft\x18\x05'), { kind: 'edit', text: 'echo draft' });
  t.same(await typeLine(h, 'abc\x17\x18\x15\r'), { kind: 'line', text: 'abc' });
  t.same(
    await typeLine(h, 'x\x18q\r'),
    { kind: 'line', text: 'x' },
    'other keys after Ctrl+X ring',
  );
  t.equal(h.screen.bells, 1);
});
