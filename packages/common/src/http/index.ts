export {
  RequestParser,
  DEFAULT_PARSER_LIMITS,
  type RequestHead,
  type RequestEvents,
  type ParserLimits,
  type ParserOptions,
} from './parser.js';
export { HttpParseError, type HttpParseReason } from './errors.js';
export { STATUS_TEXT, statusText } from './status.js';
export {
  serializeResponseHead,
  serializeFields,
  statusLine,
  encodeChunk,
  httpDate,
  CONTINUE_RESPONSE,
  LAST_CHUNK,
  type ResponseHead,
  type ResponseHeaders,
} from './serializer.js';
