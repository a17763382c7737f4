/**
 * The one moving price book every simulated exchange quotes from.
 *
 * - Assets are priced in USD (USD itself is fixed at 1). A pair's price is
 *   base_usd / quote_usd, times the exchange's fixed multiplicative offset (1 + bps/10^4).
 * - Every `stepMs` each asset takes a bounded random walk step: a uniform relative move of
 *   at most `volBps` basis points, reflected to stay within ±`bandPct` % of its anchor (the
 *   start price, or the last value given to `set`). The PRNG is seeded (mulberry32), so the
 *   same seed and the same number of steps give the same prices.
 * - `freeze(true)` stops the walk for everyone; `set` still applies.
 * - `freezeExchange(name, true)` pins one exchange to a copy of the prices at that moment
 *   (later walks and `set` calls do not reach it) until `freezeExchange(name, false)`.
 */

export const DEFAULT_USD: Readonly<Record<string, number>> = {
  BTC: 65000,
  ETH: 3400,
  SOL: 150,
  USDT: 1.0002,
  USDC: 0.9999,
  ATOM: 8,
  OSMO: 0.5,
  TIA: 6,
  DYDX: 1.5,
  DOGE: 0.15,
};

const STABLES = new Set(['USDT', 'USDC']);
const ASSET_NAME = /^[A-Z0-9]{1,20}$/;

interface Walk {
  usd: number;
  anchor: number;
  volBps: number;
  bandPct: number;
}

export interface PriceBookOptions {
  seed?: number;
  stepMs?: number;
  /** Fixed per-exchange offset in basis points; exchanges not listed quote the raw book. */
  offsetsBps?: Record<string, number>;
}

/** mulberry32: a tiny, well-known 32-bit seeded PRNG returning floats in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function walkFor(usd: number, asset: string): Walk {
  const stable = STABLES.has(asset);
  return { usd, anchor: usd, volBps: stable ? 0.2 : 3, bandPct: stable ? 0.3 : 5 };
}

export class PriceBook {
  readonly stepMs: number;
  private readonly walks = new Map<string, Walk>();
  private readonly views = new Map<string, Map<string, number>>();
  private readonly offsets: Record<string, number>;
  private readonly random: () => number;
  private timer: NodeJS.Timeout | undefined;
  private isFrozen = false;

  constructor(opts: PriceBookOptions = {}) {
    this.stepMs = opts.stepMs ?? 500;
    this.offsets = { ...(opts.offsetsBps ?? {}) };
    this.random = mulberry32(opts.seed ?? 1);
    for (const [asset, usd] of Object.entries(DEFAULT_USD)) this.walks.set(asset, walkFor(usd, asset));
  }

  /** Start stepping every `stepMs` (unref'd timer). */
  start(): void {
    if (this.timer !== undefined || this.stepMs <= 0) return;
    this.timer = setInterval(() => this.step(), this.stepMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One random-walk step for every asset (no-op while frozen). */
  step(): void {
    if (this.isFrozen) return;
    for (const walk of this.walks.values()) {
      const move = (this.random() * 2 - 1) * (walk.volBps / 10_000);
      const lo = walk.anchor * (1 - walk.bandPct / 100);
      const hi = walk.anchor * (1 + walk.bandPct / 100);
      let next = walk.usd * (1 + move);
      if (next > hi) next = hi - (next - hi);
      if (next < lo) next = lo + (lo - next);
      walk.usd = next;
    }
  }

  get frozen(): boolean {
    return this.isFrozen;
  }

  freeze(frozen: boolean): void {
    this.isFrozen = frozen;
  }

  /** Pin (or release) one exchange's view of the book. */
  freezeExchange(exchange: string, frozen: boolean): void {
    if (!frozen) this.views.delete(exchange);
    else if (!this.views.has(exchange)) this.views.set(exchange, new Map(Object.entries(this.snapshot())));
  }

  isExchangeFrozen(exchange: string): boolean {
    return this.views.has(exchange);
  }

  has(asset: string): boolean {
    return asset === 'USD' || this.walks.has(asset);
  }

  /** Every asset in the book except USD, in insertion order. */
  assets(): string[] {
    return [...this.walks.keys()];
  }

  usd(asset: string): number | undefined {
    return asset === 'USD' ? 1 : this.walks.get(asset)?.usd;
  }

  /** Set an asset's USD price (adding the asset if new) and re-anchor its walk there. */
  set(asset: string, usd: number): void {
    if (!ASSET_NAME.test(asset) || asset === 'USD') {
      throw new RangeError(`asset must be an upper-case symbol other than USD, got ${JSON.stringify(asset)}`);
    }
    if (!Number.isFinite(usd) || usd <= 0) throw new RangeError(`usd must be a finite number > 0, got ${usd}`);
    this.walks.set(asset, walkFor(usd, asset));
  }

  /** USD price of every asset (USD excluded). */
  snapshot(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [asset, walk] of this.walks) out[asset] = walk.usd;
    return out;
  }

  offsetBps(exchange: string): number {
    return this.offsets[exchange] ?? 0;
  }

  /** base/quote as the exchange quotes it (offset and its freeze applied), or undefined. */
  price(exchange: string, base: string, quote: string): number | undefined {
    const view = this.views.get(exchange);
    const usdOf = (asset: string): number | undefined => (asset === 'USD' ? 1 : (view?.get(asset) ?? this.usd(asset)));
    const b = usdOf(base);
    const q = usdOf(quote);
    if (b === undefined || q === undefined || base === quote) return undefined;
    return (b / q) * (1 + this.offsetBps(exchange) / 10_000);
  }
}
