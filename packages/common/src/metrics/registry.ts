import { ErrorCode, StrataError } from '../errors.js';
import { renderPrometheusText } from './prometheus.js';

/**
 * In-process metrics: counters, gauges and histograms with optional labels, kept in plain maps
 * and read by the exporters (Prometheus text over HTTP, StatsD over UDP). Recording is a map
 * lookup and an addition; nothing is formatted until an exporter collects.
 */

/** Label values by label name, e.g. `{ command: 'get' }`. */
export type Labels = Readonly<Record<string, string | number>>;

export type MetricType = 'counter' | 'gauge' | 'histogram';

/** One value of a counter or gauge for one label set. */
export interface Sample {
  labels: Labels;
  value: number;
}

/** A callback gauge or counter returns one number (no labels) or one sample per label set. */
export type CollectFn = () => number | readonly Sample[];

/** One histogram series: `counts[i]` observations fell in bucket i (not cumulative). */
export interface HistogramSample {
  labels: Labels;
  /** Per-bucket counts; the last entry is the +Inf bucket. */
  counts: readonly number[];
  sum: number;
  count: number;
}

export type MetricSnapshot =
  | { type: 'counter' | 'gauge'; name: string; help: string; samples: Sample[] }
  | {
      type: 'histogram';
      name: string;
      help: string;
      /** Upper bounds, ascending, without +Inf. */
      buckets: readonly number[];
      samples: HistogramSample[];
    };

/** Prometheus's default buckets, in seconds. */
export const DEFAULT_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** `count` buckets starting at `start`, each `width` apart. */
export function linearBuckets(start: number, width: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => start + i * width);
}

/** `count` buckets starting at `start`, each `factor` times the previous one. */
export function exponentialBuckets(start: number, factor: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => start * factor ** i);
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const NO_LABELS: Labels = Object.freeze({});

function metricsError(message: string): StrataError {
  return new StrataError(ErrorCode.METRICS, message);
}

/**
 * Canonical key of a label set (names sorted), so `{a,b}` and `{b,a}` are one series. Label
 * values may contain anything; the separators below cannot appear in a valid label name, and
 * the value is JSON-quoted.
 */
function labelKey(labels: Labels | undefined): string {
  if (labels === undefined) return '';
  const names = Object.keys(labels);
  if (names.length === 0) return '';
  if (names.length > 1) names.sort();
  let key = '';
  for (const name of names) key += `${name}=${JSON.stringify(String(labels[name]))},`;
  return key;
}

/** Validates a new label set once, when its series is created, and freezes a sorted copy. */
function checkLabels(metric: string, labels: Labels | undefined, reserved?: string): Labels {
  if (labels === undefined) return NO_LABELS;
  const sorted: Record<string, string | number> = {};
  for (const name of Object.keys(labels).sort()) {
    if (!LABEL_NAME.test(name) || name.startsWith('__')) {
      throw metricsError(`${metric}: invalid label name '${name}'`);
    }
    if (name === reserved) throw metricsError(`${metric}: label '${name}' is reserved`);
    sorted[name] = labels[name]!;
  }
  return Object.freeze(sorted);
}

abstract class Metric {
  abstract readonly type: MetricType;

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  /** @internal Current values, read by the exporters. */
  abstract snapshot(): MetricSnapshot;
}

/** A scalar per label set: the storage shared by counters and gauges. */
abstract class ScalarMetric extends Metric {
  abstract override readonly type: 'counter' | 'gauge';
  protected readonly series = new Map<string, Sample>();

  constructor(
    name: string,
    help: string,
    private readonly collectFn: CollectFn | undefined,
  ) {
    super(name, help);
  }

  /** Current value for one label set (0 if never recorded). */
  get(labels?: Labels): number {
    return this.series.get(labelKey(labels))?.value ?? 0;
  }

  /** Forgets every label set (e.g. after CONFIG RESETSTAT). */
  reset(): void {
    this.series.clear();
  }

  protected sample(labels: Labels | undefined, key = labelKey(labels)): Sample {
    if (this.collectFn) {
      throw metricsError(`${this.name}: values of a callback ${this.type} come from its callback`);
    }
    let sample = this.series.get(key);
    if (sample === undefined) {
      sample = { labels: checkLabels(this.name, labels), value: 0 };
      this.series.set(key, sample);
    }
    return sample;
  }

  snapshot(): MetricSnapshot {
    let samples: Sample[];
    if (this.collectFn) {
      const collected = this.collectFn();
      samples =
        typeof collected === 'number'
          ? [{ labels: NO_LABELS, value: collected }]
          : collected.map((s) => ({ labels: checkLabels(this.name, s.labels), value: s.value }));
    } else {
      samples = [...this.series.values()].map((s) => ({ labels: s.labels, value: s.value }));
      // A metric nobody recorded yet still reads as 0, so rates start from a known point.
      if (samples.length === 0) samples.push({ labels: NO_LABELS, value: 0 });
    }
    return { type: this.type, name: this.name, help: this.help, samples };
  }
}

/** A value that only goes up (requests served, bytes written). */
export class Counter extends ScalarMetric {
  readonly type = 'counter';

  inc(n = 1, labels?: Labels): void {
    if (!(n >= 0)) throw metricsError(`${this.name}: a counter cannot decrease (inc(${n}))`);
    this.sample(labels).value += n;
  }

  /** The series of one label set, resolved once: for hot paths that always use the same labels. */
  labels(labels: Labels): { inc(n?: number): void } {
    const key = labelKey(labels);
    checkLabels(this.name, labels);
    return {
      inc: (n = 1) => {
        if (!(n >= 0)) throw metricsError(`${this.name}: a counter cannot decrease (inc(${n}))`);
        this.sample(labels, key).value += n;
      },
    };
  }
}

/** A value that goes up and down (connected clients, memory used). */
export class Gauge extends ScalarMetric {
  readonly type = 'gauge';

  set(value: number, labels?: Labels): void {
    this.sample(labels).value = value;
  }

  inc(n = 1, labels?: Labels): void {
    this.sample(labels).value += n;
  }

  dec(n = 1, labels?: Labels): void {
    this.sample(labels).value -= n;
  }

  /** The series of one label set, resolved once: for hot paths that always use the same labels. */
  labels(labels: Labels): {
    set(value: number): void;
    inc(n?: number): void;
    dec(n?: number): void;
  } {
    const key = labelKey(labels);
    checkLabels(this.name, labels);
    return {
      set: (value) => {
        this.sample(labels, key).value = value;
      },
      inc: (n = 1) => {
        this.sample(labels, key).value += n;
      },
      dec: (n = 1) => {
        this.sample(labels, key).value -= n;
      },
    };
  }
}

interface HistogramSeries extends HistogramSample {
  counts: number[];
}

/**
 * Observations at most this many per series are kept between two StatsD pushes; beyond that a
 * uniform sample is kept and sent with a sample rate, so a busy server sends bounded datagrams.
 */
export const MAX_PENDING_OBSERVATIONS = 500;

/** Observations recorded since the last drain, for push exporters. */
export interface PendingObservations {
  labels: Labels;
  /** A uniform sample of the observations (all of them when `seen` <= the cap). */
  values: number[];
  /** How many observations there were in total. */
  seen: number;
}

export interface HistogramOptions {
  /**
   * StatsD type of the observations: `ms` (timer, values in milliseconds) or `h` (histogram).
   * Default `h`.
   */
  statsdType?: 'ms' | 'h';
}

/** Distribution of observed values (latencies, sizes) in cumulative buckets, with sum and count. */
export class Histogram extends Metric {
  readonly type = 'histogram';
  readonly buckets: readonly number[];
  readonly statsdType: 'ms' | 'h';
  private readonly series = new Map<string, HistogramSeries>();
  private pending: Map<string, PendingObservations> | undefined;

  constructor(name: string, help: string, buckets: readonly number[], options: HistogramOptions) {
    super(name, help);
    if (buckets.length === 0) throw metricsError(`${name}: a histogram needs at least one bucket`);
    for (let i = 0; i < buckets.length; i++) {
      if (!Number.isFinite(buckets[i]!) || (i > 0 && buckets[i]! <= buckets[i - 1]!)) {
        throw metricsError(`${name}: buckets must be finite and strictly increasing`);
      }
    }
    this.buckets = Object.freeze([...buckets]);
    this.statsdType = options.statsdType ?? 'h';
  }

  /** Records one value; NaN is ignored (it would turn the sum into NaN for good). */
  observe(value: number, labels?: Labels): void {
    this.record(value, labels, labelKey(labels));
  }

  /** Starts time measurement; the returned function observes the elapsed seconds. */
  startTimer(labels?: Labels): () => number {
    return this.timer(labels, labelKey(labels));
  }

  /** The series of one label set, resolved once: for hot paths that always use the same labels. */
  labels(labels: Labels): { observe(value: number): void; startTimer(): () => number } {
    const key = labelKey(labels);
    checkLabels(this.name, labels, 'le');
    return {
      observe: (value) => this.record(value, labels, key),
      startTimer: () => this.timer(labels, key),
    };
  }

  private timer(labels: Labels | undefined, key: string): () => number {
    const start = process.hrtime.bigint();
    return () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      this.record(seconds, labels, key);
      return seconds;
    };
  }

  private record(value: number, labels: Labels | undefined, key: string): void {
    if (Number.isNaN(value)) return;
    let series = this.series.get(key);
    if (series === undefined) {
      series = {
        labels: checkLabels(this.name, labels, 'le'),
        counts: new Array<number>(this.buckets.length + 1).fill(0),
        sum: 0,
        count: 0,
      };
      this.series.set(key, series);
    }
    let bucket = 0;
    while (bucket < this.buckets.length && value > this.buckets[bucket]!) bucket++;
    series.counts[bucket]!++;
    series.sum += value;
    series.count++;
    if (this.pending) this.keepForPush(key, series.labels, value);
  }

  reset(): void {
    this.series.clear();
    this.pending?.clear();
  }

  snapshot(): MetricSnapshot {
    const samples: HistogramSample[] = [...this.series.values()].map((s) => ({
      labels: s.labels,
      counts: [...s.counts],
      sum: s.sum,
      count: s.count,
    }));
    if (samples.length === 0) {
      samples.push({
        labels: NO_LABELS,
        counts: new Array<number>(this.buckets.length + 1).fill(0),
        sum: 0,
        count: 0,
      });
    }
    return { type: 'histogram', name: this.name, help: this.help, buckets: this.buckets, samples };
  }

  /** @internal Push exporters call this once so that observations are kept between pushes. */
  trackObservations(): void {
    this.pending ??= new Map();
  }

  /** @internal Returns and forgets the observations since the previous drain. */
  drainObservations(): PendingObservations[] {
    if (!this.pending) return [];
    const drained = [...this.pending.values()];
    this.pending.clear();
    return drained;
  }

  /** Reservoir sampling (Vitter's algorithm R): every observation is kept with equal odds. */
  private keepForPush(key: string, labels: Labels, value: number): void {
    let entry = this.pending!.get(key);
    if (entry === undefined) {
      entry = { labels, values: [], seen: 0 };
      this.pending!.set(key, entry);
    }
    entry.seen++;
    if (entry.values.length < MAX_PENDING_OBSERVATIONS) {
      entry.values.push(value);
      return;
    }
    const slot = Math.floor(Math.random() * entry.seen);
    if (slot < MAX_PENDING_OBSERVATIONS) entry.values[slot] = value;
  }
}

export type AnyMetric = Counter | Gauge | Histogram;

/**
 * The set of metrics one daemon exposes. Names are given without the daemon prefix
 * (`commands_total`); the exporters add it (`strata_kvstore_commands_total`,
 * `strata.kvstore.commands_total`). Registering an existing name again with the same type
 * returns the existing metric, so modules can declare what they use independently.
 */
export class MetricsRegistry {
  private readonly metrics = new Map<string, AnyMetric>();

  counter(name: string, help: string, collect?: CollectFn): Counter {
    return this.register(name, 'counter', () => new Counter(name, help, collect), collect);
  }

  gauge(name: string, help: string, collect?: CollectFn): Gauge {
    return this.register(name, 'gauge', () => new Gauge(name, help, collect), collect);
  }

  histogram(
    name: string,
    help: string,
    buckets: readonly number[] = DEFAULT_BUCKETS,
    options: HistogramOptions = {},
  ): Histogram {
    return this.register(name, 'histogram', () => new Histogram(name, help, buckets, options));
  }

  get(name: string): AnyMetric | undefined {
    return this.metrics.get(name);
  }

  /** Every metric, in registration order. */
  all(): AnyMetric[] {
    return [...this.metrics.values()];
  }

  /**
   * Current values of every metric, in registration order. A callback that throws leaves its
   * metric out (reported to `onError`) rather than failing the whole scrape.
   */
  collect(onError?: (metric: string, error: unknown) => void): MetricSnapshot[] {
    const snapshots: MetricSnapshot[] = [];
    for (const metric of this.metrics.values()) {
      try {
        snapshots.push(metric.snapshot());
      } catch (error) {
        onError?.(metric.name, error);
      }
    }
    return snapshots;
  }

  /**
   * The Prometheus text exposition format (version 0.0.4) of every metric; `prefix` (e.g.
   * `strata_kvstore`) is prepended to every name with an underscore.
   */
  renderPrometheus(
    options: { prefix?: string; onError?: (metric: string, error: unknown) => void } = {},
  ): string {
    return renderPrometheusText(this.collect(options.onError), options.prefix);
  }

  private register<M extends AnyMetric>(
    name: string,
    type: MetricType,
    create: () => M,
    collect?: CollectFn,
  ): M {
    if (!METRIC_NAME.test(name)) throw metricsError(`invalid metric name '${name}'`);
    const existing = this.metrics.get(name);
    if (existing) {
      if (existing.type !== type) {
        throw metricsError(`${name} is already registered as a ${existing.type}`);
      }
      // Two callbacks for one name would silently lose one of them.
      if (collect) throw metricsError(`${name} is already registered`);
      return existing as M;
    }
    const metric = create();
    this.metrics.set(name, metric);
    return metric;
  }
}
