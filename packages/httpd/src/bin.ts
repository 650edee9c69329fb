#!/usr/bin/env node
import cluster from 'node:cluster';
import { resolve } from 'node:path';
import {
  type StartupHint,
  createLogger,
  exitOnStartupError,
  installSignalHandlers,
  loadCliConfig,
  registerServerMetrics,
} from '@strata/common';
import { reportStartupFailure, reportToPrimary, runPrimary } from './cluster.js';
import { exportMetrics } from './metrics.js';
import { CLI_INFO, HTTPD_OPTIONS, rereadConfig } from './options.js';
import { Httpd } from './server.js';

const argv = process.argv.slice(2);
const config = loadCliConfig(HTTPD_OPTIONS, CLI_INFO, argv);
const logger = createLogger({
  name: 'strata-httpd',
  level: config.logLevel,
  pretty: config.logPretty,
});

async function serve(): Promise<void> {
  const worker = cluster.isWorker;
  const httpd = new Httpd(config, logger);
  let closeExporters = async () => {};
  // The exporters before the listener: a taken --metrics-port stops start-up before serving.
  if (!worker) {
    const exporters = await exportMetrics(
      config,
      logger,
      () => [{ stats: httpd.stats, connections: httpd.server.connections.size }],
      (registry) => registerServerMetrics(registry, httpd.server),
    );
    closeExporters = () => exporters.close();
  }
  await httpd.listen();
  if (worker) reportToPrimary(httpd);
  // One drain, whoever asks first: a signal, or the primary (which may forward the same
  // SIGINT the terminal already sent this worker, so a signal would count as a second one).
  let draining: Promise<void> | undefined;
  const shutdown = () => {
    draining ??= (async () => {
      logger.info({ connections: httpd.server.connections.size }, 'draining connections');
      await httpd.close();
      await closeExporters();
    })();
    return draining;
  };
  if (worker) {
    process.on('message', (message: { type?: string }) => {
      if (message?.type === 'shutdown') void shutdown().then(() => process.exit(0));
    });
  }
  installSignalHandlers({
    logger,
    shutdown,
    reload: () => {
      const next = rereadConfig(argv);
      if (typeof next === 'string') {
        logger.error({ error: next }, 'reload refused: bad configuration');
        return;
      }
      return httpd.reload(next);
    },
  });
}

/** The flags behind what start-up opens, named in the one-line error when it fails. */
const hints: StartupHint[] = [
  { flag: '--port', port: config.port },
  { flag: '--metrics-port', port: config.metricsPort },
  { flag: '--unix', path: config.unix },
  { flag: '--root', path: config.root },
  { flag: '--root', path: resolve(config.root) },
];

try {
  if (cluster.isPrimary && config.workers > 0) await runPrimary(config, argv, logger, hints);
  else await serve();
} catch (err) {
  if (cluster.isWorker) reportStartupFailure(err, logger, hints);
  else exitOnStartupError(CLI_INFO.name, err, { logger, hints });
}
