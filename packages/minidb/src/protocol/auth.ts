import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError, ErrorCode } from '@strata/common';
import { SqlError } from '../engine/errors.js';
import { Auth, authentication, authenticationSasl } from './backend.js';
import { PayloadReader } from './frontend.js';
import { ScramExchange, type ScramVerifier, parseScramVerifier, scramVerifier } from './scram.js';
import type { MessageWriter } from './writer.js';

/**
 * Client authentication after the StartupMessage: trust (no password configured), or one of
 * PostgreSQL's password methods against the configured credentials.
 */

export const AUTH_METHODS = ['scram-sha-256', 'md5', 'password'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

interface Credential {
  /** Plain text when known (needed by md5 and password); absent for a stored SCRAM verifier. */
  password?: string;
  verifier: ScramVerifier;
}

/**
 * Who may connect. `--password` sets one password for every user; `--auth-file` lines are
 * `user:password` or `user:SCRAM-SHA-256$...` (PostgreSQL's stored form), `#` comments.
 */
export class Credentials {
  private readonly users = new Map<string, Credential>();
  private anyUser: Credential | undefined;

  constructor(readonly method: AuthMethod) {}

  static load(options: {
    method: AuthMethod;
    password?: string | undefined;
    authFile?: string | undefined;
  }): Credentials | undefined {
    if (options.password === undefined && options.authFile === undefined) return undefined;
    const credentials = new Credentials(options.method);
    if (options.password !== undefined) credentials.anyUser = credential(options.password);
    if (options.authFile !== undefined) credentials.loadFile(options.authFile);
    return credentials;
  }

  lookup(user: string): Credential | undefined {
    return this.users.get(user) ?? this.anyUser;
  }

  private loadFile(path: string): void {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new ConfigError(
        ErrorCode.CONFIG_INVALID,
        `cannot read auth file ${path}: ${(err as Error).message}`,
      );
    }
    text.split('\n').forEach((raw, index) => {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) return;
      const colon = line.indexOf(':');
      if (colon <= 0) {
        throw new ConfigError(
          ErrorCode.CONFIG_INVALID,
          `${path}:${index + 1}: expected user:password`,
        );
      }
      this.users.set(line.slice(0, colon), credential(line.slice(colon + 1)));
    });
  }
}

function credential(secret: string): Credential {
  const verifier = parseScramVerifier(secret);
  return verifier ? { verifier } : { password: secret, verifier: scramVerifier(secret) };
}

const md5hex = (text: string | Buffer) => createHash('md5').update(text).digest('hex');

function failed(user: string): SqlError {
  return new SqlError('28P01', `password authentication failed for user "${user}"`, {
    severity: 'FATAL',
  });
}

/** One connection's authentication: start(), then step() per PasswordMessage ('p'). */
export class Authenticator {
  private scram: ScramExchange | undefined;
  private md5Salt: Buffer | undefined;
  private saslStarted = false;
  private readonly credential: Credential | undefined;
  private readonly method: AuthMethod;

  constructor(
    credentials: Credentials,
    private readonly user: string,
  ) {
    this.credential = credentials.lookup(user);
    // PostgreSQL answers md5 with SCRAM when only a verifier is stored; so do we.
    this.method =
      credentials.method !== 'scram-sha-256' && this.credential?.password === undefined
        ? 'scram-sha-256'
        : credentials.method;
  }

  /** Writes the first authentication request. */
  start(w: MessageWriter): void {
    if (this.method === 'scram-sha-256') {
      this.scram = new ScramExchange(this.credential?.verifier, () => failed(this.user));
      authenticationSasl(w, ['SCRAM-SHA-256']);
    } else if (this.method === 'md5') {
      this.md5Salt = randomBytes(4);
      authentication(w, Auth.md5Password, this.md5Salt);
    } else {
      authentication(w, Auth.cleartextPassword);
    }
  }

  /** Handles one 'p' message; returns true once authenticated (AuthenticationOk not written). */
  step(payload: Buffer, w: MessageWriter): boolean {
    if (this.scram) return this.scramStep(this.scram, payload, w);
    const reader = new PayloadReader(payload, 'PasswordMessage');
    const given = reader.cstring();
    reader.done();
    const password = this.credential?.password;
    if (password === undefined) throw failed(this.user);
    const expected = this.md5Salt
      ? `md5${md5hex(Buffer.concat([Buffer.from(md5hex(password + this.user)), this.md5Salt]))}`
      : password;
    if (!sameText(given, expected)) throw failed(this.user);
    return true;
  }

  private scramStep(scram: ScramExchange, payload: Buffer, w: MessageWriter): boolean {
    const reader = new PayloadReader(payload, 'SASLResponse');
    if (!this.saslStarted) {
      const mechanism = reader.cstring();
      if (mechanism !== 'SCRAM-SHA-256') {
        throw new SqlError('08P01', 'client selected an invalid SASL authentication mechanism', {
          severity: 'FATAL',
        });
      }
      const length = reader.int32();
      const data = reader.bytes(Math.max(length, 0));
      reader.done();
      this.saslStarted = true;
      authentication(w, Auth.saslContinue, Buffer.from(scram.first(data.toString('utf8'))));
      return false;
    }
    const final = scram.final(reader.rest().toString('utf8'));
    authentication(w, Auth.saslFinal, Buffer.from(final));
    return true;
  }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
