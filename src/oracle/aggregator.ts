/**
 * The aggregation tick (connect oracle/update.go, pkg/math/oracle/aggregator.go). The only
 * writer of the served snapshot. Per enabled market:
 *   1. each provider config's converted price: the fresh quote (age ≤ maxPriceAge), inverted
 *      first if `invert`, then multiplied by the PREVIOUS tick's median of normalize_by_pair;
 *   2. the median of the converted prices (even count: mean of the two middle values);
 *   3. fewer than min_provider_count → the market is dropped this tick (no carry-forward);
 *   4. otherwise served as trunc(median × 10^decimals), computed exactly in decimal.
 *
 * The market map is compiled once into a plan holding the store's quote slots and metric series
 * indexes, so a tick does no string building, no label work and no lookups. (At 1000 × 8 feeds
 * a tick is bound by memory latency: the plan holds numbers and slots, not an object per series.)
 * Feeds are ordered by their float64 converted prices, which order the exact values correctly
 * unless two are within rounding error of each other (then they are compared exactly). Exact
 * values (plain decimal text, decimal.ts) are computed only for the median's one or two feeds and
 * for such near-ties, and kept while the quote is unchanged; a plain quote is its own exact value.
 */
import { pairString, type MarketMap } from '../config/types.js';
import type { Metrics } from '../metrics/metrics.js';
import { compare, invert, midpoint, times, toPlain, truncateScaled } from './decimal.js';
import type { QuoteSlot, QuoteStore } from './store.js';

export interface Snapshot {
  /** BASE/QUOTE → integer string, keys sorted. */
  readonly prices: Readonly<Record<string, string>>;
  /** When the tick ran; null before the first tick. */
  readonly timestamp: Date | null;
  /** Enabled markets without a price this tick, sorted. */
  readonly missing: readonly string[];
}

export const EMPTY_SNAPSHOT: Snapshot = Object.freeze({ prices: Object.freeze({}), timestamp: null, missing: Object.freeze([]) });

/** One provider config of a market, compiled, with its current values as scratch. */
interface FeedPlan {
  /** The quote slot of the off-chain ticker as configured, and of its other spellings (upper-
   *  and lower-cased, when different): adapters key quotes by any of them. */
  readonly slot: QuoteSlot;
  readonly otherSlots: readonly QuoteSlot[];
  readonly invert: boolean;
  /** The normalize_by_pair market (null: none; undefined: a pair the plan does not serve). */
  normalizeBy: MarketPlan | null | undefined;
  /** Indexes of its series: provider updates (success true, false), price, deviation. */
  readonly okAt: number;
  readonly failedAt: number;
  readonly priceAt: number;
  readonly deviationAt: number;
  /** The slot, at its version, that the values below derive from. */
  from: QuoteSlot | undefined;
  version: number;
  /** Its price as float64, inverted if configured (NaN when not a positive number). */
  base: number;
  /** The quote's price string when it is exactly this feed's converted price: plain decimal
   *  text, neither inverted nor normalised. */
  plainText: string | undefined;
  /** Its price, exactly, inverted if configured; computed when first needed. */
  baseExact: string | undefined;
  /** The normalising median (exact) applied this tick (undefined without normalisation). */
  norm: string | undefined;
  /** This tick's converted price as float64: exact for a plain quote, else within 1e-15. */
  value: number;
  /** This tick's converted price, exactly; computed when first needed. */
  exact: string | undefined;
}

interface MarketPlan {
  readonly key: string;
  readonly id: string;
  readonly decimals: number;
  readonly minProviders: number;
  readonly feeds: readonly FeedPlan[];
  /** Indexes of its series: provider count, served, ticker updates, aggregated price. */
  readonly providerCountAt: number;
  readonly servedAt: number;
  readonly tickerUpdatesAt: number;
  readonly aggregatedAt: number;
  /** Unscaled median (exact) of the previous tick and of this one (undefined: not served), and
   *  the float64 nearest each. */
  previous: string | undefined;
  current: string | undefined;
  previousValue: number;
  currentValue: number;
  /** Scratch for the feeds with a price, in ascending order (as long as `feeds`). */
  readonly sorted: FeedPlan[];
  /** The exact middle values the current median was computed from. */
  lo: string | undefined;
  hi: string | undefined;
  /** The median last scaled, and its scaled string. */
  scaledOf: string | undefined;
  scaled: string;
}

/**
 * Two converted floats further apart than this (relative) are ordered as their exact values are:
 * each float is within ~5e-16 of its exact value (parse, inversion, normalisation roundings).
 */
const TIE = 1e-14;

export class Aggregator {
  private plan: MarketPlan[] = [];

  constructor(
    marketMap: MarketMap,
    private readonly store: QuoteStore,
    private readonly metrics: Metrics,
    private readonly maxPriceAgeMs: number,
  ) {
    this.setMarketMap(marketMap);
  }

  setMarketMap(map: MarketMap): void {
    const m = this.metrics;
    // Series of markets and feeds that left the map (or were disabled) leave the exposition.
    m.priceDeviation.reset();
    m.marketPriceServed.reset();
    m.marketMinProviders.reset();
    const plan: MarketPlan[] = [];
    const normalizers: Array<[FeedPlan, string]> = [];
    for (const [key, market] of Object.entries(map.markets)) {
      const { ticker } = market;
      if (!ticker.enabled) continue;
      const id = pairString(ticker.currency_pair);
      const idLabel = id.toLowerCase();
      m.marketMinProviders.set({ id: idLabel }, ticker.min_provider_count);
      const decimals = String(ticker.decimals);
      const feeds = market.provider_configs.map((pc): FeedPlan => {
        const provider = pc.name.toLowerCase();
        const t = pc.off_chain_ticker;
        const others = [...new Set([t.toUpperCase(), t.toLowerCase()])].filter((s) => s !== t);
        const feed: FeedPlan = {
          slot: this.store.slot(pc.name, t),
          otherSlots: others.map((s) => this.store.slot(pc.name, s)),
          invert: pc.invert,
          normalizeBy: null,
          okAt: m.providerUpdates.indexOf({ provider, id: idLabel, success: 'true' }),
          failedAt: m.providerUpdates.indexOf({ provider, id: idLabel, success: 'false' }),
          priceAt: m.providerPrice.indexOf({ provider, id: idLabel, decimals }),
          deviationAt: m.priceDeviation.indexOf({ provider, id: idLabel }),
          from: undefined,
          version: 0,
          base: Number.NaN,
          plainText: undefined,
          baseExact: undefined,
          norm: undefined,
          value: Number.NaN,
          exact: undefined,
        };
        if (pc.normalize_by_pair) normalizers.push([feed, pairString(pc.normalize_by_pair)]);
        return feed;
      });
      plan.push({
        key,
        id,
        decimals: ticker.decimals,
        minProviders: ticker.min_provider_count,
        feeds,
        providerCountAt: m.marketProviders.indexOf({ id: idLabel }),
        servedAt: m.marketPriceServed.indexOf({ id: idLabel }),
        tickerUpdatesAt: m.tickerUpdates.indexOf({ id: idLabel }),
        aggregatedAt: m.aggregatedPrice.indexOf({ id: idLabel, decimals }),
        previous: undefined,
        current: undefined,
        previousValue: Number.NaN,
        currentValue: Number.NaN,
        sorted: feeds.slice(),
        lo: undefined,
        hi: undefined,
        scaledOf: undefined,
        scaled: '',
      });
    }
    plan.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const byId = new Map(plan.map((mk) => [mk.id, mk]));
    for (const [feed, pair] of normalizers) feed.normalizeBy = byId.get(pair);
    // The last tick's medians carry over, so normalisation continues across a reload.
    for (const old of this.plan) {
      const mk = byId.get(old.id);
      if (mk) {
        mk.current = old.current;
        mk.currentValue = old.currentValue;
      }
    }
    this.plan = plan;
  }

  tick(now = Date.now()): Snapshot {
    const started = performance.now();
    const m = this.metrics;
    const { providerUpdates, providerPrice, priceDeviation, marketProviders, marketPriceServed, tickerUpdates, aggregatedPrice } = m;
    const prices: Record<string, string> = {};
    const missing: string[] = [];
    for (const market of this.plan) {
      market.previous = market.current;
      market.previousValue = market.currentValue;
      market.current = undefined;
    }
    for (const market of this.plan) {
      // Feeds with a price, kept in ascending order by insertion (at most a few per market).
      const priced = market.sorted;
      let count = 0;
      for (const feed of market.feeds) {
        if (!this.convert(feed, now)) {
          providerUpdates.incAt(feed.failedAt);
          priceDeviation.clearAt(feed.deviationAt);
          continue;
        }
        providerUpdates.incAt(feed.okAt);
        // A plain quote is exposed as the exchange wrote it (it parses to the same float64).
        if (feed.plainText !== undefined) providerPrice.setTextAt(feed.priceAt, feed.value, feed.plainText);
        else providerPrice.setAt(feed.priceAt, feed.value);
        let i = count++;
        while (i > 0 && above(priced[i - 1] as FeedPlan, feed)) {
          priced[i] = priced[i - 1] as FeedPlan;
          i -= 1;
        }
        priced[i] = feed;
      }
      marketProviders.setAt(market.providerCountAt, count);
      if (count === 0 || count < market.minProviders) {
        marketPriceServed.setAt(market.servedAt, 0);
        for (let i = 0; i < count; i++) priceDeviation.clearAt((priced[i] as FeedPlan).deviationAt);
        missing.push(market.key);
        continue;
      }
      marketPriceServed.setAt(market.servedAt, 1);
      const mid = count >> 1;
      const hiFeed = priced[mid] as FeedPlan;
      const hi = exactOf(hiFeed);
      const lo = count % 2 === 0 ? exactOf(priced[mid - 1] as FeedPlan) : hi;
      let med: string;
      let medValue: number;
      if (lo === market.lo && hi === market.hi && market.previous !== undefined) {
        // The same middle values as at the previous tick: the same median.
        med = market.previous;
        medValue = market.previousValue;
      } else if (lo === hi) {
        med = hi;
        medValue = hiFeed.plainText !== undefined ? hiFeed.value : Number(med);
      } else {
        med = midpoint(lo, hi);
        medValue = Number(med);
      }
      market.lo = lo;
      market.hi = hi;
      for (let i = 0; i < count; i++) {
        const feed = priced[i] as FeedPlan;
        priceDeviation.setAt(feed.deviationAt, (feed.value - medValue) / medValue);
      }
      market.current = med;
      market.currentValue = medValue;
      if (market.scaledOf !== med) {
        market.scaledOf = med;
        market.scaled = truncateScaled(med, market.decimals);
      }
      prices[market.id] = market.scaled;
      tickerUpdates.incAt(market.tickerUpdatesAt);
      aggregatedPrice.setAt(market.aggregatedAt, medValue);
    }
    m.systemUpdates.inc();
    m.lastTickTimestamp.set(now / 1000);
    m.tickDuration.observe((performance.now() - started) / 1000);
    return Object.freeze({
      prices: Object.freeze(prices),
      timestamp: new Date(now),
      missing: Object.freeze(missing.sort()),
    });
  }

  /** Set the feed's converted price (invert, then normalise); false when it has none. */
  private convert(feed: FeedPlan, now: number): boolean {
    const quote = this.freshQuote(feed, now);
    if (!quote) return false;
    if (quote !== feed.from || quote.version !== feed.version) {
      feed.from = quote;
      feed.version = quote.version;
      feed.base = feed.invert ? 1 / quote.value : quote.value;
      feed.plainText = !feed.invert && feed.normalizeBy === null && quote.plain ? quote.price : undefined;
      feed.baseExact = undefined;
      feed.exact = undefined;
    }
    if (!(feed.base > 0 && feed.base < Infinity)) return false;
    if (feed.normalizeBy === null) {
      feed.value = feed.base;
      return true;
    }
    const by = feed.normalizeBy;
    const norm = by?.previous;
    if (norm === undefined) return false;
    if (norm !== feed.norm) {
      feed.norm = norm;
      feed.exact = undefined;
    }
    feed.value = feed.base * (by as MarketPlan).previousValue;
    return true;
  }

  private freshQuote(feed: FeedPlan, now: number): QuoteSlot | undefined {
    let q: QuoteSlot | undefined = feed.slot;
    if (!q.held) q = feed.otherSlots.find((s) => s.held);
    return q && now - q.at <= this.maxPriceAgeMs ? q : undefined;
  }
}

/** The feed's converted price this tick, exactly: parse, invert, normalise (each once). */
function exactOf(feed: FeedPlan): string {
  if (feed.plainText !== undefined) return feed.plainText;
  let e = feed.exact;
  if (e === undefined) {
    let b = feed.baseExact;
    if (b === undefined) {
      b = toPlain((feed.from as QuoteSlot).price);
      if (feed.invert) b = invert(b);
      feed.baseExact = b;
    }
    e = feed.norm !== undefined ? times(b, feed.norm) : b;
    feed.exact = e;
  }
  return e;
}

/** Whether a's converted price is above b's: by float64 unless within TIE of each other, then
 *  exactly. (A boolean, not a float difference: a returned float would be boxed.) */
function above(a: FeedPlan, b: FeedPlan): boolean {
  const d = a.value - b.value;
  if (Math.abs(d) > TIE * Math.max(a.value, b.value)) return d > 0;
  return compare(exactOf(a), exactOf(b)) > 0;
}
