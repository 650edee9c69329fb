import t from 'tap';
import { expandHistory } from '../src/editor/history-expansion.js';

/** Nothing to expand: quotes, backslash, `!` before blanks, `=`, `(`, `$!`, `${!name}`. */
const LITERAL = "echo '!!' \\!! ! != !( x! $!x $" + '{!PATH*}';

const HISTORY = ['echo one two three', 'ls -l /tmp', "grep 'a b' file.txt"];

t.test('history expansion as bash does it', async (t) => {
  const cases: Array<[string, string]> = [
    ['sudo !!', "sudo grep 'a b' file.txt"],
    ['cat !$', 'cat file.txt'],
    ['echo !^', "echo 'a b'"],
    ['echo !*', "echo 'a b' file.txt"],
    ['!1', 'echo one two three'],
    ['!-2', 'ls -l /tmp'],
    ['!ls', 'ls -l /tmp'],
    ['!?two?', 'echo one two three'],
    ['echo !echo:2', 'echo two'],
    ['echo !echo:1-2', 'echo one two'],
    ['echo !!:$', 'echo file.txt'],
    ['^file^other', "grep 'a b' other.txt"],
    [LITERAL, LITERAL],
    ['echo "!!"', `echo "grep 'a b' file.txt"`],
  ];
  for (const [line, expected] of cases) {
    t.same(expandHistory(line, HISTORY), { text: expected, expanded: line !== LITERAL }, line);
  }
  t.same(expandHistory('echo !nothing', HISTORY), { error: '!nothing: event not found' });
  t.same(expandHistory('echo !!:9', HISTORY), { error: '!!:9: bad word specifier' });
  t.same(expandHistory('^zzz^y', HISTORY), { error: ':s^zzz^y: substitution failed' });
  t.same(expandHistory('!!', []), { error: '!!: event not found' });
});
