export {
  RequestParser,
  type RequestHead,
  type RequestEvents,
  type ParserOptions,
} from './parser.js';
export {
  ResponseParser,
  type ResponseHead,
  type ResponseEvents,
} from './response-parser.js';
export {
  DEFAULT_PARSER_LIMITS,
  type ParserLimits,
  type MessageEvents,
} from './message-parser.js';
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
  type ResponseHeadInit,
  type ResponseHeaders,
} from './serializer.js';
