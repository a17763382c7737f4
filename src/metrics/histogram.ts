/**
 * A labelled histogram with held handles, rendered as prom-client renders a Histogram (cumulative
 * `_bucket` series with `le` first, `+Inf`, `_sum`, `_count`): an observation is a bucket search
 * and three additions, with no label hashing (prom-client hashes the labels on every observe).
 * Used per WebSocket message (side_car_web_socket_response_time).
 */
import type { Registry } from 'prom-client';
import type { ByteWriter } from './byte-writer.js';
import { formatValue } from './byte-writer.js';
import { familyHeader, labelKey, labelSet, registerFamily, type FamilyValues } from './family.js';

/** One labelled histogram (a handle: hold it and observe through it). Absent until observed. */
export class HistogramSeries {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Readonly<Record<string, string>>,
    private readonly bounds: readonly number[],
    /** UTF-8 `\nname_bucket{le="…",labels} ` per bound and +Inf, then `_sum` and `_count` lines. */
    readonly lines: readonly Uint8Array[],
  ) {
    this.counts = new Float64Array(bounds.length);
  }

  observe(value: number): void {
    if (!Number.isFinite(value)) return;
    const b = this.bounds;
    for (let i = 0; i < b.length; i++) {
      if (value <= (b[i] as number)) {
        (this.counts[i] as number) += 1;
        break;
      }
    }
    this.sum += value;
    this.count += 1;
  }
}

/** A histogram sample's labels: `le` is a number for a bound and '+Inf' past the last. */
type HistogramLabels = Record<string, string | number>;

export interface HistogramFamilyOptions<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
  buckets: readonly number[];
  registers?: Registry[];
}

export class HistogramFamily<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram' as const;
  readonly labelNames: readonly L[];
  readonly aggregator = 'sum' as const;
  private readonly bounds: readonly number[];
  private readonly children = new Map<string, HistogramSeries>();
  private readonly header: Uint8Array;

  constructor(options: HistogramFamilyOptions<L>) {
    this.name = options.name;
    this.help = options.help;
    this.labelNames = options.labelNames;
    this.bounds = [...options.buckets].sort((a, b) => a - b);
    this.header = familyHeader(this.name, this.help, 'histogram');
    for (const r of options.registers ?? []) registerFamily(r, this);
  }

  child(labels: Readonly<Record<L, string>>): HistogramSeries {
    const key = labelKey(this.name, this.labelNames, labels);
    let h = this.children.get(key);
    if (!h) {
      const { own, text: shared } = labelSet(this.labelNames, labels);
      const withLe = (le: string) => Buffer.from(`\n${this.name}_bucket{le="${le}"${shared ? ',' : ''}${shared}} `);
      const plain = (suffix: string) => Buffer.from(`\n${this.name}_${suffix}${shared ? `{${shared}}` : ''} `);
      const lines = [...this.bounds.map((b) => withLe(String(b))), withLe('+Inf'), plain('sum'), plain('count')];
      h = new HistogramSeries(own, this.bounds, lines);
      this.children.set(key, h);
    }
    return h;
  }

  observe(labels: Readonly<Record<L, string>>, value: number): void {
    this.child(labels).observe(value);
  }

  /** Every series leaves the exposition; held handles stay valid and count from zero. */
  reset(): void {
    for (const h of this.children.values()) {
      h.counts.fill(0);
      h.sum = 0;
      h.count = 0;
    }
  }

  /** Every series whose labels `match` leaves the exposition and counts from zero; held
   *  handles stay valid. Returns how many series were exposed. */
  retire(match: (labels: Readonly<Record<string, string>>) => boolean): number {
    let retired = 0;
    for (const h of this.children.values()) {
      if (!match(h.labels)) continue;
      if (h.count > 0) retired += 1;
      h.counts.fill(0);
      h.sum = 0;
      h.count = 0;
    }
    return retired;
  }

  /** prom-client's read interface: the same values a prom-client Histogram returns (`le` of a
   *  bound is a number there, as here). */
  get(): Promise<FamilyValues<HistogramLabels>> {
    const values: FamilyValues<HistogramLabels>['values'] = [];
    for (const h of this.children.values()) {
      if (h.count === 0) continue;
      let acc = 0;
      this.bounds.forEach((b, i) => {
        acc += h.counts[i] as number;
        values.push({ labels: { le: b, ...h.labels }, value: acc, metricName: `${this.name}_bucket` });
      });
      values.push({ labels: { le: '+Inf', ...h.labels }, value: h.count, metricName: `${this.name}_bucket` });
      values.push({ labels: { ...h.labels }, value: h.sum, metricName: `${this.name}_sum` });
      values.push({ labels: { ...h.labels }, value: h.count, metricName: `${this.name}_count` });
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator });
  }

  /** Append this family in the Prometheus text format, as prom-client renders it (no final newline). */
  renderInto(w: ByteWriter): void {
    w.bytes(this.header);
    for (const h of this.children.values()) {
      if (h.count === 0) continue;
      let acc = 0;
      for (let i = 0; i < this.bounds.length; i++) {
        acc += h.counts[i] as number;
        w.bytes(h.lines[i] as Uint8Array);
        w.text(formatValue(acc));
      }
      const n = this.bounds.length;
      w.bytes(h.lines[n] as Uint8Array);
      w.text(formatValue(h.count));
      w.bytes(h.lines[n + 1] as Uint8Array);
      w.text(formatValue(h.sum));
      w.bytes(h.lines[n + 2] as Uint8Array);
      w.text(formatValue(h.count));
    }
  }
}
