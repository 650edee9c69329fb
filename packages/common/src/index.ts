export * from './errors.js';
export * from './log.js';
export * from './config.js';
export * from './framing.js';
export * from './timers.js';
export * from './signals.js';
export * from './startup.js';
export { Connection, type ConnectionHandler, type ConnectionLimits } from './net/connection.js';
export {
  removeStaleSocket,
  StrataServer,
  type ServerOptions,
  type CloseOptions,
  type ServerStats,
} from './net/server.js';
export * from './metrics/registry.js';
export {
  PROMETHEUS_CONTENT_TYPE,
  formatPrometheusValue,
  renderPrometheusText,
} from './metrics/prometheus.js';
export {
  MAX_DATAGRAM,
  StatsdPusher,
  type StatsdOptions,
  parseHostPort,
  type HostPort,
} from './metrics/statsd.js';
export {
  startMetricsExporters,
  type MetricsExporterOptions,
  type MetricsExporters,
} from './metrics/exporters.js';
export { METRICS_ENDPOINT_LIMITS } from './metrics/endpoint.js';
export {
  registerServerMetrics,
  registerProcessMetrics,
  EVENT_LOOP_WINDOW_MS,
} from './metrics/standard.js';
