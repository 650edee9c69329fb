/**
 * Every error Strata raises on purpose carries a stable code. Codes are never reused or renamed:
 * operators grep logs for them and clients may match on them.
 */
export const ErrorCode = {
  FRAME_TOO_LARGE: 'STRATA_ERR_FRAME_TOO_LARGE',
  INVALID_FRAME: 'STRATA_ERR_INVALID_FRAME',
  CONFIG_INVALID: 'STRATA_ERR_CONFIG_INVALID',
  CONFIG_UNKNOWN_OPTION: 'STRATA_ERR_CONFIG_UNKNOWN_OPTION',
  CONFIG_FILE: 'STRATA_ERR_CONFIG_FILE',
  LISTEN_FAILED: 'STRATA_ERR_LISTEN_FAILED',
  SOCKET_IN_USE: 'STRATA_ERR_SOCKET_IN_USE',
  OUTPUT_LIMIT: 'STRATA_ERR_OUTPUT_LIMIT',
  MAX_CONNECTIONS: 'STRATA_ERR_MAX_CONNECTIONS',
  IDLE_TIMEOUT: 'STRATA_ERR_IDLE_TIMEOUT',
  SHUTDOWN_DEADLINE: 'STRATA_ERR_SHUTDOWN_DEADLINE',
  HTTP_PARSE: 'STRATA_ERR_HTTP_PARSE',
  METRICS: 'STRATA_ERR_METRICS',
  /** A proxy refused to reach a target (a private address without --allow-private). */
  FORBIDDEN_TARGET: 'STRATA_ERR_FORBIDDEN_TARGET',
  /** An SQL error reported to a client; its SQLSTATE is what clients match on. */
  SQL: 'STRATA_ERR_SQL',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class StrataError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A decoder met a frame longer than its configured maximum; the stream cannot be resynchronised. */
export class FrameTooLargeError extends StrataError {
  readonly limit: number;
  readonly size: number;

  constructor(size: number, limit: number) {
    super(ErrorCode.FRAME_TOO_LARGE, `frame of ${size} bytes exceeds the limit of ${limit} bytes`);
    this.size = size;
    this.limit = limit;
  }
}

/** The input is not a valid frame for the protocol (bad length, bad delimiter). */
export class InvalidFrameError extends StrataError {
  constructor(message: string) {
    super(ErrorCode.INVALID_FRAME, message);
  }
}

/** Bad command-line flag, environment variable or config file entry. Bins exit with status 2. */
export class ConfigError extends StrataError {}

export function isErrnoException(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string';
}
