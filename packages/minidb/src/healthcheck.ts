#!/usr/bin/env node
/**
 * Container health check in the daemon's own protocol: sends a StartupMessage and expects an
 * Authentication request ('R'), then says Terminate. `node dist/healthcheck.js [port] [host]`;
 * exits 0 when healthy. A password request counts: the server is answering.
 */
import { connect } from 'node:net';

const port = Number(process.argv[2] ?? process.env.STRATA_MINIDB_PORT ?? 5433);
const host = process.argv[3] ?? '127.0.0.1';
const fail = (why: string) => {
  process.stderr.write(`unhealthy: ${why}\n`);
  process.exit(1);
};
const body = Buffer.from('\0\x03\0\0user\0healthcheck\0database\0postgres\0\0', 'latin1');
const startup = Buffer.alloc(4 + body.length);
startup.writeUInt32BE(startup.length);
body.copy(startup, 4);
const socket = connect(port, host);
socket.setTimeout(3000, () => fail('timeout'));
socket.on('error', (err) => fail(err.message));
socket.on('connect', () => socket.write(startup));
socket.once('data', (chunk: Buffer) => {
  if (chunk[0] !== 0x52) fail(`unexpected reply ${JSON.stringify(chunk.toString('latin1'))}`);
  socket.end(Buffer.from([0x58, 0, 0, 0, 4]));
  process.exit(0);
});
