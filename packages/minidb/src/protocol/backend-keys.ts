import { randomInt } from 'node:crypto';

/** What a CancelRequest reaches: the session of one connection. */
export interface Cancellable {
  cancel(): void;
}

interface Entry {
  secretKey: number;
  target: Cancellable;
}

/**
 * BackendKeyData of every live session, for CancelRequest: a new connection that names a
 * process id and its secret key cancels that backend's running statement. The process id is
 * a counter (there are no processes), the secret key random, as in PostgreSQL.
 */
export class BackendKeys {
  private readonly entries = new Map<number, Entry>();
  private nextProcessId = 1000 + randomInt(1000);

  register(target: Cancellable): { processId: number; secretKey: number } {
    const processId = this.nextProcessId++;
    if (this.nextProcessId > 0x7fffffff) this.nextProcessId = 1000;
    const secretKey = randomInt(-0x80000000, 0x7fffffff);
    this.entries.set(processId, { secretKey, target });
    return { processId, secretKey };
  }

  unregister(processId: number): void {
    this.entries.delete(processId);
  }

  /** Returns whether a backend matched; a wrong key is ignored, as PostgreSQL does. */
  cancel(processId: number, secretKey: number): boolean {
    const entry = this.entries.get(processId);
    if (!entry || entry.secretKey !== secretKey) return false;
    entry.target.cancel();
    return true;
  }

  get size(): number {
    return this.entries.size;
  }
}
