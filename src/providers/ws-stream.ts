/**
 * Generic WebSocket streaming driver (connect providers/base/websocket/handlers). Tickers are
 * split into chunks of maxSubscriptionsPerConnection (0 = one chunk); each chunk runs its own
 * connection loop (ws-connection.ts) with its own adapter session.
 *
 * On a market-map change only the chunks whose tickers change reconnect: tickers stay in the
 * chunk they were in, removed ones leave their chunk, new ones fill chunks with room and then
 * new chunks. (connect tears down and re-dials every connection of the provider.)
 *
 * Dials of all the provider's connections, first ones and reconnections, keep to the exchange's
 * `dialLimit` (at most `max` in any `windowMs`), so opening many connections at once keeps to
 * its connection rate limit.
 */
import type { ProviderState } from './state.js';
import type { DialLimit, ProviderTicker } from './types.js';
import { WsConnection, type WsConnectionOptions } from './ws-connection.js';

/** Same options as one connection; `tickers` is the provider's whole list. */
export type WsStreamOptions = WsConnectionOptions;

interface Chunk {
  tickers: ProviderTicker[];
  conn: WsConnection;
}

export class WsStream {
  private chunks: Chunk[] = [];
  private nextId = 0;
  private started = false;
  private readonly pacer: DialPacer;

  constructor(private readonly o: WsStreamOptions) {
    this.pacer = new DialPacer(o.exchange.dialLimit);
    this.chunks = plan([], o.tickers, this.perConnection()).map((tickers) => this.chunk(tickers));
  }

  get tickers(): readonly ProviderTicker[] {
    return this.chunks.flatMap((c) => c.tickers);
  }

  get state(): ProviderState {
    return this.o.sink.state;
  }

  /** Number of connections this stream keeps open (one per chunk). */
  get size(): number {
    return this.chunks.length;
  }

  start(): void {
    this.started = true;
    this.configured(this.chunks.length);
    for (const c of this.chunks) c.conn.start();
  }

  /** Move to a new ticker list; resolves once the connections that changed were replaced. */
  async update(tickers: readonly ProviderTicker[]): Promise<{ kept: number; replaced: number }> {
    const old = this.chunks;
    const layout = plan(old.map((c) => c.tickers), tickers, this.perConnection());
    const next: Chunk[] = [];
    const stopping: Promise<void>[] = [];
    const reused = new Set<Chunk>();
    for (const [i, list] of layout.entries()) {
      const prev = old[i];
      if (prev && sameTickersInOrder(prev.tickers, list)) {
        next.push(prev);
        reused.add(prev);
      } else if (list.length > 0) {
        const c = this.chunk(list);
        next.push(c);
        if (this.started) c.conn.start();
      }
    }
    for (const c of old) if (!reused.has(c)) stopping.push(c.conn.stop());
    this.chunks = next;
    this.configured(next.length);
    await Promise.all(stopping);
    return { kept: reused.size, replaced: old.length - reused.size };
  }

  async stop(): Promise<void> {
    await Promise.all(this.chunks.map((c) => c.conn.stop()));
    this.configured(0);
  }

  /** The connections the provider is meant to hold: exported, and kept for /status. */
  private configured(connections: number): void {
    this.o.metrics.wsConfigured(connections);
    this.o.sink.state.configured = connections;
  }

  private perConnection(): number {
    return this.o.config.maxSubscriptionsPerConnection > 0 ? this.o.config.maxSubscriptionsPerConnection : Number.POSITIVE_INFINITY;
  }

  private chunk(tickers: ProviderTicker[]): Chunk {
    const conn = new WsConnection({ ...this.o, tickers, log: this.o.log.child({ conn: this.nextId++ }), dialSlot: () => this.pacer.reserve(Date.now()) });
    return { tickers, conn };
  }
}

/**
 * Hands out dial times so that no `windowMs` holds more than `max` of them (none: no limit);
 * `reserve` answers how long to wait. Times only move forward, so a dial never jumps ahead of
 * one reserved earlier.
 */
export class DialPacer {
  private readonly times: number[] = [];
  constructor(private readonly limit: DialLimit | undefined) {}

  reserve(now: number): number {
    if (this.limit === undefined) return 0;
    const { max, windowMs } = this.limit;
    let at = Math.max(now, this.times[this.times.length - 1] ?? now);
    if (this.times.length >= max) at = Math.max(at, (this.times[this.times.length - max] as number) + windowMs);
    this.times.push(at);
    if (this.times.length > max) this.times.shift();
    return at - now;
  }
}

/**
 * Lay `tickers` out over connections of at most `per` tickers, keeping every ticker that
 * stays in the chunk it was in. Returns one list per chunk position (possibly empty).
 */
export function plan(previous: ProviderTicker[][], tickers: readonly ProviderTicker[], per: number): ProviderTicker[][] {
  const wanted = new Map(tickers.map((t) => [t.offChainTicker, t]));
  const layout = previous.map((chunk) => chunk.filter((t) => wanted.has(t.offChainTicker)).map((t) => wanted.get(t.offChainTicker) as ProviderTicker));
  const placed = new Set(layout.flat().map((t) => t.offChainTicker));
  for (const t of tickers) {
    if (placed.has(t.offChainTicker)) continue;
    let target = layout.find((c) => c.length < per);
    if (!target) layout.push((target = []));
    target.push(t);
  }
  return layout;
}

function sameTickersInOrder(a: readonly ProviderTicker[], b: readonly ProviderTicker[]): boolean {
  return a.length === b.length && a.every((t, i) => t.offChainTicker === b[i]?.offChainTicker && t.metadataJSON === b[i]?.metadataJSON);
}
