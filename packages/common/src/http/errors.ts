import { ErrorCode, StrataError } from '../errors.js';

/**
 * Why a request was refused. The reason is stable (tests and logs match on it); the status is
 * what the server answers before closing the connection.
 */
export type HttpParseReason =
  | 'bad-request-line'
  | 'bad-status-line'
  | 'bad-method'
  | 'bad-target'
  | 'bad-version'
  | 'unsupported-version'
  | 'request-line-too-long'
  | 'headers-too-large'
  | 'too-many-headers'
  | 'bare-cr-or-lf'
  | 'bad-header-name'
  | 'space-before-colon'
  | 'obs-fold'
  | 'bad-header-value'
  | 'bad-content-length'
  | 'duplicate-content-length'
  | 'content-length-with-transfer-encoding'
  | 'bad-transfer-encoding'
  | 'transfer-encoding-in-http-1.0'
  | 'missing-host'
  | 'duplicate-host'
  | 'bad-host'
  | 'bad-chunk-size'
  | 'bad-chunk-extension'
  | 'bad-chunk-terminator'
  | 'body-too-large';

const STATUS_OF: Partial<Record<HttpParseReason, number>> = {
  'unsupported-version': 505,
  'request-line-too-long': 414,
  'headers-too-large': 431,
  'too-many-headers': 431,
  'body-too-large': 413,
};

export class HttpParseError extends StrataError {
  readonly reason: HttpParseReason;
  /** The status to answer with (400 unless the reason has a more specific one). */
  readonly status: number;

  constructor(reason: HttpParseReason, message: string) {
    super(ErrorCode.HTTP_PARSE, message);
    this.reason = reason;
    this.status = STATUS_OF[reason] ?? 400;
  }
}
