import {
  ConfigError,
  ErrorCode,
  type LogLevel,
  type Logger,
  createLogger,
  installSignalHandlers,
  parseCli,
} from '@strata/common';
import { CLI_INFO, buildOptionTable } from './cli.js';
import { startKvMetrics } from './metrics.js';
import { KvServer } from './server/kv-server.js';
import { RuntimeConfig } from './server/runtime-config.js';

/** Builds the runtime config from parsed flags/file values; throws ConfigError on a bad value. */
export function configFromOptions(options: Record<string, unknown>): RuntimeConfig {
  const config = new RuntimeConfig();
  const apply = (name: string, value: string) => {
    const error = config.set(name, value, true);
    if (error !== undefined) {
      throw new ConfigError(
        ErrorCode.CONFIG_INVALID,
        `invalid value for '${name}' ('${value}'): ${error}`,
      );
    }
  };
  for (const [name, value] of Object.entries(options)) {
    // Only Redis's own names (camelCase common options such as logLevel are not parameters).
    if (value === undefined || config.spec(name) === undefined || name !== name.toLowerCase())
      continue;
    if (name === 'save') {
      const rules = value as string[];
      if (rules.length > 0) apply('save', rules.join(' ').replace(/^""$/, ''));
      continue;
    }
    apply(name, String(value));
  }
  // Common's names for the listening addresses win over Redis's defaults.
  if (typeof options.port === 'number') apply('port', String(options.port));
  if (typeof options.host === 'string' && options.host !== '127.0.0.1') apply('bind', options.host);
  if (typeof options.unix === 'string') apply('unixsocket', options.unix);
  return config;
}

/** The bin: parse flags, start the server, shut down gracefully on signals. */
export async function main(argv: readonly string[]): Promise<void> {
  const table = buildOptionTable();
  const result = parseCli(table, CLI_INFO, argv);
  if (result.kind === 'exit') {
    (result.code === 0 ? process.stdout : process.stderr).write(result.output);
    process.exit(result.code);
  }
  const options = result.config as Record<string, unknown>;
  let config: RuntimeConfig;
  try {
    config = configFromOptions(options);
  } catch (err) {
    process.stderr.write(`${CLI_INFO.name}: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const logger: Logger = createLogger({
    name: 'kvstore',
    level: options.logLevel as LogLevel | undefined,
    pretty: options.logPretty as boolean | undefined,
  });
  const server = new KvServer({
    config,
    logger,
    configFile: options.config as string | undefined,
    users: options.user as string[] | undefined,
    onShutdown: () => process.exit(0),
  });
  try {
    await server.start();
  } catch (err) {
    logger.fatal({ err }, 'cannot start');
    process.exit(1);
  }
  let metrics: Awaited<ReturnType<typeof startKvMetrics>>;
  try {
    metrics = await startKvMetrics(server, {
      metricsPort: options.metricsPort as number | undefined,
      statsd: options.statsd as string | undefined,
      host: (options.host as string | undefined) ?? '127.0.0.1',
      logger,
    });
  } catch (err) {
    logger.fatal({ err }, 'cannot start the metrics exporters');
    process.exit(1);
  }
  logger.info(
    {
      port: server.tcpPort(),
      unixsocket: config.get('unixsocket') || undefined,
      metricsPort: metrics.port,
    },
    'Ready to accept connections',
  );
  installSignalHandlers({
    logger,
    shutdown: async () => {
      await server.shutdown();
      await metrics.close();
    },
  });
}
