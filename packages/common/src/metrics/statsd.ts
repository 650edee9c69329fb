import { type Socket as UdpSocket, createSocket } from 'node:dgram';
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import { ErrorCode, StrataError } from '../errors.js';
import {
  Histogram,
  type Labels,
  type MetricSnapshot,
  type MetricsRegistry,
  type PendingObservations,
} from './registry.js';

/**
 * StatsD push: every interval, counters send what they gained since the previous push (`|c`),
 * gauges their current value (`|g`), histograms the observations recorded since the previous
 * push (`|h`, or `|ms` for timers; a uniform sample with `|@rate` when there were many). Labels
 * travel as DogStatsD tags (`|#name:value`), which the Datadog agent, Telegraf and Prometheus's
 * statsd_exporter all understand. Lines are packed into datagrams of at most MAX_DATAGRAM bytes.
 *
 * UDP is fire and forget: a collector that is down, refuses (ICMP port unreachable) or whose
 * name does not resolve costs a log line, never an exception, and the socket and the interval
 * never keep the process alive.
 */

/** Fits a typical 1500-byte Ethernet MTU after IP and UDP headers, as StatsD clients do. */
export const MAX_DATAGRAM = 1400;

/** How long close() waits for the last datagrams (and their DNS lookups) before giving up. */
const CLOSE_WAIT_MS = 1000;

export interface HostPort {
  host: string;
  port: number;
}

/** Parses `host:port`, `[v6addr]:port` or `:port` (localhost). */
export function parseHostPort(text: string): HostPort {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text.trim());
  const port = match ? Number(match[3]) : Number.NaN;
  if (!match || port < 1 || port > 65535) {
    throw new StrataError(ErrorCode.METRICS, `expected HOST:PORT, got '${text}'`);
  }
  return { host: match[1] ?? (match[2] || '127.0.0.1'), port };
}

/** Characters with a meaning in the StatsD line protocol cannot appear in names. */
function cleanName(name: string): string {
  return name.replace(/[:|@#,\s]/g, '_');
}

function cleanTag(text: string): string {
  return text.replace(/[|#,\s]/g, '_');
}

function tags(labels: Labels): string {
  const names = Object.keys(labels);
  if (names.length === 0) return '';
  return `|#${names.map((name) => `${cleanTag(name)}:${cleanTag(String(labels[name]))}`).join(',')}`;
}

/** Packs lines into newline-separated datagrams of at most `maxBytes` (a longer line goes alone). */
export function packDatagrams(lines: readonly string[], maxBytes = MAX_DATAGRAM): Buffer[] {
  const datagrams: Buffer[] = [];
  let current = '';
  let currentBytes = 0;
  for (const line of lines) {
    const size = Buffer.byteLength(line);
    if (currentBytes > 0 && currentBytes + 1 + size > maxBytes) {
      datagrams.push(Buffer.from(current));
      current = '';
      currentBytes = 0;
    }
    current = currentBytes > 0 ? `${current}\n${line}` : line;
    currentBytes += (currentBytes > 0 ? 1 : 0) + size;
  }
  if (currentBytes > 0) datagrams.push(Buffer.from(current));
  return datagrams;
}

/**
 * Turns one collection into StatsD lines. `lastCounters` holds the counter values already sent
 * and is updated. A line may hold two statements that must stay in order in one datagram.
 */
export function statsdLines(
  snapshots: readonly MetricSnapshot[],
  observations: ReadonlyMap<string, readonly PendingObservations[]>,
  statsdTypes: ReadonlyMap<string, 'ms' | 'h'>,
  prefix: string,
  lastCounters: Map<string, number>,
): string[] {
  const start = prefix ? `${cleanName(prefix).replace(/\.$/, '')}.` : '';
  const lines: string[] = [];
  for (const metric of snapshots) {
    const name = start + cleanName(metric.name);
    if (metric.type === 'counter') {
      for (const { labels, value } of metric.samples) {
        const key = `${metric.name}${JSON.stringify(labels)}`;
        const previous = lastCounters.get(key) ?? 0;
        lastCounters.set(key, value);
        // A counter below what was sent was reset (CONFIG RESETSTAT): all of it is new.
        const delta = value >= previous ? value - previous : value;
        if (delta > 0) lines.push(`${name}:${delta}|c${tags(labels)}`);
      }
    } else if (metric.type === 'gauge') {
      for (const { labels, value } of metric.samples) {
        if (!Number.isFinite(value)) continue;
        // A signed gauge value is a relative change in StatsD; set 0 first to make it absolute.
        const line = `${name}:${value}|g${tags(labels)}`;
        lines.push(value < 0 ? `${name}:0|g${tags(labels)}\n${line}` : line);
      }
    } else {
      const type = statsdTypes.get(metric.name) ?? 'h';
      for (const { labels, values, seen } of observations.get(metric.name) ?? []) {
        const rate = values.length < seen ? `|@${values.length / seen}` : '';
        for (const value of values) {
          if (Number.isFinite(value)) lines.push(`${name}:${value}|${type}${rate}${tags(labels)}`);
        }
      }
    }
  }
  return lines;
}

export interface StatsdOptions {
  /** Collector address, `host:port`. */
  target: string;
  /** Prepended to every name with a dot, e.g. `strata.kvstore`. */
  prefix: string;
  /** Push period; default 10 s (StatsD's own flush interval). */
  intervalMs?: number;
  logger?: Logger | undefined;
}

/** Pushes a registry to a StatsD collector on an interval. */
export class StatsdPusher {
  private readonly socket: UdpSocket;
  private readonly target: HostPort;
  private readonly interval: NodeJS.Timeout;
  private readonly lastCounters = new Map<string, number>();
  private readonly inFlight = new Set<Promise<void>>();
  /** The last send error logged, so a collector that stays down logs once, not every push. */
  private failing: string | undefined;
  private closed = false;

  constructor(
    private readonly registry: MetricsRegistry,
    private readonly options: StatsdOptions,
  ) {
    this.target = parseHostPort(options.target);
    this.socket = createSocket(isIP(this.target.host) === 6 ? 'udp6' : 'udp4');
    this.socket.on('error', (err) => this.reportFailure(err));
    this.socket.unref();
    this.trackHistograms();
    this.interval = setInterval(() => this.push(), options.intervalMs ?? 10_000);
    this.interval.unref();
  }

  /** Collects and sends now; resolves when the datagrams are handed to the kernel (or failed). */
  push(): Promise<void> {
    if (this.closed) return Promise.resolve();
    const snapshots = this.registry.collect((metric, err) =>
      this.options.logger?.warn({ err, metric }, 'metric callback failed'),
    );
    const observations = new Map<string, PendingObservations[]>();
    const statsdTypes = new Map<string, 'ms' | 'h'>();
    for (const metric of this.registry.all()) {
      if (metric instanceof Histogram) {
        observations.set(metric.name, metric.drainObservations());
        statsdTypes.set(metric.name, metric.statsdType);
      }
    }
    this.trackHistograms();
    const lines = statsdLines(
      snapshots,
      observations,
      statsdTypes,
      this.options.prefix,
      this.lastCounters,
    );
    return Promise.all(packDatagrams(lines).map((datagram) => this.send(datagram))).then(() => {});
  }

  /** Stops the interval, pushes what was recorded since the last push, and closes the socket. */
  async close(): Promise<void> {
    if (this.closed) return;
    clearInterval(this.interval);
    const last = this.push();
    this.closed = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([last, ...this.inFlight]),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, CLOSE_WAIT_MS);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
    this.socket.close();
  }

  /** Histograms registered since the last push start keeping observations from now on. */
  private trackHistograms(): void {
    for (const metric of this.registry.all()) {
      if (metric instanceof Histogram) metric.trackObservations();
    }
  }

  private send(datagram: Buffer): Promise<void> {
    const sent = new Promise<void>((resolve) => {
      try {
        this.socket.send(datagram, this.target.port, this.target.host, (err) => {
          if (err) this.reportFailure(err);
          else this.failing = undefined;
          resolve();
        });
      } catch (err) {
        // send() throws synchronously only on a closed socket or a bad argument.
        this.reportFailure(err as Error);
        resolve();
      }
    });
    this.inFlight.add(sent);
    sent.then(() => this.inFlight.delete(sent));
    return sent;
  }

  private reportFailure(err: Error): void {
    const code = (err as NodeJS.ErrnoException).code ?? err.message;
    if (this.failing === code) return;
    this.failing = code;
    this.options.logger?.warn(
      { err, target: this.options.target },
      'statsd push failed (will keep trying)',
    );
  }
}
