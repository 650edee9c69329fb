import t from 'tap';
import { TimerWheel } from '../src/timers.js';

/** A wheel on a fake clock: `to(ms)` moves time and advances the wheel as its interval would. */
function fakeWheel(options: { tickMs?: number; slots?: number; start?: number } = {}) {
  let now = options.start ?? 1_000_000;
  const wheel = new TimerWheel({
    tickMs: options.tickMs ?? 100,
    ...(options.slots ? { slots: options.slots } : {}),
    now: () => now,
  });
  return {
    wheel,
    get now() {
      return now;
    },
    to(ms: number) {
      now = ms;
      wheel.advance();
    },
    /** Moves time in steps of `step` ms, advancing at every step. */
    walk(until: number, step = 1) {
      while (now < until) {
        now = Math.min(now + step, until);
        wheel.advance();
      }
    },
  };
}

/** Counts live intervals created by code under test (the wheel uses one, unref'd). */
function trackIntervals(t: { teardown(fn: () => void): unknown }) {
  const live = new Set<unknown>();
  const { setInterval: realSet, clearInterval: realClear } = globalThis;
  globalThis.setInterval = ((...args: Parameters<typeof realSet>) => {
    const handle = realSet(...args);
    live.add(handle);
    return handle;
  }) as typeof realSet;
  globalThis.clearInterval = ((handle: Parameters<typeof realClear>[0]) => {
    live.delete(handle);
    realClear(handle);
  }) as typeof realClear;
  t.teardown(() => {
    globalThis.setInterval = realSet;
    globalThis.clearInterval = realClear;
  });
  return live;
}

t.test('a timer fires not early and at most one tick late', async (t) => {
  for (const delay of [0, 1, 99, 100, 101, 250, 999, 5_000, 60_000, 123_456]) {
    const clock = fakeWheel({ tickMs: 100, slots: 64 });
    const start = clock.now;
    let firedAt = -1;
    clock.wheel.schedule(delay, () => {
      firedAt = clock.now;
    });
    clock.walk(start + delay + 200, 7);
    t.ok(firedAt >= start + delay, `delay ${delay}: fired at +${firedAt - start}, not early`);
    // One tick of the wheel, plus the 7 ms granularity at which this test advances it.
    t.ok(firedAt <= start + delay + 100 + 7, `delay ${delay}: at most one tick late`);
    t.equal(clock.wheel.size, 0);
  }
});

t.test('a clock that jumps far ahead fires everything due, once', async (t) => {
  const clock = fakeWheel({ tickMs: 10, slots: 8 });
  const fired: number[] = [];
  for (let i = 0; i < 20; i++) clock.wheel.schedule(i * 25, () => fired.push(i));
  clock.wheel.schedule(10_000, () => fired.push(-1));
  clock.to(clock.now + 1_000);
  t.same(
    fired.sort((a, b) => a - b),
    Array.from({ length: 20 }, (_, i) => i),
  );
  t.equal(clock.wheel.size, 1, 'the far timer waits');
  clock.to(clock.now + 9_000);
  t.same(fired.includes(-1), true);
});

t.test('a delay must be a number of milliseconds', async (t) => {
  const clock = fakeWheel();
  t.throws(() => clock.wheel.schedule(Number.NaN, () => {}), RangeError);
  t.throws(() => clock.wheel.schedule(Number.POSITIVE_INFINITY, () => {}), RangeError);
  let fired = false;
  clock.wheel.schedule(-50, () => (fired = true));
  clock.walk(clock.now + 100, 10);
  t.ok(fired, 'a negative delay fires at the next tick');
  t.equal(clock.wheel.size, 0);
});

t.test('cancel', async (t) => {
  const clock = fakeWheel();
  let fired = 0;
  const a = clock.wheel.schedule(100, () => fired++);
  const b = clock.wheel.schedule(100, () => fired++);
  t.equal(clock.wheel.size, 2);
  clock.wheel.cancel(a);
  clock.wheel.cancel(a);
  clock.wheel.cancel(undefined);
  t.equal(clock.wheel.size, 1);
  clock.walk(clock.now + 300, 50);
  t.equal(fired, 1);
  clock.wheel.cancel(b);
  t.equal(clock.wheel.size, 0, 'cancelling a fired timer changes nothing');
});

t.test('many timers', async (t) => {
  const clock = fakeWheel({ tickMs: 50, slots: 128 });
  const start = clock.now;
  const count = 20_000;
  let late = 0;
  let early = 0;
  let fired = 0;
  const cancelled = new Set<number>();
  const timers = [];
  for (let i = 0; i < count; i++) {
    const delay = (i * 7919) % 30_000;
    timers.push(
      clock.wheel.schedule(delay, () => {
        fired++;
        const at = clock.now - start;
        if (at < delay) early++;
        if (at > delay + 50 + 13) late++;
      }),
    );
  }
  for (let i = 0; i < count; i += 10) {
    clock.wheel.cancel(timers[i]);
    cancelled.add(i);
  }
  t.equal(clock.wheel.size, count - cancelled.size);
  clock.walk(start + 31_000, 13);
  t.equal(fired, count - cancelled.size);
  t.equal(early, 0);
  t.equal(late, 0);
  t.equal(clock.wheel.size, 0);
});

t.test('callbacks may schedule and cancel; one interval at most', async (t) => {
  const live = trackIntervals(t);
  const clock = fakeWheel();
  let rounds = 0;
  const rearm = () => {
    rounds++;
    if (rounds < 10) clock.wheel.schedule(100, rearm);
  };
  clock.wheel.schedule(100, rearm);
  t.equal(live.size, 1);
  clock.walk(clock.now + 2_000, 10);
  t.equal(rounds, 10);
  t.equal(clock.wheel.size, 0);
  t.equal(live.size, 0, 'the interval stops when the wheel is empty');

  clock.wheel.schedule(100, () => {});
  clock.wheel.schedule(200, () => {});
  t.equal(live.size, 1);
  clock.wheel.close();
  t.equal(clock.wheel.size, 0);
  t.equal(live.size, 0, 'close stops the interval');
});

t.test('the real clock drives the wheel', async (t) => {
  const wheel = new TimerWheel({ tickMs: 10 });
  // The wheel's interval is unref'd: something else must keep this test's process alive.
  const keepAlive = setTimeout(() => {}, 5_000);
  t.teardown(() => clearTimeout(keepAlive));
  const start = Date.now();
  const elapsed = await new Promise<number>((resolve) =>
    wheel.schedule(50, () => resolve(Date.now() - start)),
  );
  t.ok(elapsed >= 50, `fired after ${elapsed} ms`);
  wheel.close();
});

t.test(
  'a callback rescheduling itself at delay 0 fires once per tick, never in a loop',
  async (t) => {
    // The clock sits exactly on a tick boundary, where "now" rounds to the tick being processed.
    const clock = fakeWheel({ tickMs: 100, start: 1_000_000 });
    let fired = 0;
    const again = () => {
      fired++;
      if (fired < 1000) clock.wheel.schedule(0, again);
    };
    clock.wheel.schedule(100, again);
    clock.to(1_000_100);
    t.equal(fired, 1, 'one firing per advance');
    clock.to(1_000_200);
    t.equal(fired, 2);
    clock.wheel.close();
  },
);

t.test('a callback can cancel a timer due in the same tick', async (t) => {
  const clock = fakeWheel();
  const fired: string[] = [];
  let second: ReturnType<typeof clock.wheel.schedule> | undefined;
  clock.wheel.schedule(100, () => {
    fired.push('first');
    clock.wheel.cancel(second);
  });
  second = clock.wheel.schedule(100, () => fired.push('second'));
  clock.walk(clock.now + 300, 50);
  t.same(fired, ['first']);
  t.equal(clock.wheel.size, 0);
});

t.test(
  'after a stall, a self-rescheduling callback neither loops nor waits a rotation',
  async (t) => {
    const clock = fakeWheel({ tickMs: 10, slots: 8, start: 1_000_000 });
    let fired = 0;
    const again = () => {
      fired++;
      if (fired < 1000) clock.wheel.schedule(0, again);
    };
    clock.wheel.schedule(10, again);
    clock.to(1_000_000 + 10 * 100); // 100 ticks late: several times round the wheel
    t.ok(fired >= 1 && fired <= 2, `fired ${fired} time(s) in the stalled advance`);
    const before = fired;
    clock.to(clock.now + 10);
    t.equal(fired, before + 1, 'and again at the very next tick');
    clock.wheel.close();
  },
);

t.test('a throwing callback does not hold back the other due timers', async (t) => {
  const clock = fakeWheel();
  const fired: string[] = [];
  clock.wheel.schedule(100, () => {
    throw new Error('callback bug');
  });
  clock.wheel.schedule(100, () => fired.push('same tick'));
  clock.wheel.schedule(200, () => fired.push('next tick'));
  t.throws(() => clock.to(clock.now + 100), /callback bug/, 'the error still surfaces');
  t.same(fired, ['same tick']);
  clock.to(clock.now + 100);
  t.same(fired, ['same tick', 'next tick']);
  t.equal(clock.wheel.size, 0);
});
