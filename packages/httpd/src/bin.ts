#!/usr/bin/env node
import cluster from 'node:cluster';
import {
  createLogger,
  installSignalHandlers,
  loadCliConfig,
  registerServerMetrics,
} from '@strata/common';
import { reportToPrimary, runPrimary } from './cluster.js';
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
  await httpd.listen();
  let closeExporters = async () => {};
  if (worker) {
    reportToPrimary(httpd);
  } else {
    const exporters = await exportMetrics(
      config,
      logger,
      () => [{ stats: httpd.stats, connections: httpd.server.connections.size }],
      (registry) => registerServerMetrics(registry, httpd.server),
    );
    closeExporters = () => exporters.close();
  }
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

try {
  if (cluster.isPrimary && config.workers > 0) await runPrimary(config, argv, logger);
  else await serve();
} catch (err) {
  logger.fatal({ err }, (err as Error).message);
  process.exit(1);
}
