/**
 * A hashed timer wheel: one Node interval drives any number of coarse deadlines (idle
 * connections, header timeouts). Scheduling and cancelling are O(1); a tick touches one slot.
 * Deadlines fire at most one tick late, never early.
 */
export interface TimerWheelOptions {
  /** Resolution in milliseconds. */
  tickMs?: number;
  /** Number of slots; a deadline further away than slots*tickMs waits extra rounds. */
  slots?: number;
  /** Clock, injectable for tests. */
  now?: () => number;
}

export class WheelTimer {
  /** @internal */ slot = -1;
  constructor(
    readonly deadline: number,
    /** @internal */ readonly callback: () => void,
  ) {}
}

export class TimerWheel {
  private readonly tickMs: number;
  private readonly slots: Array<Set<WheelTimer>>;
  private readonly now: () => number;
  private interval: NodeJS.Timeout | undefined;
  private lastTick: number;
  private count = 0;

  constructor(options: TimerWheelOptions = {}) {
    this.tickMs = options.tickMs ?? 100;
    this.now = options.now ?? Date.now;
    this.slots = Array.from({ length: options.slots ?? 512 }, () => new Set<WheelTimer>());
    this.lastTick = Math.floor(this.now() / this.tickMs);
  }

  /** Number of pending timers. */
  get size(): number {
    return this.count;
  }

  /** Calls `callback` once, `delayMs` from now (rounded up to the next tick). */
  schedule(delayMs: number, callback: () => void): WheelTimer {
    if (Number.isNaN(delayMs) || delayMs === Number.POSITIVE_INFINITY) {
      throw new RangeError(`timer delay must be a finite number of milliseconds, got ${delayMs}`);
    }
    const timer = new WheelTimer(this.now() + Math.max(0, delayMs), callback);
    const tick = Math.max(Math.ceil(timer.deadline / this.tickMs), this.lastTick + 1);
    timer.slot = tick % this.slots.length;
    this.slots[timer.slot]!.add(timer);
    if (++this.count === 1) this.start();
    return timer;
  }

  cancel(timer: WheelTimer | undefined): void {
    if (!timer || timer.slot === -1) return;
    this.slots[timer.slot]!.delete(timer);
    timer.slot = -1;
    if (--this.count === 0) this.stop();
  }

  /** Advances the wheel to the current time, firing what is due. Called by the interval. */
  advance(): void {
    const current = Math.floor(this.now() / this.tickMs);
    const now = this.now();
    const from = this.lastTick;
    // Moved first, so that what callbacks schedule lands after every tick processed here.
    this.lastTick = Math.max(this.lastTick, current);
    // After a long stall, one pass over every slot is enough.
    const steps = Math.min(current - from, this.slots.length);
    let failure: { error: unknown } | undefined;
    for (let step = 1; step <= steps; step++) {
      const slot = this.slots[(from + step) % this.slots.length]!;
      if (slot.size === 0) continue;
      // The due timers are taken before any callback runs, so that this loop never visits
      // what a callback adds to the slot (after a stall the wheel can come round to it).
      const due: WheelTimer[] = [];
      for (const timer of slot) if (timer.deadline <= now) due.push(timer);
      for (const timer of due) {
        if (timer.slot === -1) continue; // cancelled by an earlier callback
        slot.delete(timer);
        timer.slot = -1;
        this.count--;
        try {
          timer.callback();
        } catch (error) {
          // The other due timers still fire; the first error is rethrown once they have.
          failure ??= { error };
        }
      }
    }
    if (this.count === 0) this.stop();
    if (failure) throw failure.error;
  }

  /** Cancels every timer and stops the interval. */
  close(): void {
    for (const slot of this.slots) {
      for (const timer of slot) timer.slot = -1;
      slot.clear();
    }
    this.count = 0;
    this.stop();
  }

  private start(): void {
    // A callback that schedules while advance() runs finds the interval still set: keep it.
    if (this.interval) return;
    this.lastTick = Math.max(this.lastTick, Math.floor(this.now() / this.tickMs) - 1);
    this.interval = setInterval(() => this.advance(), this.tickMs);
    // Timers alone never keep the process alive.
    this.interval.unref();
  }

  private stop(): void {
    if (this.interval) clearInterval(this.interval);
    this.interval = undefined;
  }
}
