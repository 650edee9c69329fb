import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { requireTool, tempDir } from '@strata/common/testing';
import t, { type Test } from 'tap';
import { TmuxSession } from './interactive-helpers.js';

/** Starts a session in a fresh HOME; undefined (test skipped) without tmux. */
async function start(t: Test, setup?: (home: string) => void, env?: Record<string, string>) {
  if (!requireTool(t, 'tmux')) return undefined;
  const home = tempDir(t);
  setup?.(home);
  const session = new TmuxSession(home, { env });
  t.teardown(() => session.kill());
  await session.waitForPrompt();
  return session;
}

t.test('a prompt appears and a command runs', async (t) => {
  const s = await start(t);
  if (!s) return;
  s.type('echo hi');
  s.send('Enter');
  const screen = await s.waitFor(/^hi$/m);
  t.match(screen, /strata-sh-0\.1[#$] echo hi\nhi\n/);
});

t.test('Ctrl+C interrupts the job, the shell survives, $? is 130', async (t) => {
  const s = await start(t);
  if (!s) return;
  // The child announces itself: Ctrl+C surely reaches it while it runs.
  s.type("sh -c 'echo started; exec sleep 30'");
  s.send('Enter');
  await s.waitFor(/^started$/m);
  const started = Date.now();
  s.send('C-c');
  await s.waitForPrompt();
  t.ok(Date.now() - started < 10_000, 'sleep was interrupted');
  s.type('echo status=$?');
  s.send('Enter');
  await s.waitFor(/^status=130$/m);
  t.ok(s.alive());
});

t.test('the built-in cat reads typed lines; Ctrl+C stops it, $? is 130', async (t) => {
  const s = await start(t);
  if (!s) return;
  s.type('echo reading; cat');
  s.send('Enter');
  await s.waitFor(/^reading$/m);
  s.type('hello');
  s.send('Enter');
  // The terminal echoes the line, then cat copies it: cat is reading the terminal.
  await s.waitFor(/^reading\nhello\nhello$/m);
  s.send('C-c');
  await s.waitForPrompt();
  s.type('echo status=$?');
  s.send('Enter');
  await s.waitFor(/^status=130$/m);
  t.ok(s.alive());
});

t.test('Ctrl+D ends the built-in cat; the shell keeps reading its own lines', async (t) => {
  const s = await start(t);
  if (!s) return;
  s.type('echo reading; cat');
  s.send('Enter');
  await s.waitFor(/^reading$/m);
  s.type('one');
  s.send('Enter');
  await s.waitFor(/^one\none$/m);
  s.type('two');
  s.send('Enter');
  await s.waitFor(/^two\ntwo$/m);
  s.send('C-d');
  await s.waitForPrompt();
  s.type('echo status=$?');
  s.send('Enter');
  await s.waitFor(/^status=0$/m);
  t.ok(s.alive());
});

t.test('read takes a typed line; Ctrl+C stops a waiting read, $? is 130', async (t) => {
  const s = await start(t);
  if (!s) return;
  // Type only once the command runs: keys typed earlier are the line editor's typeahead.
  s.type('echo reading; read a b; echo "a=$a b=$b"');
  s.send('Enter');
  await s.waitFor(/^reading$/m);
  s.type('one two three');
  s.send('Enter');
  await s.waitFor(/^a=one b=two three$/m);
  await s.waitForPrompt();
  s.type('echo reading; read x; echo not-reached');
  s.send('Enter');
  await s.waitFor(/^reading$/m);
  s.send('C-c');
  await s.waitForPrompt();
  s.type('echo status=$?');
  s.send('Enter');
  const screen = await s.waitFor(/^status=130$/m);
  t.notMatch(screen, /^not-reached$/m);
});

t.test('Ctrl+C at the prompt discards a half-typed line', async (t) => {
  const s = await start(t);
  if (!s) return;
  s.type('echo discarded');
  s.send('C-c');
  await s.waitFor(/echo discarded\^C\n.*[#$]$/);
  s.type('echo kept');
  s.send('Enter');
  const screen = await s.waitFor(/^kept$/m);
  t.notMatch(screen, /^discarded$/m);
  s.type('echo $?');
  s.send('Enter');
  await s.waitFor(/^0$/m);
});

t.test('Ctrl+L clears the screen and redraws the prompt and the line', async (t) => {
  const s = await start(t);
  if (!s) return;
  s.type('echo one; echo two');
  s.send('Enter');
  await s.waitFor(/^two$/m);
  s.type('echo partial');
  s.send('C-l');
  const screen = await s.waitFor((text) => !text.includes('two'));
  t.match(screen, /^strata-sh-0\.1[#$] echo partial$/);
  s.send('Enter');
  await s.waitFor(/^partial$/m);
});

t.test('Up recalls the previous command; history is saved to ~/.strata_history', async (t) => {
  const s = await start(t);
  if (!s) return;
  s.type('echo first-command');
  s.send('Enter');
  await s.waitFor(/^first-command$/m);
  s.send('Up');
  await s.waitFor(/[#$] echo first-command$/);
  s.send('Enter');
  await s.waitFor((text) => text.match(/^first-command$/gm)?.length === 2);
  s.type('exit');
  s.send('Enter');
  await s.waitForEnd();
  t.match(
    readFileSync(`${s.home}/.strata_history`, 'utf8'),
    /^#\d+\necho first-command\n#\d+\nexit\n$/,
  );
});

t.test('Tab completes a unique file name and a command', async (t) => {
  const s = await start(
    t,
    (home) => {
      writeFileSync(`${home}/uniquely-named.txt`, 'contents\n');
      mkdirSync(`${home}/bin`);
      writeFileSync(`${home}/bin/strata-onlyone`, '#!/bin/sh\necho ran-onlyone\n');
      chmodSync(`${home}/bin/strata-onlyone`, 0o755);
    },
    {},
  );
  if (!s) return;
  s.type('cat uniq');
  s.send('Tab');
  await s.waitFor(/[#$] cat uniquely-named\.txt$/);
  s.send('Enter');
  t.match(await s.waitFor(/^contents$/m), /[#$] cat uniquely-named\.txt\ncontents/);
  s.type('PATH=$HOME/bin:$PATH');
  s.send('Enter');
  await s.waitForPrompt();
  s.type('strata-only');
  s.send('Tab');
  await s.waitFor(/[#$] strata-onlyone$/);
  s.send('Enter');
  t.match(await s.waitFor(/^ran-onlyone$/m), /[#$] strata-onlyone\nran-onlyone/);
});

t.test('exit ends the session', async (t) => {
  const s = await start(t);
  if (!s) return;
  s.type('exit 3');
  s.send('Enter');
  await s.waitForEnd();
  t.notOk(s.alive());
});

t.test('Ctrl+D on an empty line exits', async (t) => {
  const s = await start(t);
  if (!s) return;
  s.send('C-d');
  await s.waitForEnd();
  t.notOk(s.alive());
});

t.test('~/.strata-shrc runs at start; PS1 colours; PS2 continuation', async (t) => {
  if (!requireTool(t, 'tmux')) return;
  const home = tempDir(t);
  writeFileSync(
    `${home}/.strata-shrc`,
    "alias greet='echo hello from rc'\nPS1='\\[\\e[32m\\]\\W rc\\$\\[\\e[0m\\] '\nPS2='more> '\n",
  );
  const session = new TmuxSession(home);
  t.teardown(() => session.kill());
  // \W shows ~ in the home directory.
  await session.waitFor(/^~ rc[#$]$/m);
  session.type('greet');
  session.send('Enter');
  await session.waitFor(/^hello from rc$/m);
  session.type('for i in 1 2');
  session.send('Enter');
  await session.waitFor(/^more>$/m);
  session.type('do echo n$i; done');
  session.send('Enter');
  t.match(await session.waitFor(/^n1\nn2$/m), /more> do echo n\$i; done\nn1\nn2/);
});

t.test('Ctrl+R runs an earlier command; output without a newline is kept', async (t) => {
  const s = await start(t);
  if (!s) return;
  s.type('echo alpha-one');
  s.send('Enter');
  await s.waitFor(/^alpha-one$/m);
  s.type('printf no-newline');
  s.send('Enter');
  await s.waitFor(/^no-newline\n.*[#$]$/m);
  s.send('C-r');
  s.type('alpha');
  await s.waitFor(/\(reverse-i-search\)`alpha': echo alpha-one$/m);
  s.send('Enter');
  const screen = await s.waitFor((text) => text.match(/^alpha-one$/gm)?.length === 2);
  t.match(screen, /^no-newline$/m);
});

t.test('a pasted multi-line snippet waits for Enter (bracketed paste)', async (t) => {
  const s = await start(t);
  if (!s) return;
  s.tmux('set-buffer', 'echo pasted-one\necho pasted-two');
  s.tmux('paste-buffer', '-p');
  await s.waitFor(/[#$] echo pasted-one\necho pasted-two$/);
  t.notMatch(s.screen(), /^pasted-one$/m, 'nothing ran yet');
  s.send('Enter');
  await s.waitFor(/^pasted-one\npasted-two$/m);
});

t.test('background jobs: [n] pid at the start, Done before a later prompt', async (t) => {
  const s = await start(t);
  if (!s) return;
  s.type('sleep 0.2 &');
  s.send('Enter');
  await s.waitFor(/^\[1\] \d+$/m);
  // The report comes before the first prompt after the job ends: press Enter until it does.
  const done = /^\[1\]\+ {2}Done {20}sleep 0\.2$/m;
  const deadline = Date.now() + 20_000;
  let screen = '';
  while (!done.test(screen) && Date.now() < deadline) {
    s.send('Enter');
    screen = await s.waitFor(done, 1000).catch(() => '');
  }
  screen = await s.waitFor(done);
  // Only prompts follow the report (one per Enter still on its way).
  t.match(screen, /Done {20}sleep 0\.2\n(.*[#$]\n)*.*[#$]$/);
  s.type('jobs');
  s.send('Enter');
  await s.waitForPrompt();
  t.notMatch(s.screen().split('jobs').pop() ?? '', /sleep/, 'a reported job is forgotten');
});

t.test('Ctrl+X Ctrl+E edits the line in $EDITOR, then runs it', async (t) => {
  const s = await start(t);
  if (!s) return;
  s.type("EDITOR='sed -i s/hello/edited/'");
  s.send('Enter');
  await s.waitForPrompt();
  s.type('echo hello-world');
  s.send('C-x', 'C-e');
  const screen = await s.waitFor(/^edited-world$/m);
  t.match(screen, /^echo edited-world\nedited-world$/m, 'the edited command is shown, then run');
});

t.test('history expansion: !! and !$ are expanded, shown and run', async (t) => {
  const s = await start(t);
  if (!s) return;
  s.type('echo first second');
  s.send('Enter');
  await s.waitFor(/^first second$/m);
  s.type('echo !$ !!');
  s.send('Enter');
  const screen = await s.waitFor(/^second echo first second$/m);
  t.match(screen, /^echo second echo first second\nsecond echo first second$/m);
  s.type('echo !nosuch');
  s.send('Enter');
  await s.waitFor(/^strata-sh: !nosuch: event not found$/m);
});
