import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { pino } from 'pino';
import t from 'tap';
import { ErrorCode, StrataError } from '../src/errors.js';
import { Connection, type ConnectionLimits } from '../src/net/connection.js';
import { createFlushScheduler } from '../src/net/flush.js';

/**
 * A stand-in for a net.Socket with Node's write semantics: write() returns false once 16 KiB are
 * buffered, and 'drain' is emitted only after such a write. The kernel is `acceptAll()`.
 */
class FakeSocket extends EventEmitter {
  readonly writes: string[] = [];
  writableLength = 0;
  writableNeedDrain = false;
  destroyed = false;
  paused = false;
  ended = false;
  corked = 0;
  remoteAddress = '192.0.2.1';
  remotePort = 4242;

  write(data: Buffer | string): boolean {
    this.writes.push(String(data));
    this.writableLength += Buffer.byteLength(data);
    if (this.corked === 0) this.flushedBatches++;
    if (this.writableLength >= 16 * 1024) this.writableNeedDrain = true;
    return !this.writableNeedDrain;
  }
  flushedBatches = 0;
  cork() {
    this.corked++;
  }
  uncork() {
    this.corked--;
    if (this.corked === 0) this.flushedBatches++;
  }
  acceptAll() {
    this.writableLength = 0;
    if (this.writableNeedDrain) {
      this.writableNeedDrain = false;
      this.emit('drain');
    }
  }
  pause() {
    this.paused = true;
  }
  resume() {
    this.paused = false;
  }
  end() {
    this.ended = true;
  }
  get writableEnded() {
    return this.ended;
  }
  destroy() {
    this.destroyed = true;
  }
  isPaused() {
    return this.paused;
  }
}

function connection(limits: Partial<ConnectionLimits> = {}) {
  const socket = new FakeSocket();
  const conn = new Connection(
    socket as unknown as Socket,
    'tcp',
    { outputHighWaterMark: 1024 * 1024, maxOutputBytes: 0, idleTimeoutMs: 0, ...limits },
    pino({ level: 'silent' }),
    createFlushScheduler(),
  );
  return { socket, conn };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

t.test('writes of one turn are flushed together at the end of the turn', async (t) => {
  const { socket, conn } = connection();
  conn.write('+OK\r\n');
  conn.write(Buffer.from(':1\r\n'));
  conn.write('');
  conn.write('$1\r\nx\r\n');
  t.same(socket.writes, [], 'nothing is written during the turn');
  t.equal(conn.pendingOutput, 16);
  await nextTurn();
  t.same(socket.writes, ['+OK\r\n:1\r\n$1\r\nx\r\n'], 'one write');
  conn.write('a');
  await nextTurn();
  t.same(socket.writes.at(-1), 'a', 'a single write is passed as is');
});

t.test('a batch above 64 KiB is corked into one writev', async (t) => {
  const { socket, conn } = connection();
  for (let i = 0; i < 10; i++) conn.write(Buffer.alloc(10_000, 0x61));
  await nextTurn();
  t.equal(socket.writes.length, 10, 'no concatenation copy for large batches');
  t.equal(socket.flushedBatches, 1, 'but one batch for the kernel');
});

t.test('output above maxOutputBytes destroys the connection', async (t) => {
  const { socket, conn } = connection({ maxOutputBytes: 100 });
  conn.write('x'.repeat(60));
  t.equal(socket.destroyed, false);
  conn.write('x'.repeat(60));
  t.equal(socket.destroyed, true);
  t.equal(conn.pendingOutput, 0, 'queued output is discarded');
  const error = conn.markClosed();
  t.ok(error instanceof StrataError);
  t.equal((error as StrataError).code, ErrorCode.OUTPUT_LIMIT);
  conn.write('ignored');
  await nextTurn();
  t.same(socket.writes, [], 'writes after close are ignored');
});

t.test('reading pauses above the high-water mark and resumes on drain', async (t) => {
  const { socket, conn } = connection({ outputHighWaterMark: 32 * 1024 });
  conn.write(Buffer.alloc(20 * 1024));
  await nextTurn();
  t.equal(socket.paused, false, 'below the mark');
  conn.write(Buffer.alloc(20 * 1024));
  await nextTurn();
  t.equal(socket.paused, true, 'above the mark');
  conn.lastActivity = 0;
  socket.acceptAll();
  t.equal(socket.paused, false, 'resumed on drain');
  t.ok(conn.lastActivity > 0, 'output progress counts as activity for the idle timeout');
});

t.test('a mark below the socket buffer never pauses without a drain to come', async (t) => {
  const { socket, conn } = connection({ outputHighWaterMark: 1024 });
  conn.write(Buffer.alloc(8 * 1024));
  await nextTurn();
  t.equal(socket.writableNeedDrain, false, 'the socket will not emit drain');
  t.equal(socket.paused, false, 'so reading must not pause');
  conn.write(Buffer.alloc(16 * 1024));
  await nextTurn();
  t.equal(socket.paused, true, 'once a drain is due, it pauses');
  socket.acceptAll();
  t.equal(socket.paused, false);
});

t.test('pauseReading holds reading across output drains', async (t) => {
  const { socket, conn } = connection({ outputHighWaterMark: 1024 });
  conn.pauseReading();
  conn.write(Buffer.alloc(32 * 1024));
  await nextTurn();
  socket.acceptAll();
  t.equal(socket.paused, true, 'the handler still wants reading paused');
  conn.resumeReading();
  t.equal(socket.paused, false);
});

t.test('waitForDrain resolves once output is back under the mark, or on close', async (t) => {
  const { socket, conn } = connection({ outputHighWaterMark: 1024 });
  await conn.waitForDrain();
  conn.write(Buffer.alloc(64 * 1024));
  let drained = false;
  const waiting = conn.waitForDrain().then(() => (drained = true));
  t.equal(socket.writes.length, 1, 'waitForDrain flushes first');
  await nextTurn();
  t.equal(drained, false);
  socket.acceptAll();
  await waiting;
  t.equal(drained, true);

  conn.write(Buffer.alloc(64 * 1024));
  const onClose = conn.waitForDrain();
  conn.markClosed();
  await onClose;
  t.pass('a closed connection releases its waiters');
});

t.test('in-flight work delays end after a half-close and during shutdown', async (t) => {
  const { socket, conn } = connection();
  conn.beginWork();
  t.equal(conn.working, true);
  conn.onReadEnd({ data() {} });
  t.equal(socket.ended, false, 'busy: the end waits');
  conn.write('reply');
  conn.endWork();
  t.equal(socket.ended, true);
  t.same(socket.writes, ['reply'], 'the reply is flushed before the end');
  conn.endWork();
  t.equal(conn.working, false, 'unbalanced endWork does not go negative');

  const other = connection();
  other.conn.closing = true;
  other.conn.beginWork();
  other.conn.endWork();
  t.equal(other.socket.ended, true, 'a draining server ends the connection when work is done');

  const third = connection();
  third.conn.end('bye');
  t.same(third.socket.writes, ['bye']);
  t.equal(third.socket.ended, true);
  third.conn.destroy(new Error('x'));
  t.equal(third.socket.destroyed, true);
  t.equal(third.conn.markClosed()?.message, 'x');
  third.conn.end('late');
  t.same(third.socket.writes, ['bye'], 'end after close is a no-op');

  const fourth = connection();
  fourth.conn.end();
  fourth.conn.write('too late');
  await nextTurn();
  t.same(fourth.socket.writes, [], 'a write after end is dropped, not sent after the FIN');
});

t.test('identity', async (t) => {
  const a = connection();
  const b = connection();
  t.ok(b.conn.id > a.conn.id, 'ids increase');
  t.equal(a.conn.remoteAddress, '192.0.2.1');
  t.equal(a.conn.remotePort, 4242);
  t.equal(a.conn.closed, false);
  a.conn.limits.idleTimeoutMs = 5;
  t.equal(b.conn.limits.idleTimeoutMs, 0, 'limits are per connection');
});
