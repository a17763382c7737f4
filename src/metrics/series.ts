/**
 * Labelled gauges and counters for the hot paths (per tick, per message), with the same names,
 * types, labels and text exposition as prom-client's, but written through held series handles:
 * a write is a field store, with no label object, no label hashing and no map lookup, and the
 * exposition is rendered from pre-escaped line prefixes. At 1000 markets × 8 providers a tick
 * writes ~30,000 series and a scrape renders ~45,000; through prom-client's generic paths those
 * cost tens of milliseconds each (see BENCHMARKS.md).
 *
 * A family registers itself with a prom-client Registry like any metric (`get()`, `reset()`,
 * `getSingleMetric`); `SidecarRegistry` renders it with `render()` instead of the generic path.
 */
import { Registry } from 'prom-client';

export type SeriesType = 'gauge' | 'counter';

/** One labelled series. Absent from the exposition until first written, as in prom-client. */
export class Series {
  value = 0;
  written = false;

  constructor(
    readonly labels: Readonly<Record<string, string>>,
    /** `name{labels} ` with label values escaped. */
    readonly prefix: string,
  ) {}

  set(value: number): void {
    this.value = value;
    this.written = true;
  }

  inc(by = 1): void {
    this.value += by;
    this.written = true;
  }

  /** Remove from the exposition (a gauge without a value this tick). */
  clear(): void {
    this.value = 0;
    this.written = false;
  }
}

export interface SeriesFamilyOptions<L extends string> {
  name: string;
  help: string;
  type: SeriesType;
  labelNames: readonly L[];
  registers?: Registry[];
  /** Called before every read (`get`, `render`), like prom-client's `collect`. */
  collect?: (family: SeriesFamily<L>) => void;
}

/** What `get()` returns: prom-client's MetricObjectWithValues shape. */
export interface FamilyValues {
  name: string;
  help: string;
  type: SeriesType;
  values: Array<{ labels: Record<string, string>; value: number }>;
  aggregator: 'sum';
}

const KEY_SEPARATOR = '\u0000';

export class SeriesFamily<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly type: SeriesType;
  readonly labelNames: readonly L[];
  /** How prom-client's cluster aggregation combines this metric. */
  readonly aggregator = 'sum' as const;
  private readonly series = new Map<string, Series>();
  private readonly header: string;
  private readonly collectHook: ((family: SeriesFamily<L>) => void) | undefined;

  constructor(options: SeriesFamilyOptions<L>) {
    this.name = options.name;
    this.help = options.help;
    this.type = options.type;
    this.labelNames = options.labelNames;
    this.collectHook = options.collect;
    this.header = `# HELP ${this.name} ${escapeText(this.help)}\n# TYPE ${this.name} ${this.type}`;
    for (const r of options.registers ?? []) r.registerMetric(this as never);
  }

  /** The series for `labels`, created on first use; hold it and write through it. */
  child(labels: Readonly<Record<L, string>>): Series {
    let key = '';
    for (const n of this.labelNames) {
      const v = labels[n];
      if (typeof v !== 'string') throw new TypeError(`metric ${this.name}: label "${n}" is missing`);
      key += v + KEY_SEPARATOR;
    }
    let s = this.series.get(key);
    if (!s) {
      const own: Record<string, string> = {};
      const parts: string[] = [];
      for (const n of this.labelNames) {
        own[n] = labels[n];
        parts.push(`${n}="${escapeLabelValue(labels[n])}"`);
      }
      s = new Series(Object.freeze(own), `${this.name}{${parts.join(',')}} `);
      this.series.set(key, s);
    }
    return s;
  }

  set(labels: Readonly<Record<L, string>>, value: number): void {
    this.child(labels).set(value);
  }

  inc(labels: Readonly<Record<L, string>>, by = 1): void {
    this.child(labels).inc(by);
  }

  /** Every series leaves the exposition; held handles stay valid and reappear when written. */
  reset(): void {
    for (const s of this.series.values()) s.clear();
  }

  /** prom-client's read interface (tests, getMetricsAsJSON). */
  get(): Promise<FamilyValues> {
    this.collectHook?.(this);
    const values: FamilyValues['values'] = [];
    for (const s of this.series.values()) if (s.written) values.push({ labels: { ...s.labels }, value: s.value });
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator });
  }

  /** This family in the Prometheus text format, as prom-client renders it (no trailing newline). */
  render(): string {
    this.collectHook?.(this);
    let out = this.header;
    for (const s of this.series.values()) if (s.written) out += '\n' + s.prefix + formatValue(s.value);
    return out;
  }
}

function formatValue(v: number): string {
  if (Number.isFinite(v)) return `${v}`;
  if (Number.isNaN(v)) return 'NaN';
  return v < 0 ? '-Inf' : '+Inf';
}

function escapeText(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function escapeLabelValue(s: string): string {
  return escapeText(s).replace(/"/g, '\\"');
}

interface GenericFormatter {
  getMetricsAsString(metric: unknown): Promise<string>;
}

/**
 * A prom-client Registry that renders SeriesFamily metrics itself and every other metric
 * through prom-client (Prometheus text format 0.0.4, the side-car's only exposition format).
 */
export class SidecarRegistry extends Registry {
  override async metrics(): Promise<string> {
    const generic = (Registry.prototype as unknown as GenericFormatter).getMetricsAsString;
    const parts: string[] = [];
    for (const m of this.getMetricsAsArray()) {
      const metric: unknown = m;
      parts.push(metric instanceof SeriesFamily ? metric.render() : await generic.call(this, m));
    }
    return `${parts.join('\n\n')}\n`;
  }
}
