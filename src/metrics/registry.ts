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

/**
 * Turns of the event loop handed out one at a time: `next()` resolves in a later check phase
 * (setImmediate), one waiter per loop iteration, first come first served. Scrapes that render
 * at once take turns through it, so the rendering done between two timer phases is one slice
 * of one scrape, not one slice of each: with three scrapes in flight a due tick would
 * otherwise wait behind three slices.
 */
export class TurnQueue {
  private readonly waiting: Array<() => void> = [];
  private scheduled = false;

  next(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.waiting.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.waiting.shift()?.();
      // Queued from within this check phase, the next turn runs in the next loop iteration.
      this.schedule();
    });
  }
}

export class SidecarRegistry extends Registry {
  /** Bytes of the last exposition, to size the next one's buffer. */
  private lastSize = 64 * 1024;
  /** Shared by every scrape rendered in slices. */
  private readonly turns = new TurnQueue();

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
   * With a finite `sliceMs`, rendering starts on a turn of the event loop (TurnQueue) rather than
   * in the request's own callback, and yields after each chunk and, between families, once it
   * has run for `sliceMs`, so a due tick or price request waits behind at most one slice of one
   * scrape however many are in flight.
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
    const sliced = Number.isFinite(sliceMs);
    const yieldNow = async () => {
      await (sliced ? this.turns.next() : new Promise<void>((resolve) => setImmediate(resolve)));
      sliceStart = performance.now();
    };
    if (sliced) await yieldNow();
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
