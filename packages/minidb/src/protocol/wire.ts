import type { LengthPrefixedFrame } from '@strata/common';
import type { Session } from '../engine/api.js';
import type { MessageWriter } from './writer.js';

/** What the query handlers (simple, extended, COPY) need of their connection. */
export interface Wire {
  readonly writer: MessageWriter;
  readonly session: Session;
  /**
   * Hands built output to the socket when enough has piled up, and waits while the client is
   * not reading (large results and COPY TO must not buffer without bound).
   */
  drain(): Promise<void> | undefined;
  /** The next frontend message, for the COPY sub-protocol; null when the client is gone. */
  nextFrame(): LengthPrefixedFrame | null | Promise<LengthPrefixedFrame | null>;
}
