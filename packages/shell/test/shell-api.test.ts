/** The Shell class the REPL uses: run(), isIncomplete(), state accessors, exit and traps. */
import t from 'tap';
import { Shell } from '../src/shell.js';

const make = () =>
  new Shell({
    argv0: 'strata-sh',
    args: [],
    env: { PATH: process.env.PATH, HOME: '/tmp' },
    interactive: false,
  });

t.test('isIncomplete: constructs that need more lines', async (t) => {
  const shell = make();
  const incomplete = [
    'echo "abc',
    "echo 'abc",
    'cat <<EOF\nline',
    'if true; then',
    'if true; then echo; fi; while false',
    'while true; do',
    'for x in a b; do echo',
    'case x in',
    'case x in a) echo',
    '{ echo',
    '( echo',
    'echo a |',
    'echo a &&',
    'echo a ||',
    'echo \\',
    'echo a \\\n',
    'f() {',
    'echo $(echo',
    'echo ${x',
    'echo `echo',
  ];
  for (const src of incomplete) t.ok(shell.isIncomplete(src), JSON.stringify(src));
  const complete = [
    'echo hi',
    'if true; then echo; fi',
    'cat <<EOF\nline\nEOF',
    'echo "a\nb"',
    'case x in a) echo;; esac',
    'echo \\\\',
    '',
    'echo a; # comment \\',
  ];
  for (const src of complete) t.notOk(shell.isIncomplete(src), JSON.stringify(src));
  t.notOk(shell.isIncomplete('fi'), 'a syntax error is not incomplete');
});

t.test('run keeps state between calls; exit sets exitRequested', async (t) => {
  const shell = make();
  t.equal(await shell.run('x=41; f() { echo $((x+1)); }; alias hi="echo hi"\n'), 0);
  t.equal(shell.getVar('x'), '41');
  t.ok(shell.commandNames().includes('f'));
  t.ok(shell.commandNames().includes('hi'));
  t.ok(shell.commandNames().includes('cd'));
  t.ok(shell.variableNames().includes('x'));
  await shell.run('cd /');
  t.equal(shell.cwd, '/');
  t.equal(await shell.run('false'), 1);
  t.equal(shell.lastStatus, 1);
  t.equal(shell.exitRequested, undefined);
  await shell.run('exit 7');
  t.equal(shell.exitRequested, 7);
});

t.test('a child killed by SIGINT gives 130 and the shell goes on', async (t) => {
  const shell = new Shell({
    argv0: 'strata-sh',
    args: [],
    env: { PATH: process.env.PATH },
    interactive: true,
  });
  t.equal(await shell.run("sh -c 'kill -INT $$'"), 130);
  t.equal(shell.exitRequested, undefined);
  t.equal(await shell.run('true'), 0);
});

t.test('history builtin lists what the REPL provides', async (t) => {
  const shell = make();
  shell.history = { entries: () => ['one', 'two'] };
  t.equal(shell.history?.entries().length, 2);
  t.equal(await shell.run('history > /dev/null'), 0);
});

t.test('the EXIT trap runs once', async (t) => {
  const shell = make();
  await shell.run('trap "x=trapped" EXIT');
  await shell.runExitTrap();
  t.equal(shell.getVar('x'), 'trapped');
  await shell.run('x=again');
  await shell.runExitTrap();
  t.equal(shell.getVar('x'), 'again');
});
