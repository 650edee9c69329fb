import type { CopyInResult, CopyOutResult } from '../engine/api.js';
import { SqlError } from '../engine/errors.js';
import { Empty, copyData, copyResponse, empty } from './backend.js';
import { decodeString } from './frontend.js';
import type { Wire } from './wire.js';

/** Rows sent between two checks of whether the client is reading. */
const ROWS_PER_DRAIN = 256;

/**
 * The COPY sub-protocol. COPY FROM STDIN: CopyInResponse, then the client's CopyData until
 * CopyDone (apply) or CopyFail (nothing applied); Flush and Sync are ignored meanwhile, as
 * PostgreSQL does for clients that send them without noticing the COPY. On an error the caller
 * reports it; the client's remaining CopyData/CopyDone are then ignored by the main loop.
 */
export async function copyIn(wire: Wire, copy: CopyInResult): Promise<string> {
  copyResponse(wire.writer, 'in', copy.format, copy.columnCount);
  wire.drain();
  for (;;) {
    const next = wire.nextFrame();
    const frame = next instanceof Promise ? await next : next;
    if (frame === null) {
      copy.abort('the client went away during COPY');
      throw new SqlError('08006', 'unexpected EOF on client connection with an open transaction');
    }
    switch (frame.type) {
      case 0x64 /* d */:
        try {
          copy.write(frame.payload);
        } catch (err) {
          copy.abort(err instanceof Error ? err.message : String(err));
          throw err;
        }
        break;
      case 0x63 /* c */:
        return await copy.end();
      case 0x66 /* f */:
        {
          const reason = decodeString(frame.payload, 'CopyFail');
          copy.abort(reason);
          throw new SqlError('57014', `COPY from stdin failed: ${reason}`);
        }
      case 0x48 /* H */:
      case 0x53 /* S */:
        break;
      default:
        copy.abort('protocol violation');
        throw new SqlError(
          '08P01',
          `unexpected message type 0x${frame.type.toString(16).padStart(2, '0')} during COPY from stdin`,
        );
    }
  }
}

/** COPY TO STDOUT: CopyOutResponse, one CopyData per row, CopyDone (the caller sends the tag). */
export async function copyOut(wire: Wire, copy: CopyOutResult): Promise<void> {
  copyResponse(wire.writer, 'out', copy.format, copy.columnCount);
  let sinceDrain = 0;
  /** Returns a promise only when the client must catch up first. */
  const send = (chunk: Buffer): Promise<void> | undefined => {
    copyData(wire.writer, chunk);
    if (++sinceDrain < ROWS_PER_DRAIN) return undefined;
    sinceDrain = 0;
    return wire.drain();
  };
  // A row array costs no await per row; an async source (a cursor) is awaited as it yields.
  const { data } = copy;
  if (Symbol.iterator in data) {
    for (const chunk of data) {
      const waiting = send(chunk);
      if (waiting) await waiting;
    }
  } else {
    for await (const chunk of data) {
      const waiting = send(chunk);
      if (waiting) await waiting;
    }
  }
  empty(wire.writer, Empty.copyDone);
}
