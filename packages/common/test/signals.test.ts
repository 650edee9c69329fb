import t from 'tap';
import { installSignalHandlers } from '../src/signals.js';

/** Lets queued promise callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

function setup(t: { teardown(fn: () => void): unknown }, hooks: { reload?: () => unknown } = {}) {
  const events: string[] = [];
  let finishShutdown: () => void = () => {};
  let failShutdown: (err: Error) => void = () => {};
  const uninstall = installSignalHandlers({
    shutdown: (signal) => {
      events.push(`shutdown ${signal}`);
      return new Promise<void>((resolve, reject) => {
        finishShutdown = resolve;
        failShutdown = reject;
      });
    },
    ...(hooks.reload ? { reload: async () => void hooks.reload?.() } : {}),
    exit: (code) => events.push(`exit ${code}`),
  });
  t.teardown(uninstall);
  return {
    events,
    finish: () => finishShutdown(),
    fail: (err: Error) => failShutdown(err),
    uninstall,
  };
}

t.test('first SIGTERM shuts down gracefully then exits 0', async (t) => {
  const s = setup(t);
  process.emit('SIGTERM', 'SIGTERM');
  await settle();
  t.same(s.events, ['shutdown SIGTERM'], 'no exit while the shutdown runs');
  s.finish();
  await settle();
  t.same(s.events, ['shutdown SIGTERM', 'exit 0']);
});

t.test('a second signal exits at once with 128 + signal number', async (t) => {
  const term = setup(t);
  process.emit('SIGTERM', 'SIGTERM');
  await settle();
  process.emit('SIGTERM', 'SIGTERM');
  t.same(term.events, ['shutdown SIGTERM', 'exit 143']);
  term.uninstall();

  const int = setup(t);
  process.emit('SIGINT', 'SIGINT');
  await settle();
  process.emit('SIGINT', 'SIGINT');
  t.same(int.events, ['shutdown SIGINT', 'exit 130']);
});

t.test('a failed shutdown exits 1', async (t) => {
  const s = setup(t);
  process.emit('SIGINT', 'SIGINT');
  await settle();
  s.fail(new Error('disk full'));
  await settle();
  t.same(s.events, ['shutdown SIGINT', 'exit 1']);
});

t.test('SIGHUP reloads and never exits', async (t) => {
  let reloads = 0;
  const s = setup(t, { reload: () => reloads++ });
  process.emit('SIGHUP', 'SIGHUP');
  process.emit('SIGHUP', 'SIGHUP');
  await settle();
  t.equal(reloads, 2);
  t.same(s.events, []);
});

t.test('SIGHUP without a reload hook, and a failing reload, are harmless', async (t) => {
  const plain = setup(t);
  process.emit('SIGHUP', 'SIGHUP');
  await settle();
  t.same(plain.events, []);
  plain.uninstall();
  const failing = setup(t, {
    reload: () => {
      throw new Error('bad config');
    },
  });
  process.emit('SIGHUP', 'SIGHUP');
  await settle();
  t.same(failing.events, []);
});

t.test('the uninstaller removes every listener', async (t) => {
  const before = ['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => process.listenerCount(s));
  const s = setup(t);
  t.same(
    ['SIGINT', 'SIGTERM', 'SIGHUP'].map((sig) => process.listenerCount(sig)),
    before.map((n) => n + 1),
  );
  s.uninstall();
  t.same(
    ['SIGINT', 'SIGTERM', 'SIGHUP'].map((sig) => process.listenerCount(sig)),
    before,
  );
});
