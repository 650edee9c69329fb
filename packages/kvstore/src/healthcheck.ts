#!/usr/bin/env node
/**
 * Container health check: sends PING over node:net and expects +PONG (redis-cli is not in the
 * runtime image). `node dist/healthcheck.js [port] [host]`; exits 0 when healthy.
 * With requirepass set, NOAUTH still proves the server is answering, so it counts as healthy.
 */
import { connect } from 'node:net';

const port = Number(process.argv[2] ?? process.env.STRATA_KVSTORE_PORT ?? 6379);
const host = process.argv[3] ?? '127.0.0.1';
const socket = connect(port, host);
let reply = '';
const fail = (why: string) => {
  process.stderr.write(`unhealthy: ${why}\n`);
  process.exit(1);
};
socket.setTimeout(3000, () => fail('timeout'));
socket.on('error', (err) => fail(err.message));
socket.on('connect', () => socket.write('PING\r\n'));
socket.on('data', (chunk) => {
  reply += chunk.toString('latin1');
  if (!reply.includes('\r\n')) return;
  if (reply.startsWith('+PONG') || reply.startsWith('-NOAUTH')) process.exit(0);
  fail(`unexpected reply ${JSON.stringify(reply)}`);
});
