#!/usr/bin/env node
import { createLogger, installSignalHandlers, loadCliConfig } from '@strata/common';
import { CLI_INFO, HTTPD_OPTIONS } from './options.js';
import { Httpd } from './server.js';

const argv = process.argv.slice(2);
const config = loadCliConfig(HTTPD_OPTIONS, CLI_INFO, argv);
const logger = createLogger({
  name: 'strata-httpd',
  level: config.logLevel,
  pretty: config.logPretty,
});
const httpd = new Httpd(config, logger);
try {
  await httpd.listen();
} catch (err) {
  logger.fatal({ err }, (err as Error).message);
  process.exit(1);
}
installSignalHandlers({
  logger,
  shutdown: () => httpd.close(),
  reload: () => httpd.reload(loadCliConfig(HTTPD_OPTIONS, CLI_INFO, argv)),
});
