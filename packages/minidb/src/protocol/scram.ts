import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { SqlError } from '../engine/errors.js';

/**
 * SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL runs it: the user name inside the SCRAM
 * messages is ignored (the startup packet's counts), no channel binding (we have no TLS), so
 * only the `n` and `y` GS2 flags are accepted.
 */

export const SCRAM_ITERATIONS = 4096;

/** What the server stores of a password: PostgreSQL's `SCRAM-SHA-256$<i>:<salt>$<StoredKey>:<ServerKey>`. */
export interface ScramVerifier {
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

const hmac = (key: Buffer, text: string | Buffer) =>
  createHmac('sha256', key).update(text).digest();
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest();

export function scramVerifier(
  password: string,
  salt = randomBytes(16),
  iterations = SCRAM_ITERATIONS,
): ScramVerifier {
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  return {
    salt,
    iterations,
    storedKey: sha256(hmac(salted, 'Client Key')),
    serverKey: hmac(salted, 'Server Key'),
  };
}

/** Parses PostgreSQL's stored form; undefined when the text is not one. */
export function parseScramVerifier(text: string): ScramVerifier | undefined {
  const m = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):(.+)$/.exec(text);
  if (!m) return undefined;
  return {
    iterations: Number(m[1]),
    salt: Buffer.from(m[2]!, 'base64'),
    storedKey: Buffer.from(m[3]!, 'base64'),
    serverKey: Buffer.from(m[4]!, 'base64'),
  };
}

function malformed(detail: string): SqlError {
  return new SqlError('08P01', 'malformed SCRAM message', { severity: 'FATAL', detail });
}

/** `k=v` attributes of a SCRAM message, in order. */
function attributes(text: string): Array<[string, string]> {
  return text.split(',').map((part) => {
    if (part.length < 2 || part[1] !== '=') throw malformed(`Attribute expected in "${text}".`);
    return [part[0]!, part.slice(2)];
  });
}

/** One SCRAM exchange: client-first -> server-first, client-final -> server-final. */
export class ScramExchange {
  private clientFirstBare = '';
  private serverFirst = '';
  private gs2Header = '';
  private nonce = '';

  /** `verifier` undefined: an unknown user, refused at the end like a wrong password. */
  constructor(
    private readonly verifier: ScramVerifier | undefined,
    private readonly onFailure: () => SqlError,
    /** The server's part of the nonce (injectable for RFC 7677's test vector). */
    private readonly serverNonce = () => randomBytes(18).toString('base64'),
  ) {}

  /** SASLInitialResponse data -> AuthenticationSASLContinue data. */
  first(message: string): string {
    const flag = message[0];
    if (flag === 'p') {
      throw malformed('The client selected SCRAM-SHA-256-PLUS, which the server does not offer.');
    }
    if ((flag !== 'n' && flag !== 'y') || message[1] !== ',') {
      throw malformed('Unexpected channel-binding flag.');
    }
    const authzEnd = message.indexOf(',', 2);
    if (authzEnd === -1) throw malformed('Comma expected after the authorization identity.');
    if (authzEnd !== 2) throw malformed('Authorization identities are not supported.');
    this.gs2Header = message.slice(0, authzEnd + 1);
    this.clientFirstBare = message.slice(authzEnd + 1);
    const attrs = attributes(this.clientFirstBare);
    if (attrs[0]?.[0] !== 'n' || attrs[1]?.[0] !== 'r' || attrs[1][1] === '') {
      throw malformed('Expected the user name and nonce attributes.');
    }
    // An unknown user gets a made-up salt and fails at the proof, as a wrong password does.
    const salt = this.verifier?.salt ?? randomBytes(16);
    const iterations = this.verifier?.iterations ?? SCRAM_ITERATIONS;
    this.nonce = attrs[1][1] + this.serverNonce();
    this.serverFirst = `r=${this.nonce},s=${salt.toString('base64')},i=${iterations}`;
    return this.serverFirst;
  }

  /** SASLResponse data -> AuthenticationSASLFinal data; throws when the proof is wrong. */
  final(message: string): string {
    const attrs = attributes(message);
    const proofIndex = attrs.findIndex(([key]) => key === 'p');
    if (attrs[0]?.[0] !== 'c' || attrs[1]?.[0] !== 'r' || proofIndex !== attrs.length - 1) {
      throw malformed('Expected channel binding, nonce and proof attributes.');
    }
    if (Buffer.from(attrs[0][1], 'base64').toString('latin1') !== this.gs2Header) {
      throw malformed('SCRAM channel binding check failed.');
    }
    if (attrs[1][1] !== this.nonce) throw malformed('Nonce does not match.');
    const proof = Buffer.from(attrs[proofIndex]![1], 'base64');
    if (proof.length !== 32) throw malformed('Malformed proof in client-final-message.');
    const withoutProof = message.slice(0, message.lastIndexOf(',p='));
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const verifier = this.verifier;
    if (!verifier) throw this.onFailure();
    const signature = hmac(verifier.storedKey, authMessage);
    const clientKey = Buffer.alloc(32);
    for (let i = 0; i < 32; i++) clientKey[i] = proof[i]! ^ signature[i]!;
    if (!timingSafeEqual(sha256(clientKey), verifier.storedKey)) throw this.onFailure();
    return `v=${hmac(verifier.serverKey, authMessage).toString('base64')}`;
  }
}
