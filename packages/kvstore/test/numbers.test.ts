import t from 'tap';
import { formatDouble, longDoubleAdd, parseDouble, parseInt64 } from '../src/protocol/numbers.js';

t.test('doubles print as C %.17g, as Redis 7.0 replies them', async (t) => {
  const cases: Array<[number, string]> = [
    [1.1, '1.1000000000000001'],
    [3, '3'],
    [1e20, '1e+20'],
    [0.0001, '0.0001'],
    [1e-5, '1.0000000000000001e-05'],
    [1.2345678901234568e17, '1.2345678901234568e+17'],
    [-2.5, '-2.5'],
    [Number.POSITIVE_INFINITY, 'inf'],
    [Number.NEGATIVE_INFINITY, '-inf'],
    [0, '0'],
  ];
  for (const [value, text] of cases) t.equal(formatDouble(value), text, String(value));
});

t.test('INCRBYFLOAT arithmetic matches Redis (80-bit long double, %.17Lf)', async (t) => {
  t.equal(longDoubleAdd('10.5', '0.1'), '10.6');
  t.equal(longDoubleAdd('5.6', '1e3'), '1005.59999999999999998');
  t.equal(longDoubleAdd('1.1', '0.2'), '1.3');
  t.equal(longDoubleAdd('0', '3.0'), '3');
  t.equal(longDoubleAdd('1', '-1'), '0');
  // 1e20 needs 67 bits: the 64-bit significand cannot hold the +1 (redis-server says the same).
  t.equal(longDoubleAdd('1e20', '1'), '100000000000000000000');
});

t.test('strict integers and floats', async (t) => {
  t.equal(parseInt64('9223372036854775807'), 9223372036854775807n);
  t.equal(parseInt64('9223372036854775808'), undefined);
  for (const bad of ['', '01', '+1', ' 1', '1 ', '-0', '1.0', '0x10'])
    t.equal(parseInt64(bad), undefined, bad);
  t.equal(parseDouble('1e3'), 1000);
  t.equal(parseDouble('-inf'), Number.NEGATIVE_INFINITY);
  for (const bad of ['', ' 1', '1 ', 'nan', '1e400', 'abc', '0b1'])
    t.equal(parseDouble(bad), undefined, bad);
});
