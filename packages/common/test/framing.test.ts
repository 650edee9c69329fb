import t from 'tap';
import { LineDecoder } from '../src/framing.js';

t.test('line decoder splits CRLF and LF lines', async (t) => {
  const decoder = new LineDecoder({ maxLineLength: 100 });
  const lines = decoder.push(Buffer.from('a\r\nbb\nccc\r\n'));
  t.same(lines.map(String), ['a', 'bb', 'ccc']);
});
