import t from 'tap';
import { sqlState } from './helpers/sql-state.js';
import {
  commandComplete,
  copyResponse,
  errorResponse,
  parameterDescription,
  readyForQuery,
  rowDescription,
} from '../src/protocol/backend.js';
import { decodeBind, decodeExecute, decodeParse, decodeTarget } from '../src/protocol/frontend.js';
import { decodeStartup } from '../src/protocol/startup.js';
import { MessageWriter } from '../src/protocol/writer.js';

/** Builds a frontend payload from parts: numbers as int32 unless tagged. */
function payload(...parts: Array<string | Buffer | ['i16', number] | number>): Buffer {
  return Buffer.concat(
    parts.map((part) => {
      if (typeof part === 'string') return Buffer.from(`${part}\0`);
      if (Buffer.isBuffer(part)) return part;
      const b = Buffer.alloc(typeof part === 'number' ? 4 : 2);
      if (typeof part === 'number') b.writeInt32BE(part);
      else b.writeInt16BE(part[1]);
      return b;
    }),
  );
}
const i16 = (n: number): ['i16', number] => ['i16', n];

t.test('backend messages are framed with type byte and self-inclusive length', async (t) => {
  const w = new MessageWriter();
  readyForQuery(w, 'T');
  commandComplete(w, 'SELECT 1');
  const out = w.take();
  t.same([...out.subarray(0, 6)], [0x5a, 0, 0, 0, 5, 0x54], 'ReadyForQuery T');
  t.equal(out[6], 0x43);
  t.equal(out.readUInt32BE(7), 4 + 'SELECT 1'.length + 1);
  t.equal(out.toString('utf8', 11, 19), 'SELECT 1');
  t.equal(w.length, 0, 'take() resets');
});

t.test('RowDescription carries OIDs, typmods and per-column formats', async (t) => {
  const w = new MessageWriter();
  const column = { tableOid: 16384, columnNumber: 2, typeSize: -1, typmod: 14 };
  rowDescription(
    w,
    [
      { name: 'a', typeOid: 23, ...column, typeSize: 4, typmod: -1 },
      { name: 'é', typeOid: 1043, ...column },
    ],
    [1],
  );
  const out = w.take();
  t.equal(out[0], 0x54);
  t.equal(out.readUInt32BE(1), out.length - 1);
  t.equal(out.readInt16BE(5), 2);
  let pos = 7;
  t.equal(out.toString('utf8', pos, pos + 1), 'a');
  pos += 2;
  t.same(
    [out.readInt32BE(pos), out.readInt16BE(pos + 4), out.readInt32BE(pos + 6)],
    [16384, 2, 23],
  );
  t.same(
    [out.readInt16BE(pos + 10), out.readInt32BE(pos + 12), out.readInt16BE(pos + 16)],
    [4, -1, 1],
  );
  pos += 18;
  t.equal(out.toString('utf8', pos, pos + 2), 'é', 'UTF-8 names');
  pos += 3;
  t.same(
    [out.readInt32BE(pos + 6), out.readInt32BE(pos + 12), out.readInt16BE(pos + 16)],
    [1043, 14, 1],
  );
});

t.test('ErrorResponse has S, V, C, M and the optional fields', async (t) => {
  const w = new MessageWriter();
  errorResponse(w, {
    severity: 'ERROR',
    code: '42601',
    message: 'syntax error at or near "FORM"',
    position: 10,
    hint: 'h',
    constraint: 'pk',
  });
  const out = w.take();
  t.equal(out[0], 0x45);
  const fields = out
    .subarray(5, out.length - 1)
    .toString('utf8')
    .split('\0')
    .filter((f) => f !== '');
  t.same(fields, [
    'SERROR',
    'VERROR',
    'C42601',
    'Msyntax error at or near "FORM"',
    'Hh',
    'P10',
    'npk',
  ]);
  t.equal(out[out.length - 1], 0, 'terminated by a zero byte');
});

t.test('ParameterDescription and COPY responses', async (t) => {
  const w = new MessageWriter();
  parameterDescription(w, [23, 0xffffffff >>> 1]);
  copyResponse(w, 'in', 0, 3);
  const out = w.take();
  t.same([...out.subarray(0, 7)], [0x74, 0, 0, 0, 14, 0, 2]);
  t.equal(out.readInt32BE(7), 23);
  const copy = out.subarray(15);
  t.same([...copy], [0x47, 0, 0, 0, 13, 0, 0, 3, 0, 0, 0, 0, 0, 0]);
});

t.test('the writer grows past its initial buffer', async (t) => {
  const w = new MessageWriter();
  const big = Buffer.alloc(100_000, 7);
  w.begin(0x64).bytes(big).end();
  const out = w.take();
  t.equal(out.length, 100_005);
  t.equal(out.readUInt32BE(1), 100_004);
  t.equal(out[100_004], 7);
});

t.test('Parse, Bind, Describe and Execute decode; malformed ones are 08P01', async (t) => {
  t.same(decodeParse(payload('s1', 'select $1', i16(1), 23)), {
    name: 's1',
    sql: 'select $1',
    paramTypes: [23],
  });
  const bind = decodeBind(
    payload('', 's1', i16(1), i16(1), i16(2), 4, Buffer.from([0, 0, 0, 9]), -1, i16(1), i16(1)),
  );
  t.same(bind.paramFormats, [1]);
  t.same(bind.params, [Buffer.from([0, 0, 0, 9]), null]);
  t.same(bind.resultFormats, [1]);
  t.same(decodeTarget(payload(Buffer.from('S'), 'x'), 'Describe'), { kind: 'S', name: 'x' });
  t.same(decodeExecute(payload('p', 10)), { portal: 'p', maxRows: 10 });
  const violation = '08P01';
  t.equal(
    sqlState(() => decodeParse(payload('s1', 'select 1', i16(2), 23))),
    violation,
    'truncated',
  );
  t.equal(
    sqlState(() => decodeExecute(payload('p', 10, 1))),
    violation,
    'trailing bytes',
  );
  t.equal(
    sqlState(() => decodeTarget(payload(Buffer.from('Q'), 'x'), 'Describe')),
    violation,
  );
  t.equal(
    sqlState(() => decodeBind(payload('', '', i16(1), i16(7), i16(0), i16(0)))),
    violation,
    'format 7',
  );
  t.equal(
    sqlState(() => decodeBind(payload('', '', i16(2), i16(0), i16(0), i16(1), -1, i16(0)))),
    violation,
    'two formats for one parameter',
  );
  t.equal(
    sqlState(() => decodeBind(payload('', '', i16(0), i16(1), -5, i16(0)))),
    violation,
    'length -5',
  );
  t.equal(
    sqlState(() => decodeParse(Buffer.from('no terminator'))),
    violation,
  );
});

t.test('startup packets: StartupMessage, SSLRequest, GSSENCRequest, CancelRequest', async (t) => {
  t.same(decodeStartup(payload(196608, 'user', 'alice', 'database', 'db', '')), {
    kind: 'startup',
    minor: 0,
    parameters: { user: 'alice', database: 'db' },
    protocolOptions: [],
  });
  t.same(decodeStartup(payload(196610, 'user', 'a', '_pq_.x', '1', '')), {
    kind: 'startup',
    minor: 2,
    parameters: { user: 'a' },
    protocolOptions: ['_pq_.x'],
  });
  t.same(decodeStartup(payload(80877103)), { kind: 'ssl' });
  t.same(decodeStartup(payload(80877104)), { kind: 'gssenc' });
  t.same(decodeStartup(payload(80877102, 42, -7)), {
    kind: 'cancel',
    processId: 42,
    secretKey: -7,
  });
  t.equal(
    sqlState(() => decodeStartup(payload(131072, 'user', 'a', ''))),
    '0A000',
  );
  t.equal(
    sqlState(() => decodeStartup(payload(196608, 'database', 'x', ''))),
    '28000',
  );
  t.equal(
    sqlState(() => decodeStartup(payload(196608, 'user'))),
    '08P01',
    'truncated',
  );
});
