import { Writable } from 'node:stream';
import t from 'tap';
import { LOG_LEVELS, createLogger } from '../src/log.js';

function sink() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { stream, lines };
}

function withEnv(t: { teardown(fn: () => void): unknown }, name: string, value?: string) {
  const saved = process.env[name];
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
  t.teardown(() => {
    if (saved === undefined) delete process.env[name];
    else process.env[name] = saved;
  });
}

t.test('JSON lines to a destination stream at the given level', async (t) => {
  const { stream, lines } = sink();
  const log = createLogger({ name: 'strata-test', level: 'info', destination: stream });
  log.debug('hidden');
  log.info({ port: 6379 }, 'listening');
  log.warn('careful');
  log.child({ conn: 7 }).error({ err: new Error('boom') }, 'client failed');
  t.equal(lines.length, 3);
  t.match(lines[0], { name: 'strata-test', level: 30, msg: 'listening', port: 6379 });
  t.match(lines[1], { level: 40, msg: 'careful' });
  t.match(lines[2], { level: 50, conn: 7, err: { message: 'boom', type: 'Error' } });
  t.type(lines[0]!.time, 'number');
});

t.test('level from LOG_LEVEL, and silent under tap by default', async (t) => {
  t.equal(process.env.TAP, '1', 'tap sets TAP=1');
  withEnv(t, 'LOG_LEVEL');
  t.equal(createLogger({ name: 'x', destination: sink().stream }).level, 'silent');
  const quiet = sink();
  createLogger({ name: 'x', destination: quiet.stream }).error('not shown');
  t.equal(quiet.lines.length, 0);

  process.env.LOG_LEVEL = 'debug';
  t.equal(createLogger({ name: 'x', destination: sink().stream }).level, 'debug');
  process.env.LOG_LEVEL = 'shouting';
  t.equal(createLogger({ name: 'x', destination: sink().stream }).level, 'silent', 'bad value');
  t.equal(createLogger({ name: 'x', level: 'warn', destination: sink().stream }).level, 'warn');
});

t.test('every level name is accepted', async (t) => {
  for (const level of LOG_LEVELS) {
    t.equal(createLogger({ name: 'x', level, destination: sink().stream }).level, level);
  }
});
