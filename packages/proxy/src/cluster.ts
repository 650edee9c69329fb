import cluster, { type Worker } from 'node:cluster';
import { type Logger, installSignalHandlers, removeStaleSocket } from '@strata/common';
import type { ProxyConfig } from './cli.js';
import { type WorkerReport, exportMetrics } from './ops/metrics.js';
import type { ProxyServer } from './server.js';

/** A worker that dies sooner than this after starting is restarted only after a pause. */
const CRASH_LOOP_MS = 1000;
const REPORT_INTERVAL_MS = 1000;

/**
 * The primary of --workers N: forks the workers (they share the listener through
 * node:cluster), replaces any that crash, forwards SIGHUP, drains them on SIGTERM/SIGINT, and
 * serves the metrics summed from their reports.
 */
export async function runPrimary(
  config: ProxyConfig,
  argv: string[],
  logger: Logger,
): Promise<void> {
  const reports = new Map<number, WorkerReport>();
  let stopping = false;
  let anyListened = false;
  cluster.on('listening', () => {
    anyListened = true;
  });
  let observe: (latencies: readonly number[]) => void = () => {};

  const fork = (): Worker => {
    const worker = cluster.fork();
    const startedAt = Date.now();
    worker.on('message', (message: { type?: string; report?: WorkerReport }) => {
      if (message?.type !== 'report' || !message.report) return;
      reports.set(worker.id, message.report);
      observe(message.report.latencies);
    });
    worker.once('exit', (code, signal) => {
      reports.delete(worker.id);
      if (stopping) return;
      if (!anyListened) {
        // A setup error (port in use, bad rule) that restarting cannot fix: the worker
        // printed it; the primary stops instead of looping.
        stopping = true;
        for (const other of Object.values(cluster.workers ?? {})) other?.process.kill('SIGKILL');
        process.exit(1);
      }
      logger.error({ worker: worker.process.pid, code, signal }, 'worker died; starting another');
      const delay = Date.now() - startedAt < CRASH_LOOP_MS ? CRASH_LOOP_MS : 0;
      setTimeout(() => {
        if (!stopping) fork();
      }, delay);
    });
    return worker;
  };

  if (config.unix !== undefined) await removeStaleSocket(config.unix);
  cluster.setupPrimary({ args: argv });
  for (let k = 0; k < config.workers; k++) fork();
  const metrics = await exportMetrics(config, logger, () => [...reports.values()]);
  observe = metrics.observe;
  logger.info({ workers: config.workers }, 'strata-proxy primary started');

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
      await metrics.exporters.close();
    },
    reload: () => {
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGHUP');
    },
  });
}

/** In a worker: counters (and new latencies) to the primary once a second. */
export function reportToPrimary(proxy: ProxyServer): void {
  const timer = setInterval(() => {
    process.send?.({ type: 'report', report: proxy.report() });
  }, REPORT_INTERVAL_MS);
  timer.unref();
}
