import type { Labels, MetricSnapshot } from './registry.js';

/**
 * The Prometheus text exposition format, version 0.0.4: per metric a `# HELP` and a `# TYPE`
 * line, then one `name{labels} value` line per sample; histograms expand into cumulative
 * `_bucket{le="..."}` lines ending with `le="+Inf"`, then `_sum` and `_count`.
 */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Go's ParseFloat spellings for the special values; finite numbers as JavaScript prints them. */
export function formatPrometheusValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

/** HELP text escapes backslash and newline. */
function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** Label values also escape the double quote. */
function escapeLabelValue(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function renderLabels(labels: Labels, extra?: [string, string]): string {
  const parts: string[] = [];
  for (const name of Object.keys(labels)) {
    parts.push(`${name}="${escapeLabelValue(String(labels[name]))}"`);
  }
  if (extra) parts.push(`${extra[0]}="${escapeLabelValue(extra[1])}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

/** `strata.kvstore` or `strata-kvstore` becomes `strata_kvstore_`, a valid name start. */
export function prometheusPrefix(prefix: string | undefined): string {
  if (!prefix) return '';
  let clean = prefix.replace(/[^a-zA-Z0-9_:]/g, '_');
  if (/^[0-9]/.test(clean)) clean = `_${clean}`;
  return clean.endsWith('_') ? clean : `${clean}_`;
}

export function renderPrometheusText(
  snapshots: readonly MetricSnapshot[],
  prefix?: string,
): string {
  const start = prometheusPrefix(prefix);
  const lines: string[] = [];
  for (const metric of snapshots) {
    const name = start + metric.name;
    lines.push(`# HELP ${name} ${escapeHelp(metric.help)}`, `# TYPE ${name} ${metric.type}`);
    if (metric.type !== 'histogram') {
      for (const sample of metric.samples) {
        lines.push(`${name}${renderLabels(sample.labels)} ${formatPrometheusValue(sample.value)}`);
      }
      continue;
    }
    for (const sample of metric.samples) {
      let cumulative = 0;
      for (let i = 0; i <= metric.buckets.length; i++) {
        cumulative += sample.counts[i]!;
        const le = i < metric.buckets.length ? formatPrometheusValue(metric.buckets[i]!) : '+Inf';
        lines.push(`${name}_bucket${renderLabels(sample.labels, ['le', le])} ${cumulative}`);
      }
      const labels = renderLabels(sample.labels);
      lines.push(`${name}_sum${labels} ${formatPrometheusValue(sample.sum)}`);
      lines.push(`${name}_count${labels} ${sample.count}`);
    }
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
