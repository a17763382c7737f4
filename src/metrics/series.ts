/**
 * Labelled gauges and counters for the hot paths (per tick, per message), with the same names,
 * types, labels and text exposition as prom-client's, but written through held series handles:
 * a write is a field store, with no label object, no label hashing and no map lookup, and the
 * exposition is rendered from pre-escaped line prefixes. At 1000 markets × 8 providers a tick
 * writes ~30,000 series and a scrape renders ~45,000; through prom-client's generic paths those
 * cost tens of milliseconds each (see BENCHMARKS.md).
 *
 * A family registers itself with a prom-client Registry like any metric (`get()`, `reset()`,
 * `getSingleMetric`); `SidecarRegistry` renders it with `renderInto()` instead of the generic path.
 */
import { Registry } from 'prom-client';

export type SeriesType = 'gauge' | 'counter';

/**
 * A family's series in creation order, in flat arrays: a write touches two array slots, and the
 * exposition is rendered by one sequential pass (at ~50,000 series, chasing one object per
 * series costs more than the rendering itself).
 */
class SeriesTable {
  count = 0;
  values = new Float64Array(64);
  written = new Uint8Array(64);
  /**
   * `\nname{labels} ` of every series, escaped. Rendered with Buffer#write, which copies
   * without allocating: a Uint8Array view per series (subarray, or Buffer#copy, which makes one)
   * leaves ~5 MB of garbage per scrape at 50,000 series.
   */
  readonly lines: string[] = [];
  /** UTF-8 bytes of all lines. */
  lineBytes = 0;
  /** Exposition text given with a value (setText), instead of formatting the float. */
  readonly texts: Array<string | undefined> = [];
  readonly labels: Array<Readonly<Record<string, string>>> = [];

  add(labels: Readonly<Record<string, string>>, line: string): number {
    const i = this.count;
    if (i >= this.values.length) {
      const size = this.values.length * 2;
      this.values = grow(this.values, new Float64Array(size));
      this.written = grow(this.written, new Uint8Array(size));
    }
    this.lines.push(line);
    this.lineBytes += Buffer.byteLength(line);
    this.labels.push(labels);
    this.texts.push(undefined);
    this.count = i + 1;
    return i;
  }

  set(i: number, value: number): void {
    this.values[i] = value;
    this.written[i] = 1;
    this.texts[i] = undefined;
  }

  setText(i: number, value: number, text: string): void {
    this.values[i] = value;
    this.written[i] = 1;
    this.texts[i] = text;
  }

  inc(i: number, by: number): void {
    (this.values[i] as number) += by;
    this.written[i] = 1;
    this.texts[i] = undefined;
  }

  clear(i: number): void {
    this.values[i] = 0;
    this.written[i] = 0;
    this.texts[i] = undefined;
  }
}

function grow<T extends Float64Array | Uint8Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/** One labelled series (a handle: hold it and write through it). Absent until first written. */
export class Series {
  constructor(
    private readonly table: SeriesTable,
    /** Its index in the family (SeriesFamily.setAt and friends). */
    readonly index: number,
  ) {}

  get value(): number {
    return this.table.values[this.index] as number;
  }

  get written(): boolean {
    return this.table.written[this.index] === 1;
  }

  get labels(): Readonly<Record<string, string>> {
    return this.table.labels[this.index] as Readonly<Record<string, string>>;
  }

  set(value: number): void {
    this.table.set(this.index, value);
  }

  /**
   * Set `value` with the text to expose for it: a decimal literal that parses to exactly `value`
   * (e.g. the exchange's own price string), which spares formatting the float at every scrape.
   */
  setText(value: number, text: string): void {
    this.table.setText(this.index, value, text);
  }

  inc(by = 1): void {
    this.table.inc(this.index, by);
  }

  /** Remove from the exposition (a gauge without a value this tick). */
  clear(): void {
    this.table.clear(this.index);
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
  private readonly table = new SeriesTable();
  private readonly header: Uint8Array;
  private readonly collectHook: ((family: SeriesFamily<L>) => void) | undefined;

  constructor(options: SeriesFamilyOptions<L>) {
    this.name = options.name;
    this.help = options.help;
    this.type = options.type;
    this.labelNames = options.labelNames;
    this.collectHook = options.collect;
    this.header = Buffer.from(`# HELP ${this.name} ${escapeText(this.help)}\n# TYPE ${this.name} ${this.type}`);
    for (const r of options.registers ?? []) r.registerMetric(this as never);
  }

  /** The series for `labels`, created on first use; hold it and write through it. */
  child(labels: Readonly<Record<L, string>>): Series {
    const key = labelKey(this.name, this.labelNames, labels);
    let s = this.series.get(key);
    if (!s) {
      const { own, text } = labelSet(this.labelNames, labels);
      s = new Series(this.table, this.table.add(own, `\n${this.name}{${text}} `));
      this.series.set(key, s);
    }
    return s;
  }

  /**
   * The index of the series for `labels`, created on first use. A loop over thousands of series
   * (the aggregation tick) keeps indexes and writes with setAt and friends: a write then touches
   * only the family's arrays, not one handle object per series.
   */
  indexOf(labels: Readonly<Record<L, string>>): number {
    return this.child(labels).index;
  }

  setAt(index: number, value: number): void {
    this.table.set(index, value);
  }

  setTextAt(index: number, value: number, text: string): void {
    this.table.setText(index, value, text);
  }

  incAt(index: number, by = 1): void {
    this.table.inc(index, by);
  }

  clearAt(index: number): void {
    this.table.clear(index);
  }

  set(labels: Readonly<Record<L, string>>, value: number): void {
    this.child(labels).set(value);
  }

  inc(labels: Readonly<Record<L, string>>, by = 1): void {
    this.child(labels).inc(by);
  }

  /** Every series leaves the exposition; held handles stay valid and reappear when written. */
  reset(): void {
    this.table.values.fill(0);
    this.table.written.fill(0);
    this.table.texts.fill(undefined);
  }

  /** prom-client's read interface (tests, getMetricsAsJSON). */
  get(): Promise<FamilyValues> {
    this.collectHook?.(this);
    const t = this.table;
    const values: FamilyValues['values'] = [];
    for (let i = 0; i < t.count; i++) if (t.written[i] === 1) values.push({ labels: { ...t.labels[i] }, value: t.values[i] as number });
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator });
  }

  /** Append this family in the Prometheus text format, as prom-client renders it (no final newline). */
  renderInto(w: ByteWriter): void {
    this.collectHook?.(this);
    w.bytes(this.header);
    const { count, values, written, lines, lineBytes, texts } = this.table;
    // A formatted value is at most 24 characters (-1.2345678901234567e-308); texts may be longer.
    w.reserve(lineBytes + count * 24);
    let buf = w.buf;
    let at = w.length;
    for (let i = 0; i < count; i++) {
      if (written[i] === 0) continue;
      const text = texts[i];
      if (text !== undefined && text.length > 24) {
        w.length = at;
        w.reserve(lineBytes + text.length + (count - i) * 24);
        buf = w.buf;
      }
      at += buf.write(lines[i] as string, at);
      const v = values[i] as number;
      if (text === undefined) {
        // Most values are integers (counters, timestamps) or whole milliseconds in seconds (ages):
        // written digit by digit, with no string per value.
        const m = Math.round(v * 1000);
        if (m / 1000 === v && Math.abs(v) < THOUSANDTHS_LIMIT) {
          at = writeThousandths(buf, at, m);
          continue;
        }
      }
      const value = text ?? formatValue(v);
      for (let k = 0; k < value.length; k++) buf[at++] = value.charCodeAt(k);
    }
    w.length = at;
  }
}

/**
 * A growable byte buffer. The exposition is written as bytes (pre-encoded series lines plus
 * ASCII values): at ~50,000 series, building one string and encoding it costs several times more.
 */
export class ByteWriter {
  buf: Buffer;
  length = 0;

  constructor(capacity = 64 * 1024, buf?: Buffer) {
    this.buf = buf && buf.length >= capacity ? buf : Buffer.allocUnsafe(capacity);
  }

  /** Make room for `n` more bytes. */
  reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  text(s: string): void {
    this.reserve(Buffer.byteLength(s));
    this.length += this.buf.write(s, this.length, 'utf8');
  }

  /** The bytes written (a view, not a copy). */
  result(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

/** The lookup key of a label set; every label must be given. */
function labelKey<L extends string>(metric: string, names: readonly L[], labels: Readonly<Record<L, string>>): string {
  let key = '';
  for (const n of names) {
    const v = labels[n];
    if (typeof v !== 'string') throw new TypeError(`metric ${metric}: label "${n}" is missing`);
    key += v + KEY_SEPARATOR;
  }
  return key;
}

/** A label set's own frozen copy and its exposition text `a="x",b="y"` (values escaped). */
function labelSet<L extends string>(names: readonly L[], labels: Readonly<Record<L, string>>): { own: Readonly<Record<string, string>>; text: string } {
  const own: Record<string, string> = {};
  const parts: string[] = [];
  for (const n of names) {
    own[n] = labels[n];
    parts.push(`${n}="${escapeLabelValue(labels[n])}"`);
  }
  return { own: Object.freeze(own), text: parts.join(',') };
}

/**
 * Below 2^33 a float64's spacing is under 2e-6, so two numbers with at most three decimals never
 * share a float: `${m / 1000}` is then exactly m / 1000 written out with its trailing zeros
 * dropped (JavaScript's shortest round-trip form, in fixed notation above 1e-6).
 */
const THOUSANDTHS_LIMIT = 2 ** 33;

/** Write m / 1000 as `${m / 1000}` does, for an integer |m| < 2^33 × 1000 ("-0" as "0"). */
function writeThousandths(buf: Buffer, at: number, m: number): number {
  let n = m;
  if (n < 0) {
    buf[at++] = 45;
    n = -n;
  }
  const int = Math.floor(n / 1000);
  let frac = n - int * 1000;
  let end = at + 1;
  for (let x = int; x >= 10; x = Math.floor(x / 10)) end += 1;
  let rest = int;
  for (let k = end - 1; k >= at; k--) {
    const q = Math.floor(rest / 10);
    buf[k] = 48 + (rest - q * 10);
    rest = q;
  }
  if (frac === 0) return end;
  buf[end++] = 46;
  for (let scale = 100; frac > 0; scale /= 10) {
    const d = Math.floor(frac / scale);
    buf[end++] = 48 + d;
    frac -= d * scale;
  }
  return end;
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

export interface HistogramFamilyOptions<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
  buckets: readonly number[];
  registers?: Registry[];
}

/**
 * A labelled histogram with held handles, rendered as prom-client renders a Histogram (cumulative
 * `_bucket` series with `le` first, `+Inf`, `_sum`, `_count`): an observation is a bucket search
 * and three additions, with no label hashing (prom-client hashes the labels on every observe).
 */
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
    this.header = Buffer.from(`# HELP ${this.name} ${escapeText(this.help)}\n# TYPE ${this.name} histogram`);
    for (const r of options.registers ?? []) r.registerMetric(this as never);
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

  /** prom-client's read interface: the same values a prom-client Histogram returns. */
  get(): Promise<FamilyValues> {
    const values: Array<FamilyValues['values'][number] & { metricName: string }> = [];
    for (const h of this.children.values()) {
      if (h.count === 0) continue;
      let acc = 0;
      this.bounds.forEach((b, i) => {
        acc += h.counts[i] as number;
        values.push({ labels: { le: b as unknown as string, ...h.labels }, value: acc, metricName: `${this.name}_bucket` });
      });
      values.push({ labels: { le: '+Inf', ...h.labels }, value: h.count, metricName: `${this.name}_bucket` });
      values.push({ labels: { ...h.labels }, value: h.sum, metricName: `${this.name}_sum` });
      values.push({ labels: { ...h.labels }, value: h.count, metricName: `${this.name}_count` });
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type as never, values, aggregator: this.aggregator });
  }

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

/** Spare chunk buffers kept between scrapes (at most ~16 MB at 1000 markets × 8 providers). */
const MAX_SPARE_CHUNKS = 24;
const FAMILY_SEPARATOR = Buffer.from('\n\n');
const NEWLINE = Buffer.from('\n');

/**
 * A prom-client Registry that renders SeriesFamily metrics itself and every other metric
 * through prom-client (Prometheus text format 0.0.4, the side-car's only exposition format).
 */
export class SidecarRegistry extends Registry {
  /** Bytes of the last exposition, to size the next one's buffer. */
  private lastSize = 64 * 1024;

  /** The exposition as UTF-8 bytes, byte for byte what prom-client's `metrics()` returns. */
  async metricsBuffer(): Promise<Buffer> {
    const chunks: Buffer[] = [];
    await this.stream((c) => chunks.push(c), Infinity);
    return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
  }

  /** Chunk buffers returned by consumers, reused by the next scrape (bounded). */
  private readonly spare: Buffer[] = [];

  private take(capacity: number): Buffer | undefined {
    const i = this.spare.findIndex((b) => b.length >= capacity);
    return i < 0 ? undefined : this.spare.splice(i, 1)[0];
  }

  /**
   * Render the exposition into `emit` as it is produced, in chunks of at least `chunkBytes`
   * (whole families), so a scraper reads one part while the next is rendered. A consumer that
   * calls `done` once it no longer needs a chunk lets the next scrape reuse its memory: fresh
   * multi-megabyte buffers on every scrape raise V8's external memory and bring on full GCs.
   */
  async stream(emit: (chunk: Buffer, done: () => void) => void, chunkBytes = 256 * 1024): Promise<void> {
    const generic = (Registry.prototype as unknown as GenericFormatter).getMetricsAsString;
    const bounded = Number.isFinite(chunkBytes);
    const capacity = bounded ? chunkBytes * 2 : this.lastSize + (this.lastSize >> 3);
    const writer = () => new ByteWriter(capacity, bounded ? this.take(capacity) : undefined);
    const send = (w: ByteWriter) => {
      const buf = w.buf;
      emit(w.result(), () => {
        if (this.spare.length < MAX_SPARE_CHUNKS) this.spare.push(buf);
      });
    };
    let w = writer();
    let total = 0;
    let first = true;
    for (const m of this.getMetricsAsArray()) {
      if (!first) w.bytes(FAMILY_SEPARATOR);
      first = false;
      const metric: unknown = m;
      if (metric instanceof SeriesFamily || metric instanceof HistogramFamily) metric.renderInto(w);
      else w.text(await generic.call(this, m));
      if (w.length >= chunkBytes) {
        total += w.length;
        send(w);
        w = writer();
        // Let the event loop flush the chunk to the socket (and run a due tick) before rendering on.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    w.bytes(NEWLINE);
    total += w.length;
    send(w);
    this.lastSize = total;
  }

  override async metrics(): Promise<string> {
    return (await this.metricsBuffer()).toString('utf8');
  }
}
