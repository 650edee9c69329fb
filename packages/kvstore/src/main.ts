import {
  ConfigError,
  ErrorCode,
  type LogLevel,
  type Logger,
  type StartupHint,
  createLogger,
  exitOnStartupError,
  installSignalHandlers,
  parseCli,
} from '@strata/common';
import { accessSync, constants, statSync } from 'node:fs';
import { resolve } from 'node:path';
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

/**
 * --dir must be a directory the server can write (as redis-server, which chdirs into it at
 * start): found out now rather than at the first save, or at shutdown.
 */
function checkDataDir(dir: string): void {
  if (!statSync(dir).isDirectory()) {
    throw Object.assign(new Error(`${dir} is not a directory`), {
      code: 'ENOTDIR',
      syscall: 'chdir',
      path: dir,
    });
  }
  accessSync(dir, constants.W_OK);
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
  const dir = String(config.get('dir'));
  const unixsocket = String(config.get('unixsocket'));
  const hints: StartupHint[] = [
    { flag: '--port', port: Number(config.get('port')) },
    { flag: '--metrics-port', port: options.metricsPort as number | undefined },
    { flag: '--unix', path: unixsocket || undefined },
    { flag: '--dir', path: dir },
    { flag: '--dir', path: resolve(dir) },
  ];
  try {
    checkDataDir(dir);
    await server.start();
  } catch (err) {
    exitOnStartupError(CLI_INFO.name, err, { logger, hints });
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
    exitOnStartupError(CLI_INFO.name, err, { logger, hints });
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
