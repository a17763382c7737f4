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
}

const json = (value: unknown): Buffer[] => [Buffer.from(JSON.stringify(value))];

/** Longest market name echoed back in an error. */
const MAX_ECHO = 64;

export interface StatusEndpointOptions {
  /** Longest stretch of building without yielding to the event loop (ms). */
  sliceMs: number;
}

export class StatusEndpoint {
  private cached: { seq: number; map: MarketMap; body: Promise<Buffer[]> } | undefined;
  /** The size of the last whole-map answer: the next one's buffer starts that large. */
  private lastSize = 64 * 1024;

  constructor(
    private readonly source: () => StatusSource,
    private readonly o: StatusEndpointOptions = { sliceMs: 4 },
  ) {}

  async answer(market: string | undefined, now = Date.now()): Promise<StatusAnswer> {
    if (market !== undefined) {
      const report = explain(this.source(), now, market);
      if (report) return { code: 200, body: json(report) };
      const name = market.slice(0, MAX_ECHO);
      return { code: 404, body: json({ error: `market ${name} is not in the market map`, market: name }) };
    }
    const src = this.source();
    const seq = src.lastTick?.current ? src.lastTick.seq : -1;
    const hit = this.cached;
    if (hit && hit.seq === seq && hit.map === src.marketMap) return { code: 200, body: await hit.body };
    const body = this.build(src.marketMap, now);
    this.cached = { seq, map: src.marketMap, body };
    body.catch(() => {
      if (this.cached?.body === body) this.cached = undefined;
    });
    return { code: 200, body: await body };
  }

  /** The whole map, slice by slice, into one buffer; each market reads the source as it is at
   *  its slice. */
  private async build(map: MarketMap, now: number): Promise<Buffer[]> {
    const entries = marketEntries(map);
    const builder = new ReportBuilder(this.source(), now);
    const w = new ByteWriter(this.lastSize);
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
    return [Buffer.from(head), w.result(), Buffer.from(tail)];
  }
}
