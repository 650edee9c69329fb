import { connect } from 'node:net';

/**
 * Writes `chunks` to a fresh connection (pausing `gapMs` between them so each arrives in its
 * own read), then collects everything the server sends until it closes the connection or
 * `quietMs` passes without data.
 */
export function exchange(
  port: number,
  chunks: readonly (string | Buffer)[],
  options: { gapMs?: number; quietMs?: number; path?: string } = {},
): Promise<{ data: Buffer; closed: boolean }> {
  const { gapMs = 0, quietMs = 300 } = options;
  return new Promise((resolve, reject) => {
    const socket = options.path ? connect(options.path) : connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    let closed = false;
    const finish = () => {
      if (timer) clearTimeout(timer);
      socket.destroy();
      resolve({ data: Buffer.concat(received), closed });
    };
    const arm = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(finish, quietMs);
    };
    socket.on('data', (chunk) => {
      received.push(chunk);
      arm();
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
