import type { Logger } from 'pino';

export interface SignalHooks {
  /** First SIGINT/SIGTERM: begin a graceful shutdown. */
  shutdown: (signal: NodeJS.Signals) => Promise<void> | void;
  /** SIGHUP: reload configuration, if the daemon supports it. */
  reload?: () => Promise<void> | void;
  logger?: Logger;
  /** Injected for tests; default process.exit. */
  exit?: (code: number) => void;
}

/**
 * SIGINT/SIGTERM start a graceful shutdown and exit 0 when it completes; a second signal exits
 * at once with 130/143 (128 + signal number) as a shell would report it. Returns an uninstaller.
 */
export function installSignalHandlers(hooks: SignalHooks): () => void {
  const exit = hooks.exit ?? ((code: number) => process.exit(code));
  let shuttingDown = false;
  const onStop = (signal: NodeJS.Signals) => {
    const code = signal === 'SIGINT' ? 130 : 143;
    if (shuttingDown) {
      hooks.logger?.warn({ signal }, 'second signal: exiting now');
      exit(code);
      return;
    }
    shuttingDown = true;
    hooks.logger?.info({ signal }, 'shutting down gracefully');
    Promise.resolve()
      .then(() => hooks.shutdown(signal))
      .then(
        () => exit(0),
        (err: unknown) => {
          hooks.logger?.error({ err }, 'graceful shutdown failed');
          exit(1);
        },
      );
  };
  const onReload = () => {
    if (!hooks.reload) {
      hooks.logger?.info('SIGHUP ignored: nothing to reload');
      return;
    }
    hooks.logger?.info('SIGHUP: reloading');
    Promise.resolve()
      .then(() => hooks.reload?.())
      .catch((err: unknown) => hooks.logger?.error({ err }, 'reload failed'));
  };
  process.on('SIGINT', onStop);
  process.on('SIGTERM', onStop);
  process.on('SIGHUP', onReload);
  return () => {
    process.off('SIGINT', onStop);
    process.off('SIGTERM', onStop);
    process.off('SIGHUP', onReload);
  };
}
