/**
 * Labelled gauges and counters for the hot paths (per tick, per message), with the same names,
 * types, labels and text exposition as prom-client's, but written through held series handles:
 * a write is a field store, with no label object, no label hashing and no map lookup, and the
 * exposition is rendered from pre-escaped line prefixes. At 1000 markets × 8 providers a tick
 * writes ~30,000 series and a scrape renders ~45,000; through prom-client's generic paths those
 * cost tens of milliseconds each (see BENCHMARKS.md).
 *
 * A family registers itself with a prom-client Registry like any metric (`get()`, `reset()`,
 * `getSingleMetric`); `SidecarRegistry` (registry.ts) renders it with `renderInto()` instead of
 * the generic path.
 */
import type { Registry } from 'prom-client';
import { formatValue, THOUSANDTHS_LIMIT, writeThousandths, type ByteWriter } from './byte-writer.js';
import { familyHeader, labelKey, labelSet, registerFamily, type FamilyValues } from './family.js';

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
  /** Handles holding a write not yet applied here (see Series); each at most once. */
  readonly dirty: Series[] = [];

  /** Apply the handles' pending writes: before any read of the arrays and any direct write. */
  flush(): void {
    const { dirty } = this;
    if (dirty.length === 0) return;
    for (let k = 0; k < dirty.length; k++) (dirty[k] as Series).apply();
    dirty.length = 0;
  }

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

/**
 * One labelled series (a handle: hold it and write through it). Absent until first written.
 *
 * `inc` and `set` through a handle are held on the handle and applied to the family's arrays
 * before anything reads them (exposition, `get`, `value`) or writes them directly (`setAt` and
 * friends): a counter incremented per WebSocket message then touches one object per write
 * instead of the handle, the table and three arrays, which at a few thousand messages a second
 * arriving one per wake-up, each on cold caches, is most of what a write costs.
 */
export class Series {
  /** The write held: 0 none, 1 add `pending`, 2 set to `pending` (a set then adds stays 2). */
  private op = 0;
  private pending = 0;
  /** On the table's dirty list (until the next flush). */
  private queued = false;

  constructor(
    private readonly table: SeriesTable,
    /** Its index in the family (SeriesFamily.setAt and friends). */
    readonly index: number,
  ) {}

  get value(): number {
    this.table.flush();
    return this.table.values[this.index] as number;
  }

  get written(): boolean {
    this.table.flush();
    return this.table.written[this.index] === 1;
  }

  get labels(): Readonly<Record<string, string>> {
    return this.table.labels[this.index] as Readonly<Record<string, string>>;
  }

  set(value: number): void {
    this.op = 2;
    this.pending = value;
    if (!this.queued) this.enqueue();
  }

  /**
   * Set `value` with the text to expose for it: a decimal literal that parses to exactly `value`
   * (e.g. the exchange's own price string), which spares formatting the float at every scrape.
   */
  setText(value: number, text: string): void {
    this.op = 0;
    this.table.flush();
    this.table.setText(this.index, value, text);
  }

  inc(by = 1): void {
    if (this.op === 0) {
      this.op = 1;
      this.pending = by;
    } else {
      this.pending += by;
    }
    if (!this.queued) this.enqueue();
  }

  /** Remove from the exposition (a gauge without a value this tick). */
  clear(): void {
    this.op = 0;
    this.table.flush();
    this.table.clear(this.index);
  }

  /** Write the held write into the table (SeriesTable.flush). */
  apply(): void {
    if (this.op === 1) this.table.inc(this.index, this.pending);
    else if (this.op === 2) this.table.set(this.index, this.pending);
    this.op = 0;
    this.pending = 0;
    this.queued = false;
  }

  private enqueue(): void {
    this.queued = true;
    this.table.dirty.push(this);
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
    this.header = familyHeader(this.name, this.help, this.type);
    for (const r of options.registers ?? []) registerFamily(r, this);
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
    this.table.flush();
    this.table.set(index, value);
  }

  setTextAt(index: number, value: number, text: string): void {
    this.table.flush();
    this.table.setText(index, value, text);
  }

  incAt(index: number, by = 1): void {
    this.table.flush();
    this.table.inc(index, by);
  }

  clearAt(index: number): void {
    this.table.flush();
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
    this.table.flush();
    this.table.values.fill(0);
    this.table.written.fill(0);
    this.table.texts.fill(undefined);
  }

  /**
   * Every series whose labels `match` leaves the exposition with its value zeroed (a counter
   * that comes back restarts from 0); held handles stay valid and reappear when written.
   * Returns how many series were exposed. O(series): for market map changes, not hot paths.
   */
  retire(match: (labels: Readonly<Record<string, string>>) => boolean): number {
    const t = this.table;
    t.flush();
    let retired = 0;
    for (let i = 0; i < t.count; i++) {
      if (!match(t.labels[i] as Readonly<Record<string, string>>)) continue;
      retired += t.written[i] as number;
      t.clear(i);
    }
    return retired;
  }

  /** prom-client's read interface (tests, getMetricsAsJSON). */
  get(): Promise<FamilyValues> {
    this.collectHook?.(this);
    const t = this.table;
    t.flush();
    const values: FamilyValues['values'] = [];
    for (let i = 0; i < t.count; i++) if (t.written[i] === 1) values.push({ labels: { ...t.labels[i] }, value: t.values[i] as number });
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator });
  }

  /** Append this family in the Prometheus text format, as prom-client renders it (no final newline). */
  renderInto(w: ByteWriter): void {
    this.collectHook?.(this);
    this.table.flush();
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
