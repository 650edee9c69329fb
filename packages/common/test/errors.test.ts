import t from 'tap';
import {
  ConfigError,
  ErrorCode,
  FrameTooLargeError,
  InvalidFrameError,
  StrataError,
  isErrnoException,
} from '../src/errors.js';

t.test('error codes are stable, prefixed and unique', async (t) => {
  const values = Object.values(ErrorCode);
  t.ok(values.length > 0);
  for (const [key, value] of Object.entries(ErrorCode)) {
    t.match(value, /^STRATA_ERR_[A-Z0-9_]+$/, key);
    t.equal(value, `STRATA_ERR_${key}`, `${key}: the value spells the key`);
  }
  t.equal(new Set(values).size, values.length, 'no code repeats');
});

t.test('error classes carry code, name, details and cause', async (t) => {
  const cause = new Error('root');
  const base = new StrataError(ErrorCode.LISTEN_FAILED, 'cannot listen', { cause });
  t.equal(base.code, 'STRATA_ERR_LISTEN_FAILED');
  t.equal(base.name, 'StrataError');
  t.equal(base.message, 'cannot listen');
  t.equal(base.cause, cause);
  t.ok(base instanceof Error);

  const big = new FrameTooLargeError(2048, 1024);
  t.equal(big.code, ErrorCode.FRAME_TOO_LARGE);
  t.equal(big.name, 'FrameTooLargeError');
  t.same([big.size, big.limit], [2048, 1024]);
  t.equal(big.message, 'frame of 2048 bytes exceeds the limit of 1024 bytes');
  t.ok(big instanceof StrataError);

  const invalid = new InvalidFrameError('bad length');
  t.equal(invalid.code, ErrorCode.INVALID_FRAME);
  t.equal(invalid.name, 'InvalidFrameError');

  const config = new ConfigError(ErrorCode.CONFIG_INVALID, '--port: bad');
  t.equal(config.name, 'ConfigError');
  t.ok(config instanceof StrataError);
});

t.test('isErrnoException', async (t) => {
  const errno = Object.assign(new Error('nope'), { code: 'ENOENT' });
  t.ok(isErrnoException(errno));
  t.notOk(isErrnoException(new Error('plain')));
  t.notOk(isErrnoException({ code: 'ENOENT' }));
  t.notOk(isErrnoException(undefined));
});
