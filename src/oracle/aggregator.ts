/**
 * The aggregation tick (connect oracle/update.go, pkg/math/oracle/aggregator.go). The only
 * writer of the served snapshot. Per enabled market:
 *   1. each provider config's converted price: the fresh quote (age ≤ maxPriceAge), inverted
 *      first if `invert`, then multiplied by the PREVIOUS tick's median of normalize_by_pair;
 *   2. the median of the converted prices (even count: mean of the two middle values);
 *   3. fewer than min_provider_count → the market is dropped this tick (no carry-forward);
 *   4. otherwise served as trunc(median × 10^decimals), computed exactly in decimal.
 */
import { pairString, type MarketMap, type MarketProviderConfig } from '../config/types.js';
import type { Metrics } from '../metrics/metrics.js';
import { dec, median, scaleTruncate, type Decimal } from './decimal.js';
import type { Quote, QuoteStore } from './store.js';

export interface Snapshot {
  /** BASE/QUOTE → integer string, keys sorted. */
  readonly prices: Readonly<Record<string, string>>;
  /** When the tick ran; null before the first tick. */
  readonly timestamp: Date | null;
  /** Enabled markets without a price this tick, sorted. */
  readonly missing: readonly string[];
}

export const EMPTY_SNAPSHOT: Snapshot = Object.freeze({ prices: Object.freeze({}), timestamp: null, missing: Object.freeze([]) });

export class Aggregator {
  /** Last tick's unscaled medians, used for normalisation. */
  private index = new Map<string, Decimal>();
  /** Parsed prices by stored quote object (a new quote object replaces it in the store). */
  private readonly decimals = new WeakMap<Quote, Decimal>();

  constructor(
    private marketMap: MarketMap,
    private readonly store: QuoteStore,
    private readonly metrics: Metrics,
    private readonly maxPriceAgeMs: number,
  ) {}

  setMarketMap(map: MarketMap): void {
    this.marketMap = map;
  }

  tick(now = Date.now()): Snapshot {
    const started = performance.now();
    const m = this.metrics;
    m.priceDeviation.reset();
    m.marketPriceServed.reset();
    const index = new Map<string, Decimal>();
    const scaled: Array<[string, string]> = [];
    const missing: string[] = [];
    for (const [key, market] of Object.entries(this.marketMap.markets)) {
      const { ticker } = market;
      if (!ticker.enabled) continue;
      const id = pairString(ticker.currency_pair);
      const idLabel = id.toLowerCase();
      const decimals = String(ticker.decimals);
      const converted: Decimal[] = [];
      const feeds: Array<[string, number]> = [];
      for (const pc of market.provider_configs) {
        const price = this.convertedPrice(pc, now);
        const provider = pc.name.toLowerCase();
        m.providerUpdates.inc({ provider, id: idLabel, success: price ? 'true' : 'false' });
        if (!price) continue;
        converted.push(price);
        const value = price.toNumber();
        feeds.push([provider, value]);
        m.providerPrice.set({ provider, id: idLabel, decimals }, value);
      }
      m.marketProviders.set({ id: idLabel }, converted.length);
      m.marketMinProviders.set({ id: idLabel }, ticker.min_provider_count);
      const served = converted.length > 0 && converted.length >= ticker.min_provider_count;
      m.marketPriceServed.set({ id: idLabel }, served ? 1 : 0);
      if (!served) {
        missing.push(key);
        continue;
      }
      const med = median(converted);
      const medValue = med.toNumber();
      for (const [provider, value] of feeds) m.priceDeviation.set({ provider, id: idLabel }, (value - medValue) / medValue);
      index.set(id, med);
      scaled.push([id, scaleTruncate(med, ticker.decimals)]);
      m.tickerUpdates.inc({ id: idLabel });
      m.aggregatedPrice.set({ id: idLabel, decimals }, medValue);
    }
    this.index = index;
    m.systemUpdates.inc();
    m.lastTickTimestamp.set(now / 1000);
    m.tickDuration.observe((performance.now() - started) / 1000);
    scaled.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.freeze({
      prices: Object.freeze(Object.fromEntries(scaled)),
      timestamp: new Date(now),
      missing: Object.freeze(missing.sort()),
    });
  }

  /** The provider config's price after invert and normalisation, or undefined when unavailable. */
  private convertedPrice(pc: MarketProviderConfig, now: number): Decimal | undefined {
    const quote = this.freshQuote(pc.name, pc.off_chain_ticker, now);
    if (!quote) return undefined;
    let p = this.parsed(quote);
    if (!p) return undefined;
    if (pc.invert) p = dec(1).div(p);
    if (pc.normalize_by_pair) {
      const norm = this.index.get(pairString(pc.normalize_by_pair));
      if (!norm) return undefined;
      p = p.times(norm);
    }
    return p;
  }

  private freshQuote(provider: string, ticker: string, now: number): Quote | undefined {
    const q = this.store.get(provider, ticker) ?? this.store.get(provider, ticker.toUpperCase()) ?? this.store.get(provider, ticker.toLowerCase());
    return q && now - q.at <= this.maxPriceAgeMs ? q : undefined;
  }

  /** The quote as an exact decimal, parsed once per stored quote; undefined if unusable. */
  private parsed(quote: Quote): Decimal | undefined {
    let p = this.decimals.get(quote);
    if (p === undefined) {
      p = dec(quote.price);
      this.decimals.set(quote, p);
    }
    return p.isFinite() && p.isPositive() && !p.isZero() ? p : undefined;
  }
}
