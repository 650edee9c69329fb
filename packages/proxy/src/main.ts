import cluster from 'node:cluster';
import { type Logger, createLogger, installSignalHandlers, parseCli } from '@strata/common';
import { CLI_INFO, PROXY_OPTIONS, type ProxyConfig } from './cli.js';
import { reportToPrimary, runPrimary } from './cluster.js';
import { exportMetrics } from './ops/metrics.js';
import { ProxyServer } from './server.js';

/** One plain line and exit 1, as squid and nginx do (stacks only at --log-level debug). */
function fatal(logger: Logger, config: ProxyConfig, err: unknown): never {
  const cause = (err as { cause?: NodeJS.ErrnoException }).cause;
  let message = (err as Error).message;
  if (cause?.code === 'EADDRINUSE') {
    message = `cannot listen on ${config.host}:${config.port}: address already in use (use --port)`;
  }
  if (config.logLevel === 'debug') logger.fatal({ err }, message);
  process.stderr.write(`${CLI_INFO.name}: ${message}\n`);
  process.exit(1);
}

/** A serving process: this one alone (--workers 0) or a cluster worker. */
async function serve(config: ProxyConfig, logger: Logger): Promise<void> {
  const proxy = new ProxyServer(config, logger);
  await proxy.listen();
  let closeExporters = async () => {};
  if (cluster.isWorker) {
    reportToPrimary(proxy);
  } else {
    const { exporters, observe } = await exportMetrics(config, logger, () => {
      const report = proxy.report();
      observe(report.latencies);
      return [report];
    });
    closeExporters = () => exporters.close();
  }
  let draining: Promise<void> | undefined;
  const shutdown = () => {
    draining ??= (async () => {
      logger.info({ connections: proxy.server.connections.size }, 'draining connections');
      await proxy.close();
      await closeExporters();
    })();
    return draining;
  };
  if (cluster.isWorker) {
    process.on('message', (message: { type?: string }) => {
      if (message?.type === 'shutdown') void shutdown().then(() => process.exit(0));
    });
  }
  installSignalHandlers({ logger, shutdown, reload: () => proxy.reload() });
}

/** The bin: flags, then the primary of --workers N or a single serving process. */
export async function main(argv: readonly string[]): Promise<void> {
  const result = parseCli(PROXY_OPTIONS, CLI_INFO, argv);
  if (result.kind === 'exit') {
    (result.code === 0 ? process.stdout : process.stderr).write(result.output);
    process.exit(result.code);
  }
  const config = result.config;
  const logger = createLogger({
    name: 'strata-proxy',
    level: config.logLevel,
    pretty: config.logPretty,
  });
  try {
    if (cluster.isPrimary && config.workers > 0) await runPrimary(config, [...argv], logger);
    else await serve(config, logger);
  } catch (err) {
    fatal(logger, config, err);
  }
}
