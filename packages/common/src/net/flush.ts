/**
 * Output batching across all connections: the first write of a loop turn registers the
 * connection, and one setImmediate per turn flushes every registered connection. setImmediate
 * runs after the poll phase has handled every readable socket, so all replies produced by this
 * turn's reads leave in one write per connection, as Redis does in beforeSleep.
 */
export interface Flushable {
  flush(): void;
}

export interface FlushScheduler {
  pending: Set<Flushable>;
  scheduled: boolean;
}

export function createFlushScheduler(): FlushScheduler {
  return { pending: new Set(), scheduled: false };
}

function runFlush(scheduler: FlushScheduler): void {
  scheduler.scheduled = false;
  const batch = scheduler.pending;
  scheduler.pending = new Set();
  for (const target of batch) target.flush();
}

export function scheduleFlush(scheduler: FlushScheduler, target: Flushable): void {
  scheduler.pending.add(target);
  if (!scheduler.scheduled) {
    scheduler.scheduled = true;
    setImmediate(runFlush, scheduler);
  }
}
