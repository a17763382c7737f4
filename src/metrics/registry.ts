/**
 * The side-car's prom-client Registry: it renders its own families (SeriesFamily, HistogramFamily)
 * straight into bytes and every other metric through prom-client's public
 * `getSingleMetricAsString`, in the Prometheus text format 0.0.4 (the side-car's only exposition
 * format), byte for byte what prom-client's `metrics()` returns, streamed in chunks with
 * pooled buffers.
 */
import { Registry } from 'prom-client';
import { ByteWriter } from './byte-writer.js';
import { HistogramFamily } from './histogram.js';
import { SeriesFamily } from './series.js';

/** Spare chunk buffers kept between scrapes (at most ~16 MB at 1000 markets × 8 providers). */
const MAX_SPARE_CHUNKS = 24;
const FAMILY_SEPARATOR = Buffer.from('\n\n');
const NEWLINE = Buffer.from('\n');

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
   * Rendering yields to the event loop after each chunk and, between families, once it has run
   * for `sliceMs`, so a due tick or price request never waits behind a scrape for long.
   */
  async stream(emit: (chunk: Buffer, done: () => void) => void, chunkBytes = 256 * 1024, sliceMs = Infinity): Promise<void> {
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
    let sliceStart = performance.now();
    const yieldNow = async () => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    };
    for (const m of this.getMetricsAsArray()) {
      if (!first) w.bytes(FAMILY_SEPARATOR);
      first = false;
      const metric: unknown = m;
      if (metric instanceof SeriesFamily || metric instanceof HistogramFamily) metric.renderInto(w);
      else w.text(await this.getSingleMetricAsString(m.name));
      if (w.length >= chunkBytes) {
        total += w.length;
        send(w);
        w = writer();
        // Let the event loop flush the chunk to the socket (and run a due tick) before rendering on.
        await yieldNow();
      } else if (performance.now() - sliceStart >= sliceMs) await yieldNow();
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
