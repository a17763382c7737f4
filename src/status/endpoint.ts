/**
 * The answers of `GET /status[?market=BASE/QUOTE]`. The whole map's answer (a few MB of JSON at
 * 1000 markets × 8 providers) is built in slices of SLICE_MS with the event loop free between
 * them, so asking never delays a tick by more than a slice; each market is read whole within one
 * slice and carries the time of the tick it shows. It is built once per tick at most, however
 * often it is asked for: requests during a build share it, later ones in the same tick reuse it.
 */
import type { MarketMap } from '../config/types.js';
import { ByteWriter } from '../metrics/byte-writer.js';
import { explain, explainMarket, marketEntries, ReportBuilder, type StatusSource } from './explain.js';

export interface StatusAnswer {
  readonly code: number;
  /** The JSON text, in pieces to write in order. */
  readonly body: readonly Buffer[];
  /** Call once the body is written out or dropped: its buffer may then be reused. */
  readonly release: () => void;
}

const json = (value: unknown): Buffer[] => [Buffer.from(JSON.stringify(value))];
const noop = (): void => undefined;

/** A whole-map answer, and how many responses are still writing it. */
class Built {
  /** The buffer its markets were written into, once built; undefined once recycled. */
  buf: Buffer | undefined;
  users = 0;
  readonly body: Promise<Buffer[]>;

  constructor(
    readonly seq: number,
    readonly map: MarketMap,
    built: Promise<{ body: Buffer[]; buf: Buffer }>,
  ) {
    this.body = built.then((r) => {
      this.buf = r.buf;
      return r.body;
    });
  }
}

/** Longest market name echoed back in an error. */
const MAX_ECHO = 64;

export interface StatusEndpointOptions {
  /** Longest stretch of building without yielding to the event loop (ms). */
  sliceMs: number;
}

export class StatusEndpoint {
  private cached: Built | undefined;
  /** The buffer of an answer no response writes any more, for the next build: a new 2-MB buffer
   *  per build (external memory) made V8 run a full collection every few seconds. */
  private spare: Buffer | undefined;
  /** The size of the last whole-map answer: the next one's buffer starts that large. */
  private lastSize = 64 * 1024;

  constructor(
    private readonly source: () => StatusSource,
    private readonly o: StatusEndpointOptions = { sliceMs: 4 },
  ) {}

  async answer(market: string | undefined, now = Date.now()): Promise<StatusAnswer> {
    if (market !== undefined) {
      const report = explain(this.source(), now, market);
      if (report) return { code: 200, body: json(report), release: noop };
      const name = market.slice(0, MAX_ECHO);
      return { code: 404, body: json({ error: `market ${name} is not in the market map`, market: name }), release: noop };
    }
    const src = this.source();
    const seq = src.lastTick?.current ? src.lastTick.seq : -1;
    let built = this.cached;
    if (!built || built.seq !== seq || built.map !== src.marketMap) {
      const old = built;
      built = new Built(seq, src.marketMap, this.build(src.marketMap, now));
      this.cached = built;
      if (old) this.recycle(old);
    }
    const answer = built;
    answer.users += 1;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      answer.users -= 1;
      this.recycle(answer);
    };
    try {
      return { code: 200, body: await answer.body, release };
    } catch (err) {
      if (this.cached === answer) this.cached = undefined;
      release();
      throw err;
    }
  }

  /** Keep the buffer of an answer that is neither cached nor being written, for the next build. */
  private recycle(b: Built): void {
    if (b === this.cached || b.users > 0 || b.buf === undefined) return;
    if (!this.spare || this.spare.length < b.buf.length) this.spare = b.buf;
    b.buf = undefined;
  }

  /** The whole map, slice by slice, into one buffer; each market reads the source as it is at
   *  its slice. */
  private async build(map: MarketMap, now: number): Promise<{ body: Buffer[]; buf: Buffer }> {
    const entries = marketEntries(map);
    const builder = new ReportBuilder(this.source(), now);
    const w = new ByteWriter(this.lastSize, this.spare);
    this.spare = undefined;
    let i = 0;
    while (i < entries.length) {
      const src = this.source();
      const until = performance.now() + this.o.sliceMs;
      do {
        const e = entries[i] as (typeof entries)[number];
        if (i++ > 0) w.text(',');
        builder.add(e.market, e.id, explainMarket(w, src, e, now));
      } while (i < entries.length && performance.now() < until);
      if (i < entries.length) await new Promise((resolve) => setImmediate(resolve));
    }
    this.lastSize = w.length;
    const { head, tail } = builder.jsonAround();
    return { body: [Buffer.from(head), w.result(), Buffer.from(tail)], buf: w.buf };
  }
}
