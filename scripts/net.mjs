// Small socket helpers the repository scripts share (up.mjs, pack-check.mjs, the compose test).
import { connect, createServer } from 'node:net';

/** A port that was free a moment ago (for scripts that must pass a port number on). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Resolves true when nothing listens on host:port (we could bind it), false when it is taken. */
export function portIsFree(port, host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (err) => (err.code === 'EADDRINUSE' ? resolve(false) : reject(err)));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/**
 * Connects to a daemon, sends `send` and resolves with the first reply, retrying while it starts
 * until `deadline` (a Date.now() value) or until `gaveUp()` says to stop (its process exited).
 */
export async function probe(port, send, deadline, gaveUp = () => false) {
  for (;;) {
    try {
      return await new Promise((resolve, reject) => {
        const socket = connect(port, '127.0.0.1');
        let reply = '';
        socket.setTimeout(3000, () => socket.destroy(new Error('no reply')));
        socket.once('connect', () => socket.write(send));
        socket.on('data', (chunk) => {
          reply += chunk.toString('latin1');
          socket.end();
          resolve(reply);
        });
        socket.once('error', reject);
      });
    } catch (err) {
      if (Date.now() > deadline || gaveUp()) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
