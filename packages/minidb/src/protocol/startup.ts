import { SqlError } from '../engine/errors.js';
import { PayloadReader } from './frontend.js';

/**
 * The first packet of a connection (no type byte): a StartupMessage, or one of the special
 * requests distinguished by a version number no protocol has (1234.5678 and up).
 */

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_MAJOR = 3;

/** Largest startup packet accepted (PostgreSQL's MAX_STARTUP_PACKET_LENGTH). */
export const MAX_STARTUP_PACKET = 10_000;

export type StartupPacket =
  | { kind: 'ssl' }
  | { kind: 'gssenc' }
  | { kind: 'cancel'; processId: number; secretKey: number }
  | {
      kind: 'startup';
      minor: number;
      parameters: Record<string, string>;
      /** `_pq_.*` protocol options, which we do not support (NegotiateProtocolVersion). */
      protocolOptions: string[];
    };

export function decodeStartup(payload: Buffer): StartupPacket {
  const reader = new PayloadReader(payload, 'startup packet');
  const version = reader.int32();
  if (version === SSL_REQUEST) return { kind: 'ssl' };
  if (version === GSSENC_REQUEST) return { kind: 'gssenc' };
  if (version === CANCEL_REQUEST) {
    const processId = reader.int32();
    const secretKey = reader.int32();
    return { kind: 'cancel', processId, secretKey };
  }
  const major = version >>> 16;
  const minor = version & 0xffff;
  if (major !== PROTOCOL_MAJOR) {
    throw new SqlError(
      '0A000',
      `unsupported frontend protocol ${major}.${minor}: server supports 3.0 to 3.0`,
    );
  }
  const parameters: Record<string, string> = Object.create(null);
  const protocolOptions: string[] = [];
  for (;;) {
    const name = reader.cstring();
    if (name === '') break;
    const value = reader.cstring();
    if (name.startsWith('_pq_.')) protocolOptions.push(name);
    else parameters[name] = value;
  }
  reader.done();
  if (parameters.user === undefined || parameters.user === '') {
    throw new SqlError('28000', 'no PostgreSQL user name specified in startup packet');
  }
  return { kind: 'startup', minor, parameters, protocolOptions };
}
