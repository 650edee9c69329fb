import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LoggerSettings {
  /** Daemon name, printed as `name` in every line. */
  name: string;
  /** Explicit level (from a flag); falls back to LOG_LEVEL, then `info`. */
  level?: LogLevel | undefined;
  /** Human-readable output. Default: on when stdout is a TTY. */
  pretty?: boolean | undefined;
  /** Where JSON lines go; default stdout. Tests pass a stream to capture them. */
  destination?: NodeJS.WritableStream | undefined;
}

/** True under tap and under NODE_ENV=test: loggers stay silent unless a level is forced. */
function runningUnderTests(): boolean {
  return process.env.TAP === '1' || process.env.NODE_ENV === 'test';
}

function resolveLevel(level: LogLevel | undefined): LogLevel {
  if (level) return level;
  const fromEnv = process.env.LOG_LEVEL as LogLevel | undefined;
  if (fromEnv && (LOG_LEVELS as readonly string[]).includes(fromEnv)) return fromEnv;
  return runningUnderTests() ? 'silent' : 'info';
}

export function createLogger(settings: LoggerSettings): Logger {
  const options: LoggerOptions = { name: settings.name, level: resolveLevel(settings.level) };
  if (settings.destination) return pino(options, settings.destination);
  const pretty = settings.pretty ?? Boolean(process.stdout.isTTY);
  if (pretty) {
    return pino({
      ...options,
      transport: {
        target: 'pino-pretty',
        options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' },
      },
    });
  }
  return pino(options);
}
