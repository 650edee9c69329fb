import {
  type LogLevel,
  type MetricsExporters,
  MetricsRegistry,
  createLogger,
  installSignalHandlers,
  parseCli,
  registerProcessMetrics,
  registerServerMetrics,
  startMetricsExporters,
} from '@strata/common';
import { CLI_INFO, type MinidbConfig, OPTIONS } from './cli.js';
import type { Engine } from './engine/api.js';
import { createEngine } from './engine/index.js';
import { Credentials } from './protocol/auth.js';
import { MinidbServer } from './server/minidb-server.js';

/** Start-up failures: one plain line on stderr and a non-zero exit. */
function die(message: string, code = 1): never {
  process.stderr.write(`${CLI_INFO.name}: ${message}\n`);
  process.exit(code);
}

/** The bin: parse flags, open the engine, listen, shut down gracefully on signals. */
export async function main(argv: readonly string[]): Promise<void> {
  const result = parseCli(OPTIONS, CLI_INFO, argv);
  if (result.kind === 'exit') {
    (result.code === 0 ? process.stdout : process.stderr).write(result.output);
    process.exit(result.code);
  }
  const config: MinidbConfig = result.config;
  const logger = createLogger({
    name: 'minidb',
    level: config.logLevel as LogLevel | undefined,
    pretty: config.logPretty,
  });
  let credentials: Credentials | undefined;
  try {
    credentials = Credentials.load({
      method: config.authMethod,
      password: config.password,
      authFile: config.authFile,
    });
  } catch (err) {
    die((err as Error).message, 2);
  }
  let engine: Engine;
  try {
    engine = await createEngine(
      config.inMemory ? { inMemory: true } : { inMemory: false, dataDir: config.data },
    );
  } catch (err) {
    die(`cannot open the database in ${config.data}: ${(err as Error).message}`);
  }
  const server = new MinidbServer({
    engine,
    host: config.host,
    port: config.port,
    unixDir: config.unixDir,
    maxConnections: config.maxConnections,
    maxMessageSize: config.maxMessageSize,
    statementTimeoutMs: config.statementTimeout,
    authenticationTimeoutMs: config.authenticationTimeout,
    credentials,
    shutdownGraceMs: config.shutdownTimeout,
    logger,
  });
  try {
    await server.start();
  } catch (err) {
    die(`cannot listen: ${(err as Error).message.replace(/^cannot listen: /, '')}`);
  }
  let metrics: MetricsExporters;
  try {
    metrics = await startMetrics(server, config, logger);
  } catch (err) {
    die(`cannot start the metrics exporters: ${(err as Error).message}`);
  }
  logger.info(
    {
      port: server.port,
      unixSocket: server.unixPath,
      metricsPort: metrics.port,
      auth: credentials ? credentials.method : 'trust',
      data: config.inMemory ? 'in-memory' : config.data,
    },
    'ready to accept connections',
  );
  installSignalHandlers({
    logger,
    shutdown: async () => {
      await server.close();
      await metrics.close();
    },
  });
}

function startMetrics(
  server: MinidbServer,
  config: MinidbConfig,
  logger: ReturnType<typeof createLogger>,
): Promise<MetricsExporters> {
  const registry = new MetricsRegistry();
  if (server.net) registerServerMetrics(registry, server.net);
  registerProcessMetrics(registry);
  registry.gauge(
    'sessions',
    'Sessions open (past their StartupMessage)',
    () => server.sessionCount,
  );
  return startMetricsExporters(registry, {
    metricsPort: config.metricsPort,
    statsd: config.statsd,
    host: config.host,
    prefix: 'minidb',
    logger,
  });
}
