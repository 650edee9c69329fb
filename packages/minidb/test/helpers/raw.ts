import { type Socket, connect } from 'node:net';

/** One backend message as a raw client sees it. */
export interface RawMessage {
  type: string;
  body: Buffer;
}

/**
 * A PostgreSQL client on a bare socket, for what real clients never send: malformed, oversized,
 * unknown and split messages. Messages are read by waiting for them, never by sleeping.
 */
export class RawPg {
  private buffer = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawPg> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, host);
      socket.once('connect', () => resolve(new RawPg(socket)));
      socket.once('error', reject);
    });
  }

  /** Connects and completes a trust startup up to the first ReadyForQuery. */
  static async session(port: number, user = 'postgres'): Promise<RawPg> {
    const client = await RawPg.connect(port);
    client.write(startupMessage({ user, database: 'postgres' }));
    await client.until('Z');
    return client;
  }

  write(data: Buffer): void {
    this.socket.write(data);
  }

  /** Sends a typed message. */
  send(type: string, body: Buffer = Buffer.alloc(0)): void {
    this.write(message(type, body));
  }

  /** Next backend message; null when the server closed the connection. */
  async next(): Promise<RawMessage | null> {
    for (;;) {
      if (this.buffer.length >= 5) {
        const length = this.buffer.readUInt32BE(1);
        if (this.buffer.length >= length + 1) {
          const msg = {
            type: String.fromCharCode(this.buffer[0]!),
            body: this.buffer.subarray(5, length + 1),
          };
          this.buffer = this.buffer.subarray(length + 1);
          return msg;
        }
      }
      if (this.closed) return null;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** One raw byte (the answer to SSLRequest). */
  async byte(): Promise<number | null> {
    while (this.buffer.length === 0) {
      if (this.closed) return null;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    const b = this.buffer[0]!;
    this.buffer = this.buffer.subarray(1);
    return b;
  }

  /** Messages up to and including the first of `type`; throws if the connection closes first. */
  async until(type: string): Promise<RawMessage[]> {
    const seen: RawMessage[] = [];
    for (;;) {
      const msg = await this.next();
      if (!msg) throw new Error(`closed before '${type}'; got ${seen.map((m) => m.type).join('')}`);
      seen.push(msg);
      if (msg.type === type) return seen;
    }
  }

  /** Every message until the server closes. */
  async rest(): Promise<RawMessage[]> {
    const seen: RawMessage[] = [];
    for (let msg = await this.next(); msg; msg = await this.next()) seen.push(msg);
    return seen;
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    for (const resolve of this.waiters.splice(0)) resolve();
  }
}

export function message(type: string, body: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(5);
  head[0] = type.charCodeAt(0);
  head.writeUInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

export function cstring(text: string): Buffer {
  return Buffer.from(`${text}\0`);
}

export function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

export function int16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
}

/** An untyped startup-phase packet: length, then the body. */
export function packet(body: Buffer): Buffer {
  return Buffer.concat([int32(body.length + 4), body]);
}

export function startupMessage(params: Record<string, string>, version = 196608): Buffer {
  const pairs = Object.entries(params).flatMap(([k, v]) => [cstring(k), cstring(v)]);
  return packet(Buffer.concat([int32(version), ...pairs, Buffer.from([0])]));
}

/** The fields of an ErrorResponse/NoticeResponse by code letter. */
export function errorFields(body: Buffer): Record<string, string> {
  const fields: Record<string, string> = {};
  let pos = 0;
  while (pos < body.length && body[pos] !== 0) {
    const code = String.fromCharCode(body[pos]!);
    const end = body.indexOf(0, pos + 1);
    fields[code] = body.toString('utf8', pos + 1, end);
    pos = end + 1;
  }
  return fields;
}

/** Frontend messages of the query protocols, for raw exchanges. */
export const frontend = {
  query: (sql: string) => message('Q', cstring(sql)),
  parse: (sql: string, name = '', paramTypes: number[] = []) =>
    message(
      'P',
      Buffer.concat([
        cstring(name),
        cstring(sql),
        int16(paramTypes.length),
        ...paramTypes.map(int32),
      ]),
    ),
  /** Text parameters (strings or raw bytes; null for NULL) and one result format for all. */
  bind: (
    params: Array<Buffer | string | null> = [],
    resultFormat = 0,
    portal = '',
    statement = '',
  ) =>
    message(
      'B',
      Buffer.concat([
        cstring(portal),
        cstring(statement),
        int16(0),
        int16(params.length),
        ...params.map((p) => {
          if (p === null) return int32(-1);
          const data = Buffer.from(p);
          return Buffer.concat([int32(data.length), data]);
        }),
        int16(1),
        int16(resultFormat),
      ]),
    ),
  execute: (maxRows = 0, portal = '') =>
    message('E', Buffer.concat([cstring(portal), int32(maxRows)])),
  describe: (kind: 'S' | 'P', name = '') =>
    message('D', Buffer.concat([Buffer.from(kind), cstring(name)])),
  close: (kind: 'S' | 'P', name = '') =>
    message('C', Buffer.concat([Buffer.from(kind), cstring(name)])),
  sync: () => message('S'),
};

/** The type letters of a run of backend messages, e.g. 'TDCZ'. */
export const typesOf = (messages: Array<{ type: string }>) => messages.map((m) => m.type).join('');
