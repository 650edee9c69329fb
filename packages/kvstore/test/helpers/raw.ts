import { connect } from 'node:net';

/** The reply is complete once this many bytes arrived, or once it ends with this text. */
export interface ExpectedEnd {
  bytes?: number;
  endsWith?: string;
}

/**
 * Writes `chunks` to a fresh connection (pausing `gapMs` between them so each arrives in its
 * own read), then collects everything the server sends until it closes the connection, the
 * `until` end is reached, or `quietMs` passes without data (with `until`, a generous fallback).
 */
export function exchange(
  port: number,
  chunks: readonly (string | Buffer)[],
  options: { gapMs?: number; quietMs?: number; path?: string; until?: ExpectedEnd } = {},
): Promise<{ data: Buffer; closed: boolean }> {
  const { gapMs = 0, until } = options;
  const quietMs = options.quietMs ?? (until ? 10_000 : 300);
  let length = 0;
  const complete = (received: Buffer[]) => {
    if (until?.bytes !== undefined && length >= until.bytes) return true;
    if (until?.endsWith === undefined || length < until.endsWith.length) return false;
    // Only the last chunks are joined: enough to hold the expected ending.
    const tail: Buffer[] = [];
    let tailLength = 0;
    for (let i = received.length - 1; i >= 0 && tailLength < until.endsWith.length; i--) {
      tail.unshift(received[i]!);
      tailLength += received[i]!.length;
    }
    return Buffer.concat(tail).toString('latin1').endsWith(until.endsWith);
  };
  return new Promise((resolve, reject) => {
    const socket = options.path ? connect(options.path) : connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    let closed = false;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      socket.destroy();
      resolve({ data: Buffer.concat(received), closed });
    };
    const arm = () => {
      if (done) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(finish, quietMs);
    };
    socket.on('data', (chunk) => {
      received.push(chunk);
      length += chunk.length;
      if (complete(received)) finish();
      else arm();
    });
    socket.on('close', () => {
      closed = true;
      finish();
    });
    // A reset is how a server drops a client: it counts as closed, not as a failure.
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') reject(err);
    });
    socket.on('connect', async () => {
      for (const chunk of chunks) {
        socket.write(chunk);
        if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
      }
      arm();
    });
  });
}
