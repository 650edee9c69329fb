import cluster, { type Worker } from 'node:cluster';
import { inspect } from 'node:util';
import {
  type Logger,
  type StartupHint,
  describeStartupError,
  exitOnStartupError,
  installSignalHandlers,
  removeStaleSocket,
} from '@strata/common';
import { type WorkerReport, exportMetrics } from './metrics.js';
import { CLI_INFO, type HttpdConfig, rereadConfig } from './options.js';
import type { Httpd } from './server.js';

/** A worker that dies sooner than this after starting is restarted only after a pause. */
const CRASH_LOOP_MS = 1000;
const REPORT_INTERVAL_MS = 1000;

/**
 * The primary of --workers N: forks the workers (they share the TCP and UNIX socket
 * listeners through node:cluster), replaces any that crash, forwards SIGHUP, and on SIGTERM/SIGINT asks every
 * worker to drain, killing stragglers after the grace period. Metrics are served here,
 * summed from the workers' periodic reports.
 */
export async function runPrimary(
  config: HttpdConfig,
  argv: string[],
  logger: Logger,
  hints: readonly StartupHint[],
): Promise<void> {
  const reports = new Map<number, WorkerReport>();
  let stopping = false;
  // Until one worker has listened, a dying worker means a setup error (bad root, port in
  // use) that restarting cannot fix: the primary gives up instead of looping, and prints the
  // first worker's reason once, however many workers hit it.
  let anyListened = false;
  cluster.on('listening', () => {
    anyListened = true;
  });
  const giveUp = (reason: string) => {
    stopping = true;
    for (const other of Object.values(cluster.workers ?? {})) other?.process.kill('SIGKILL');
    process.stderr.write(`${CLI_INFO.name}: ${reason}\n`);
    process.exit(1);
  };

  const fork = (): Worker => {
    const worker = cluster.fork();
    const startedAt = Date.now();
    type Message = { type?: string; report?: WorkerReport; reason?: string };
    worker.on('message', (message: Message) => {
      if (message?.type === 'report' && message.report) reports.set(worker.id, message.report);
      if (message?.type === 'startup-failed' && !anyListened && !stopping) {
        giveUp(message.reason ?? 'a worker could not start');
      }
    });
    worker.once('exit', (code, signal) => {
      reports.delete(worker.id);
      if (stopping) return;
      if (!anyListened) giveUp(`a worker exited (${signal ?? code}) before listening`);
      logger.error({ worker: worker.process.pid, code, signal }, 'worker died; starting another');
      const delay = Date.now() - startedAt < CRASH_LOOP_MS ? CRASH_LOOP_MS : 0;
      setTimeout(() => {
        if (!stopping) fork();
      }, delay);
    });
    return worker;
  };

  // The workers share the primary's listening handle and never touch the socket file, so a
  // file left behind by a crash is cleared here, once, before any worker binds.
  if (config.unix !== undefined) {
    try {
      await removeStaleSocket(config.unix);
    } catch (err) {
      exitOnStartupError(CLI_INFO.name, err, { logger, hints });
    }
  }
  cluster.setupPrimary({ args: argv });
  // The exporters first: a taken --metrics-port stops start-up before any worker is forked.
  const exporters = await exportMetrics(config, logger, () => [...reports.values()]);
  for (let k = 0; k < config.workers; k++) fork();
  cluster.once('listening', () => {
    logger.info({ workers: config.workers }, 'strata-httpd primary: the workers serve');
  });

  installSignalHandlers({
    logger,
    shutdown: async () => {
      stopping = true;
      const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
      const exited = workers.map(
        (w) => new Promise<void>((resolve) => w.once('exit', () => resolve())),
      );
      for (const worker of workers) worker.send({ type: 'shutdown' });
      const deadline = setTimeout(() => {
        for (const worker of workers) worker.process.kill('SIGKILL');
      }, config.shutdownGrace + 2000);
      await Promise.all(exited);
      clearTimeout(deadline);
      await exporters.close();
    },
    reload: () => {
      // Validate first: a broken config file leaves the workers as they are.
      const next = rereadConfig(argv);
      if (typeof next === 'string') {
        logger.error({ error: next }, 'reload refused: bad configuration');
        return;
      }
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGHUP');
    },
  });
}

/**
 * In a worker that could not start: the primary prints the reason (one line for all workers);
 * the stack goes to stderr here at --log-level debug. Exits 1 once the message is sent.
 */
export function reportStartupFailure(
  err: unknown,
  logger: Logger,
  hints: readonly StartupHint[],
): void {
  if (logger.isLevelEnabled('debug')) process.stderr.write(`${inspect(err)}\n`);
  const reason = describeStartupError(err, hints);
  process.send?.({ type: 'startup-failed', reason }, () => process.exit(1));
}

/** In a worker: report counters to the primary for the metrics it serves. */
export function reportToPrimary(httpd: Httpd): void {
  const timer = setInterval(() => {
    const report: WorkerReport = { stats: httpd.stats, connections: httpd.server.connections.size };
    process.send?.({ type: 'report', report });
  }, REPORT_INTERVAL_MS);
  timer.unref();
}
