import t from 'tap';
import { SqlError } from '../src/engine/errors.js';
import { sqlState } from './helpers/sql-state.js';
import { ScramExchange, parseScramVerifier, scramVerifier } from '../src/protocol/scram.js';

// RFC 7677 section 3: user "user", password "pencil".
const SALT = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
const CLIENT_FIRST = 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO';
const SERVER_NONCE = '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
const SERVER_FIRST = `r=rOprNGfwEbeRWgbNEkqO${SERVER_NONCE},s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096`;
const CLIENT_FINAL = `c=biws,r=rOprNGfwEbeRWgbNEkqO${SERVER_NONCE},p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=`;
const SERVER_FINAL = 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=';

const failure = () => new SqlError('28P01', 'password authentication failed');

t.test("RFC 7677's SCRAM-SHA-256 exchange", async (t) => {
  const scram = new ScramExchange(scramVerifier('pencil', SALT), failure, () => SERVER_NONCE);
  t.equal(scram.first(CLIENT_FIRST), SERVER_FIRST);
  t.equal(scram.final(CLIENT_FINAL), SERVER_FINAL);
});

t.test('a wrong password, an unknown user and malformed messages fail', async (t) => {
  const wrong = new ScramExchange(scramVerifier('pen', SALT), failure, () => SERVER_NONCE);
  wrong.first(CLIENT_FIRST);
  t.equal(
    sqlState(() => wrong.final(CLIENT_FINAL)),
    '28P01',
  );
  const unknown = new ScramExchange(undefined, failure, () => SERVER_NONCE);
  t.match(unknown.first(CLIENT_FIRST), /^r=rOprNGfwEbeRWgbNEkqO%.*,s=.+,i=4096$/);
  t.equal(
    sqlState(() => unknown.final(CLIENT_FINAL)),
    '28P01',
  );
  const protocol = '08P01';
  const fresh = () => new ScramExchange(scramVerifier('pencil', SALT), failure, () => SERVER_NONCE);
  t.equal(
    sqlState(() => fresh().first('p=tls-server-end-point,,n=,r=x')),
    protocol,
    'PLUS not offered',
  );
  t.equal(
    sqlState(() => fresh().first('n,a=admin,n=,r=x')),
    protocol,
    'authzid',
  );
  t.equal(
    sqlState(() => fresh().first('n,,r=x')),
    protocol,
    'no user attribute',
  );
  t.equal(
    sqlState(() => fresh().first('garbage')),
    protocol,
  );
  const replayed = fresh();
  replayed.first('n,,n=user,r=other');
  t.equal(
    sqlState(() => replayed.final(CLIENT_FINAL)),
    protocol,
    'nonce mismatch',
  );
  const binding = fresh();
  binding.first(CLIENT_FIRST);
  t.equal(
    sqlState(() => binding.final(CLIENT_FINAL.replace('c=biws', 'c=eSws'))),
    protocol,
    'cbind',
  );
});

t.test("PostgreSQL's stored verifier form", async (t) => {
  const v = scramVerifier('pencil', SALT);
  const text = `SCRAM-SHA-256$4096:${SALT.toString('base64')}$${v.storedKey.toString('base64')}:${v.serverKey.toString('base64')}`;
  t.same(parseScramVerifier(text), v);
  t.equal(parseScramVerifier('md5abc'), undefined);
  const scram = new ScramExchange(parseScramVerifier(text), failure, () => SERVER_NONCE);
  scram.first(CLIENT_FIRST);
  t.equal(scram.final(CLIENT_FINAL), SERVER_FINAL);
});
